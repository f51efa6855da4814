"""PALMS totals and absence alerts: plain values in, plain values out."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

CODES = ("present", "absent", "late", "medical", "substitute")


@dataclass
class PalmsLine:
    """A member's PALMS totals over a period, and what the other features add to it."""

    user_id: int
    name: str
    counts: Counter[str] = field(default_factory=Counter)
    visitors: int = 0
    one_to_ones: int = 0
    referrals_given: int = 0
    referrals_received: int = 0
    tyfcb: dict[str, Decimal] = field(default_factory=dict)  # TYFCB given, per currency
    tyfcb_given_total: Decimal = Decimal(0)  # in the club's reporting currency only

    def __getattr__(self, code: str) -> int:
        if code in CODES:
            return self.counts[code]
        raise AttributeError(code)

    @property
    def attended(self) -> int:
        """Meetings where the member or a substitute was there (P, L, S)."""
        return self.counts["present"] + self.counts["late"] + self.counts["substitute"]

    @property
    def expected(self) -> int:
        return sum(self.counts[c] for c in CODES)


def counted_absences(codes: Iterable[str]) -> int:
    """Absences that count against the rule: substitutes and medical do not."""
    return sum(1 for code in codes if code == "absent")


def over_threshold(absences: int, threshold: int) -> bool:
    """The usual rule: at most ``threshold`` absences in a rolling six months."""
    return absences > threshold


def rate(attended: int, expected: int) -> float | None:
    """Attendance rate in [0, 1], or None when nothing was expected."""
    return None if expected == 0 else attended / expected


# Scorecards (traffic lights), as BNI chapters compute them over the last six months.
# One table: metric -> bands (threshold, points), best first; "absences" counts down.
# An app may replace it with the SCORECARD setting (same shape).
SCORECARD: dict[str, object] = {
    "weeks": 26,
    "bands": {
        "absences": [(0, 20), (1, 15), (2, 10), (3, 5)],  # at most N absences -> points
        "referrals_per_week": [(1.25, 25), (1.0, 20), (0.75, 15), (0.5, 10), (0.25, 5)],
        "visitors": [(5, 20), (3, 15), (2, 10), (1, 5)],
        "one_to_ones_per_week": [(1.0, 20), (0.75, 15), (0.5, 10), (0.25, 5)],
        "tyfcb": [(50_000, 15), (20_000, 10), (5_000, 5)],  # in the club's reporting currency
    },
    "lights": [(70, "green"), (50, "amber"), (30, "red"), (0, "grey")],
}


@dataclass
class Scorecard:
    """A member's figures over the period, their points per metric, score and light."""

    user_id: int
    name: str
    absences: int = 0
    attended: int = 0
    referrals_given: int = 0
    referrals_received: int = 0
    visitors: int = 0
    one_to_ones: int = 0
    tyfcb_given: Decimal = Decimal(0)  # in the club's reporting currency, the one scored
    currency: str = "EUR"  # that reporting currency
    tyfcb_other: dict[str, Decimal] = field(default_factory=dict)  # other currencies, shown unconverted
    points: dict[str, int] = field(default_factory=dict)
    score: int = 0
    light: str = "grey"


def _points(value: float | Decimal, bands: list[tuple[float, int]], lower_is_better: bool = False) -> int:
    for threshold, points in bands:
        if (value <= threshold) if lower_is_better else (value >= threshold):
            return points
    return 0


def score(card: Scorecard, table: dict | None = None) -> Scorecard:
    """Fill ``points``, ``score`` and ``light`` of a card from the table."""
    table = table or SCORECARD
    weeks = float(table["weeks"])  # type: ignore[arg-type]
    bands = table["bands"]
    assert isinstance(bands, dict)
    card.points = {
        "absences": _points(card.absences, bands["absences"], lower_is_better=True),
        "referrals": _points(card.referrals_given / weeks, bands["referrals_per_week"]),
        "visitors": _points(card.visitors, bands["visitors"]),
        "one_to_ones": _points(card.one_to_ones / weeks, bands["one_to_ones_per_week"]),
        "tyfcb": _points(card.tyfcb_given, bands["tyfcb"]),
    }
    card.score = sum(card.points.values())
    lights = table["lights"]
    assert isinstance(lights, list)
    card.light = next(name for minimum, name in lights if card.score >= minimum)
    return card

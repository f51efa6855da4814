"""PALMS totals and absence alerts: plain values in, plain values out."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

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
    tyfcb_given_total: float = 0.0

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


def tally(records: Iterable[tuple[int, str]]) -> Counter[tuple[int, str]]:
    """(user_id, code) -> count."""
    return Counter(records)


def counted_absences(codes: Iterable[str]) -> int:
    """Absences that count against the rule: substitutes and medical do not."""
    return sum(1 for code in codes if code == "absent")


def over_threshold(absences: int, threshold: int) -> bool:
    """The usual rule: at most ``threshold`` absences in a rolling six months."""
    return absences > threshold


def rate(attended: int, expected: int) -> float | None:
    """Attendance rate in [0, 1], or None when nothing was expected."""
    return None if expected == 0 else attended / expected

"""What the referral pages show: labels in the reader's language, amounts, and the member's card charts."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date as format_month
from babel.numbers import format_compact_currency, format_currency, format_decimal
from flask import current_app
from flask_babel import format_date, format_time, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from clubapp.core import charts, wording
from clubapp.core.money import ordered
from clubapp.core.scoring import SCORECARD
from clubapp.referrals.forms import status_choices, temperature_choices

GIVEN_COLOUR, RECEIVED_COLOUR = "#1d4ed8", "#0f766e"


def _locale() -> str:
    return str(get_locale() or "en")


def money(amount: Decimal | float | None, currency: str | None = "EUR") -> str:
    """12 500,50 € / €12,500.50; whole amounts without cents: 8 400 € / €8,400."""
    if amount is None:
        return "—"
    locale = Locale.parse(_locale())
    if Decimal(str(amount)) == Decimal(str(amount)).to_integral_value():
        pattern = locale.currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
        return format_currency(amount, currency or "EUR", format=pattern, locale=locale, currency_digits=False)
    return format_currency(amount, currency or "EUR", locale=locale)


def amount_text(amount: Decimal | None) -> str:
    """An amount as the amount field shows it for editing, in the reader's format: 12500,50 / 12500.50."""
    return "" if amount is None else format_decimal(amount, format="0.00", locale=_locale())


def when(moment: datetime) -> str:
    """A date and a time without seconds, in the reader's time zone: Nov 23, 2026, 7:01 PM."""
    return f"{wording.first_of_month(format_date(moment, 'medium'), get_locale())}, {format_time(moment, 'short')}"


def status_label(status: str) -> str:
    return str(dict(status_choices()).get(status, status))


def kind_label(kind: str) -> str:
    return _("Inside the club") if kind == "internal" else _("Outside the club")


def temperature_label(temperature: int) -> str:
    return str(dict(temperature_choices()).get(str(temperature), temperature))


def light_label(light: str) -> str:
    return {"green": _("Green"), "amber": _("Amber"), "red": _("Red")}.get(light, _("Grey"))


def table() -> dict[str, Any]:
    return current_app.config.get("SCORECARD") or SCORECARD


def amounts(totals: dict[str, Decimal], first: str | None = None) -> str:
    """Money per currency, side by side and never added: "8 400 € · 50 000 PEN"; 0 in ``first`` when empty."""
    if not totals:
        return money(0, first or "EUR")
    return " · ".join(money(amount, code) for code, amount in ordered(totals, first))


def light_bands() -> list[tuple[str, int, int | None]]:
    """(light, from, to) for the legend: green 70+, amber 50-69..."""
    lights = list(table()["lights"])
    bands = []
    for index, (minimum, name) in enumerate(lights):
        upper = lights[index - 1][0] - 1 if index else None
        bands.append((name, minimum, upper))
    return bands


def points_rows(card: Any) -> list[dict[str, Any]]:
    """Each metric of the card: what the member did, the points it earns and the most it could."""
    bands = table()["bands"]
    tyfcb = money(card.tyfcb_given, card.currency)
    if card.tyfcb_other:  # shown beside, unconverted; only the reporting currency is scored
        tyfcb = f"{tyfcb} ({_('also %(amounts)s', amounts=amounts(card.tyfcb_other))})"
    rows = [
        ("absences", _("Absences"), str(card.absences), bands["absences"]),
        ("referrals", _("Referrals given"), str(card.referrals_given), bands["referrals_per_week"]),
        ("visitors", _("Visitors invited"), str(card.visitors), bands["visitors"]),
        ("one_to_ones", _("One-to-ones"), str(card.one_to_ones), bands["one_to_ones_per_week"]),
        ("tyfcb", _("TYFCB given"), tyfcb, bands["tyfcb"]),
    ]
    return [{"key": key, "label": label, "value": value, "points": card.points.get(key, 0),
             "max": max(points for _threshold, points in metric_bands)}
            for key, label, value, metric_bands in rows]


def max_score() -> int:
    return sum(max(points for _t, points in metric) for metric in table()["bands"].values())


def month_label(month: date, long: bool = False) -> str:
    return format_month(month, "LLLL yyyy" if long else "LLL", locale=_locale())


def card_charts(series: list[dict[str, Any]], currency: str) -> dict[str, Markup]:
    """The two charts of a member's card, drawn here as SVG (no JavaScript, no CDN)."""
    labels = [month_label(row["month"]) for row in series]
    given_name, received_name = _("Given"), _("Received")

    def tip(label: str, name: str, value: float) -> str:
        count = int(value)
        if name == given_name:
            return _("%(month)s: %(num)d given", month=label, num=count)
        return _("%(month)s: %(num)d received", month=label, num=count)

    referrals = charts.grouped_bars(
        labels, [(given_name, [row["given"] for row in series], GIVEN_COLOUR),
                 (received_name, [row["received"] for row in series], RECEIVED_COLOUR)],
        title=_("Referrals given and received per month"), value_text=tip)
    tyfcb = charts.cumulative_line(
        labels, [float(row["tyfcb"]) for row in series],  # floats only to draw
        title=_("Business closed thanks to my referrals (TYFCB), cumulated"),
        fmt=lambda v: money(v, currency),
        short=lambda v: format_compact_currency(v, currency, locale=_locale()),
        empty=_("No business closed yet"))
    return {"referrals": Markup(referrals), "tyfcb": Markup(tyfcb)}  # noqa: S704 (escaped by the chart helpers)


TEMPLATE_HELPERS = {
    "money": money, "status_label": status_label, "kind_label": kind_label, "temperature_label": temperature_label,
    "light_label": light_label, "month_label": month_label, "when": when, "amounts": amounts,
}

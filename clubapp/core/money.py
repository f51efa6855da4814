"""Money: ISO 4217 codes from Babel's list, amounts as Decimal in their own currency, read as people type them.

No Flask here. Amounts of two currencies are never added: totals are ``{currency: Decimal}``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.core import get_global
from babel.numbers import NumberFormatError, get_territory_currencies, list_currencies, parse_decimal

FALLBACK_CURRENCY = "EUR"
CENT = Decimal("0.01")
# "No currency" and "testing" are in ISO 4217 but are not money anyone closes business in.
NOT_MONEY = frozenset({"XXX", "XTS"})
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_GROUPED = re.compile(r"^\d{1,3}([\s\u00a0\u202f']\d{3})+([.,]\d+)?$")
_PLAIN = re.compile(r"^\d+([.,]\d+)?$")
_NUMBER_CHARACTERS = re.compile(r"^-?[\d\s\u00a0\u202f.,']+$")  # no exponent, no currency sign


@cache
def currencies() -> frozenset[str]:
    """Every ISO 4217 code Babel knows (EUR, PEN, USD...), minus the non-money ones."""
    return frozenset(list_currencies()) - NOT_MONEY


def is_currency(code: object) -> bool:
    """True for an ISO 4217 code in upper case, such as "EUR"."""
    return isinstance(code, str) and code in currencies()


def currency_for_zone(zone: str | None) -> str:
    """The currency of the country of a time zone where Babel knows it (America/Lima -> PEN), else EUR."""
    territory = get_global("zone_territories").get(zone or "")
    if territory and territory != "ZZ":
        found = [code for code in get_territory_currencies(territory) if is_currency(code)]
        if found:
            return found[0]
    return FALLBACK_CURRENCY


def parse_amount(text: str, locale: str | None = "en") -> Decimal | None:
    """"12 500,50", "12500,50" and "12500.50" alike (and the locale's own format); None when unreadable.

    Babel reads the locale's format first; then spaces between groups of three are dropped and a lone
    comma or point is the decimal separator.
    """
    text = text.strip()
    if not _NUMBER_CHARACTERS.match(text):
        return None
    try:
        return parse_decimal(text, locale=locale or "en", strict=True)
    except (NumberFormatError, ValueError, InvalidOperation):
        pass
    if _GROUPED.match(text):
        text = _SPACES.sub("", text)
    if _PLAIN.match(text):
        return Decimal(text.replace(",", "."))
    return None


def add(totals: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    """Add ``amount`` to ``totals`` in its own currency."""
    totals[currency] = totals.get(currency, Decimal(0)) + amount


def ordered(totals: Mapping[str, Decimal], first: str | None = None) -> list[tuple[str, Decimal]]:
    """(currency, amount) pairs: ``first`` (the reporting currency) first, then the others by code."""
    return sorted(totals.items(), key=lambda item: (item[0] != first, item[0]))


def present(rows: Iterable[Mapping[str, Decimal]], first: str | None = None) -> list[str]:
    """The currencies that occur in any of ``rows``, ``first`` first (and always, when given)."""
    codes = {code for row in rows for code in row}
    if first:
        codes.add(first)
    return sorted(codes, key=lambda code: (code != first, code))

"""Small rules of written language that Babel's formats leave out. Plain functions, no Flask.

French writes the first day of a month as an ordinal ("1er décembre", "le 1er"), and lists end
with "et" ("lundi, mardi et jeudi"): CLDR's list patterns give the latter, the former is ours.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from babel.lists import format_list

# "1 décembre", "1 déc.", "jeudi 1 décembre 2026": a 1 alone before a month name or abbreviation.
_FRENCH_FIRST = re.compile(
    r"(?<![\d,.])\b1(?=[\s\u00a0\u202f](?:janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc))")


def _french(locale: object) -> bool:
    return str(locale or "").split("_")[0].lower() == "fr"


def first_of_month(text: str, locale: object) -> str:
    """'1 décembre' -> '1er décembre' in French; other languages unchanged."""
    return _FRENCH_FIRST.sub("1er", text) if _french(locale) else text


def day_of_month(day: int, locale: object) -> str:
    """A day of the month as a number in a sentence: '1er' in French, else the digits."""
    return "1er" if day == 1 and _french(locale) else str(day)


def listing(items: Sequence[str], locale: object) -> str:
    """'Monday, Tuesday, and Thursday' / 'lundi, mardi et jeudi'."""
    return format_list(list(items), locale=str(locale or "en")) if items else ""

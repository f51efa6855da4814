"""The one CSV writer every export uses: Excel-friendly and safe against formula injection.

Spreadsheets run a cell as a formula when its text starts with ``=``, ``+``, ``-`` or ``@`` (and TAB or CR
may hide such a start), so a member named ``=HYPERLINK(...)`` could leak data from an officer's sheet.
Following OWASP, such text cells get a leading single quote. Numbers the app writes (int, Decimal,
float) are never quoted: a negative amount stays a number. Decimals are written with the language's
decimal separator and no grouping ("18400,00" in French, "18400.00" in English), as that language's
spreadsheet reads a number.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from babel.numbers import get_decimal_symbol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | None


def neutralise(value: Cell) -> Cell:
    """``value`` with a leading quote when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def number(value: Decimal | float, locale: str | None) -> str:
    """A decimal number as the language's spreadsheet reads it: no grouping, its decimal separator."""
    text = format(value, "f") if isinstance(value, Decimal) else repr(float(value))
    symbol = get_decimal_symbol(locale or "en")
    return text.replace(".", symbol) if symbol != "." else text


def cell(value: Cell, locale: str | None) -> Cell:
    """A cell ready for the writer: text neutralised, decimals in the language's format."""
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return number(value, locale)
    return neutralise(value)


def delimiter_for(locale: str | None) -> str:
    """French Excel expects ';' (the comma is its decimal separator)."""
    return ";" if (locale or "").split("_")[0] == "fr" else ","


def write(header: Sequence[Cell], rows: Iterable[Sequence[Cell]], locale: str | None = "en") -> bytes:
    """UTF-8 with a BOM so that Excel opens it right, CRLF line ends, the language's delimiter."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter_for(locale), lineterminator="\r\n")
    writer.writerow([cell(value, locale) for value in header])
    for row in rows:
        writer.writerow([cell(value, locale) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

"""The one CSV writer every export uses: Excel-friendly and safe against formula injection.

Spreadsheets run a cell as a formula when its text starts with ``=``, ``+``, ``-`` or ``@`` (and TAB or CR
may hide such a start), so a member named ``=HYPERLINK(...)`` could leak data from an officer's sheet.
Following OWASP, such text cells get a leading single quote. Numbers the app writes (int, Decimal,
float) are never touched: a negative amount stays a number.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | None


def neutralise(value: Cell) -> Cell:
    """``value`` with a leading quote when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def delimiter_for(locale: str | None) -> str:
    """French Excel expects ';' (the comma is its decimal separator)."""
    return ";" if (locale or "").split("_")[0] == "fr" else ","


def write(header: Sequence[Cell], rows: Iterable[Sequence[Cell]], locale: str | None = "en") -> bytes:
    """UTF-8 with a BOM so that Excel opens it right, CRLF line ends, the language's delimiter."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter_for(locale), lineterminator="\r\n")
    writer.writerow([neutralise(value) for value in header])
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

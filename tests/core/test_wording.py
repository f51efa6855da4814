"""French ordinals and lists, without an app."""
from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date

from clubapp.core.wording import day_of_month, first_of_month, listing


@pytest.mark.parametrize("day, pattern, expected", [
    (date(2026, 12, 1), "full", "mardi 1er décembre 2026"),
    (date(2026, 12, 1), "medium", "1er déc. 2026"),
    (date(2027, 1, 1), "long", "1er janvier 2027"),
    (date(2026, 12, 11), "full", "vendredi 11 décembre 2026"),
    (date(2026, 12, 21), "medium", "21 déc. 2026"),
    (date(2027, 8, 1), "d MMMM", "1er août"),
])
def test_the_first_of_a_month_is_an_ordinal_in_french(day, pattern, expected):
    assert first_of_month(format_date(day, pattern, locale="fr"), "fr") == expected


def test_other_languages_and_other_numbers_are_left_alone():
    assert first_of_month(format_date(date(2026, 12, 1), "full", locale="en"), "en") == "Tuesday, December 1, 2026"
    assert first_of_month("10 1 décembre", "fr") == "10 1er décembre"
    assert first_of_month("2021 décembre", "fr") == "2021 décembre"
    assert (day_of_month(1, "fr"), day_of_month(2, "fr"), day_of_month(1, "en")) == ("1er", "2", "1")


def test_lists_end_with_and():
    assert listing(["lundi", "mardi", "jeudi"], "fr") == "lundi, mardi et jeudi"
    assert listing(["Monday", "Thursday"], "en") == "Monday and Thursday"
    assert listing(["jeudi"], "fr") == "jeudi" and listing([], "fr") == ""

"""Recurrence tables: rule -> expected local and UTC instants, no app needed."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clubapp.core.recurrence import (
    RuleError,
    first_match,
    last_date,
    local_instant,
    matches,
    occurrence_dates,
    parse_rule,
)

PARIS, LIMA, AUCKLAND = ZoneInfo("Europe/Paris"), ZoneInfo("America/Lima"), ZoneInfo("Pacific/Auckland")
FAR = datetime(2035, 1, 1, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def instants(rule: str, first: date, at: time, zone: ZoneInfo, end: datetime = FAR, **kw) -> list[datetime]:
    days = occurrence_dates(parse_rule(rule), first, at, zone, window_end=end, **kw)
    return [local_instant(d, at, zone).astimezone(UTC) for d in days]


def test_weekly_thursday_0730_paris_keeps_wall_clock_across_both_dst_changes():
    got = instants("FREQ=WEEKLY;BYDAY=TH;COUNT=40", date(2026, 3, 19), time(7, 30), PARIS)
    assert got[0] == utc(2026, 3, 19, 6, 30)   # CET, +01:00
    assert got[1] == utc(2026, 3, 26, 6, 30)   # still CET (change on Sunday 29 March)
    assert got[2] == utc(2026, 4, 2, 5, 30)    # CEST, +02:00
    assert got[31] == utc(2026, 10, 22, 5, 30)  # last Thursday of summer time
    assert got[32] == utc(2026, 10, 29, 6, 30)  # back to CET (change on Sunday 25 October)
    assert all(i.astimezone(PARIS).time() == time(7, 30) for i in got)
    assert len(got) == 40


@pytest.mark.parametrize(("rule", "first", "expected_local_dates"), [
    # every other Friday
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=4", date(2026, 11, 6),
     [date(2026, 11, 6), date(2026, 11, 20), date(2026, 12, 4), date(2026, 12, 18)]),
    # weekday mornings
    ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=6", date(2026, 11, 26),
     [date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2),
      date(2026, 12, 3)]),
    # first Tuesday
    ("FREQ=MONTHLY;BYDAY=1TU;COUNT=3", date(2026, 12, 1), [date(2026, 12, 1), date(2027, 1, 5), date(2027, 2, 2)]),
    # last Friday
    ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", date(2026, 11, 27), [date(2026, 11, 27), date(2026, 12, 25),
                                                             date(2027, 1, 29)]),
    # months without a 5th Tuesday are skipped
    ("FREQ=MONTHLY;BYDAY=5TU;COUNT=3", date(2026, 12, 29), [date(2026, 12, 29), date(2027, 3, 30),
                                                            date(2027, 6, 29)]),
    # 29 February only exists in leap years: monthly on the 29th skips February 2027
    ("FREQ=MONTHLY;BYMONTHDAY=29;COUNT=4", date(2027, 1, 29), [date(2027, 1, 29), date(2027, 3, 29),
                                                               date(2027, 4, 29), date(2027, 5, 29)]),
    ("FREQ=MONTHLY;BYMONTHDAY=29;COUNT=3", date(2028, 1, 29), [date(2028, 1, 29), date(2028, 2, 29),
                                                               date(2028, 3, 29)]),
    # the last day of the month
    ("FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3", date(2027, 1, 31), [date(2027, 1, 31), date(2027, 2, 28),
                                                               date(2027, 3, 31)]),
])
def test_rule_tables(rule, first, expected_local_dates):
    assert occurrence_dates(parse_rule(rule), first, time(7, 30), PARIS, window_end=FAR) == expected_local_dates


def test_lima_has_no_dst_so_utc_time_is_constant():
    got = instants("FREQ=WEEKLY;BYDAY=WE;COUNT=30", date(2026, 1, 7), time(19, 0), LIMA)
    assert {g.time() for g in got} == {time(0, 0)}  # 19:00 -05:00 is midnight UTC, all year


def test_southern_hemisphere_dst():
    got = instants("FREQ=WEEKLY;BYDAY=MO;COUNT=30", date(2026, 3, 30), time(7, 30), AUCKLAND)
    # NZDT (+13) until 5 April 2026, NZST (+12) after, NZDT again from 27 September 2026
    assert got[0] == utc(2026, 3, 29, 18, 30)
    assert got[1] == utc(2026, 4, 5, 19, 30)
    assert got[26] == utc(2026, 9, 27, 18, 30)
    assert all(g.astimezone(AUCKLAND).time() == time(7, 30) for g in got)


def test_until_on_the_last_occurrence_includes_it_and_after_it_changes_nothing():
    on = instants("FREQ=WEEKLY;BYDAY=TH;UNTIL=20261203T063000Z", date(2026, 11, 19), time(7, 30), PARIS)
    after = instants("FREQ=WEEKLY;BYDAY=TH;UNTIL=20261209T000000Z", date(2026, 11, 19), time(7, 30), PARIS)
    before = instants("FREQ=WEEKLY;BYDAY=TH;UNTIL=20261203T062959Z", date(2026, 11, 19), time(7, 30), PARIS)
    assert on == after == [utc(2026, 11, 19, 6, 30), utc(2026, 11, 26, 6, 30), utc(2026, 12, 3, 6, 30)]
    assert before == on[:2]
    as_date = instants("FREQ=WEEKLY;BYDAY=TH;UNTIL=20261203", date(2026, 11, 19), time(7, 30), PARIS)
    assert as_date == on


def test_series_end_given_apart_from_the_rule():
    got = instants("FREQ=WEEKLY;BYDAY=TH", date(2026, 11, 19), time(7, 30), PARIS,
                   until=utc(2026, 11, 26, 6, 30))
    assert got == [utc(2026, 11, 19, 6, 30), utc(2026, 11, 26, 6, 30)]


def test_window_selects_and_never_ending_series_stays_bounded():
    got = instants("FREQ=WEEKLY;BYDAY=TH", date(2020, 1, 2), time(7, 30), PARIS, end=utc(2026, 12, 1),
                   window_start=utc(2026, 11, 1))
    assert [g.date() for g in got] == [date(2026, 11, 5), date(2026, 11, 12), date(2026, 11, 19), date(2026, 11, 26)]


def test_start_time_in_spring_forward_gap_moves_forward():
    # 02:30 does not exist in Paris on 29 March 2026: read with the offset before the gap.
    instant = local_instant(date(2026, 3, 29), time(2, 30), PARIS)
    assert instant.astimezone(UTC) == utc(2026, 3, 29, 1, 30)
    assert instant.astimezone(PARIS).time() == time(3, 30)
    got = instants("FREQ=WEEKLY;BYDAY=SU;COUNT=3", date(2026, 3, 22), time(2, 30), PARIS)
    assert got == [utc(2026, 3, 22, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 4, 5, 0, 30)]


def test_start_time_in_autumn_overlap_takes_the_first_instant():
    instant = local_instant(date(2026, 10, 25), time(2, 30), PARIS)
    assert instant.astimezone(UTC) == utc(2026, 10, 25, 0, 30)  # still CEST (+02:00)


@pytest.mark.parametrize(("rule", "part"), [
    ("FREQ=YEARLY", "FREQ"), ("FREQ=HOURLY", "FREQ"), ("FREQ=WEEKLY;BYHOUR=7", "BYHOUR"),
    ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS"), ("FREQ=WEEKLY;BYDAY=XX", "BYDAY"), ("FREQ=WEEKLY;BYDAY=1TU", "BYDAY"),
    ("FREQ=MONTHLY;BYDAY=TU", "BYDAY"), ("FREQ=MONTHLY;BYDAY=1TU;BYMONTHDAY=3", "BYMONTHDAY"),
    ("FREQ=WEEKLY;COUNT=3;UNTIL=20270101T000000Z", "COUNT"), ("FREQ=WEEKLY;COUNT=0", "COUNT"),
    ("FREQ=WEEKLY;UNTIL=tomorrow", "UNTIL"), ("INTERVAL=2", "FREQ"), ("", "FREQ"),
    ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL"),
    ("FREQ=WEEKLY;WKST=SU", "WKST"), ("FREQ=DAILY;BYMONTHDAY=3", "BYMONTHDAY"), ("FREQ=WEEKLY;BYMONTH=3", "BYMONTH"),
])
def test_unsupported_rules_name_the_part(rule, part):
    with pytest.raises(RuleError) as error:
        parse_rule(rule)
    assert error.value.part == part


def test_canonical_text_round_trips():
    rule = parse_rule("freq=monthly;byday=-1fr;count=12")
    assert rule.text() == "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12"
    assert parse_rule(rule.text()) == rule
    assert rule.text(until=utc(2027, 6, 25, 6, 30)) == "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270625T063000Z"


def test_matching_and_alignment():
    first_tuesday = parse_rule("FREQ=MONTHLY;BYDAY=1TU")
    assert matches(first_tuesday, date(2026, 12, 1)) and not matches(first_tuesday, date(2026, 12, 2))
    assert first_match(first_tuesday, date(2026, 11, 24)) == date(2026, 12, 1)
    assert first_match(parse_rule("FREQ=WEEKLY;BYDAY=TH"), date(2026, 11, 23)) == date(2026, 11, 26)


def test_last_date():
    rule = parse_rule("FREQ=WEEKLY;BYDAY=TH;COUNT=3")
    assert last_date(rule, date(2026, 11, 19), time(7, 30), PARIS) == date(2026, 12, 3)
    assert last_date(parse_rule("FREQ=WEEKLY;BYDAY=TH"), date(2026, 11, 19), time(7, 30), PARIS) is None


def _reference(rule_text: str, first: date, at: time, zone: ZoneInfo, start: datetime, end: datetime) -> list[date]:
    """Every occurrence from the first one, filtered to the window: the slow, obvious expansion."""
    from clubapp.core.recurrence import _dateutil_rule

    rule = parse_rule(rule_text)
    out = []
    for naive in _dateutil_rule(rule, first, rule.count):
        instant = local_instant(naive.date(), at, zone)
        if rule.until is not None and instant > rule.until:
            break
        if instant >= end:
            break
        if instant >= start:
            out.append(naive.date())
    return out


RULES = ["FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "FREQ=WEEKLY",
         "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU", "FREQ=MONTHLY;BYDAY=1TU",
         "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR", "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=-1",
         "FREQ=MONTHLY;BYDAY=5TU", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20290305T120000Z", "FREQ=DAILY;COUNT=40"]


@pytest.mark.parametrize("rule_text", RULES)
def test_a_window_far_from_the_start_expands_exactly_like_the_whole_series(rule_text):
    import random

    rng = random.Random(rule_text)
    rule = parse_rule(rule_text)
    for _ in range(25):
        first = first_match(rule, date(2026, 1, 1) + timedelta(days=rng.randrange(400)))
        start = datetime(2026, 6, 1, tzinfo=UTC) + timedelta(days=rng.randrange(1500), hours=rng.randrange(24))
        end = start + timedelta(days=rng.choice((1, 7, 31, 90, 400)))
        got = occurrence_dates(rule, first, time(7, 30), PARIS, window_start=start, window_end=end)
        assert got == _reference(rule_text, first, time(7, 30), PARIS, start, end), (first, start, end)


def test_expansion_starts_next_to_the_window_not_at_the_first_date(monkeypatch):
    """A series started in 1970 with an UNTIL in 2199: each answer expands a few periods, not 84,000 days."""
    from clubapp.core import recurrence

    starts: list[datetime] = []
    real = recurrence._dateutil_rule

    def spy(*args, **kwargs):
        made = real(*args, **kwargs)
        starts.append(made._dtstart)
        return made

    monkeypatch.setattr(recurrence, "_dateutil_rule", spy)
    rule = parse_rule("FREQ=DAILY;UNTIL=21991231T235959Z")
    assert last_date(rule, date(1970, 1, 1), time(7, 30), PARIS) == date(2199, 12, 31)
    window = occurrence_dates(rule, date(1970, 1, 1), time(7, 30), PARIS, window_start=utc(2199, 12, 1),
                              window_end=utc(2200, 1, 1))
    assert len(window) == 31
    assert starts and all(start >= datetime(2199, 11, 1) for start in starts)

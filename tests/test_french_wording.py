"""French as a French person writes it: '1er', lists with 'et', times without seconds (issue 14)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html import unescape

from clubapp.core.recurrence import first_match, parse_rule
from clubapp.services import meetings, visitors
from tests import factories
from tests.conftest import log_in


def page(client, path: str, **headers: str) -> str:  # type: ignore[no-untyped-def]
    text = unescape(client.get(path, headers=headers).get_data(as_text=True))
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def first_day_coming(rrule: str) -> date:
    return first_match(parse_rule(rrule), datetime.now(UTC).date() + timedelta(days=2))


def test_rhythms_read_as_written_in_french(app, db):
    president = factories.UserFactory(locale="fr", timezone="Europe/Paris")
    club = factories.club_with(president=president, name="BNI Vichy Avenir")
    with app.test_request_context():
        meetings.create_series(president, club, {
            "title": "Déjeuner", "start_date": first_day_coming("FREQ=MONTHLY;BYMONTHDAY=1"), "start_time": "12:15",
            "duration_minutes": 90, "rrule": "FREQ=MONTHLY;BYMONTHDAY=1"})
        meetings.create_series(president, club, {
            "title": "Café", "start_date": first_day_coming("FREQ=WEEKLY;BYDAY=MO,TU,TH"), "start_time": "08:00",
            "duration_minutes": 30, "rrule": "FREQ=WEEKLY;BYDAY=MO,TU,TH"})
    client = app.test_client()
    log_in(client, president.email)
    text = page(client, f"/clubs/{club.id}/meetings")
    assert "Tous les mois, le 1er" in text and "le 1 " not in text
    assert "lundi, mardi et jeudi" in text
    assert "1er " in text  # the next monthly meeting's date, on the 1st


def test_the_visitor_page_and_email_give_the_time_without_seconds(app, db, outbox):
    president = factories.UserFactory(locale="fr", timezone="Europe/Paris")
    club = factories.club_with(president=president, name="BNI Vichy Avenir", timezone="Europe/Paris")
    start = first_day_coming("FREQ=MONTHLY;BYMONTHDAY=1")
    with app.test_request_context():
        series = meetings.create_series(president, club, {
            "title": "Réunion", "start_date": start, "start_time": "07:30", "duration_minutes": 90,
            "rrule": "FREQ=MONTHLY;BYMONTHDAY=1"})
        _visitor, token, _mailed = visitors.invite(president, meetings.occurrence_id(series.id, start),
                                                   "Paul Visiteur", "paul@example.fr", None,
                                                   link_for=lambda token: f"https://clubapp.test/visit/{token}")
    db.session.commit()
    mail = outbox[-1].body.replace("\u202f", " ").replace("\u00a0", " ")
    assert "07:30 (heure de Paris)" in mail and "07:30:00" not in mail and " 1er " in mail
    text = page(app.test_client(), f"/visit/{token}", **{"Accept-Language": "fr-FR,fr;q=0.9"})
    assert "07:30 (heure de Paris)" in text and "07:30:00" not in text and " 1er " in text

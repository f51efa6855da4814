"""Seed the database of the API fuzz run (tests/api_fuzz.sh) and print what the run needs as shell variables.

A president (its bearer token comes from ``flask create-token``), a second member, a club with a weekly
series and a closure, a referral: so that the generated requests reach real objects, not only 404s.
Run with DATABASE_URL set, after ``flask --app wsgi db upgrade``.
"""
from __future__ import annotations

import shlex
from datetime import UTC, datetime, timedelta

from clubapp import create_app, unit_of_work
from clubapp.services import accounts, meetings, membership, referrals
from clubapp.services import clubs as club_service

PASSWORD = "fuzzing is not a crime"


def seed() -> dict[str, str]:
    """Create the objects and return the variables for the run."""
    # Each step is a use case of its own, committed as an edge would (services never commit).
    president = accounts.sign_up("fuzz-president@example.org", PASSWORD, "Fuzz President", "Europe/Paris", "en")
    member = accounts.sign_up("fuzz-member@example.org", PASSWORD, "Fuzz Member", "Europe/Paris", "fr")
    club = club_service.create_club(president, {"name": "Fuzz club", "timezone": "Europe/Paris",
                                                "visibility": "public"})
    unit_of_work.commit()
    invited = membership.invite(president, club, member.email, "member", link_for=lambda t: t)
    unit_of_work.commit()
    membership.accept_invitation(member, invited.token, "Plumber")
    unit_of_work.commit()
    today = datetime.now(UTC).date()
    start = today + timedelta(days=(3 - today.weekday()) % 7 or 7)  # next Thursday
    series = meetings.create_series(president, club, {
        "title": "Weekly chapter", "start_date": start, "start_time": "07:30", "duration_minutes": 90,
        "rrule": "FREQ=WEEKLY;BYDAY=TH"})
    unit_of_work.commit()
    meetings.create_closure(president, club, start + timedelta(days=28), start + timedelta(days=35), "Holidays")
    unit_of_work.commit()
    referral = referrals.give(president, {"club_id": str(club.id), "to_user_id": str(member.id),
                                          "prospect_name": "Ada", "description": "Needs a plumber",
                                          "temperature": 3, "kind": "internal"})
    unit_of_work.commit()
    meeting_ids = [meetings.occurrence_id(series.id, start + timedelta(weeks=n)) for n in range(3)]
    return {
        "FUZZ_EMAIL": president.email,
        "FUZZ_CLUB_ID": str(club.id),
        "FUZZ_SERIES_ID": str(series.id),
        "FUZZ_MEMBER_ID": str(member.id),
        "FUZZ_PRESIDENT_ID": str(president.id),
        "FUZZ_REFERRAL_ID": str(referral.id),
        "FUZZ_MEETING_IDS": " ".join(meeting_ids),
    }


if __name__ == "__main__":
    with create_app().test_request_context():  # mail templates read the request
        for name, value in seed().items():
            print(f"{name}={shlex.quote(value)}")

"""A member answers from the dashboard and joins; an officer takes attendance on a phone and reads the reports.

Debian's chromium driven by Playwright, on the live server of tests/e2e/conftest.py. Every page visited is
checked (labelled controls, one h1, console errors and CSP violations, horizontal overflow) and shot to
tests/e2e/screenshots/ (git-ignored).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from clubapp.models import Role
from clubapp.models.base import utcnow
from clubapp.services import attendance, meetings, referrals, rsvp, visitors
from tests import factories
from tests.conftest import commit
from tests.e2e.pages import DESKTOP, PHONE, Pages, log_in

pytestmark = pytest.mark.browser

PARIS = ZoneInfo("Europe/Paris")
VIDEO = "https://zoom.us/j/4815162342"
PEOPLE = [  # name, business, category
    ("Karim Benali", "Benali Expertise", "Chartered accountant"),
    ("Sophie Roux", "Roux Fleurs", "Florist"),
    ("Bruno Lefèvre", "Lefèvre Plomberie", "Plumber"),
    ("Anne Dubois", "Étude Dubois", "Notary"),
    ("Julien Moreau", "Moreau Web", "Web designer"),
    ("Léa Fontaine", "Fontaine Assurances", "Insurance broker"),
    ("Thomas Girard", "Girard Électricité", "Electrician"),
]


def _series(app, president, club, start: datetime, weeks_before: int = 0, **data):  # type: ignore[no-untyped-def]
    """A series meeting at ``start``'s wall-clock time in Paris, from ``weeks_before`` weeks earlier on."""
    local = start.astimezone(PARIS)
    with app.test_request_context():
        series = meetings.create_series(president, club, {
            "start_date": (local.date() - timedelta(weeks=weeks_before)).isoformat(),
            "start_time": local.strftime("%H:%M"), "duration_minutes": 90, "video_url": VIDEO, **data})
        commit()
        return series


def build_club(app):  # type: ignore[no-untyped-def]
    """A chapter with 24 weeks of attendance, a meeting under way now, and a visitors' day that is full."""
    president = factories.UserFactory(name="Claire Martin", email="claire@martin-couverture.fr",
                                      business_name="Martin Couverture", category="Roofer")
    club = factories.club_with(president=president, name="BNI Vichy Avenir", timezone="Europe/Paris")
    people = {}
    for index, (name, business, category) in enumerate(PEOPLE):
        person = factories.UserFactory(name=name, email=f"m{index}@vichy-avenir.fr", business_name=business,
                                       category=category)
        factories.MembershipFactory(club=club, user=person, role=Role.MEMBER)
        people[name.split()[0]] = person
    now = utcnow()
    today = (now - timedelta(minutes=3)).replace(second=0, microsecond=0)
    start = today - timedelta(weeks=25)
    weekday = today.astimezone(PARIS).strftime("%a")[:2].upper()
    weekly = _series(app, president, club, today, weeks_before=24, title="Weekly chapter meeting",
                     rrule=f"FREQ=WEEKLY;BYDAY={weekday}",
                     description="07:30 Open networking\n07:45 60-second presentations\n08:30 Referrals")
    with app.test_request_context():
        held = [o for o in meetings.club_meetings(club, start - timedelta(hours=1), now) if o.ends_at < now]
        for week, occurrence in enumerate(held):
            codes = {"Karim": "present", "Anne": "present", "Thomas": "present",
                     "Sophie": "substitute" if week % 6 == 2 else "present",
                     "Bruno": "absent" if week % 4 == 1 or week > 20 else "present",
                     "Julien": "late" if week % 3 == 0 else "present",
                     "Léa": "medical" if week in (5, 6) else ("absent" if week % 9 == 4 else "present")}
            if week % 7 == 3:
                codes["Thomas"] = "absent"
            attendance.set_status(president, occurrence.id, president.id, "present")
            for first, code in codes.items():
                attendance.set_status(president, occurrence.id, people[first].id, code)
        commit()  # each answer below is its own use case, as each request would be
        live = meetings.get_occurrence(meetings.occurrence_id(weekly.id, today.astimezone(PARIS).date()), president)
        # Sophie announced her substitute the day before.
        rsvp.answer(people["Sophie"], live.id, "yes", substitute_name="Marc Delorme",
                    now=live.starts_at - timedelta(days=1))
        commit()
        for first in ("Anne", "Julien", "Thomas"):
            rsvp.answer(people[first], live.id, "yes", now=live.starts_at - timedelta(days=1))
            commit()
        visitors.invite(people["Anne"], live.id, "Paul Martin", "paul@martin-sarl.fr", "Martin SARL",
                        link_for=lambda token: f"http://localhost/visit/{token}")
        # A full visitors' day in ten days.
        special = _series(app, president, club, (now + timedelta(days=10)).replace(hour=7, minute=0),
                          title="Visitors' day", capacity=3)
        special_id = meetings.occurrence_id(special.id, special.start_date)
        commit()
        for first in ("Anne", "Thomas", "Léa"):
            rsvp.answer(people[first], special_id, "yes")
            commit()
        for giver, receiver in (("Karim", "Anne"), ("Karim", "Thomas"), ("Anne", "Karim"), ("Sophie", "Léa")):
            referrals.give(people[giver], {"club_id": str(club.id), "to_user_id": str(people[receiver].id),
                                           "prospect_name": "Prospect", "description": "A lead", "temperature": 3,
                                           "kind": "internal"})
        commit()
    return president, club, people, live


def test_answer_join_take_attendance_and_read_the_reports(app, browser, live_server, screenshots, db):
    from playwright.sync_api import expect

    base = live_server.url
    president, club, people, live = build_club(app)
    karim, bruno = people["Karim"], people["Bruno"]
    pages = Pages(screenshots)
    member_ctx = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Europe/Paris")
    officer_ctx = browser.new_context(viewport=PHONE, locale="en-US", timezone_id="Europe/Paris", has_touch=True,
                                      is_mobile=True)
    for context in (member_ctx, officer_ctx):
        context.set_default_timeout(10_000)
        context.route("https://zoom.us/**", lambda route: route.fulfill(
            body="<!doctype html><title>Zoom</title><h1>Zoom meeting</h1>", content_type="text/html"))
    try:
        # -- Karim answers "Yes" to next week's meeting from the dashboard, in one click.
        page = member_ctx.new_page()
        pages.watch(page)
        log_in(page, base, karim.email)
        rows = page.locator("#next-meetings .meeting-row")
        expect(rows.first).to_contain_text("Weekly chapter meeting")
        expect(rows.first.locator(".rsvp-bar")).to_contain_text("Answers closed")  # under way: too late
        pages.check(page, "a01-dashboard-before")
        next_week = rows.nth(1)
        expect(next_week).to_contain_text("Weekly chapter meeting")
        next_week.get_by_role("button", name="Yes", exact=True).click()
        expect(page.locator(".flash-success")).to_contain_text("You are coming on")
        next_week = page.locator("#next-meetings .meeting-row").nth(1)
        expect(next_week.get_by_role("button", name="Yes", exact=True)).to_have_attribute("aria-pressed", "true")
        expect(next_week.locator(".seat-count")).to_have_text("1 coming")
        # -- The visitors' day is full: Karim goes on the waiting list.
        full = page.locator("#next-meetings .meeting-row", has_text="Visitors' day")
        expect(full.locator(".seat-count")).to_have_text("3/3 seats taken")
        full.get_by_role("button", name="Yes", exact=True).click()
        expect(page.locator(".flash-info")).to_contain_text("you are number 1 on the waiting list")
        full = page.locator("#next-meetings .meeting-row", has_text="Visitors' day")
        expect(full.locator(".answer-state")).to_have_text("Waiting list: number 1")
        expect(full.locator(".seat-count")).to_have_text("3/3 seats taken · 1 waiting")
        pages.check(page, "a02-dashboard-answered")

        # -- The meeting page: a comment, the list of who answered, the waiting list in order.
        full.get_by_role("link", name="Visitors' day").click()
        expect(page.locator(".answer-status")).to_contain_text("you are number 1 on the waiting list")
        page.locator("summary", has_text="Sending a substitute, or a comment?").click()
        page.get_by_label("Comment").fill("I can bring two guests")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".answer-status")).to_contain_text("I can bring two guests")
        expect(page.locator(".waitlist")).to_contain_text("Karim Benali")
        pages.check(page, "a03-meeting-page-waitlisted")

        # -- Karim joins the meeting under way from the dashboard: checked in, then the video opens.
        page.goto(base + "/dashboard")
        with page.expect_popup() as opened:
            page.locator("#next-meetings .meeting-row").first.get_by_role("button", name=re.compile("^Join")).click()
        video = opened.value
        pages.watch(video)
        video.wait_for_load_state("domcontentloaded")
        if video.url.endswith("/join"):  # the page that confirms the check-in shows for a second
            video.screenshot(path=str(screenshots / "a04b-joining.png"))
        video.wait_for_url(re.compile(r"^https://zoom\.us/j/4815162342"))
        expect(video.get_by_role("heading", name="Zoom meeting")).to_be_visible()
        video.close()
        page.set_viewport_size(PHONE)
        page.goto(base + "/dashboard")
        pages.check(page, "a04-phone-dashboard")
        page.goto(f"{base}/meetings/{live.id}")
        expect(page.locator(".checked-in")).to_contain_text("checked in at")
        pages.check(page, "a05-phone-meeting-checked-in")

        # -- Claire takes attendance on her phone.
        phone = officer_ctx.new_page()
        pages.watch(phone)
        log_in(phone, base, president.email)
        phone.locator("#next-meetings .meeting-title a").first.click()
        phone.screenshot(path=str(screenshots / "a05b-phone-officer-meeting.png"))
        phone.get_by_role("button", name="Take attendance").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Attendance")
        row = phone.locator(f"#member-{karim.id}")
        expect(row.get_by_role("button", name="Present")).to_have_attribute("aria-pressed", "true")
        expect(row).to_contain_text("Joined at")
        sophie = phone.locator(f"#member-{people['Sophie'].id}")
        expect(sophie).to_contain_text("Substitute: Marc Delorme")
        expect(sophie.locator(".code-substitute")).to_have_class(re.compile("is-suggested"))
        pages.check(phone, "a06-phone-sheet")
        phone.locator(f"#member-{karim.id}").scroll_into_view_if_needed()
        phone.screenshot(path=str(screenshots / "a06b-phone-sheet-in-hand.png"))  # what the officer sees
        sophie.get_by_role("button", name="Substitute").tap()
        expect(phone.locator(f"#member-{people['Sophie'].id}").get_by_role("button", name="Substitute")) \
            .to_have_attribute("aria-pressed", "true")
        people["Claire"] = president
        for first, code in (("Claire", "Present"), ("Anne", "Present"), ("Thomas", "Present"), ("Julien", "Late"),
                            ("Bruno", "Absent")):
            phone.locator(f"#member-{people[first].id}").get_by_role("button", name=code).tap()
            expect(phone.locator(f"#member-{people[first].id}").get_by_role("button", name=code)) \
                .to_have_attribute("aria-pressed", "true")
        julien = phone.locator(f"#member-{people['Julien'].id}")
        julien.locator("summary", has_text="Add a note").tap()
        julien.get_by_label("Note for Julien Moreau").fill("Connection problems, joined by phone")
        julien.get_by_role("button", name="Save").tap()
        expect(phone.locator(f"#member-{people['Julien'].id}")).to_contain_text("Connection problems")
        # A correction: Bruno arrived after all.
        phone.locator(f"#member-{bruno.id}").get_by_role("button", name="Late").tap()
        expect(phone.locator(f"#member-{bruno.id}").get_by_role("button", name="Late")) \
            .to_have_attribute("aria-pressed", "true")
        phone.locator("#visitors").get_by_role("button", name="Present").tap()
        expect(phone.locator("#visitors").get_by_role("button", name="Present")).to_have_attribute("aria-pressed",
                                                                                                   "true")
        phone.evaluate("window.scrollTo(0, 0)")
        pages.check(phone, "a07-phone-sheet-marked")
        phone.get_by_role("button", name=re.compile(r"^Mark the")).tap()
        expect(phone.locator(".flash-success")).to_contain_text("recorded")
        expect(phone.locator(f"#member-{people['Léa'].id}").get_by_role("button", name="Absent")) \
            .to_have_attribute("aria-pressed", "true")
        pages.check(phone, "a08-phone-sheet-done")

        # -- The reports: the PALMS table, the alerts, the chart; the CSV; a member's history.
        desk = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Europe/Paris")
        desk.set_default_timeout(10_000)
        office = desk.new_page()
        pages.watch(office)
        log_in(office, base, president.email)
        office.goto(f"{base}/clubs/{club.id}")
        office.get_by_role("button", name="Reports").click()
        expect(office.get_by_role("heading", level=1)).to_have_text("Attendance reports")
        expect(office.locator("svg.chart rect")).not_to_have_count(0)
        expect(office.locator("#alerts")).to_contain_text("Bruno Lefèvre")
        expect(office.locator(".palms-table tbody tr")).to_have_count(len(PEOPLE) + 1)
        pages.check(office, "a09-reports")
        with office.expect_download() as download_info:
            office.get_by_role("button", name="Download CSV").click()
        data = Path(download_info.value.path()).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and b"Bruno Lef\xc3\xa8vre" in data
        office.locator(".palms-table").get_by_role("link", name="Bruno Lefèvre").click()
        expect(office.get_by_role("heading", level=1)).to_have_text("Attendance of Bruno Lefèvre")
        expect(office.locator("svg.chart rect")).not_to_have_count(0)
        pages.check(office, "a10-history")
        office.set_viewport_size(PHONE)
        office.goto(f"{base}/clubs/{club.id}/reports")
        pages.check(office, "a11-phone-reports")
        office.goto(f"{base}/clubs/{club.id}/members/{bruno.id}/attendance")
        pages.check(office, "a12-phone-history")
        office.set_viewport_size({"width": 320, "height": 640})  # the smallest phones
        for path in (f"/meetings/{live.id}/attendance", f"/clubs/{club.id}/reports", "/dashboard"):
            office.goto(base + path)
            pages.check(office)
        # -- In French, on a phone: longer words, same layout.
        office.set_viewport_size(PHONE)
        office.goto(f"{base}/meetings/{live.id}/attendance")
        office.get_by_role("button", name="Français").click()
        expect(office.locator("html")).to_have_attribute("lang", "fr")
        pages.check(office, "a13-phone-sheet-fr")
        office.goto(f"{base}/clubs/{club.id}/reports")
        pages.check(office, "a14-phone-reports-fr")
        office.goto(base + "/dashboard")
        pages.check(office, "a15-phone-dashboard-fr")
        desk.close()

        assert pages.problems == {}, pages.problems
        assert pages.console == [], pages.console
    finally:
        member_ctx.close()
        officer_ctx.close()

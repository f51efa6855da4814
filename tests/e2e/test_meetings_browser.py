"""A president schedules the weekly meeting in a real browser; a member abroad finds it on the dashboard.

Debian's chromium driven by Playwright, on the live server of tests/e2e/conftest.py. Every page visited is
checked for labelled controls, one h1, console errors (CSP violations among them) and horizontal overflow;
screenshots go to tests/e2e/screenshots/ (git-ignored).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clubapp.models import Role
from tests import factories
from tests.e2e.pages import DESKTOP, PASSWORD, PHONE, Pages, log_in  # noqa: F401

pytestmark = pytest.mark.browser

def next_thursday() -> datetime:
    day = datetime.now(ZoneInfo("Europe/Paris")).date() + timedelta(days=2)
    return day + timedelta(days=(3 - day.weekday()) % 7)


def test_president_schedules_weekly_meeting_member_sees_it(browser, live_server, screenshots, db):
    from playwright.sync_api import expect

    base = live_server.url
    president = factories.UserFactory(name="Claire Martin", email="claire@martin-couverture.fr",
                                      business_name="Martin Couverture", category="Roofer")
    member = factories.UserFactory(name="Karim Benali", email="karim@benali-expertise.fr",
                                   timezone="America/Martinique", business_name="Benali Expertise",
                                   category="Chartered accountant")
    club = factories.club_with(president=president, name="BNI Vichy Avenir", timezone="Europe/Paris",
                               description="Every Thursday at 7:30 by video.")
    factories.MembershipFactory(club=club, user=member, role=Role.MEMBER)
    first = next_thursday()

    pages = Pages(screenshots)
    president_ctx = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Europe/Paris")
    member_ctx = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="America/Martinique")
    president_ctx.set_default_timeout(10_000)
    member_ctx.set_default_timeout(10_000)
    try:
        # -- The president opens the club's schedule: nothing planned yet.
        page = president_ctx.new_page()
        pages.watch(page)
        log_in(page, base, president.email)
        expect(page.get_by_text("No meeting coming up.")).to_be_visible()
        pages.check(page, "m01-dashboard-no-meeting")
        page.goto(f"{base}/clubs/{club.id}")
        page.get_by_role("button", name="Meetings", exact=True).click()
        expect(page).to_have_url(re.compile(rf"/clubs/{club.id}/meetings$"))
        expect(page.get_by_text("No meeting planned in the next three months.")).to_be_visible()
        pages.check(page, "m02-schedule-empty")

        # -- Creates the weekly meeting through the form.
        page.get_by_role("button", name="New meeting").first.click()
        expect(page).to_have_url(re.compile(rf"/clubs/{club.id}/meetings/new$"))
        expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
        expect(page.get_by_label("Video link", exact=True)).to_be_hidden()  # the generated room is the default
        page.get_by_label("Title").fill("Weekly chapter meeting")
        page.get_by_label("Agenda").fill("07:30 Open networking\n07:45 60-second presentations\n"
                                         "08:30 Referrals and thank-yous\n08:50 Visitors' feedback")
        page.get_by_label("How often").select_option("weekly")
        page.get_by_label("Day of the week").select_option("TH")
        expect(page.get_by_label("Every how many weeks")).to_be_hidden()
        page.get_by_label("First meeting on").fill(first.isoformat())
        page.get_by_label("Start time").fill("07:30")
        page.get_by_label("Duration (minutes)").fill("90")
        page.get_by_label("After a number of meetings").check()
        expect(page.get_by_label("Number of meetings", exact=True)).to_be_visible()
        page.get_by_label("Never", exact=True).check()
        expect(page.get_by_label("Number of meetings", exact=True)).to_be_hidden()
        page.get_by_label("Venue (address)").fill("")
        pages.check(page, "m03-new-meeting-form")
        # A pasted http:// link is refused beside its field, nothing saved.
        page.get_by_label("My own link (Zoom, Google Meet, Teams...)").check()
        page.get_by_label("Video link", exact=True).fill("http://zoom.us/j/123456789")
        page.get_by_role("button", name="Create the meeting").click()
        expect(page.locator("#video_url-error")).to_have_text("The video link must start with https://")
        pages.check(page, "m04-new-meeting-error")
        page.get_by_label("A video room made for this meeting (Jitsi Meet: nothing to install)").check()
        page.get_by_role("button", name="Create the meeting").click()
        expect(page).to_have_url(re.compile(r"/meetings/s\d+-\d{8}$"))
        expect(page.locator(".flash")).to_contain_text("The meeting is scheduled.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Weekly chapter meeting")
        expect(page.locator(".when-time")).to_contain_text("7:30")
        expect(page.locator(".when-club")).to_have_count(0)  # Paris president, Paris club: one time
        expect(page.get_by_role("link", name="Google Calendar")).to_have_attribute(
            "href", re.compile(r"^https://calendar\.google\.com/calendar/render\?action=TEMPLATE"))
        expect(page.get_by_role("heading", name="Officer tools")).to_be_visible()
        pages.check(page, "m05-meeting-page-president")

        # -- The schedule lists the series and its dates; the president closes the club for a week.
        page.get_by_role("link", name="Meetings").last.click()
        expect(page.locator("#series")).to_contain_text("Every week on Thursday")
        expect(page.locator(".meeting-row")).not_to_have_count(0)
        page.locator("summary", has_text="Close the club for a few days").click()
        holiday = first + timedelta(weeks=2)
        page.get_by_label("Closed from").fill(holiday.isoformat())
        page.get_by_label("Until (included)").fill((holiday + timedelta(days=6)).isoformat())
        page.get_by_label("Reason").fill("Easter holidays")
        pages.check(page, "m06-schedule-closure-form")
        page.get_by_role("button", name="Close the club").click()
        expect(page.locator(".flash")).to_contain_text("The club is closed from")
        expect(page.locator(".badge-cancelled").first).to_have_text("Club closed: Easter holidays")
        pages.check(page, "m07-schedule-with-closure")

        # -- Series edit page (from a date on, end of series).
        page.get_by_role("link", name="Edit the series").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Edit the series")
        pages.check(page, "m08-series-edit")

        # -- The member, in Martinique, sees it on the dashboard in their own time.
        guest = member_ctx.new_page()
        pages.watch(guest)
        log_in(guest, base, member.email)
        next_meetings = guest.locator("#next-meetings")
        expect(next_meetings).to_contain_text("Weekly chapter meeting")
        expect(next_meetings).to_contain_text("BNI Vichy Avenir")
        expect(next_meetings.locator(".meeting-row").first).to_contain_text("7:30 AM in Paris")
        pages.check(guest, "m09-member-dashboard")
        next_meetings.get_by_role("link", name="Weekly chapter meeting").first.click()
        expect(guest.locator(".when-time")).to_contain_text("your time (Martinique)")
        expect(guest.locator(".when-club")).to_contain_text("For the club in Paris")
        # Join checks the member in (a form), then opens the room; the room's link shows for copying.
        expect(guest.get_by_role("button", name="Join", exact=True)).to_be_visible()
        expect(guest.locator("form.join-form")).to_have_attribute("action", re.compile(r"/meetings/s\d+-\d{8}/join$"))
        expect(guest.locator(".video-link")).to_contain_text(re.compile(r"https://meet\.jit\.si/Clubapp-"))
        expect(guest.get_by_role("heading", name="Officer tools")).to_have_count(0)
        pages.check(guest, "m10-member-meeting-page")

        # -- My meetings, the settings' calendar feed, and the phone layout.
        guest.get_by_role("link", name="Meetings", exact=True).first.click()
        expect(guest).to_have_url(re.compile(r"/meetings$"))
        pages.check(guest, "m11-my-meetings")
        guest.goto(base + "/account/settings")
        expect(guest.locator("#feed-url")).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/feeds/\w+\.ics$"))
        expect(guest.get_by_role("button", name="Subscribe in my calendar app")).to_have_attribute(
            "href", re.compile(r"^webcal://127\.0\.0\.1:\d+/feeds/"))
        pages.check(guest, "m12-settings-feed")
        guest.set_viewport_size(PHONE)
        guest.goto(base + "/dashboard")
        pages.check(guest, "m13-phone-dashboard")
        guest.get_by_role("link", name="Weekly chapter meeting").first.click()
        pages.check(guest, "m14-phone-meeting")
        page.set_viewport_size(PHONE)
        page.goto(f"{base}/clubs/{club.id}/meetings/new")
        pages.check(page, "m15-phone-new-meeting")
        page.goto(f"{base}/clubs/{club.id}/meetings")
        pages.check(page, "m16-phone-schedule")
        for path in ("/dashboard", f"/clubs/{club.id}/meetings", "/meetings"):  # the smallest phones
            guest.set_viewport_size({"width": 320, "height": 640})
            guest.goto(base + path)
            pages.check(guest)

        # -- In French: longer words, same layout.
        guest.set_viewport_size(PHONE)
        guest.goto(base + "/dashboard")
        guest.get_by_role("button", name="Français").click()
        expect(guest.get_by_role("heading", name="Mes prochaines réunions")).to_be_visible()
        pages.check(guest, "m17-phone-dashboard-fr")
        guest.locator(".meeting-title a").first.click()
        expect(guest.locator("html")).to_have_attribute("lang", "fr")
        pages.check(guest, "m18-phone-meeting-fr")
        page.set_viewport_size(DESKTOP)
        page.goto(f"{base}/clubs/{club.id}/meetings")
        page.get_by_role("button", name="Français").click()
        pages.check(page, "m19-schedule-fr")
        page.goto(f"{base}/clubs/{club.id}/meetings/new")
        pages.check(page, "m20-new-meeting-fr")

        assert pages.problems == {}, pages.problems
        assert pages.console == [], pages.console
    finally:
        president_ctx.close()
        member_ctx.close()

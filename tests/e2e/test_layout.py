"""The demo's key pages at 320, 390, 1280 and 1440 px, in French and English: nothing overflows or is cut.

Every page passes the shared page check (tests/e2e/pages.py: labels, one h1, names, no element wider
than its container, no text cut by overflow); the French pages are shot at 390 and 1280 px for a
person to look at (tests/e2e/screenshots/layout-*.png).
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from clubapp import demo
from clubapp.models import Club, MeetingSeries, User
from clubapp.models.base import utcnow
from tests.e2e.pages import WIDTHS, Pages

pytestmark = pytest.mark.browser


def _pages(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from clubapp.extensions import db
    from clubapp.services import meetings

    avenir = db.session.scalar(sa.select(Club).where(Club.name == "BNI Vichy Avenir"))
    series = db.session.scalar(sa.select(MeetingSeries).where(MeetingSeries.club_id == avenir.id,
                                                               MeetingSeries.rrule.is_not(None)))
    now = utcnow()
    with app.test_request_context():
        coming = meetings.expand(series, now, now.replace(year=now.year + 1))[0]
    return {"dashboard": "/dashboard", "meetings": "/meetings", "meeting": f"/meetings/{coming.id}",
            "club": f"/clubs/{avenir.id}", "members": f"/clubs/{avenir.id}/members",
            "scorecards": f"/clubs/{avenir.id}/scorecards", "my-scorecard": f"/clubs/{avenir.id}/scorecards/me",
            "palms": f"/clubs/{avenir.id}/reports", "referrals": "/referrals", "directory": "/directory?q=vichy"}


def test_key_pages_fit_every_width_in_both_languages(app, db, live_server, browser, screenshots):
    from playwright.sync_api import expect

    app.test_cli_runner().invoke(args=["demo-data"])
    paths = _pages(app)
    visit = Pages(screenshots)
    for language in ("fr", "en"):
        db.session.execute(sa.update(User).where(User.email == demo.DEMO_EMAIL).values(locale=language))
        db.session.commit()
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale=language)
        page = context.new_page()
        visit.watch(page)
        page.goto(live_server.url + "/auth/login")
        page.locator("input[name=email]").fill(demo.DEMO_EMAIL)
        page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
        page.locator("main form [type=submit]").first.click()
        expect(page).to_have_url(re.compile(r"/dashboard$"))
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 860})
            for name, path in paths.items():
                page.goto(live_server.url + path)
                shot = f"layout-{language}-{width}-{name}" if language == "fr" and width in (390, 1280) else None
                visit.check(page, shot, label=f"{language} {width}px")
        context.close()
    assert not visit.console, visit.console
    assert not visit.problems, "\n".join(f"{where}: {problems}" for where, problems in visit.problems.items())

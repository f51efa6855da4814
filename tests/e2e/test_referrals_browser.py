"""A member passes a referral from the club's directory; the receiver closes the business; the cards show it.

Debian's chromium driven by Playwright, on the live server of tests/e2e/conftest.py. Every page visited is
checked (labelled controls, one h1, named links and buttons, console errors and CSP violations, horizontal
overflow) by the meetings story's ``Pages``; screenshots go to tests/e2e/screenshots/ (git-ignored).
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from clubapp.extensions import db as _db
from clubapp.models import OneToOne, Referral, Role
from clubapp.models.base import utcnow
from tests import factories
from tests.e2e.pages import DESKTOP, PHONE, Pages, log_in

pytestmark = pytest.mark.browser

# Six months of history for Julien: (months ago, given to, received from, won amount of one given referral).
HISTORY = [(5, 2, 1, None), (4, 1, 2, Decimal("1800")), (3, 3, 1, None), (2, 2, 0, Decimal("4500")),
           (1, 4, 2, Decimal("12500"))]


def _name(number: int) -> str:
    return PROSPECTS[number % len(PROSPECTS)]


def _referral(club, giver, receiver, when, name: str, amount: Decimal | None = None) -> Referral:  # type: ignore[no-untyped-def]
    referral = Referral(club_id=club.id, giver_id=giver.id, receiver_id=receiver.id, prospect_name=name,
                        description="Needs a quote", temperature=3, kind="external", status="contacted",
                        created_at=when, updated_at=when)
    if amount is not None:
        referral.status, referral.amount, referral.currency, referral.closed_at = "won", amount, "EUR", when
    _db.session.add(referral)
    return referral


# The other members' six months: category, referrals given, business closed thanks to them, one-to-ones.
OTHERS = {"Sophie Laurent": ("Architect", 30, Decimal("60000"), 24),
          "Marc Dubois": ("Chartered accountant", 10, Decimal("5000"), 8),
          "Inès Moreau": ("Florist", 4, None, 0)}
PROSPECTS = ["Boulangerie Ravel", "Cabinet Girard", "Garage des Célestins", "Camping Les Acacias", "SCI Lardy",
             "Pharmacie du Parc", "Hôtel Aletti", "Domaine de Charmeil", "Menuiserie Perrin", "Crèche Les Lutins",
             "Opticien Vichy Centre", "Auto-école Bellerive", "Restaurant L'Envie", "Salon Coiffure Élise"]


def seed(club, julien, paul, claire, others) -> None:  # type: ignore[no-untyped-def]
    """Referrals and one-to-ones over the last six months, so that the cards and lights have something to say."""
    now = utcnow()
    count = 0
    for months_ago, given, received, won in HISTORY:
        when = now - timedelta(days=30 * months_ago + 2)
        for index in range(given):
            count += 1
            _referral(club, julien, [paul, claire, *others][index % (2 + len(others))], when, _name(count),
                      won if index == 0 else None)
        for index in range(received):
            count += 1
            _referral(club, [paul, claire][index % 2], julien, when, _name(count))
        for week in range(4):
            _db.session.add(OneToOne(club_id=club.id, logged_by_id=julien.id, with_user_id=[paul, claire][week % 2].id,
                                     met_on=(now - timedelta(days=30 * months_ago + 7 * week)).date()))
    for member in others:
        _category, given, won, one_to_ones = OTHERS[member.name]
        for index in range(given):
            count += 1
            _referral(club, member, [paul, julien, claire][index % 3], now - timedelta(days=5 * index + 1),
                      _name(count), won if index == 0 else None)
        for index in range(one_to_ones):
            _db.session.add(OneToOne(club_id=club.id, logged_by_id=member.id, with_user_id=claire.id,
                                     met_on=(now - timedelta(days=7 * index + 1)).date()))
    _db.session.commit()


def test_member_gives_a_referral_from_the_directory_and_sees_the_card(browser, live_server, screenshots, db):
    from playwright.sync_api import expect

    base = live_server.url
    claire = factories.UserFactory(name="Claire Martin", email="claire@martin-couverture.fr",
                                   business_name="Martin Couverture", category="Roofer")
    julien = factories.UserFactory(name="Julien Bardet", email="julien@bardet-assurances.fr",
                                   business_name="Bardet Assurances", category="Insurance broker")
    paul = factories.UserFactory(name="Paul Toiture", email="paul@toiture-vichy.fr", business_name="Toiture Vichy",
                                 category="Roofer", phone="04 70 11 22 33")
    others = [factories.UserFactory(name=name, category=category) for name, (category, *_rest) in OTHERS.items()]
    club = factories.club_with(president=claire, name="BNI Vichy Avenir", timezone="Europe/Paris")
    for member in (julien, paul, *others):
        factories.MembershipFactory(club=club, user=member, role=Role.MEMBER, category=member.category)
    seed(club, julien, paul, claire, others)

    pages = Pages(screenshots)
    julien_ctx = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Europe/Paris")
    paul_ctx = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Europe/Paris")
    claire_ctx = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Europe/Paris")
    for context in (julien_ctx, paul_ctx, claire_ctx):
        context.set_default_timeout(10_000)
    try:
        # -- Julien opens the club's members and gives Paul a referral from Paul's card.
        page = julien_ctx.new_page()
        pages.watch(page)
        log_in(page, base, julien.email)
        page.goto(f"{base}/clubs/{club.id}")
        page.get_by_role("button", name="Members", exact=True).click()
        expect(page.locator(f"#member-{julien.id}").get_by_role("button", name=re.compile("Give a referral"))
               ).to_have_count(0)
        pages.check(page, "r01-members-give-link")
        page.locator(f"#member-{paul.id}").get_by_role("button", name="Give a referral to Paul Toiture").click()
        expect(page).to_have_url(re.compile(rf"/referrals/new\?club_id={club.id}&to={paul.id}$"))
        expect(page.get_by_label("Member", exact=True)).to_have_value(str(paul.id))
        expect(page.get_by_label("Club", exact=True)).to_have_value(str(club.id))
        page.get_by_label("Prospect's name").fill("Hôtel des Thermes")
        page.get_by_label("Prospect's email").fill("direction@hotel-thermes.example")
        page.get_by_label("Prospect's phone").fill("04 70 98 76 54")
        page.locator("label.temp-choice", has_text="Very warm").click()
        pages.check(page, "r02-give-form")
        # Forgetting what they need: the error shows beside the field, nothing is saved.
        page.get_by_role("button", name="Give the referral").click()
        expect(page.locator("#description-error")).to_have_text("Say what the prospect needs.")
        expect(page.get_by_label("Member", exact=True)).to_have_value(str(paul.id))
        pages.check(page, "r03-give-form-error")
        page.get_by_label("What they need").fill("Roof repair before the summer season; "
                                                 "the manager expects a call this week.")
        page.locator("label.temp-choice", has_text="Very warm").click()
        page.get_by_role("button", name="Give the referral").click()
        expect(page.locator(".flash")).to_contain_text("Your referral is on its way to Paul Toiture.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hôtel des Thermes")
        expect(page.locator(".temp-text").first).to_contain_text("4/5 · Very warm")
        expect(page.get_by_role("radio")).to_have_count(0)  # the giver has no follow-up form
        pages.check(page, "r04-referral-giver")
        page.get_by_role("link", name="Referrals").first.click()
        expect(page.locator(".referral-row").first).to_contain_text("Hôtel des Thermes")
        pages.check(page, "r05-my-referrals")

        # -- Paul follows it up to won, with the amount closed.
        receiver = paul_ctx.new_page()
        pages.watch(receiver)
        log_in(receiver, base, paul.email)
        receiver.goto(base + "/referrals?tab=received")
        expect(receiver.locator(".tab-alert")).to_be_visible()
        pages.check(receiver, "r06-received")
        receiver.get_by_role("link", name="Hôtel des Thermes").click()
        expect(receiver.get_by_label("Business closed (TYFCB)")).to_be_hidden()  # until "Won" is chosen
        receiver.get_by_label("Won", exact=True).check()
        receiver.get_by_label("Business closed (TYFCB)").fill("-5")
        receiver.get_by_role("button", name="Save the follow-up").click()
        expect(receiver.locator("#amount-error")).to_have_text("The amount cannot be negative.")
        pages.check(receiver, "r07-follow-up-error")
        receiver.get_by_label("Business closed (TYFCB)").fill("8 400,00")
        receiver.get_by_role("button", name="Save the follow-up").click()
        expect(receiver.locator(".flash-success").first).to_contain_text("The follow-up is saved.")
        expect(receiver.locator(".tyfcb-banner")).to_contain_text("€8,400")
        pages.check(receiver, "r08-referral-won")

        # -- Julien's card: score, light in words, and the two charts drawn on the server.
        page.goto(f"{base}/clubs/{club.id}")
        page.get_by_role("button", name="My scorecard").click()
        expect(page).to_have_url(re.compile(rf"/clubs/{club.id}/scorecards$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("My scorecard")
        expect(page.locator(".score-badge .light")).to_have_text(re.compile("Green|Amber|Red|Grey"))
        expect(page.get_by_role("img", name="Referrals given and received per month")).to_be_visible()
        expect(page.get_by_role("img", name="Business closed thanks to my referrals (TYFCB), cumulated")
               ).to_be_visible()
        expect(page.locator(".chart-panel").nth(1)).to_contain_text("€27,200")
        pages.check(page, "r09-my-card")

        # -- Claire, the president, ranks the members and downloads the CSV.
        officer = claire_ctx.new_page()
        pages.watch(officer)
        log_in(officer, base, claire.email)
        officer.goto(f"{base}/clubs/{club.id}")
        officer.get_by_role("button", name="Scorecards").click()
        rows = officer.locator(".scorecard-table tbody tr")
        expect(rows).to_have_count(6)
        expect(rows.first).to_contain_text("Sophie Laurent")
        expect(rows.first.locator(".light")).to_have_text("Green")
        expect(officer.get_by_text("Hôtel des Thermes")).to_have_count(0)
        pages.check(officer, "r10-scorecards-officer")
        with officer.expect_download() as download:
            officer.get_by_role("button", name="Download referrals (CSV)").click()
        csv_text = download.value.path().read_text(encoding="utf-8-sig")
        assert "Julien Bardet" in csv_text and "8400.00" in csv_text and "Thermes" not in csv_text

        # -- Phones: 390 px wide, and the smallest ones at 320 px.
        page.set_viewport_size(PHONE)
        for path, shot in ((f"/clubs/{club.id}/members", "r11-phone-members"), ("/referrals", "r12-phone-referrals"),
                           (f"/referrals/new?club_id={club.id}&to={paul.id}", "r13-phone-give"),
                           (f"/clubs/{club.id}/scorecards/me", "r14-phone-my-card")):
            page.goto(base + path)
            pages.check(page, shot)
        receiver.set_viewport_size(PHONE)
        receiver.goto(base + "/referrals?tab=received")
        receiver.locator(".referral-title a").first.click()
        pages.check(receiver, "r15-phone-referral-receiver")
        officer.set_viewport_size(PHONE)
        officer.goto(f"{base}/clubs/{club.id}/scorecards")
        pages.check(officer, "r16-phone-scorecards")
        page.set_viewport_size({"width": 320, "height": 640})
        for path in ("/referrals", f"/clubs/{club.id}/scorecards/me", "/referrals/new", "/one-to-ones/new"):
            page.goto(base + path)
            pages.check(page)

        # -- A one-to-one, then the same pages in French.
        page.set_viewport_size(DESKTOP)
        page.goto(base + "/referrals")
        page.get_by_role("button", name="Log a one-to-one").click()
        page.get_by_label("Member you met").select_option(label="Paul Toiture · Roofer")
        page.get_by_label("Date").fill((date.today() - timedelta(days=1)).isoformat())
        page.get_by_label("Private notes").fill("Coffee at the Grand Café: his new slate range.")
        pages.check(page, "r17-one-to-one-form")
        page.get_by_role("button", name="Log the one-to-one").click()
        expect(page.locator(".flash")).to_contain_text("Your one-to-one with Paul Toiture is logged.")
        expect(page.locator("#one-to-ones")).to_contain_text("his new slate range")
        page.set_viewport_size(PHONE)
        page.get_by_role("button", name="Français").click()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        pages.check(page, "r18-phone-referrals-fr")
        page.goto(f"{base}/clubs/{club.id}/scorecards/me")
        pages.check(page, "r19-phone-my-card-fr")

        assert pages.problems == {}, pages.problems
        assert pages.console == [], pages.console
    finally:
        julien_ctx.close()
        paul_ctx.close()
        claire_ctx.close()

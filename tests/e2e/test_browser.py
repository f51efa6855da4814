"""The president-invites-a-member story, end to end in a real browser (Debian's chromium via Playwright).

A president signs up, completes the profile, creates a club and invites a member by email; the invitee
signs up from the emailed link, chooses a category and joins; the president sees them among the members;
the member finds the president in the directory. Every page visited is checked for labelled form
controls, images with alt text, console errors (CSP violations among them) and horizontal overflow.
Screenshots go to tests/e2e/screenshots/ (git-ignored).
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.pages import DESKTOP, PASSWORD, PHONE, Pages

pytestmark = pytest.mark.browser

INVITE_LINK_RE = re.compile(r"https?://\S+/invitations/\S+")


def flash(page):  # type: ignore[no-untyped-def]
    return page.locator(".flash")


def test_president_invites_member_who_joins_and_finds_them(browser, live_server, screenshots):
    from playwright.sync_api import expect

    base = live_server.url
    visit = Pages(screenshots, accept_dialogs=False)
    president_ctx = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Europe/Paris")
    member_ctx = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="America/Martinique")
    president_ctx.set_default_timeout(10_000)
    member_ctx.set_default_timeout(10_000)
    try:
        # -- The president discovers the product and signs up.
        page = president_ctx.new_page()
        visit.watch(page)
        page.goto(base + "/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Run your business club")
        visit.check(page, "01-landing")
        page.get_by_role("button", name="Create my account").click()
        expect(page).to_have_url(re.compile(r"/auth/signup$"))
        expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
        # The browser's time zone is preselected by app.js.
        expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
        page.get_by_label("Your name").fill("Claire Martin")
        page.get_by_label("Email").fill("claire@martin-couverture.fr")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Language").select_option("en")
        visit.check(page, "02-signup")
        page.get_by_role("button", name="Create my account").click()
        expect(page).to_have_url(re.compile(r"/dashboard$"))
        expect(flash(page)).to_have_text("Welcome to Clubapp, Claire Martin!")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello Claire Martin")
        expect(page.get_by_text("You are not a member of any club yet.")).to_be_visible()
        visit.check(page, "03-dashboard-new")

        # -- Completes the profile from the dashboard's prompt.
        page.get_by_role("link", name="Complete your profile").click()
        expect(page).to_have_url(re.compile(r"/account/profile$"))
        expect(page.locator("#name")).to_have_value("Claire Martin")
        page.get_by_label("Business name").fill("Martin Couverture")
        page.get_by_label("Category (profession)").fill("Roofer")
        page.get_by_label("City").fill("Vichy")
        page.get_by_label("Phone").fill("04 70 00 00 01")
        page.get_by_label("Website").fill("https://martin-couverture.example")
        page.get_by_label("Short bio").fill("Roofs, gutters and skylights around Vichy since 2004.")
        page.get_by_role("button", name="Save my profile").click()
        expect(flash(page)).to_have_text("Your profile is saved.")
        expect(page.get_by_label("Business name")).to_have_value("Martin Couverture")
        visit.check(page, "04-profile")
        page.get_by_role("link", name="Dashboard").click()
        expect(page.get_by_text("Martin Couverture · Roofer")).to_be_visible()

        # -- Creates a club.
        page.get_by_role("button", name="Create a club").click()
        expect(page).to_have_url(re.compile(r"/clubs/new$"))
        page.get_by_label("Club name").fill("BNI Vichy Avenir")
        expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
        page.get_by_label("Description").fill("Every Thursday at 7:30 by video: 60-second presentations, "
                                              "referrals and one guest speaker.")
        page.get_by_label("One member per category (profession)").check()
        visit.check(page, "05-club-form")
        page.get_by_role("button", name="Save the club").click()
        expect(page).to_have_url(re.compile(r"/clubs/\d+$"))
        club_url = page.url
        expect(flash(page)).to_have_text("BNI Vichy Avenir is created. You are its president.")
        expect(page.get_by_role("heading", level=1)).to_have_text("BNI Vichy Avenir")
        expect(page.get_by_text("One member per category")).to_be_visible()
        expect(page.get_by_text("No invitation pending.")).to_be_visible()
        visit.check(page, "06-club-created")

        # -- Invites a member by email.
        page.get_by_role("button", name="Invite", exact=True).click()
        expect(page).to_have_url(re.compile(r"/clubs/\d+/invite$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Invite to BNI Vichy Avenir")
        page.get_by_label("Email of the person to invite").fill("karim@benali-expertise.fr")
        expect(page.get_by_label("Role")).to_have_value("member")
        visit.check(page, "07-invite")
        page.get_by_role("button", name="Send the invitation").click()
        expect(page).to_have_url(re.compile(re.escape(club_url) + r"(#invitations)?$"))  # the pending invitations
        expect(flash(page)).to_have_text("Invitation sent to karim@benali-expertise.fr.")
        expect(page.locator("#invitations")).to_contain_text("karim@benali-expertise.fr")
        visit.check(page, "08-club-invitation-pending")

        emails = [m for m in live_server.outbox if "karim@benali-expertise.fr" in m.to]
        assert len(emails) == 1, [m.to for m in live_server.outbox]
        assert "Claire Martin invites you to join BNI Vichy Avenir" in emails[0].body
        link = INVITE_LINK_RE.search(emails[0].body)
        assert link, emails[0].body
        invite_link = link.group(0)
        assert invite_link.startswith(base + "/invitations/")

        # -- The invitee opens the link, creates an account on the way, chooses a category and joins.
        guest = member_ctx.new_page()
        visit.watch(guest)
        guest.goto(invite_link)
        expect(guest).to_have_url(re.compile(r"/auth/login\?next="))
        expect(flash(guest)).to_have_text("Please log in to see this page.")
        visit.check(guest, "09-invitee-login")
        guest.get_by_role("link", name="Create an account").click()
        expect(guest).to_have_url(re.compile(r"/auth/signup\?next="))
        expect(guest.get_by_label("Time zone")).to_have_value("America/Martinique")
        guest.get_by_label("Your name").fill("Karim Benali")
        guest.get_by_label("Email").fill("karim@benali-expertise.fr")
        guest.get_by_label("Password").fill(PASSWORD)
        guest.get_by_role("button", name="Create my account").click()
        expect(guest).to_have_url(invite_link)
        expect(guest.get_by_role("heading", level=1)).to_have_text("Join BNI Vichy Avenir")
        expect(guest.get_by_text("Claire Martin invites you to join as Member.")).to_be_visible()
        expect(guest.get_by_text("This club admits one member per category (profession).")).to_be_visible()
        guest.get_by_label("Your category (profession) in this club").fill("Chartered accountant")
        visit.check(guest, "10-invitee-accept")
        guest.get_by_role("button", name="Join the club").click()
        expect(guest).to_have_url(club_url)
        expect(flash(guest)).to_have_text("Welcome to BNI Vichy Avenir!")
        expect(guest.locator(".stats")).to_contain_text("Chartered accountant")
        expect(guest.get_by_role("button", name="Invite", exact=True)).to_have_count(0)  # members do not invite
        visit.check(guest, "11-invitee-club")

        # -- The president sees the new member in the members page; the invitation is no longer pending.
        page.goto(club_url)
        expect(page.get_by_text("No invitation pending.")).to_be_visible()
        page.get_by_role("button", name="Members", exact=True).click()
        expect(page).to_have_url(re.compile(r"/clubs/\d+/members$"))
        expect(page.get_by_text("2 members")).to_be_visible()
        karim = page.locator(".member-card", has_text="Karim Benali")
        expect(karim).to_contain_text("Chartered accountant")
        expect(karim).to_contain_text("Member")
        expect(karim.get_by_role("link", name="karim@benali-expertise.fr")).to_be_visible()
        expect(page.locator(".member-card", has_text="Claire Martin")).to_contain_text("President")
        visit.check(page, "12-members")

        # -- The president's dashboard now lists the club.
        page.get_by_role("link", name="Dashboard").click()
        expect(page.locator(".club-card")).to_contain_text("BNI Vichy Avenir")
        expect(page.locator(".club-card")).to_contain_text("President")
        visit.check(page, "13-dashboard-with-club")
        page.get_by_role("link", name="Clubs", exact=True).click()
        expect(page).to_have_url(re.compile(r"/clubs$"))
        expect(page.locator(".club-card")).to_contain_text("BNI Vichy Avenir")
        visit.check(page, "13b-clubs")

        # -- On a phone: dashboard, club and members pages fit 390px and the nav still works.
        page.set_viewport_size(PHONE)
        page.goto(base + "/dashboard")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello Claire Martin")
        visit.check(page, "14-phone-dashboard")
        expect(page.get_by_role("link", name="Directory")).to_be_visible()
        page.goto(club_url)
        visit.check(page, "15-phone-club")
        page.goto(club_url + "/members")
        expect(page.locator(".member-card", has_text="Karim Benali")).to_be_visible()
        visit.check(page, "16-phone-members")
        page.locator("header details.dropdown summary").click()
        expect(page.get_by_role("link", name="My profile")).to_be_visible()
        visit.check(page, "17-phone-menu-open")
        page.keyboard.press("Escape")  # app.js closes the menu and gives the focus back to it
        expect(page.get_by_role("link", name="My profile")).to_be_hidden()
        expect(page.locator("header details.dropdown summary")).to_be_focused()
        for path in ("/dashboard", club_url.removeprefix(base), "/directory?q=roofer"):  # the smallest phones
            page.set_viewport_size({"width": 320, "height": 640})
            page.goto(base + path)
            visit.check(page)

        # -- The member searches the directory for a roofer and finds the president.
        guest.get_by_role("link", name="Directory").click()
        expect(guest).to_have_url(re.compile(r"/directory$"))
        guest.get_by_label("Who are you looking for?").fill("roofer")
        guest.get_by_role("button", name="Search").click()
        expect(guest).to_have_url(re.compile(r"/directory\?q=roofer"))
        expect(guest.get_by_text("1 member found")).to_be_visible()
        row = guest.locator("tbody tr")
        expect(row).to_have_count(1)
        for text in ("Claire Martin", "Roofer", "Martin Couverture", "Vichy", "BNI Vichy Avenir"):
            expect(row).to_contain_text(text)
        phone = row.get_by_role("link", name=re.compile(r"^(04 70 00 00 01|\+33 4 70 00 00 01)$"))  # national in France
        expect(phone).to_have_attribute("href", "tel:+33-4-70-00-00-01")  # RFC 3966, from the E.164 stored
        visit.check(guest, "18-directory")
        guest.get_by_label("Who are you looking for?").fill("plumber")
        guest.get_by_role("button", name="Search").click()
        expect(guest.get_by_text("0 members found")).to_be_visible()
        guest.set_viewport_size(PHONE)
        guest.get_by_label("Who are you looking for?").fill("")
        guest.get_by_label("City").fill("vichy")
        guest.get_by_role("button", name="Search").click()
        expect(guest.get_by_text("1 member found")).to_be_visible()
        visit.check(guest, "19-phone-directory")

        # -- Phone landing page, signed out.
        anonymous = browser.new_context(viewport=PHONE, locale="en-US")
        try:
            landing = anonymous.new_page()
            visit.watch(landing)
            landing.goto(base + "/")
            expect(landing.get_by_role("button", name="Sign up")).to_be_visible()
            visit.check(landing, "20-phone-landing")
        finally:
            anonymous.close()

        assert visit.problems == {}, visit.problems
        assert visit.console == [], visit.console
    finally:
        president_ctx.close()
        member_ctx.close()

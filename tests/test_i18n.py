"""Translations: the French catalog is complete, in sync with the code and compiled; pages follow the locale.

To refresh after changing strings: ``make translations``, translate what is new in
clubapp/translations/fr/LC_MESSAGES/messages.po, then ``pybabel compile -d clubapp/translations``.
"""
from __future__ import annotations

import contextlib
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from clubapp.models import Role
from tests import factories
from tests.conftest import log_in, submit

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "clubapp" / "translations"
LOCALES = ("fr", "en")
NBSP = "\u00a0"
# %(name)s, %(n)d, %(num)d ... as Python's %-formatting reads them.
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def _load_po(locale: str) -> Catalog:
    with _po_path(locale).open("rb") as f:
        return read_po(f, locale=locale)


def _forms(message) -> list[str]:  # type: ignore[no-untyped-def]
    """The msgstr of a message as a list (one item, or one per plural form)."""
    return list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]


def _ids(message) -> list[str]:  # type: ignore[no-untyped-def]
    return list(message.id) if isinstance(message.id, (tuple, list)) else [message.id]


def _key(message) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    context = message.context
    if isinstance(context, bytes):  # read_mo leaves msgctxt undecoded
        context = context.decode("utf-8")
    return (_ids(message)[0], context)


@pytest.fixture(scope="module")
def fr_catalog() -> Catalog:
    return _load_po("fr")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The strings of the code now, extracted as ``make translations`` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        CommandLineInterface().run([
            "pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
            "-k", "lazy_pgettext:1c,2",
            "-o", str(pot), str(ROOT),
        ])
    with pot.open("rb") as f:
        catalog = read_po(f)
    assert len(catalog) > 100, "the extraction found almost nothing: is babel.cfg right?"
    return catalog


# (a) The French catalog is complete and well formed.

def test_fr_catalog_header(fr_catalog: Catalog) -> None:
    assert str(fr_catalog.locale) == "fr"
    assert fr_catalog.plural_forms == "nplurals=2; plural=(n > 1);"
    assert not fr_catalog.fuzzy


def test_fr_catalog_has_no_empty_or_fuzzy_entry(fr_catalog: Catalog) -> None:
    empty = [m.id for m in fr_catalog if m.id and not all(_forms(m))]
    fuzzy = [m.id for m in fr_catalog if m.id and m.fuzzy]
    assert not empty, f"untranslated: {empty}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    for message in fr_catalog:
        if message.id and message.pluralizable:
            assert len(_forms(message)) == 2, message.id


def test_fr_placeholders_match(fr_catalog: Catalog) -> None:
    """Each msgstr keeps the placeholders of its msgid and invents none.

    A plural's singular msgid may leave the number out ("Every day" / "Every %(num)d days"): msgstr[0] then
    needs the singular's placeholders and msgstr[1] the plural's; none may use an unknown one.
    """
    problems = []
    for message in fr_catalog:
        if not message.id:
            continue
        ids = _ids(message)
        known = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for index, form in enumerate(_forms(message)):
            used = set(PLACEHOLDER.findall(form))
            needed = set(PLACEHOLDER.findall(ids[min(index, len(ids) - 1)]))
            if not needed <= used <= known:
                problems.append((message.id, form))
            elif known:
                try:
                    form % dict.fromkeys(known, 1)
                except (TypeError, ValueError, KeyError) as error:  # a stray % sign
                    problems.append((message.id, f"{form} ({error})"))
    assert not problems, problems
    assert not [error for _m, errors in fr_catalog.check() for error in errors]


def test_fr_typography_is_consistent(fr_catalog: Catalog) -> None:
    """No-break space before : ; ? ! and inside « », typographic apostrophe and ellipsis, « » quotes."""
    problems = []
    for message in fr_catalog:
        if not message.id:
            continue
        for form in _forms(message):
            text = form.replace("Content-Type:", "").replace("Authorization:", "")  # HTTP, not prose
            text = re.sub(r"\w+://|(?<=\d):(?=\d)", "", text)  # https://, 07:30
            if re.search(rf"(?<!{NBSP})[;?!»]|(?<!{NBSP}):|«(?!{NBSP})", text):
                problems.append((message.id, form, "no-break space"))
            if re.search(r"['\"“”]", form):
                problems.append((message.id, form, "’ and « » expected"))
            if "..." in form:
                problems.append((message.id, form, "… expected"))
            source = _ids(message)[0]
            edges = (form[:1].isspace(), form[-1:].isspace())
            if "  " in form or edges != (source[:1].isspace(), source[-1:].isspace()):
                problems.append((message.id, form, "spaces"))
    assert not problems, problems


# (b) The catalogs hold every string of the code.

@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_up_to_date_with_the_code(extracted: Catalog, locale: str) -> None:
    catalog = _load_po(locale)
    known = {_key(m): m for m in catalog if m.id}
    missing = [m.id for m in extracted if m.id and _key(m) not in known]
    assert not missing, f"not in the {locale} catalog (run `make translations` and translate): {missing}"
    changed_plurals = [m.id for m in extracted if m.id and _ids(known[_key(m)]) != _ids(m)]
    assert not changed_plurals, f"singular/plural changed in the code: {changed_plurals}"


# (c) The compiled catalogs match their sources.

@pytest.mark.parametrize("locale", LOCALES)
def test_mo_is_compiled_from_the_current_po(locale: str) -> None:
    expected = {}
    for message in _load_po(locale):
        if not message.id or message.fuzzy:
            continue
        if message.pluralizable:
            ids = _ids(message)
            expected[_key(message)] = tuple(s or ids[min(i, 1)] for i, s in enumerate(_forms(message)))
        elif message.string:
            expected[_key(message)] = message.string
    mo_path = _po_path(locale).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run pybabel compile -d clubapp/translations"
    with mo_path.open("rb") as f:
        compiled = read_mo(f)
    actual = {}
    for message in compiled:
        if message.id:
            actual[_key(message)] = tuple(_forms(message)) if message.pluralizable else message.string
    assert actual == expected, "the .mo is stale: run pybabel compile -d clubapp/translations"


def test_compiled_french_follows_the_french_plural_rule() -> None:
    translations = Translations.load(str(TRANSLATIONS), ["fr"])
    assert translations.gettext("Log in") == "Se connecter"
    assert translations.ngettext("%(num)d member", "%(num)d members", 0) % {"num": 0} == "0 membre"
    assert translations.ngettext("%(num)d member", "%(num)d members", 1) % {"num": 1} == "1 membre"
    assert translations.ngettext("%(num)d member", "%(num)d members", 2) % {"num": 2} == "2 membres"


# (d) Pages are in the language of the user, else of the browser.

def _html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, "no <html lang>"
    return match.group(1)


@pytest.mark.parametrize(("accept", "lang", "present", "absent"), [
    ("fr", "fr", ["Se connecter", f"Mot de passe oublié{NBSP}?", "Créer un compte"],
     ["Log in", "Forgot your password?"]),
    ("fr-FR,fr;q=0.9,en;q=0.8", "fr", ["Se connecter"], ["Log in"]),
    ("en", "en", ["Log in", "Forgot your password?", "Create an account"], ["Se connecter", "Mot de passe"]),
    ("en-GB,en;q=0.9,fr;q=0.5", "en", ["Log in"], ["Se connecter"]),
    ("de", "en", ["Log in"], ["Se connecter"]),
])
def test_anonymous_pages_follow_accept_language(client, accept, lang, present, absent) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/auth/login", headers={"Accept-Language": accept})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _html_lang(html) == lang
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html


def test_french_user_sees_french_whatever_the_browser_says(client) -> None:  # type: ignore[no-untyped-def]
    user = factories.UserFactory(locale="fr")
    assert log_in(client, user.email).status_code == 302
    html = client.get("/dashboard", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert _html_lang(html) == "fr"
    assert "Tableau de bord" in html and "Mes clubs" in html and "Annuaire" in html
    assert "Dashboard" not in html and "My clubs" not in html


def test_english_user_sees_english_whatever_the_browser_says(client, user) -> None:  # type: ignore[no-untyped-def]
    assert log_in(client, user.email).status_code == 302
    html = client.get("/dashboard", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert _html_lang(html) == "en"
    assert "Dashboard" in html and "My clubs" in html
    assert "Tableau de bord" not in html


def test_language_switch_in_the_footer(client) -> None:  # type: ignore[no-untyped-def]
    response = submit(client, "/auth/login", {"lang": "fr", "next": "/auth/login"}, action="/language",
                      headers={"Accept-Language": "en"})
    assert response.status_code == 302
    html = client.get("/auth/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _html_lang(html) == "fr" and "Se connecter" in html


def test_password_reset_email_is_in_the_users_language(client, outbox) -> None:  # type: ignore[no-untyped-def]
    user = factories.UserFactory(locale="fr", name="Fanny Villette")
    submit(client, "/auth/forgot", {"email": user.email}, headers={"Accept-Language": "en"})
    assert len(outbox) == 1
    assert outbox[0].subject == "Réinitialisez votre mot de passe Clubapp"
    assert "Bonjour Fanny Villette," in outbox[0].body and "Hello" not in outbox[0].body


def _english_left(client, fr_catalog: Catalog, pages: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Open ``pages`` (signed in as a French member): French, and no msgid of the catalog left in English.

    Catches strings translated too early (``gettext`` at import time instead of ``lazy_gettext``).
    """
    english = sorted({
        i for m in fr_catalog if m.id for i in _ids(m)
        if " " in i and "%" not in i and len(i) >= 12 and i not in _forms(m)
    })
    for page in pages:
        response = client.get(page, headers={"Accept-Language": "en"})
        html = response.get_data(as_text=True)
        assert response.status_code == (404 if page == "/no-such-page" else 200), page
        assert _html_lang(html) == "fr", page
        left = [text for text in english if text in html]
        assert not left, f"{page}: {left}"


def test_no_english_left_on_french_pages(client, fr_catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    user = factories.UserFactory(locale="fr")
    club = factories.club_with(president=user, members=2, visibility="public")
    factories.MembershipFactory(club=factories.club_with(), user=user)
    factories.NetworkAdminFactory(user=user)
    assert log_in(client, user.email).status_code == 302
    _english_left(client, fr_catalog, [
        "/dashboard", "/clubs", "/directory?q=Category", "/account/profile", "/account/settings",
        "/account/password", f"/clubs/{club.id}", f"/clubs/{club.id}/members", f"/clubs/{club.id}/invite",
        f"/clubs/{club.id}/edit", "/clubs/new", "/networks/new", f"/c/{club.slug}/listing", "/no-such-page"])


def test_no_english_left_on_french_meeting_pages(app, client, fr_catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    from clubapp.services import meetings

    user = factories.UserFactory(locale="fr")
    club = factories.club_with(president=user, members=2)
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    with app.test_request_context():
        series = meetings.create_series(user, club, {
            "title": "Réunion hebdomadaire", "start_date": tomorrow.isoformat(), "start_time": "07:30",
            "duration_minutes": 90, "rrule": "FREQ=WEEKLY;COUNT=10"})
        first, second = meetings.club_meetings(club, datetime.now(UTC), datetime.now(UTC) + timedelta(days=30))[:2]
        meetings.update_occurrence(user, second.id, {"status": "cancelled"})
    assert log_in(client, user.email).status_code == 302
    _english_left(client, fr_catalog, [
        "/dashboard", "/meetings", f"/clubs/{club.id}/meetings", f"/clubs/{club.id}/meetings/new",
        f"/series/{series.id}/edit", f"/meetings/{first.id}", f"/meetings/{first.id}/edit", f"/meetings/{second.id}"])


def test_api_reference_page_is_framed_in_french(client) -> None:  # type: ignore[no-untyped-def]
    """The page around the API reference is French; the OpenAPI text itself stays in English."""
    html = client.get("/api/docs", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert _html_lang(html) == "fr"
    assert "Documentation de l’API" in html and "Les erreurs ont toujours la forme" in html


def test_role_names_are_translated(client) -> None:  # type: ignore[no-untyped-def]
    user = factories.UserFactory(locale="fr")
    club = factories.club_with(president=user)
    for role in (Role.VICE_PRESIDENT, Role.SECRETARY):
        factories.MembershipFactory(club=club, role=role)
    log_in(client, user.email)
    html = client.get(f"/clubs/{club.id}/members").get_data(as_text=True)
    for name in ("Président", "Vice-président", "Secrétaire-trésorier", "Membre"):
        assert name in html


def test_no_french_message_holds_its_text_twice(fr_catalog: Catalog) -> None:
    """A merge of catalogues once glued a translation to itself ("…en route.L’invitation…en route.")."""
    doubled = []
    for message in fr_catalog:
        for form in _forms(message):
            size = len(form)
            if any(size % part == 0 and form[:part] * (size // part) == form for part in range(8, size // 2 + 1)):
                doubled.append(message.id)
    assert not doubled

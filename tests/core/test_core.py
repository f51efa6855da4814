"""Pure core functions: no app, no database."""
from __future__ import annotations

import pytest

from clubapp.config import instance_secret_key, normalise_database_url
from clubapp.core import passwords
from clubapp.core.secrets import digest, new_token
from clubapp.core.text import clean, normalise_email, slugify
from clubapp.core.timezones import all_timezones, is_valid_timezone


@pytest.mark.parametrize(("name", "slug"), [
    ("BNI Vichy Avenir", "bni-vichy-avenir"),
    ("Cercle d'affaires francophone de Lima", "cercle-d-affaires-francophone-de-lima"),
    ("FCE Allier — délégation de Moulins", "fce-allier-delegation-de-moulins"),
    ("   ", "club"),
    ("Événements & Co", "evenements-co"),
])
def test_slugify(name, slug):
    assert slugify(name) == slug


@pytest.mark.parametrize(("zone", "valid"), [
    ("Europe/Paris", True), ("America/Lima", True), ("UTC", True), ("Pacific/Auckland", True),
    ("Mars/Olympus", False), ("", False), (None, False), ("../etc/passwd", False), ("/etc/localtime", False),
    (" Europe/Paris", False),
])
def test_timezone_validation(zone, valid):
    assert is_valid_timezone(zone) is valid


def test_timezone_list_is_sorted_and_has_the_clubs_zones():
    zones = all_timezones()
    assert list(zones) == sorted(zones)
    assert {"Europe/Paris", "America/Lima", "UTC"} <= set(zones)


def test_tokens_are_long_random_and_stored_as_digest():
    a, b = new_token(), new_token("ca_")
    assert a != b and b.startswith("ca_")
    assert len(a) >= 43  # 256 bits in base64url
    assert digest(a) != a and len(digest(a)) == 64 and digest(a) == digest(a)


def test_passwords_argon2id_owasp_parameters():
    stored = passwords.hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(stored, "correct horse battery staple")
    assert not passwords.verify_password(stored, "wrong")
    assert not passwords.verify_password(None, "anything")
    assert not passwords.verify_password("not a hash", "anything")


def test_text_helpers():
    assert normalise_email("  Anne@Example.FR ") == "anne@example.fr"
    assert clean("  ") is None and clean(" a ") == "a" and clean(None) is None


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_url_normalised_for_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def test_instance_secret_key_generated_once(tmp_path):
    first = instance_secret_key(tmp_path)
    assert len(first) == 64 and instance_secret_key(tmp_path) == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"

"""Profile field rules without Flask: websites, phone numbers, a member's default phone region.

Checking raises ``ValueError`` (the services turn it into a field error); displaying never raises,
because rows stored before these rules existed must still render.
"""
from __future__ import annotations

import re
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import phonenumbers

DEFAULT_REGION = "FR"
# "mailto:", "javascript:", "data:"... but not "example.fr:8080" (a port).
_DIALLABLE = re.compile(r"^\+?[0-9]{3,20}$")
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])")


# Websites

def _website_host(url: str) -> str | None:
    """The host of an http(s) URL when it is a dotted name, else None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on "https://javascript:alert(1)"
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        return None
    labels = host.rstrip(".").split(".")
    if len(labels) < 2 or not all(labels) or any(c.isspace() for c in url):
        return None
    if not all(label.replace("-", "").isalnum() for label in labels):  # letters of any script, digits, hyphens
        return None
    return host


def normalise_website(value: str) -> str:
    """An http(s) URL with a dotted host; a bare domain gets ``https://``; ValueError otherwise."""
    value = value.strip()
    if "://" not in value:
        if _OTHER_SCHEME.match(value):
            raise ValueError(value)
        value = "https://" + value
    if _website_host(value) is None:
        raise ValueError(value)
    return value


def safe_website(value: str | None) -> str | None:
    """A stored website fit to be a link, or None (older rows may hold anything)."""
    if not value:
        return None
    return value if _website_host(value) is not None else None


def website_label(url: str) -> str:
    """A website without its scheme, for display."""
    return url.split("://", 1)[-1].rstrip("/")


# Phone numbers

@cache
def _zone_regions() -> dict[str, str]:
    """IANA zone name -> ISO 3166 country code, from the tz database's zone.tab."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    regions = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            if len(fields) >= 3:
                regions[fields[2]] = fields[0]
    return regions


def default_region(country: str | None = None, timezone: str | None = None, locale: str | None = None) -> str:
    """The region a member's national phone numbers belong to: country, else time zone, else locale, else FR."""
    candidates = [country]
    if timezone:
        candidates.append(_zone_regions().get(timezone))
    if locale and ("_" in locale or "-" in locale):
        candidates.append(locale.replace("-", "_").split("_", 1)[1])
    for candidate in candidates:
        if candidate and candidate.upper() in phonenumbers.SUPPORTED_REGIONS:
            return candidate.upper()
    return DEFAULT_REGION


def parse_phone(value: str, region: str = DEFAULT_REGION) -> str:
    """A valid phone number in E.164 (``+33470123456``); national numbers read in ``region``."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValueError(value) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parsed(value: str) -> phonenumbers.PhoneNumber | None:
    """A stored E.164 number; older national-format text is not guessed at."""
    if not value.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def format_phone(value: str | None, region: str | None = None) -> str:
    """A stored number for reading: national format in ``region``, international otherwise; old text as is."""
    if not value:
        return ""
    number = _parsed(value)
    if number is None:
        return value
    if region and phonenumbers.region_code_for_number(number) == region.upper():
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_uri(value: str | None) -> str | None:
    """A ``tel:`` URI for a stored number, or None when it cannot be dialled as stored."""
    if not value:
        return None
    number = _parsed(value)
    if number is None:
        digits = re.sub(r"[\s.()-]", "", value)
        return f"tel:{digits}" if _DIALLABLE.match(digits) else None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966)

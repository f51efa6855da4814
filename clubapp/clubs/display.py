"""Template filters for members' contact details: old stored values render, never break a page."""
from __future__ import annotations

from flask_login import current_user

from clubapp.core import profile as profile_rules
from clubapp.services.accounts import phone_region


def phone(value: str | None) -> str:
    """A phone number for reading: national format in the reader's own country, international otherwise."""
    region = phone_region(current_user) if current_user and current_user.is_authenticated else None
    return profile_rules.format_phone(value, region)


def phone_uri(value: str | None) -> str | None:
    """A ``tel:`` link target, or None when the stored text cannot be dialled."""
    return profile_rules.phone_uri(value)


def safe_website(value: str | None) -> str | None:
    """A stored website fit to be a link (http or https with a real host), else None."""
    return profile_rules.safe_website(value)


def website_label(value: str) -> str:
    """A website without its scheme."""
    return profile_rules.website_label(value)

"""Text helpers: slugs and normalised search terms."""
from __future__ import annotations

import re
import unicodedata


def slugify(value: str, max_length: int = 60) -> str:
    """An ASCII slug: 'BNI Vichy Avenir' -> 'bni-vichy-avenir'."""
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_value.lower()).strip("-")
    return slug[:max_length].strip("-") or "club"


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def clean(value: str | None) -> str | None:
    """Strip a free-text field; empty becomes None."""
    if value is None:
        return None
    value = value.strip()
    return value or None


MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL


def as_id(value: object) -> int | None:
    """An object id from a URL or a body (int or digits), or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None

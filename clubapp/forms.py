"""Form pieces shared by several blueprints."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField

from clubapp.core.timezones import all_timezones


class TimezoneField(SelectField):
    """A select of every IANA time zone."""

    def __init__(self, label=None, validators=None, **kwargs):  # type: ignore[no-untyped-def]
        choices = [(tz, tz.replace("_", " ")) for tz in all_timezones()]
        super().__init__(label or _l("Time zone"), validators, choices=choices, **kwargs)


def language_choices() -> list[tuple[str, str]]:
    return [("fr", "Français"), ("en", "English")]


def strip(value: str | None) -> str | None:
    """Field filter: trim surrounding spaces (pasted emails often carry some)."""
    return value.strip() if isinstance(value, str) else value


def sane_date(form: object, field: object) -> None:
    """A date field inside the window every part of the app computes with (core.bounds)."""
    from wtforms.validators import ValidationError

    from clubapp.core import bounds
    from clubapp.services.checks import window_message

    data = getattr(field, "data", None)
    if data is not None and not bounds.in_window(data):
        raise ValidationError(window_message(bounds.FIRST_DAY, bounds.LAST_DAY))


def revoke_tokens_field() -> BooleanField:
    """On by default: a token made with the old password should not outlive it when that password leaked."""
    return BooleanField(_l("Also revoke my API tokens"), default=True, description=_l(
        "Programs that use a token stop working until you give them a new one."))


def rotate_feed_field() -> BooleanField:
    """Off by default: the feed address does not depend on the password, and changing it breaks subscriptions."""
    return BooleanField(_l("Also give my calendar feed a new address"), default=False, description=_l(
        "The old address stops working: subscribe your calendars again with the new one."))

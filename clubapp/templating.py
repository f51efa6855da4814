"""Every template filter and global, registered in one place (``register``, called by create_app)."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_location
from flask import Flask, request
from flask_babel import get_locale

from clubapp.core import wording


def datetime_in(value: Any, zone: str) -> str:
    """An instant as read in a given IANA zone, in the page's language, without seconds:
    'mardi 1er décembre 2026, 07:30 (heure de Paris)'."""
    from flask_babel import gettext as _

    locale = str(get_locale() or "en")
    moment = value.astimezone(ZoneInfo(zone))
    day = wording.first_of_month(format_date(moment.date(), "full", locale=locale), locale)
    place = get_timezone_location(zone, locale=locale, return_city=True)
    return f"{day}, {format_time(moment, 'short', locale=locale)} " + _("(%(place)s time)", place=place)


def register(app: Flask) -> None:
    """Filters and globals of every blueprint's templates, with distinct names."""
    from clubapp.attendance import panels
    from clubapp.clubs import display as contact
    from clubapp.meetings import display as meetings
    from clubapp.referrals import display as referrals

    helpers: dict[str, Any] = {}
    for table in (meetings.TEMPLATE_HELPERS, panels.TEMPLATE_HELPERS, referrals.TEMPLATE_HELPERS):
        clash = helpers.keys() & table.keys()
        assert not clash, f"template helpers defined twice: {clash}"
        helpers.update(table)
    app.jinja_env.globals.update(helpers)
    app.jinja_env.filters.update({
        "datetime_in": datetime_in, "phone": contact.phone, "phone_uri": contact.phone_uri,
        "safe_website": contact.safe_website, "website_label": contact.website_label})

    @app.context_processor
    def per_request() -> dict[str, Any]:
        return {"current_locale": lambda: str(get_locale() or "en"), "request_path": request.path}

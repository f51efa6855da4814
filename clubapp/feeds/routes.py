"""Feed views."""
from __future__ import annotations

from flask import Response, abort

from clubapp.feeds import bp
from clubapp.services import feeds


@bp.route("/feeds/<token>.ics")
def personal(token: str):  # type: ignore[no-untyped-def]
    """My personal calendar feed (meetings arrive with the meetings feature)."""
    user = feeds.user_for_feed_token(token)
    if user is None:
        abort(404)
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Clubapp//Clubapp//EN\r\nCALSCALE:GREGORIAN\r\n"
        "X-WR-CALNAME:Clubapp\r\nEND:VCALENDAR\r\n"
    )
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=0"})

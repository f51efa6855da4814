"""Feed views: personal feed, public club feed, one meeting as .ics."""
from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime

from flask import Response, abort, g, request, url_for
from flask_login import current_user, login_required

from clubapp.feeds import bp
from clubapp.feeds.fastpath import url_root
from clubapp.services import feeds, meetings
from clubapp.services.errors import NotFound


def _page_url(meeting_id: str) -> str:
    return url_for("meetings.show", meeting_id=meeting_id, _external=True)


def answer(feed: feeds.Feed, if_none_match: str | None, if_modified_since: datetime | None,
           filename: str) -> tuple[int, dict[str, str]]:
    """Status and headers for a feed request: 304 when the client already has this version, else 200."""
    etag = f'"{feed.etag}"'
    last_modified = feed.last_modified.replace(microsecond=0)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Cache-Control": "private, max-age=0, must-revalidate",
        "Content-Disposition": f'inline; filename="{filename}"',
        "Content-Type": "text/calendar; charset=utf-8",
    }
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        if etag in tags or "*" in tags:
            return 304, headers
    elif if_modified_since is not None and last_modified <= if_modified_since:
        return 304, headers
    return 200, headers


def serve(feed: feeds.Feed, filename: str) -> Response:
    """The feed with its validators, or 304."""
    status, headers = answer(feed, request.headers.get("If-None-Match"), request.if_modified_since, filename)
    if status == 304:
        del headers["Content-Type"]
        return Response(status=304, headers=headers)
    return Response(feed.body(), headers=headers)


@bp.route("/feeds/<token>.ics")
def personal(token: str):  # type: ignore[no-untyped-def]
    """My personal feed: every meeting of every club I belong to."""
    feed = feeds.personal_feed_for_token(token, _page_url, url_root(request.environ))
    if feed is None:
        abort(404)
    g.feed_request = True
    return serve(feed, "clubapp.ics")


@bp.route("/clubs/<slug>/feed.ics")
def club(slug: str):  # type: ignore[no-untyped-def]
    """A public club's feed (no video links); private clubs answer 404."""
    try:
        feed = feeds.club_feed(slug, _page_url, request.url_root)
    except NotFound:
        abort(404)
    return serve(feed, f"{slug}.ics")


@bp.route("/meetings/<meeting_id>.ics")
@login_required
def meeting(meeting_id: str):  # type: ignore[no-untyped-def]
    """One meeting as an .ics download."""
    me = current_user._get_current_object()
    occurrence = meetings.get_occurrence(meeting_id, me)
    body = feeds.occurrence_calendar(occurrence, _page_url, with_video=meetings.video_visible(me, occurrence))
    return Response(body, content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{meeting_id}.ics"'})

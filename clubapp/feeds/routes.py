"""Feed views: personal feed, public club feed, one meeting as .ics."""
from __future__ import annotations

from email.utils import format_datetime

from flask import Response, abort, g, request, url_for
from flask_login import current_user, login_required

from clubapp.feeds import bp
from clubapp.services import feeds, meetings
from clubapp.services.errors import NotFound


def _page_url(meeting_id: str) -> str:
    return url_for("meetings.show", meeting_id=meeting_id, _external=True)


def serve(feed: feeds.Feed, filename: str) -> Response:
    """The feed with its validators; 304 when the client already has this version."""
    etag = f'"{feed.etag}"'
    last_modified = feed.last_modified.replace(microsecond=0)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Cache-Control": "private, max-age=0, must-revalidate",
        "Content-Disposition": f'inline; filename="{filename}"',
    }
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        if etag in tags or "*" in tags:
            return Response(status=304, headers=headers)
    elif request.if_modified_since is not None and last_modified <= request.if_modified_since:
        return Response(status=304, headers=headers)
    return Response(feed.body(), headers=headers, content_type="text/calendar; charset=utf-8")


@bp.route("/feeds/<token>.ics")
def personal(token: str):  # type: ignore[no-untyped-def]
    """My personal feed: every meeting of every club I belong to."""
    user = feeds.user_for_feed_token(token)
    if user is None:
        abort(404)
    g.feed_request = True
    return serve(feeds.personal_feed(user, _page_url, request.url_root), "clubapp.ics")


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

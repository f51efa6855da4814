"""Feed views: personal feed, public club feed, one meeting as .ics."""
from __future__ import annotations

from flask import Response, abort, g, request, url_for
from flask_login import current_user, login_required

from clubapp.feeds import bp
from clubapp.services import feeds, meetings
from clubapp.services.errors import NotFound


def _page_url(meeting_id: str) -> str:
    return url_for("meetings.show", meeting_id=meeting_id, _external=True)


def serve(feed: feeds.Feed, filename: str) -> Response:
    """The feed with its validators (gzipped when the client accepts it), or 304."""
    gzipped = feeds.accepts_gzip(request.headers.get("Accept-Encoding"))
    status, headers = feeds.answer(feed, request.headers.get("If-None-Match"), request.if_modified_since, filename,
                                   gzipped)
    if status == 304:
        del headers["Content-Type"]
        return Response(status=304, headers=headers)
    return Response(feed.gzipped() if gzipped else feed.body(), headers=headers)


@bp.route("/feeds/<token>.ics")
def personal(token: str):  # type: ignore[no-untyped-def]
    """My personal feed: every meeting of every club I belong to."""
    feed = feeds.personal_feed_for_token(token, _page_url, feeds.url_root(request.environ))
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

"""Personal feeds answered before Flask's per-request machinery.

Calendar clients poll their feed all day long, mostly to hear "not modified". A request for
``/feeds/<token>.ics`` is answered here from the feed's validators (one query) and the body
cache: 304, or 200 with the cached body (its gzip form when the client accepts gzip). Anything
else (no such token, a body to build, another method) goes on to the Flask route, which answers
the same way through the same functions.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.http import parse_date

PREFIX, SUFFIX = "/feeds/", ".ics"
StartResponse = Callable[..., Any]


class FeedFastPath:
    """WSGI middleware in front of the app for GET and HEAD on personal feeds."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._parts: tuple[Any, Any, dict[str, str]] | None = None

    def _bound(self) -> tuple[Any, Any, dict[str, str]]:
        """The app's engine, body cache and headers, looked up once (no app context per request)."""
        if self._parts is None:
            from clubapp import base_headers
            from clubapp.extensions import cache, db

            with self.app.app_context():
                self._parts = (db.engine, cache.cache, base_headers(self.app))
        return self._parts

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and path.startswith(PREFIX) and path.endswith(SUFFIX) \
                and "/" not in path[len(PREFIX):]:
            answered = self._answer(environ, start_response, path[len(PREFIX):-len(SUFFIX)])
            if answered is not None:
                return answered
        return self.wsgi_app(environ, start_response)

    def _answer(self, environ: dict[str, Any], start_response: StartResponse, token: str) -> list[bytes] | None:
        from clubapp.services import feeds

        engine, cache, security = self._bound()
        feed = feeds.personal_feed_for_token(token, _no_page_url, feeds.url_root(environ), engine=engine)
        if feed is None:
            return None
        gzipped = feeds.accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
        status, headers = feeds.answer(feed, environ.get("HTTP_IF_NONE_MATCH"),
                                       parse_date(environ.get("HTTP_IF_MODIFIED_SINCE")), "clubapp.ics", gzipped)
        body = b""
        if status == 200:
            body = cache.get(feeds.gzip_cache_key(feed.etag) if gzipped else f"feed:{feed.etag}")
            if body is None:
                return None  # to be built: the Flask route does it
        else:
            del headers["Content-Type"]
        headers.update(security)
        if status == 200:
            headers["Content-Length"] = str(len(body))
        start_response("304 NOT MODIFIED" if status == 304 else "200 OK", list(headers.items()))
        return [] if status == 304 or environ["REQUEST_METHOD"] == "HEAD" else [body]


def _no_page_url(meeting_id: str) -> str:  # pragma: no cover - only used to build a body, never here
    raise AssertionError("the fast path never builds a body")

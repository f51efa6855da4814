"""Logging: a logger per module under ``clubapp``, one line per request with its id, JSON lines on demand.

Every line carries the request id (``X-Request-ID`` from a trusted proxy when it looks like one,
else a new one), also sent back in the response. Paths are logged with capability tokens (feed,
invitation, visitor, reset links) replaced, and never with their query string; no header is
logged, so neither a bearer token nor a password can reach a log line. ``CLUBAPP_LOG_JSON=true``
writes one JSON object per line for log collectors.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from typing import Any

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SECRET_ARGS = ("token",)  # view arguments that are capabilities: never logged
log = logging.getLogger("clubapp.requests")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(g, "request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message, and the stack if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname, "logger": record.name,
            "request_id": getattr(record, "request_id", "-"), "message": record.getMessage()}
        for key in ("method", "path", "status", "ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["stack"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logged_path() -> str:
    """The request's path, or its route's pattern with capability tokens replaced when it holds one."""
    args = request.view_args or {}
    if request.url_rule is None or not any(name in args for name in SECRET_ARGS):
        return request.path

    def part(match: re.Match[str]) -> str:
        name = match.group(1)
        return "[redacted]" if name in SECRET_ARGS else str(args.get(name, match.group(0)))

    return re.sub(r"<(?:\w+:)?(\w+)>", part, request.url_rule.rule)


def install(app: Flask) -> None:
    """Configure the ``clubapp`` loggers once per app and log each request on one line."""
    root = logging.getLogger("clubapp")
    if not any(getattr(h, "_clubapp", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler._clubapp = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    for handler in root.handlers:
        if getattr(handler, "_clubapp", False):
            handler.setFormatter(JsonFormatter() if app.config.get("LOG_JSON") else logging.Formatter(
                "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
            if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
                handler.addFilter(RequestIdFilter())
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))

    @app.before_request
    def start_request() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if app.config.get("PROXY_FIX") and REQUEST_ID.match(given) else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        request_id = getattr(g, "request_id", None)
        if request_id:
            response.headers["X-Request-ID"] = request_id
            elapsed = (time.perf_counter() - g.request_started) * 1000
            path = logged_path()
            log.info("%s %s %s %.1fms", request.method, path, response.status_code, elapsed,
                     extra={"method": request.method, "path": path, "status": response.status_code,
                            "ms": round(elapsed, 1)})
        return response

"""Browser fixtures: the real app served on 127.0.0.1 and Debian's chromium driven by Playwright.

The browser tests skip when /usr/bin/chromium is missing, unless REQUIRE_BROWSER=1 makes that a failure.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).parent / "screenshots"


def _browser_missing(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@dataclass
class LiveServer:
    app: Flask
    url: str

    @property
    def outbox(self) -> list:
        """Emails the live app sent (Flask-Mailman's locmem backend)."""
        state = self.app.extensions["mailman"]
        if not hasattr(state, "outbox"):
            state.outbox = []
        return state.outbox


@pytest.fixture
def live_server(app: Flask, database_url: str) -> Iterator[LiveServer]:
    """The real app on a free port of 127.0.0.1, on the test database (``app`` has migrated it).

    A separate app: the session ``app`` pins SERVER_NAME to clubapp.test, which a browser cannot reach.
    The ``db`` fixture empties the tables after the test, as for every other test.
    """
    from werkzeug.serving import make_server

    live_app = make_app(database_url, SERVER_NAME=None, MAIL_BACKEND="locmem")
    live_app.extensions["mailman"].outbox = []
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(live_app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with live_app.app_context():
            from clubapp.extensions import db

            db.engine.dispose()


@pytest.fixture
def browser() -> Iterator[object]:
    """Debian's chromium, headless."""
    if not os.path.exists(CHROMIUM):
        _browser_missing(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the package is in requirements-dev.txt
        _browser_missing("the playwright package is not installed")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS

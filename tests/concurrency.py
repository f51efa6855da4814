"""Shared by the concurrency tests: the real app under gunicorn, and requests that leave at the same moment."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The real app under gunicorn, 4 sync workers, on the test database; yields its port.

    One server per test module (starting one takes seconds); the database is emptied between tests.
    """
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {**os.environ, "CLUBAPP_SQLALCHEMY_DATABASE_URI": database_url, "CLUBAPP_SECRET_KEY": "concurrency",
           "CLUBAPP_RATELIMIT_ENABLED": "false", "CLUBAPP_SERVER_NAME": f"127.0.0.1:{port}"}
    env.pop("DATABASE_URL", None)
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
         "--backlog", "512", "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/auth/login")
            if connection.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
    yield port
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def all_at_once(calls: Sequence[Callable[[Callable[[], None]], T]]) -> list[T]:
    """Run each call in its own thread; each one calls the ``go`` it is given when ready, and all wait there
    until every one is ready, so that the real work of every call starts at the same moment."""
    barrier = threading.Barrier(len(calls))
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(barrier.wait), calls))


def api(port: int, method: str, path: str, token: str, body: Any = None,
        ready: Callable[[], object] | None = None) -> tuple[int, Any]:
    """One API request to the server on ``port``; ``ready`` is called once connected, just before sending."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.connect()
    if ready is not None:
        ready()
    connection.request(method, path, body=None if body is None else json.dumps(body),
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"null")

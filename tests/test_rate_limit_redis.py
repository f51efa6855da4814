"""Rate limits with REDIS_URL: every worker counts in the same place, and a Redis outage is no 500.

TEST_REDIS_URL picks the Redis to use (default redis://127.0.0.1:6379/5); each test counts under
its own key prefix, so nothing else in that database is touched. Without Redis the test is skipped,
except in CI (REQUIRE_POSTGRES=1), where its absence is a failure.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.conftest import make_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
ROOT = Path(__file__).resolve().parent.parent

# One gunicorn worker, in miniature: its own process and its own app, posting wrong passwords.
WORKER = """
import json, sys
from clubapp import create_app
app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True})
client = app.test_client()
codes = [client.post("/auth/login", data={"email": "nobody@example.fr", "password": "not the password!"}).status_code
         for _ in range(int(sys.argv[1]))]
print(json.dumps(codes))
"""


@pytest.fixture
def key_prefix() -> Iterator[str]:
    """A Redis that answers, and a key prefix of this test's own (its keys are removed afterwards)."""
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.RedisError as error:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"CI needs Redis at {REDIS_URL} (TEST_REDIS_URL) for the shared rate limits: {error}")
        pytest.skip(f"no Redis at {REDIS_URL} (set TEST_REDIS_URL): {error}")
    prefix = f"clubapp-test-{uuid.uuid4().hex}"
    yield prefix
    for key in connection.scan_iter(match=f"*{prefix}*"):
        connection.delete(key)


def run_worker(database_url: str, prefix: str, attempts: int) -> list[int]:
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DATABASE_URL": database_url, "CLUBAPP_SECRET_KEY": "test",
           "CLUBAPP_LOGIN_RATE_LIMIT": "10 per minute", "CLUBAPP_RATELIMIT_KEY_PREFIX": prefix,
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", WORKER, str(attempts)], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_workers_share_the_login_count(app, database_url, key_prefix):
    first = run_worker(database_url, key_prefix, 6)
    second = run_worker(database_url, key_prefix, 5)
    assert first == [200] * 6
    assert second == [200, 200, 200, 200, 429]  # the 11th attempt across both workers


def test_a_redis_outage_falls_back_to_counting_per_worker(database_url, db):
    from tests.conftest import log_in

    down = make_app(database_url, REDIS_URL="redis://127.0.0.1:9/0", RATELIMIT_ENABLED=True,
                    LOGIN_RATE_LIMIT="2 per minute")
    assert down.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:9/0"
    client = down.test_client()
    codes = [log_in(client, "nobody@example.fr", "not the password!").status_code for _ in range(3)]
    assert codes == [200, 200, 429]

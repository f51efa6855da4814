"""`flask backup` / `flask restore`: a backup taken while members write restores every committed row.

Writers are threads creating clubs through the service (a club and its president's membership in
one transaction, numbered per writer), on a real SQLite file or on PostgreSQL.
"""
from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from clubapp import backup
from clubapp.extensions import db
from clubapp.models import Club, Membership, Role, User
from clubapp.services import clubs, feeds
from tests import factories
from tests.conftest import bearer, commit, log_in, make_app, submit

WRITERS = 3


class Load:
    """Writer threads; ``committed[k]`` is how many clubs writer ``k`` has committed so far."""

    def __init__(self, app: Flask, user_ids: list[int]) -> None:
        self.app, self.user_ids = app, user_ids
        self.committed = [0] * len(user_ids)
        self.errors: list[BaseException] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._write, args=(k,)) for k in range(len(user_ids))]

    def _write(self, k: int) -> None:
        try:
            with self.app.app_context():
                user = db.session.get(User, self.user_ids[k])
                while not self.stop.is_set():
                    clubs.create_club(user, {"name": f"w{k}-{self.committed[k]:05d}", "timezone": "Europe/Paris"})
                    commit()  # the thread is the edge of its unit of work
                    self.committed[k] += 1  # only after the commit returned
                db.session.remove()
        except BaseException as error:  # pragma: no cover - reported by the test
            self.errors.append(error)

    def wait_for(self, counts: list[int], seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while any(c < n for c, n in zip(self.committed, counts, strict=True)):
            assert not self.errors, self.errors
            assert time.monotonic() < deadline, f"writers too slow: {self.committed}"
            time.sleep(0.01)

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)
        assert not self.errors, self.errors


def _cli(app: Flask, *args: str) -> Any:
    """Run a command on ``app`` (under its own app context: the test's context belongs to another app)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _writers(count: int) -> list[int]:
    return [factories.UserFactory(email=f"writer{k}@example.fr").id for k in range(count)]


def _run_under_load(app: Flask, user_ids: list[int], path: Path) -> tuple[list[int], list[int]]:
    """Back up while the writers write: (committed before the backup began, committed when it ended)."""
    with Load(app, user_ids) as load:
        load.wait_for([10] * len(user_ids))
        before = list(load.committed)
        result = _cli(app, "backup", str(path))
        after = list(load.committed)
        assert result.exit_code == 0, result.output
        assert "Backup written to" in result.output
        load.wait_for([n + 3 for n in after])  # the writes went on after the backup
    return before, after


def _rows(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, by primary key."""
    with app.app_context():
        connection = db.session.connection()
        out = {"alembic_version": sorted(connection.execute(sa.text("SELECT version_num FROM alembic_version")))}
        for table in db.metadata.sorted_tables:
            out[table.name] = [tuple(row) for row in connection.execute(
                sa.select(table).order_by(*table.primary_key.columns))]
        db.session.remove()
    return out


def _assert_consistent_snapshot(live: Flask, restored: Flask, user_ids: list[int],
                                before: list[int], after: list[int]) -> None:
    """The restored clubs are, per writer, a prefix of what it committed, whole (club and membership);
    every other row equals the live database's."""
    with restored.app_context():
        names = db.session.scalars(sa.select(Club.name).order_by(Club.name)).all()
        for k, user_id in enumerate(user_ids):
            mine = [name for name in names if name.startswith(f"w{k}-")]
            assert mine == [f"w{k}-{i:05d}" for i in range(len(mine))], "a gap: not one snapshot"
            assert before[k] <= len(mine) <= after[k], (k, before[k], len(mine), after[k])
            presidents = db.session.scalars(sa.select(Membership.user_id).join(Club).where(
                Club.name.startswith(f"w{k}-"), Membership.role == Role.PRESIDENT)).all()
            assert presidents == [user_id] * len(mine)
        restored_clubs = set(db.session.scalars(sa.select(Club.id)))
        db.session.remove()
    live_rows, restored_rows = _rows(live), _rows(restored)
    assert set(live_rows) == set(restored_rows)
    for name, rows in live_rows.items():
        if name == "clubs":
            rows = [row for row in rows if row[0] in restored_clubs]
        elif name == "memberships":
            club_column = [c.name for c in db.metadata.tables["memberships"].columns].index("club_id")
            rows = [row for row in rows if row[club_column] in restored_clubs]
        assert restored_rows[name] == rows, name


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Flask]:
    """An app on its own SQLite file, migrated."""
    app = make_app(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    with app.app_context():
        upgrade(directory=str(backup.MIGRATIONS))
    yield app
    with app.app_context():
        db.engine.dispose()


def _app_on(path: Path, **config: object) -> Flask:
    return make_app(f"sqlite:///{path}", **config)


def test_sqlite_backup_under_write_load_restores_every_row_to_a_working_app(live: Flask, tmp_path: Path) -> None:
    with live.app_context():
        user_ids = _writers(WRITERS)
        writer = db.session.get(User, user_ids[0])
        token = bearer(writer)
        feed_url = f"/feeds/{feeds.feed_token(writer)}.ics"
        commit()
        db.session.remove()
    before, after = _run_under_load(live, user_ids, tmp_path / "backup.sqlite3")
    assert not Path(f"{tmp_path / 'backup.sqlite3'}-wal").exists()  # one self-contained file

    # Restored into a new file, on an installation with another SECRET_KEY.
    restored = _app_on(tmp_path / "restored.sqlite3", SECRET_KEY="another installation's key")
    try:
        result = _cli(restored, "restore", "--yes", str(tmp_path / "backup.sqlite3"))
        assert result.exit_code == 0, result.output
        assert "db upgrade" not in result.output
        with closing(sqlite3.connect(tmp_path / "restored.sqlite3")) as check:
            assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        _assert_consistent_snapshot(live, restored, user_ids, before, after)

        client = restored.test_client()
        answer = client.get("/api/v1/clubs", headers=token)
        assert answer.status_code == 200
        with restored.app_context():
            restored_count = db.session.scalar(sa.select(sa.func.count()).select_from(Club).where(
                Club.name.startswith("w0-")))
        assert len(answer.get_json()["items"]) == restored_count
        for _ in range(2):  # built by the Flask route, then answered by the fast path from the cache
            response = client.get(feed_url)
            assert response.status_code == 200
            assert response.mimetype == "text/calendar"
            assert response.get_data(as_text=True).count("BEGIN:VEVENT") == 0  # clubs without meetings
    finally:
        with restored.app_context():
            db.engine.dispose()


def test_restore_keeps_the_current_database_and_replaces_it_while_open(live: Flask, tmp_path: Path) -> None:
    with live.app_context():
        user = factories.UserFactory(email="before@example.fr")
        clubs.create_club(user, {"name": "Kept", "timezone": "Europe/Paris"})
        commit()
        db.session.remove()
    assert _cli(live, "backup", str(tmp_path / "b.sqlite3")).exit_code == 0
    with live.app_context():
        user = db.session.scalar(sa.select(User))
        clubs.create_club(user, {"name": "After the backup", "timezone": "Europe/Paris"})
        commit()
        db.session.remove()

    with closing(sqlite3.connect(tmp_path / "live.sqlite3")) as other_process:  # a worker still running
        assert other_process.execute("SELECT count(*) FROM clubs").fetchone() == (2,)
        result = _cli(live, "restore", "--yes", str(tmp_path / "b.sqlite3"))
        assert result.exit_code == 0, result.output
        assert other_process.execute("SELECT name FROM clubs").fetchall() == [("Kept",)]
        assert other_process.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    kept = next(tmp_path.glob("live.sqlite3.before-restore-*"))
    assert str(kept) in result.output
    with live.app_context():
        assert db.session.scalars(sa.select(Club.name)).all() == ["Kept"]
        db.session.remove()
    with closing(sqlite3.connect(kept)) as old:
        assert sorted(r[0] for r in old.execute("SELECT name FROM clubs")) == ["After the backup", "Kept"]


def test_backup_refuses_to_overwrite_a_file(live: Flask, tmp_path: Path) -> None:
    (tmp_path / "there").write_text("mine")
    result = _cli(live, "backup", str(tmp_path / "there"))
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert (tmp_path / "there").read_text() == "mine"


def _junk(tmp_path: Path) -> Path:
    path = tmp_path / "junk"
    path.write_bytes(b"not a database at all" * 100)
    return path


def _not_clubapp(tmp_path: Path) -> Path:
    path = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(path)) as other:
        other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
        other.commit()
    return path


@pytest.mark.parametrize(("make", "message"), [
    (_junk, "is not a SQLite database"),
    (_not_clubapp, "has no alembic_version table"),
])
def test_restore_refuses_what_is_not_a_clubapp_database(live: Flask, tmp_path: Path, make: Any, message: str) -> None:
    with live.app_context():
        factories.UserFactory(email="still@example.fr")
    result = _cli(live, "restore", "--yes", str(make(tmp_path)))
    assert result.exit_code != 0
    assert message in result.output
    with live.app_context():
        assert db.session.scalars(sa.select(User.email)).all() == ["still@example.fr"]
        db.session.remove()
    assert not list(tmp_path.glob("live.sqlite3.before-restore-*"))


def _backup_at_revision(live: Flask, tmp_path: Path, revision: str) -> Path:
    path = tmp_path / f"{revision}.sqlite3"
    assert _cli(live, "backup", str(path)).exit_code == 0
    with closing(sqlite3.connect(path)) as copy:
        copy.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        copy.commit()
    return path


def test_restore_refuses_a_backup_from_a_newer_or_foreign_schema(live: Flask, tmp_path: Path) -> None:
    path = _backup_at_revision(live, tmp_path, "9999_from_the_future")
    result = _cli(live, "restore", "--yes", str(path))
    assert result.exit_code != 0
    assert "unknown to this version of Clubapp" in result.output
    assert "Nothing was changed" in result.output


def test_restoring_an_older_schema_says_to_run_db_upgrade(live: Flask, tmp_path: Path) -> None:
    older = next(iter(backup.known_revisions() - backup.head_revisions()))
    path = _backup_at_revision(live, tmp_path, older)
    result = _cli(live, "restore", "--yes", str(path))
    assert result.exit_code == 0, result.output
    assert older in result.output
    assert "run `flask --app wsgi db upgrade`" in result.output


def test_postgresql_backup_under_write_load_restores_every_row(app: Flask, database_url: str,
                                                               tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL is not PostgreSQL")
    if backup.shutil.which("pg_dump") is None or backup.shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore are not installed")  # pragma: no cover
    user_ids = _writers(WRITERS)
    db.session.remove()
    before, after = _run_under_load(app, user_ids, tmp_path / "backup.dump")
    snapshot = _rows(app)

    # The disaster: the data goes, and a table of a newer schema appears; the restore replaces both.
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(sa.text("CREATE TABLE from_a_newer_schema (id integer REFERENCES users (id))"))
    db.engine.dispose()
    result = _cli(app, "restore", "--yes", str(tmp_path / "backup.dump"))
    assert result.exit_code == 0, result.output
    assert "from_a_newer_schema" in result.output

    with db.engine.connect() as connection:
        assert "from_a_newer_schema" not in sa.inspect(connection).get_table_names()
    restored = _rows(app)
    names = sorted(row[[c.name for c in db.metadata.tables["clubs"].columns].index("name")]
                   for row in restored["clubs"])
    for k in range(WRITERS):
        mine = [name for name in names if name.startswith(f"w{k}-")]
        assert mine == [f"w{k}-{i:05d}" for i in range(len(mine))]
        assert before[k] <= len(mine) <= after[k]
    restored_ids = {row[0] for row in restored["clubs"]}
    club_column = [c.name for c in db.metadata.tables["memberships"].columns].index("club_id")
    assert restored["memberships"] == [r for r in snapshot["memberships"] if r[club_column] in restored_ids]
    assert restored["clubs"] == [r for r in snapshot["clubs"] if r[0] in restored_ids]
    assert restored["users"] == snapshot["users"]
    assert app.test_client().get("/api/v1/clubs", headers=bearer(db.session.get(User, user_ids[0]))).status_code == 200


def test_feed_urls_keep_working_under_another_secret_key(database_url: str) -> None:
    """A restore elsewhere (another SECRET_KEY): the subscribed URL answers, the page shows one that
    answers too, and rotating ends both."""
    user = factories.UserFactory()
    subscribed = feeds.feed_token(user)
    commit()
    email = user.email
    db.session.remove()
    elsewhere = make_app(database_url, SECRET_KEY="the key of the installation restored to")
    try:
        client = elsewhere.test_client()
        for _ in range(2):  # built by the Flask route, then from the cache by the fast path
            response = client.get(f"/feeds/{subscribed}.ics")
            assert response.status_code == 200
            assert response.mimetype == "text/calendar"
        assert client.get(f"/feeds/{subscribed}.ics", headers={"If-None-Match": response.headers["ETag"]}
                          ).status_code == 304

        assert log_in(client, email).status_code == 302
        page = client.get("/account/settings").get_data(as_text=True)
        shown = re.search(r'id="feed-url" readonly value="[^"]*/feeds/([^"/]+)\.ics"', page)
        assert shown is not None
        assert shown.group(1) != subscribed  # derived from the new key...
        assert client.get(f"/feeds/{shown.group(1)}.ics").status_code == 200  # ...and valid
        assert client.get(f"/feeds/{subscribed}.ics").status_code == 200  # the old one still is

        assert submit(client, "/account/settings", {}, action="/account/feed/rotate").status_code == 302
        for gone in (subscribed, shown.group(1)):
            assert client.get(f"/feeds/{gone}.ics").status_code == 404
    finally:
        with elsewhere.app_context():
            db.engine.dispose()

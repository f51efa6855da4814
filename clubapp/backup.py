"""Backup and restore of the app's database (``flask --app wsgi backup`` / ``restore``).

SQLite: SQLite's online backup API copies a consistent snapshot while the app keeps running and
writing (WAL readers never block writers); the copy is checked, turned into a self-contained
file (no ``-wal``) and renamed into place. A restore checks the file is a sound Clubapp database
first, keeps the current database beside it, then copies the backup into the live database
with the same API, so running processes see the old data or the new, never a mix.

PostgreSQL: ``pg_dump -Fc`` (one snapshot) and ``pg_restore --clean --single-transaction`` when
those programs are installed; otherwise the commands to run are printed.

Feed URLs survive a restore on an installation with another SECRET_KEY (see services/feeds.py);
sessions and password-reset links signed with the old key do not.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class Outcome:
    """What a backup or restore did, in lines for the person running it."""

    path: Path
    revision: str | None = None
    notes: list[str] = field(default_factory=list)


# Schema revisions

def head_revisions() -> set[str]:
    """The schema revisions this code expects (normally one)."""
    return set(ScriptDirectory(str(MIGRATIONS)).get_heads())


def known_revisions() -> set[str]:
    """Every schema revision this code knows."""
    return {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def _revision_notes(revision: str) -> list[str]:
    """Refuse a revision the code does not know; say when ``flask db upgrade`` is due."""
    if revision not in known_revisions():
        raise BackupError(f"The backup's schema revision {revision!r} is unknown to this version of Clubapp: "
                          "it comes from a newer Clubapp or is not a Clubapp database. Nothing was changed.")
    if revision not in head_revisions():
        return [f"The backup's schema ({revision}) is older than this code's "
                f"({', '.join(sorted(head_revisions()))}): run `flask --app wsgi db upgrade` before starting the app."]
    return []


# SQLite

def sqlite_path(url: sa.URL) -> Path:
    """The file of a SQLite URL (in-memory databases cannot be backed up)."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        raise BackupError("This app uses an in-memory SQLite database: there is nothing to back up.")
    return Path(url.database)


def _sqlite_check(connection: sqlite3.Connection, what: str) -> str:
    """The Clubapp schema revision of a sound SQLite database, else BackupError."""
    try:
        result = connection.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            raise BackupError(f"{what} is damaged (integrity_check: {result[0][0]}).")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            raise BackupError(f"{what} is not a Clubapp database (it has no alembic_version table).")
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{what} is not a SQLite database ({error}).") from None
    if len(rows) != 1:
        raise BackupError(f"{what} is not a Clubapp database (its alembic_version holds {len(rows)} rows).")
    return str(rows[0][0])


@contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    """A temporary file name in ``path``'s directory (so a rename is atomic), removed unless renamed."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        for leftover in (temporary, Path(f"{name}-journal"), Path(f"{name}-wal"), Path(f"{name}-shm")):
            leftover.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sqlite_backup(database: Path, destination: Path) -> Outcome:
    """Copy the live SQLite ``database`` to ``destination`` (which must not exist yet)."""
    if not database.exists():
        raise BackupError(f"The database {database} does not exist.")
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose a new file name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with _temporary_beside(destination) as temporary:
        with closing(sqlite3.connect(database, timeout=30)) as source, \
                closing(sqlite3.connect(temporary)) as copy:
            # pages=-1: the whole database in one step, under one read transaction, hence one snapshot.
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            revision = _sqlite_check(copy, f"The copy of {database}")
        _fsync(temporary)
        os.replace(temporary, destination)
    return Outcome(destination, revision)


def sqlite_restore(source: Path, database: Path, keep_current: bool = True) -> Outcome:
    """Replace the contents of the SQLite ``database`` with the backup ``source``.

    The backup is checked before anything changes; the current database is first copied beside
    itself (``<name>.before-restore-<UTC time>``) unless ``keep_current`` is false.
    """
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    if source.resolve() == database.resolve():
        raise BackupError("The backup is the live database itself.")
    with closing(sqlite3.connect(source)) as backup:
        revision = _sqlite_check(backup, str(source))
    notes = _revision_notes(revision)
    if keep_current and database.exists() and database.stat().st_size:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = sqlite_backup(database, database.with_name(f"{database.name}.before-restore-{stamp}"))
        notes.insert(0, f"The database as it was is kept in {kept.path}.")
    database.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as backup, closing(sqlite3.connect(database, timeout=30)) as live:
        # The backup API in reverse: one write transaction on the live file, so processes that
        # have it open (and its -wal) read the old database or the new one, never a mix.
        live.execute("PRAGMA busy_timeout=30000")
        backup.backup(live, pages=-1)
        live.execute("PRAGMA journal_mode=WAL")
        if _sqlite_check(live, str(database)) != revision:  # pragma: no cover - the copy is verbatim
            raise BackupError("The restored database does not match the backup.")
    return Outcome(database, revision, notes)


# PostgreSQL

def _pg_environment(url: sa.URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and an environment carrying it."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    target = url.set(drivername="postgresql", password=None)
    return target.render_as_string(hide_password=False), environment


def _program(name: str) -> str | None:
    return shutil.which(name)


def pg_guidance(url: sa.URL, action: str, path: Path) -> str:
    """The commands to run by hand when pg_dump / pg_restore are not installed."""
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    if action == "backup":
        command = f"pg_dump --format=custom --no-owner --no-acl --file={path} '{target}'"
    else:
        command = f"pg_restore --clean --if-exists --no-owner --no-acl --single-transaction --dbname='{target}' {path}"
    return (f"{_program_name(action)} is not installed here. Install the PostgreSQL client programs "
            f"(Debian: apt install postgresql-client, same major version as the server or newer) or run "
            f"on a machine that has them (the password in PGPASSWORD or ~/.pgpass):\n  {command}"
            + ("\nthen: flask --app wsgi db upgrade" if action == "restore" else ""))


def _program_name(action: str) -> str:
    return "pg_dump" if action == "backup" else "pg_restore"


def _run(command: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Argument lists (no shell) of programs found on PATH and paths the operator gave.
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed (exit {done.returncode}): {done.stderr.strip()}")
    return done


def pg_backup(url: sa.URL, destination: Path) -> Outcome:
    """``pg_dump -Fc`` of the database into ``destination`` (which must not exist yet)."""
    program = _program("pg_dump")
    if program is None:
        raise BackupError(pg_guidance(url, "backup", destination))
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose a new file name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    target, environment = _pg_environment(url)
    with _temporary_beside(destination) as temporary:
        _run([program, "--format=custom", "--no-owner", "--no-acl", f"--file={temporary}", f"--dbname={target}"],
             environment)
        revision = pg_dump_revision(temporary)
        os.replace(temporary, destination)
    return Outcome(destination, revision)


_COPY = re.compile(r"^COPY [\w.\"]*alembic_version \(version_num\) FROM stdin;\n(.*?)^\\\.$", re.M | re.S)


def pg_dump_revision(path: Path) -> str:
    """The Clubapp schema revision recorded in a ``pg_dump -Fc`` file, else BackupError."""
    program = _program("pg_restore")
    if program is None:
        raise BackupError(pg_guidance(sa.make_url("postgresql:///clubapp"), "restore", path))
    try:
        listing = _run([program, "--list", str(path)], dict(os.environ)).stdout
    except BackupError as error:
        raise BackupError(f"{path} is not a pg_dump archive in custom format ({error}).") from None
    if not re.search(r"TABLE DATA \S+ alembic_version ", listing):
        raise BackupError(f"{path} is not a Clubapp database dump (it has no alembic_version table).")
    data = _run([program, "--data-only", "--table=alembic_version", "--file=-", str(path)], dict(os.environ))
    found = _COPY.search(data.stdout)
    rows = found.group(1).split() if found else []
    if len(rows) != 1:
        raise BackupError(f"{path} is not a Clubapp database dump (its alembic_version holds {len(rows)} rows).")
    return rows[0]


def _tables(url: sa.URL) -> set[str]:
    """The tables of the database's default schema."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return set(sa.inspect(connection).get_table_names())
    finally:
        engine.dispose()


def _dump_tables(path: Path) -> set[str]:
    listing = _run([_program("pg_restore") or "pg_restore", "--list", str(path)], dict(os.environ)).stdout
    return set(re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", listing, re.M))


def pg_restore(source: Path, url: sa.URL) -> Outcome:
    """Replace the database's contents with a ``pg_dump -Fc`` file, in one transaction."""
    program = _program("pg_restore")
    if program is None:
        raise BackupError(pg_guidance(url, "restore", source))
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    revision = pg_dump_revision(source)
    notes = _revision_notes(revision)
    target, environment = _pg_environment(url)
    extra = _tables(url) - _dump_tables(source)
    if extra:
        # Tables of a newer schema than the backup's: --clean only drops what the dump holds, and
        # `db upgrade` could not create them again.
        engine = sa.create_engine(url)
        try:
            with engine.begin() as connection:
                quote = connection.dialect.identifier_preparer.quote
                for name in sorted(extra):
                    connection.execute(sa.text(f"DROP TABLE IF EXISTS {quote(name)} CASCADE"))
        finally:
            engine.dispose()
        notes.insert(0, f"Dropped the tables the backup does not have: {', '.join(sorted(extra))}.")
    _run([program, "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
          f"--dbname={target}", str(source)], environment)
    return Outcome(Path(source), revision, notes)


# Entry points for the CLI

def backup(url: sa.URL, destination: Path) -> Outcome:
    """Back up the database at ``url`` into the new file ``destination``."""
    if url.get_backend_name() == "sqlite":
        return sqlite_backup(sqlite_path(url), destination)
    if url.get_backend_name() == "postgresql":
        return pg_backup(url, destination)
    raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")


def restore(source: Path, url: sa.URL, keep_current: bool = True) -> Outcome:
    """Restore the backup ``source`` into the database at ``url``."""
    if url.get_backend_name() == "sqlite":
        return sqlite_restore(source, sqlite_path(url), keep_current)
    if url.get_backend_name() == "postgresql":
        return pg_restore(source, url)
    raise BackupError(f"Restoring {url.get_backend_name()} databases is not supported.")

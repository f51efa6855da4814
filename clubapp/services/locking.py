"""Write transactions that stay exact under concurrent requests, on SQLite and PostgreSQL.

SQLite: pysqlite begins a transaction only before it writes, so plain reads always see the
latest commits; a use case that reads then writes under contention instead starts with
BEGIN IMMEDIATE, so it takes the write lock first and waits (busy_timeout) rather than failing
with "database is locked" when its snapshot turns stale.
PostgreSQL: a transaction-scoped advisory lock on the key serialises the same use cases.

A write use case enters ``exclusive()`` first, before it reads anything it will write from; the
lock is held until the edge commits or rolls back the unit of work (see clubapp.unit_of_work).
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, OperationalError

from clubapp import unit_of_work
from clubapp.extensions import db

T = TypeVar("T")
_immediate: ContextVar[bool] = ContextVar("sqlite_begin_immediate", default=False)
_held: ContextVar[bool] = ContextVar("exclusive_held", default=False)


def on_begin(connection: sa.Connection) -> None:
    """Inside ``exclusive()`` on SQLite, open the transaction with BEGIN IMMEDIATE."""
    if _immediate.get() and connection.dialect.name == "sqlite":
        dbapi = connection.connection.dbapi_connection
        if isinstance(dbapi, sqlite3.Connection) and not dbapi.in_transaction:
            dbapi.execute("BEGIN IMMEDIATE")


def install() -> None:
    """Register the engine event once per process."""
    if not sa.event.contains(sa.engine.Engine, "begin", on_begin):
        sa.event.listen(sa.engine.Engine, "begin", on_begin)


# Keys are (first, second) pairs of 32-bit integers. Occurrences use (series id, YYYYMMDD); a club
# uses (CLUB, club id), which sorts first: whoever holds several keys takes them in ascending order
# (clubs, then occurrences), so two use cases never wait for each other in a cycle.
CLUB = -1


def club_key(club_id: int) -> tuple[int, int]:
    """The key that serialises membership changes of one club (roles, leaving, removal, erasure)."""
    return CLUB, club_id


def also(first: int, second: int = 0) -> None:
    """Inside ``exclusive()``, serialise on one more key too (respect the ascending order of keys).

    SQLite needs nothing more: BEGIN IMMEDIATE already serialises every writer.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": first, "b": second})


@contextmanager
def exclusive(first: int, second: int = 0) -> Iterator[None]:
    """Run the enclosed reads and writes as one serialised transaction for the key (first, second)."""
    with exclusive_all([(first, second)]):
        yield


@contextmanager
def exclusive_all(keys: Iterable[tuple[int, int]]) -> Iterator[None]:
    """``exclusive()`` for several keys, taken in ascending order; a failure inside writes nothing.

    Entered at the start of a write use case: pending writes at entry are a programming error
    (they would be saved outside the lock). Nested in another ``exclusive()``, it only takes the
    further keys (SQLite already holds the write lock).
    """
    if _held.get():
        for key in sorted(set(keys)):
            also(*key)
        yield
        return
    if unit_of_work.has_writes():
        raise RuntimeError("exclusive() entered with unsaved writes: enter it before the use case writes")
    # End the request's read transaction (loading the user, the club...) with a rollback, never a
    # commit: nothing is pending, and the next transaction must start with the lock. On SQLite,
    # pysqlite began no transaction for those reads, so the new one opens with BEGIN IMMEDIATE
    # (on_begin); objects read before are expired and are read again under the lock.
    db.session.rollback()
    immediate, held = _immediate.set(True), _held.set(True)
    try:
        db.session.execute(sa.text("SELECT 1"))  # opens the transaction (SQLite: BEGIN IMMEDIATE)
        for key in sorted(set(keys)):
            also(*key)
        yield
    except Exception:
        db.session.rollback()
        raise
    finally:
        _held.reset(held)
        _immediate.reset(immediate)


def _transient(error: DBAPIError) -> bool:
    text = str(error.orig).lower()
    return "locked" in text or "busy" in text or "deadlock" in text or "could not serialize" in text


def retrying(work: Callable[[], T], attempts: int = 4) -> T:
    """Run ``work``; a busy or deadlocked database is retried, not shown to the user."""
    for attempt in range(attempts):
        try:
            return work()
        except (OperationalError, DBAPIError) as error:
            db.session.rollback()
            if not _transient(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")

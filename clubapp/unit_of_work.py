"""One unit of work per request, command or job: the edge commits once, side effects run after it.

Services change the session and flush (when they need ids); they never commit. The edge commits:
``install`` makes every web and API request commit once when its response is not an error, and
roll back otherwise; CLI commands and jobs call ``commit()`` at their end. A side effect that must
not happen for a rolled-back change (mail, cache invalidation, notifications) is queued with
``after_commit(fn)`` during the use case: it runs once the commit succeeded and is dropped on
rollback. A failing side effect is logged and never turns a saved change into an error.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from clubapp.extensions import db

logger = logging.getLogger(__name__)

_QUEUE = "clubapp.after_commit"
_WROTE = "clubapp.wrote"


def after_commit(fn: Callable[[], Any]) -> None:
    """Run ``fn()`` after the current transaction commits; never if it rolls back."""
    db.session.info.setdefault(_QUEUE, []).append(fn)


def has_writes(session: Session | None = None) -> bool:
    """True when the session holds changes not yet committed (pending or already flushed)."""
    session = session or db.session()
    if session.info.get(_WROTE) or session.new or session.deleted:
        return True
    return any(session.is_modified(instance) for instance in session.dirty)


def commit() -> None:
    """The edge's commit: save the unit of work, then run its queued side effects."""
    db.session.commit()


def rollback() -> None:
    """The edge's rollback: nothing of the unit of work is saved, its side effects are dropped."""
    db.session.rollback()


# Session events: they see every commit (edge, CLI, tests), so the queue can never outlive its transaction.

def _flushed(session: Session, _context: UOWTransaction) -> None:
    session.info[_WROTE] = True


def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


def _committed(session: Session) -> None:
    for fn in session.info.pop(_QUEUE, []):
        try:
            fn()
        except Exception:  # a side effect never undoes nor fails a saved change
            logger.exception("A side effect after commit failed: %r", fn)


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed (queue already run) or rolled back
        session.info.pop(_QUEUE, None)
        session.info.pop(_WROTE, None)


_EVENTS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("after_flush", _flushed), ("do_orm_execute", _executed), ("after_commit", _committed),
    ("after_transaction_end", _ended),
)


def install_events() -> None:
    """Register the session events once per process."""
    for name, fn in _EVENTS:
        if not sa.event.contains(Session, name, fn):
            sa.event.listen(Session, name, fn)


def install(app: Flask) -> None:
    """Commit each request once when its response is not an error; roll back otherwise.

    Registered after every other ``after_request`` hook, so it runs first, right after the view
    (or the error handler). A commit that fails is an ordinary error: a 500, rolled back.
    """
    install_events()

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if response.status_code < 400:
            commit()
        else:
            rollback()
        return response

    @app.teardown_request
    def roll_back_on_error(error: BaseException | None) -> None:
        if error is not None:
            rollback()

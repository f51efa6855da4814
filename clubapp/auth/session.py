"""Session identity: the cookie carries ``id:version``; bumping the version ends sessions."""
from __future__ import annotations

from flask import session
from flask_login import login_user

from clubapp.extensions import db
from clubapp.models import User


def load_user(identity: str) -> User | None:
    """Flask-Login loader: the user, if the session's version is still current."""
    try:
        user_id, version = (int(part) for part in identity.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version:
        return None
    return user


def start_session(user: User, remember: bool = False) -> None:
    """Log in with a fresh session: nothing of the anonymous session survives (no fixation)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    login_user(user, remember=remember)

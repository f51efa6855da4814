"""Accounts: sign-up, credentials, profile, password reset, API tokens."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from clubapp.core import limits, passwords
from clubapp.core import profile as profile_rules
from clubapp.core.secrets import digest, new_token
from clubapp.core.text import as_id, clean, normalise_email
from clubapp.core.timezones import is_valid_timezone
from clubapp.extensions import db
from clubapp.models import ApiToken, User
from clubapp.models.base import utcnow
from clubapp.services import checks, mail
from clubapp.services.errors import Conflict, Invalid, NotFound, Unauthorised

PROFILE_FIELDS = ("name", "timezone", "locale", "business_name", "category", "city", "phone", "website", "bio")
FIELD_LIMITS = {
    "name": limits.NAME,
    "business_name": limits.NAME,
    "category": limits.CATEGORY,
    "city": limits.CITY,
    "phone": limits.PHONE,
    "website": limits.WEBSITE,
    "bio": limits.BIO,
}


def checked_email(email: str | None, field: str = "email") -> str:
    """A normalised, syntactically valid email, or Invalid on ``field``."""
    if not email or not email.strip():
        raise Invalid(_l("Enter an email address."), field=field)
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(_l("This is not a valid email address."), field=field) from None
    return normalise_email(email)


def checked_password(password: str | None, field: str = "password") -> str:
    """The password if long enough and not absurdly long."""
    if not password or len(password) < passwords.MIN_LENGTH:
        raise Invalid(_l("Use at least %(n)d characters.", n=passwords.MIN_LENGTH), field=field)
    if len(password) > passwords.MAX_LENGTH:
        raise Invalid(_l("Use at most %(n)d characters.", n=passwords.MAX_LENGTH), field=field)
    return password


def phone_region(user: User | None, timezone: str | None = None) -> str:
    """The region a member's national phone numbers are read in (from their time zone, else locale, else FR)."""
    return profile_rules.default_region(
        country=getattr(user, "country", None), timezone=timezone or getattr(user, "timezone", None),
        locale=getattr(user, "locale", None))


def _checked_profile(changes: dict[str, Any], user: User | None = None) -> dict[str, Any]:
    """Validate profile fields; raise Invalid naming the first bad one.

    The one place profile rules live: web forms, the API and sign-up all come through here.
    """
    out: dict[str, Any] = {}
    for key in PROFILE_FIELDS:
        if key not in changes:
            continue
        value = changes[key]
        if value is not None and not isinstance(value, str):
            raise Invalid(_l("Expected text."), field=key)
        value = clean(value)
        if key in FIELD_LIMITS and value and len(value) > FIELD_LIMITS[key]:
            raise Invalid(_l("At most %(n)d characters.", n=FIELD_LIMITS[key]), field=key)
        if value and key != "bio" and checks.has_line_break(value):
            raise Invalid(_l("Write this on one line."), field=key)
        if key == "name" and not value:
            raise Invalid(_l("Enter your name."), field="name")
        if key == "timezone" and not is_valid_timezone(value):
            raise Invalid(_l("Unknown time zone."), field="timezone")
        if key == "locale" and value not in current_app.config["LANGUAGES"]:
            raise Invalid(_l("Choose French (fr) or English (en)."), field="locale")
        if key == "website" and value:
            try:
                value = profile_rules.normalise_website(value)
            except ValueError:
                raise Invalid(_l("Enter a web address starting with https:// or a domain such as example.fr."),
                              field="website") from None
            if len(value) > FIELD_LIMITS["website"]:
                raise Invalid(_l("At most %(n)d characters.", n=FIELD_LIMITS["website"]), field="website")
        if key == "phone" and value:
            try:  # a time zone changed in the same request counts (it was checked above)
                value = profile_rules.parse_phone(value, phone_region(user, out.get("timezone")))
            except ValueError:
                raise Invalid(_l("This is not a valid phone number. Numbers from another country start with + "
                                 "and the country code."), field="phone") from None
        out[key] = value
    return out


def sign_up(email: str, password: str, name: str, timezone: str | None = None, locale: str | None = None) -> User:
    """Create an account; Conflict when the email is taken."""
    email = checked_email(email)
    checked_password(password)
    profile = _checked_profile(
        {"name": name, "timezone": timezone or "Europe/Paris", "locale": locale or "fr"}
    )
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise Conflict(_l("An account already exists with this email."), field="email", code="email_taken")
    user = User(email=email, password_hash=passwords.hash_password(password), **profile)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # two sign-ups raced for the same email
        db.session.rollback()
        raise Conflict(_l("An account already exists with this email."), field="email", code="email_taken") from None
    return user


def authenticate(email: str | None, password: str | None) -> User:
    """The user with these credentials; one Unauthorised answer for unknown email and bad password."""
    user = None
    if email:
        user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if not passwords.verify_password(user.password_hash if user else None, password or ""):
        raise Unauthorised(_l("Wrong email or password."), code="bad_credentials")
    assert user is not None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password or "")
        db.session.commit()
    return user


def update_profile(user: User, changes: dict[str, Any]) -> User:
    """Apply profile changes (only the known fields; others are ignored)."""
    for key, value in _checked_profile(changes, user).items():
        setattr(user, key, value)
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str, revoke_tokens: bool = False,
                    new_feed_address: bool = False) -> None:
    """Change the password after checking the current one; other sessions die, tokens and feed URL on request."""
    if not passwords.verify_password(user.password_hash, current or ""):
        raise Invalid(_l("The current password is wrong."), field="current_password")
    checked_password(new, field="new_password")
    _set_password(user, new, revoke_tokens, new_feed_address)


def _set_password(user: User, new: str, revoke_tokens: bool, new_feed_address: bool) -> None:
    """The new password, with every other credential the user chose to end, in one commit."""
    from clubapp.services import feeds  # feeds reaches meetings: loaded only when needed

    user.password_hash = passwords.hash_password(new)
    user.session_version += 1
    if revoke_tokens:
        db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))
    if new_feed_address:
        feeds.rotate_feed_token(user)  # commits the whole change
    db.session.commit()


def end_sessions(user: User) -> None:
    """Invalidate every session of ``user`` (logout everywhere)."""
    user.session_version += 1
    db.session.commit()


# Password reset: a signed, expiring token bound to the current password hash, so it is
# single use (the hash changes when it is used) and needs no table.

def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def reset_token(user: User) -> str:
    """A password-reset token for ``user``."""
    return _reset_serializer().dumps({"u": user.id, "h": digest(user.password_hash)[:16]})


def request_password_reset(email: str, link_for: Any) -> None:
    """Email a reset link when the account exists; silent otherwise (no account probing)."""
    try:
        email = checked_email(email)
    except Invalid:
        return
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        return
    mail.send(user.email, _l("Reset your Clubapp password"), "password_reset", locale=user.locale,
              user=user, url=link_for(reset_token(user)),
              minutes=current_app.config["PASSWORD_RESET_SECONDS"] // 60)


def user_for_reset(token: str) -> User:
    """The user a valid reset token names; NotFound when expired, used or forged."""
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_SECONDS"])
    except SignatureExpired:
        raise NotFound(_l("This link has expired. Ask for a new one."), code="expired") from None
    except BadSignature:
        raise NotFound(_l("This link is not valid or has already been used."), code="invalid_token") from None
    user = db.session.get(User, data.get("u"))
    if user is None or digest(user.password_hash)[:16] != data.get("h"):
        raise NotFound(_l("This link is not valid or has already been used."), code="invalid_token")
    return user


def reset_password(token: str, new: str, revoke_tokens: bool = False, new_feed_address: bool = False) -> User:
    """Set a new password through a reset token; the token and other sessions die, tokens and feed URL on request."""
    user = user_for_reset(token)
    checked_password(new)
    _set_password(user, new, revoke_tokens, new_feed_address)
    return user


# Personal access tokens for the API.

@dataclass
class IssuedToken:
    """A freshly created token: the secret is shown once, only its digest is kept."""

    token: ApiToken
    secret: str


def create_api_token(user: User, label: str | None) -> IssuedToken:
    """Create a personal access token."""
    label = clean(label) or str(_l("API token"))
    if len(label) > limits.TOKEN_LABEL:
        raise Invalid(_l("At most %(n)d characters.", n=limits.TOKEN_LABEL), field="label")
    secret = new_token("ca_")
    token = ApiToken(user=user, label=label, token_hash=digest(secret))
    db.session.add(token)
    db.session.commit()
    return IssuedToken(token, secret)


def list_api_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def revoke_api_token(user: User, token_id: int) -> None:
    """Delete one of the user's tokens; NotFound for anyone else's."""
    token = db.session.get(ApiToken, as_id(token_id) or -1)
    if token is None or token.user_id != user.id:
        raise NotFound(_l("No such token."))
    db.session.delete(token)
    db.session.commit()


def user_for_api_token(secret: str) -> User | None:
    """The owner of a bearer token, recording its use; None when unknown."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None:
        return None
    now = utcnow()
    # Write at most once a minute per token: a busy client should not turn reads into writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        db.session.commit()
    return token.user

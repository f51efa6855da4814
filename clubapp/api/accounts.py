"""API: accounts, tokens, the caller's profile and data."""
from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint
from marshmallow import fields, validate

from clubapp.api import auth_required, path_id, require_token
from clubapp.api.schemas import Body, Error, IdField, Out, Patch, email, text, timezone
from clubapp.core import limits
from clubapp.core.passwords import MAX_LENGTH, MIN_LENGTH
from clubapp.extensions import limiter
from clubapp.limits import signup_limited
from clubapp.models import User
from clubapp.services import accounts, feeds, privacy

blp = Blueprint("api_accounts", __name__, description="Accounts, tokens and the caller's profile")
blp.before_request(require_token)

LOCALES = validate.OneOf(["fr", "en"])


class SignupIn(Body):
    email = email(required=True)
    password = fields.String(required=True, validate=validate.Length(max=MAX_LENGTH),
                             metadata={"minLength": MIN_LENGTH})
    name = text(limits.NAME, required=True)
    timezone = timezone()
    locale = fields.String(validate=LOCALES)


class UserOut(Out):
    id = IdField()
    email = fields.String()
    name = fields.String()
    timezone = fields.String()
    locale = fields.String()


class ProfileOut(UserOut):
    business_name = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    bio = fields.String(allow_none=True)
    feed_url = fields.Method("get_feed_url")

    def get_feed_url(self, user: User) -> str:
        return url_for("feeds.personal", token=feeds.feed_token(user), _external=True)


class ProfileIn(Patch):
    name = text(limits.NAME, blank=False)
    timezone = timezone()
    locale = fields.String(validate=LOCALES)
    business_name = text(limits.NAME, allow_none=True)
    category = text(limits.CATEGORY, allow_none=True)
    city = text(limits.CITY, allow_none=True)
    phone = text(limits.PHONE, allow_none=True, metadata={
        "description": "A phone number: national in your country, or + and the country code",
        "example": "+33 4 70 00 00 00"})
    website = text(limits.WEBSITE, allow_none=True, metadata={
        "description": "An http(s) address or a domain such as example.fr", "example": "https://example.fr"})
    bio = text(limits.BIO, allow_none=True, multiline=True)


class TokenIn(Body):
    email = email(required=True)
    password = fields.String(required=True, validate=validate.Length(max=MAX_LENGTH))
    label = text(limits.TOKEN_LABEL)


class TokenOut(Out):
    id = IdField()
    token = fields.String()
    label = fields.String()


class TokenInfo(Out):
    id = IdField()
    label = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)


class FeedOut(Out):
    feed_url = fields.String()


class PasswordIn(Body):
    password = fields.String(required=True, validate=validate.Length(max=MAX_LENGTH))


def _login_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


@blp.route("/users", methods=["POST"])
@blp.doc(security=[])
@signup_limited()
@blp.arguments(SignupIn)
@blp.response(201, UserOut)
@blp.alt_response(409, schema=Error, description="The email is taken")
@blp.alt_response(422, schema=Error, description="A field is not valid")
@blp.alt_response(429, schema=Error, description="Too many sign-ups from this address; see Retry-After")
def sign_up(data: dict):  # type: ignore[no-untyped-def]
    """Create an account."""
    return accounts.sign_up(data["email"], data["password"], data["name"], data.get("timezone"), data.get("locale"))


@blp.route("/tokens", methods=["POST"])
@blp.doc(security=[])
@limiter.limit(_login_limit)
@blp.arguments(TokenIn)
@blp.response(201, TokenOut)
@blp.alt_response(401, schema=Error, description="Wrong email or password (the same answer for both)")
def create_token(data: dict):  # type: ignore[no-untyped-def]
    """Create a personal access token from email and password."""
    user = accounts.authenticate(data["email"], data["password"])
    issued = accounts.create_api_token(user, data.get("label"))
    return {"id": issued.token.id, "token": issued.secret, "label": issued.token.label}


@blp.route("/tokens", methods=["GET"])
@blp.response(200, TokenInfo(many=True))
@auth_required
def list_tokens(user: User):  # type: ignore[no-untyped-def]
    """The caller's tokens (labels and dates; a token's secret is shown only when it is created)."""
    return accounts.list_api_tokens(user)


@blp.route("/tokens/<token_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, schema=Error, description="Not one of your tokens")
@auth_required
def revoke_token(user: User, token_id: str):  # type: ignore[no-untyped-def]
    """Revoke one of the caller's tokens; it stops working at once."""
    accounts.revoke_api_token(user, path_id(token_id))


@blp.route("/me", methods=["GET"])
@blp.response(200, ProfileOut)
@auth_required
def me(user: User):  # type: ignore[no-untyped-def]
    """The caller's profile, with the personal calendar feed URL."""
    return user


@blp.route("/me", methods=["PATCH"])
@blp.arguments(ProfileIn)
@blp.response(200, ProfileOut)
@blp.alt_response(422, schema=Error, description="A field is not valid")
@auth_required
def update_me(user: User, data: dict):  # type: ignore[no-untyped-def]
    """Change the caller's profile."""
    return accounts.update_profile(user, data)


@blp.route("/me/feed-token", methods=["POST"])
@blp.response(201, FeedOut)
@auth_required
def rotate_feed(user: User):  # type: ignore[no-untyped-def]
    """Rotate the feed token: the previous feed URL answers 404 from now on."""
    token = feeds.rotate_feed_token(user)
    return {"feed_url": url_for("feeds.personal", token=token, _external=True)}


@blp.route("/me/export", methods=["GET"])
@blp.response(200)
@auth_required
def export(user: User):  # type: ignore[no-untyped-def]
    """All of the caller's personal data (GDPR)."""
    return privacy.export(user)


@blp.route("/me", methods=["DELETE"])
@blp.arguments(PasswordIn)
@blp.response(204)
@blp.alt_response(409, schema=Error, description="The caller is the only president of a club with members")
@auth_required
def delete_me(user: User, data: dict):  # type: ignore[no-untyped-def]
    """Erase the caller's account; sessions and tokens die with it."""
    privacy.delete_account(user, data["password"])

"""The signed-in user's profile, password, API tokens and data."""
from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from clubapp.account import routes  # noqa: E402,F401

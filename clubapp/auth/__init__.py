"""Sign-up, log-in, log-out and password reset."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from clubapp.auth import routes  # noqa: E402,F401

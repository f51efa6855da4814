"""Club pages: creation, settings, members, invitations, join requests, directory, listings."""
from flask import Blueprint

bp = Blueprint("clubs", __name__)

from clubapp.clubs import audit, routes  # noqa: E402,F401

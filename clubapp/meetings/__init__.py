"""Meeting pages: series, occurrences, closures."""
from flask import Blueprint

bp = Blueprint("meetings", __name__)

from clubapp.meetings import routes  # noqa: E402,F401

"""iCalendar feeds."""
from flask import Blueprint

bp = Blueprint("feeds", __name__)

from clubapp.feeds import routes  # noqa: E402,F401

"""Home page, dashboard, language switch."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from clubapp.main import routes  # noqa: E402,F401

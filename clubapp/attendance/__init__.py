"""Attendance pages: the visitor's answer page, the officers' sheet, reports."""
from flask import Blueprint

bp = Blueprint("attendance", __name__)

from clubapp.attendance import routes  # noqa: E402,F401

"""Referral pages: my slips given and received, giving one, following one up, one-to-ones, scorecards."""
from flask import Blueprint

bp = Blueprint("referrals", __name__)

from clubapp.referrals import routes  # noqa: E402,F401

"""How long each kind of text may be, and the ranges of numbers the app accepts: written once.

The services enforce these values and the API schemas (hence the OpenAPI document) declare them, so a
client that follows the document is never refused for a length. Plain values, no Flask. Date windows
live in core.bounds.
"""
from __future__ import annotations

# Names: a person, a club, a business, a visitor, a prospect, a substitute.
NAME = 120
EMAIL = 254          # RFC 5321's longest usable address
TIMEZONE = 64        # IANA names are far shorter
CATEGORY = 80        # a member's profession
CITY = 80
PHONE = 40
WEBSITE = 255
BIO = 1000
TOKEN_LABEL = 80
SEARCH = 100         # words typed in the directory search

CLUB_DESCRIPTION = 4000
LATE_GRACE_MAX_MINUTES = 60    # minutes after the start before a check-in counts as late
ABSENCE_THRESHOLD_MAX = 26     # absences in six months before the red light

MEETING_TITLE = 200
MEETING_DESCRIPTION = 4000
VENUE = 500
VIDEO_URL = 500
RRULE = 200
CLOSURE_REASON = 200
DURATION_MAX_MINUTES = 24 * 60
CAPACITY_MAX = 100_000
RSVP_CLOSE_MAX_MINUTES = 7 * 24 * 60   # answers close at most a week before the start

RSVP_COMMENT = 500
ATTENDANCE_NOTE = 500
REFERRAL_DESCRIPTION = 2000
ONE_TO_ONE_NOTES = 2000
CURRENCY = 3         # ISO 4217 code
AMOUNT_MAX = 10_000_000_000      # a TYFCB amount is below ten billion (any currency)
ONE_TO_ONE_MAX_DAYS = 366        # a one-to-one is logged within a year of its date

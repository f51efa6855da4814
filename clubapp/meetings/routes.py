"""Meeting views (placeholder page; the full pages come next)."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from clubapp.meetings import bp
from clubapp.services import meetings


@bp.route("/meetings/<meeting_id>")
@login_required
def show(meeting_id: str):  # type: ignore[no-untyped-def]
    """A meeting's page."""
    occurrence = meetings.get_occurrence(meeting_id, current_user._get_current_object())
    return render_template("meetings/show.html", occurrence=occurrence)

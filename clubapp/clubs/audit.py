"""The club's audit log for its president: a page, newest first, and a CSV download."""
from __future__ import annotations

from flask import g, render_template, request
from flask_babel import get_locale
from flask_login import login_required

from clubapp.clubs import bp
from clubapp.services import audit
from clubapp.services import clubs as club_service
from clubapp.services.errors import Invalid
from clubapp.web import csv_download
from clubapp.web import me as _me


@bp.route("/clubs/<int:club_id>/audit")
@login_required
def audit_log(club_id: int):  # type: ignore[no-untyped-def]
    """Who did what in the club, and when (the president)."""
    club, _membership = club_service.get_club(club_id, _me(), need="president")
    g.personal = True
    try:
        page = audit.for_club(_me(), club, cursor=request.args.get("cursor"))
    except Invalid:  # a stale or mangled cursor: start again from the newest
        page = audit.for_club(_me(), club)
    return render_template("clubs/audit.html", club=club, page=page)


@bp.route("/clubs/<int:club_id>/audit.csv")
@login_required
def audit_csv(club_id: int):  # type: ignore[no-untyped-def]
    """The whole log as CSV (the president)."""
    club, _membership = club_service.get_club(club_id, _me(), need="president")
    g.personal = True
    body = audit.export_csv(_me(), club, str(get_locale() or "en"))
    return csv_download(body, f"audit-{club.slug}.csv")

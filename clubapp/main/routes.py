"""Home and dashboard views."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from clubapp.main import bp
from clubapp.services import clubs as club_service
from clubapp.services import meetings as meeting_service
from clubapp.services import membership as membership_service
from clubapp.services import rsvp
from clubapp.web import safe_next


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    """The landing page; signed-in users go to their dashboard."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("main/index.html")


@bp.route("/dashboard")
@login_required
def dashboard():  # type: ignore[no-untyped-def]
    """My next meetings, my clubs, what waits for me as an officer, public clubs to discover."""
    me = current_user._get_current_object()
    mine = club_service.clubs_of(me)
    waiting = {club.id: len(membership_service.pending_requests(club)) for club, m in mine if m.is_officer}
    upcoming = rsvp.with_counts(meeting_service.upcoming_for(me, limit=6))
    return render_template("main/dashboard.html", mine=mine, waiting=waiting,
                           discover=club_service.public_clubs(exclude_user=me)[:6],
                           networks=club_service.networks_administered(me),
                           upcoming=upcoming, answers=rsvp.my_answers(me, upcoming), has_clubs=bool(mine),
                           officer_clubs=[club for club, m in mine if m.is_officer])


@bp.route("/language", methods=["POST"])
def language():  # type: ignore[no-untyped-def]
    """Switch the interface language (saved in the profile when signed in)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    lang = request.form.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        from clubapp.services import accounts

        accounts.update_profile(current_user._get_current_object(), {"locale": lang})
    return redirect(safe_next(request.form.get("next")))

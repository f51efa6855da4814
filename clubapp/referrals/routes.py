"""Referral views: parse, authorise through the referrals service, render. The service decides who sees what."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from clubapp.core import money
from clubapp.models import Club, Membership, Referral
from clubapp.models.base import utcnow
from clubapp.referrals import bp, display
from clubapp.referrals.forms import FollowUpForm, OneToOneForm, ReferralForm
from clubapp.services import clubs as club_service
from clubapp.services import figures as club_figures
from clubapp.services import referrals
from clubapp.services.errors import Forbidden, ServiceError
from clubapp.web import csv_download, form_error
from clubapp.web import me as _me


def _error(form: FlaskForm, error: ServiceError, renamed: dict[str, str] | None = None) -> None:
    """The service's error beside the form field it names (service and form may name it differently)."""
    if renamed and error.field in renamed:
        error.field = renamed[error.field]
    form_error(form, error)


def _people(memberships: list[Membership]) -> list[tuple[str, str, dict[str, str]]]:
    """One choice per member I can reach, with the clubs we share (the page narrows the club list with it)."""
    clubs: dict[int, list[str]] = defaultdict(list)
    names: dict[int, str] = {}
    for m in memberships:
        clubs[m.user_id].append(str(m.club_id))
        names[m.user_id] = m.user.name + (f" · {m.category}" if m.category else "")
    return [(str(uid), names[uid], {"data-clubs": " ".join(clubs[uid])}) for uid in names]


def _fill_choices(form: ReferralForm | OneToOneForm, person_field: str, who: str | None, club_id: str | None) -> bool:
    """Members and clubs to choose from, pre-selected from the link that opened the form; False if there is nobody."""
    memberships = referrals.members_to_refer(_me())
    my_clubs = [club for club, _m in club_service.clubs_of(_me())]
    person = form[person_field]
    person.choices = [("", _("Choose a member"))] + _people(memberships)  # type: ignore[operator]
    form.club_id.choices = ([("", _("Choose a club"))] if len(my_clubs) > 1 else []) + [
        (str(c.id), c.name) for c in my_clubs]
    if request.method == "GET":
        shared = [str(m.club_id) for m in memberships if str(m.user_id) == who]
        if shared:
            person.data = who
        mine = {str(c.id) for c in my_clubs}
        if club_id in mine and (not shared or club_id in shared):
            form.club_id.data = club_id
        elif len(shared) == 1:
            form.club_id.data = shared[0]
    return bool(memberships)


@bp.route("/referrals")
@login_required
def index():  # type: ignore[no-untyped-def]
    """My referrals, given and received, and my one-to-ones."""
    g.personal = True
    tab = "received" if request.args.get("tab") == "received" else "given"
    given, received = referrals.mine(_me(), "given"), referrals.mine(_me(), "received")
    closed: dict[str, Decimal] = {}
    for referral in given:
        if referral.status == "won" and referral.amount is not None and referral.currency:
            money.add(closed, referral.currency, referral.amount)
    waiting = sum(1 for r in received if r.status in ("given", "contacted", "in_progress"))
    return render_template("referrals/index.html", tab=tab, given=given, received=received, waiting=waiting,
                           tyfcb=display.amounts(closed),
                           one_to_ones=referrals.my_one_to_ones(_me()), clubs=club_service.clubs_of(_me()))


@bp.route("/referrals/new", methods=["GET", "POST"])
@login_required
def give():  # type: ignore[no-untyped-def]
    """Give a referral to a member of a club we share."""
    g.personal = True
    form = ReferralForm()
    anyone = _fill_choices(form, "to_user_id", request.args.get("to"), request.args.get("club_id"))
    if form.validate_on_submit():
        try:
            referral = referrals.give(_me(), {
                "club_id": form.club_id.data, "to_user_id": form.to_user_id.data,
                "prospect_name": form.prospect_name.data, "prospect_email": form.prospect_email.data,
                "prospect_phone": form.prospect_phone.data, "description": form.description.data,
                "temperature": form.temperature.data, "kind": form.kind.data})
        except ServiceError as error:
            _error(form, error, {"email": "prospect_email"})
        else:
            flash(_("Your referral is on its way to %(name)s.", name=referral.receiver.name), "success")
            return redirect(url_for("referrals.show", referral_id=referral.id))
    return render_template("referrals/give.html", form=form, anyone=anyone)


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
@login_required
def show(referral_id: int):  # type: ignore[no-untyped-def]
    """A referral, for its giver and receiver only; the receiver follows it up here."""
    referral: Referral = referrals.get(_me(), referral_id)  # 404 for anyone else
    g.personal = True
    receiving = referral.receiver_id == _me().id
    form = FollowUpForm(data={"status": referral.status, "currency": referral.currency or referral.club.currency,
                              "amount": display.amount_text(referral.amount)})
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                referrals.update_status(_me(), referral.id, form.status.data or "", form.amount.data,
                                        form.currency.data, str(get_locale() or "en"))
            except Forbidden:
                raise  # the giver: no follow-up, whatever was posted
            except ServiceError as error:
                _error(form, error)
            else:
                flash(_("The follow-up is saved."), "success")
                return redirect(url_for("referrals.show", referral_id=referral.id))
        elif not receiving:
            abort(403)
    return render_template("referrals/show.html", referral=referral, receiving=receiving,
                           form=form if receiving else None)


@bp.route("/one-to-ones/new", methods=["GET", "POST"])
@login_required
def one_to_one():  # type: ignore[no-untyped-def]
    """Log a one-to-one with a member of a club we share."""
    g.personal = True
    form = OneToOneForm()
    anyone = _fill_choices(form, "with_user_id", request.args.get("with"), request.args.get("club_id"))
    if request.method == "GET":
        form.met_on.data = datetime.now(ZoneInfo(_me().timezone)).date()
    if form.validate_on_submit():
        try:
            logged = referrals.log_one_to_one(_me(), {
                "club_id": form.club_id.data, "with_user_id": form.with_user_id.data, "date": form.met_on.data,
                "notes": form.notes.data})
        except ServiceError as error:
            _error(form, error, {"date": "met_on"})
        else:
            flash(_("Your one-to-one with %(name)s is logged.", name=logged.with_user.name), "success")
            return redirect(url_for("referrals.index", _anchor="one-to-ones"))
    return render_template("referrals/one_to_one.html", form=form, anyone=anyone)


def _my_card(club: Club, cards: list, now: datetime) -> Response | str:  # type: ignore[type-arg]
    """The card, its charts and its table: one period, one query (the charts' months add up to the card)."""
    card = next((c for c in cards if c.user_id == _me().id), None)
    series = referrals.monthly(_me(), club, now)
    currency = club.currency
    return render_template("referrals/my_card.html", club=club, card=card, series=series, currency=currency,
                           period=club_figures.rolling(club, now),
                           charts=display.card_charts(series, currency), rows=display.points_rows(card) if card else [],
                           max_score=display.max_score(), bands=display.light_bands())


@bp.route("/clubs/<int:club_id>/scorecards")
@login_required
def scorecards(club_id: int):  # type: ignore[no-untyped-def]
    """Officers: every member's scorecard, best first. Members: their own card."""
    club, membership = club_service.get_club(club_id, _me(), need="member")
    now = utcnow()
    cards = referrals.scorecards(_me(), club, now)
    if membership is None or not membership.is_officer:
        return _my_card(club, cards, now)
    return render_template("referrals/scorecards.html", club=club, cards=cards, currency=club.currency,
                           max_score=display.max_score(), bands=display.light_bands())


@bp.route("/clubs/<int:club_id>/scorecards/me")
@login_required
def my_scorecard(club_id: int):  # type: ignore[no-untyped-def]
    """My scorecard in a club, with my referrals and TYFCB month by month."""
    club, _membership = club_service.get_club(club_id, _me(), need="member")
    now = utcnow()
    return _my_card(club, referrals.scorecards(_me(), club, now), now)


@bp.route("/clubs/<int:club_id>/referrals.csv")
@login_required
def export(club_id: int):  # type: ignore[no-untyped-def]
    """The club's referrals and TYFCB as CSV, for officers: no prospect detail in it."""
    club, _membership = club_service.get_club(club_id, _me(), need="officer")
    body = referrals.export_csv(_me(), club, str(get_locale() or "en"))
    return csv_download(body, f"referrals-{club.slug}.csv")

"""Attendance views: answers, joining (check-in), the officers' sheet, visitors, reports. Thin: parse, call, render."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from markupsafe import Markup

from clubapp import unit_of_work
from clubapp.attendance import bp
from clubapp.attendance.forms import AnswerForm, MarkForm, PeriodForm, VisitorForm
from clubapp.attendance.panels import code_names
from clubapp.core import charts, money
from clubapp.core.scoring import CODES, counted_absences, rate
from clubapp.core.text import as_id
from clubapp.extensions import db
from clubapp.meetings import display
from clubapp.models import Club, User, Visitor
from clubapp.models.base import utcnow
from clubapp.services import attendance, mail, meetings, reports, rsvp, visitors
from clubapp.services import clubs as club_service
from clubapp.services.errors import Conflict, Invalid, NotFound, ServiceError
from clubapp.web import checked_post as _checked_post
from clubapp.web import csv_download, form_error, refused, safe_next
from clubapp.web import me as _me


def _first_error(form: FlaskForm) -> str:
    return next(str(message) for messages in form.errors.values() for message in messages)


# Charts are drawn twice, for wide screens and for phones (the page shows one): SVG text scales with the
# drawing, so a phone needs a narrower drawing to keep its labels readable.
CHART_WIDTHS = (("large", 640), ("small", 360))


def _legend(tally: Counter, names: dict[str | None, str], width: int) -> dict[str | None, str]:
    """The strip's legend: the codes that occur, in words, or in PALMS letters when words do not fit."""
    used = {code: names[code] for code in (*CODES, None) if tally[code]}
    if sum(24 + 7 * len(name) for name in used.values()) <= width - 8:
        return used
    return {code: (code or "-")[:1].upper() if code else "—" for code in used}


def _svg(chart: str) -> Markup:
    return Markup(chart)  # noqa: S704 (the chart helpers escape every text they draw)


# Answers

def _answer_message(answer: rsvp.Answer, occurrence: meetings.Occurrence) -> tuple[str, str]:
    day = display.medium_date(occurrence.starts_at)
    if answer.status == "waitlisted":
        return _("The meeting is full: you are number %(position)d on the waiting list. You will be confirmed "
                 "as soon as a seat frees up.", position=answer.waitlist_position or 0), "info"
    if answer.status == "confirmed" and answer.rsvp.substitute_name:
        return _("Noted: %(name)s will replace you on %(date)s.", name=answer.rsvp.substitute_name,
                 date=day), "success"
    if answer.status == "confirmed":
        return _("You are coming on %(date)s. See you there!", date=day), "success"
    if answer.status == "tentative":
        return _("Your answer for %(date)s: maybe.", date=day), "success"
    return _("Your answer for %(date)s: you are not coming.", date=day), "success"


def _back(occurrence: meetings.Occurrence) -> str:
    """Where an answer returns to: the page it was given on (dashboard, meeting page)."""
    target = request.form.get("next")
    return safe_next(target) if target else url_for("meetings.show", meeting_id=occurrence.id)


@bp.route("/meetings/<meeting_id>/rsvp", methods=["POST"])
@login_required
def answer(meeting_id: str):  # type: ignore[no-untyped-def]
    """Answer yes / maybe / no in one click; a yes beyond capacity joins the waiting list."""
    occurrence = meetings.get_occurrence(meeting_id, _me())
    _checked_post()
    form = AnswerForm()
    back = _back(occurrence)
    if not form.validate():
        flash(_first_error(form), "error")
        return redirect(back)
    current = rsvp.answer_of(_me(), occurrence)
    # The one-click buttons carry no substitute or comment: those already given stay.
    substitute = form.substitute_name.data if "substitute_name" in request.form else (
        current.rsvp.substitute_name if current else None)
    comment = form.comment.data if "comment" in request.form else (current.rsvp.comment if current else None)
    response = form.response.data
    if substitute and "substitute_name" in request.form:
        response = "yes"  # a substitute takes the seat
    try:
        result = rsvp.answer(_me(), occurrence.id, response, substitute, comment)
    except ServiceError as error:
        refused(error)
    else:
        flash(*_answer_message(result, occurrence))
    return redirect(back)


@bp.route("/meetings/<meeting_id>/rsvp/withdraw", methods=["POST"])
@login_required
def withdraw(meeting_id: str):  # type: ignore[no-untyped-def]
    """Withdraw my answer; my seat goes to the first member on the waiting list."""
    occurrence = meetings.get_occurrence(meeting_id, _me())
    _checked_post()
    try:
        rsvp.withdraw(_me(), occurrence.id)
    except ServiceError as error:
        refused(error)
    else:
        flash(_("Your answer is withdrawn."), "info")
    return redirect(_back(occurrence))


# Joining the video checks me in

@bp.route("/meetings/<meeting_id>/join", methods=["POST"])
@login_required
def join(meeting_id: str):  # type: ignore[no-untyped-def]
    """Check me in (present, or late after the club's grace period), then open the video.

    The video opens from a small page rather than a redirect: the CSP's ``form-action 'self'`` makes
    browsers refuse a form whose answer redirects to another site.
    """
    occurrence = meetings.get_occurrence(meeting_id, _me())
    _checked_post()
    try:
        record = attendance.check_in(_me(), occurrence.id)
    except ServiceError as error:
        refused(error)
        return redirect(url_for("meetings.show", meeting_id=occurrence.id))
    return render_template("attendance/joining.html", occurrence=occurrence, record=record, names=code_names())


# The officers' sheet

@bp.route("/meetings/<meeting_id>/attendance")
@login_required
def sheet(meeting_id: str):  # type: ignore[no-untyped-def]
    """The live attendance sheet (officers): one tap per member and PALMS code."""
    occurrence = meetings.get_occurrence(meeting_id, _me(), need="officer")
    rows = attendance.sheet(_me(), occurrence.id)
    tally = Counter(row.status for row in rows)
    guests = attendance.visitors(occurrence)
    return render_template(
        "attendance/sheet.html", occurrence=occurrence, club=occurrence.series.club, rows=rows, tally=tally,
        unmarked=tally[None], guests=guests, names=code_names(), codes=CODES, mark_form=MarkForm(formdata=None),
        is_holiday=attendance.is_holiday(occurrence), started=occurrence.starts_at <= utcnow(),
    )


def _to_sheet(occurrence: meetings.Occurrence, anchor: str | None = None):  # type: ignore[no-untyped-def]
    return redirect(url_for("attendance.sheet", meeting_id=occurrence.id, _anchor=anchor))


@bp.route("/meetings/<meeting_id>/attendance/<int:user_id>", methods=["POST"])
@login_required
def mark(meeting_id: str, user_id: int):  # type: ignore[no-untyped-def]
    """Record or correct one member's code and note (officers)."""
    occurrence = meetings.get_occurrence(meeting_id, _me(), need="officer")
    _checked_post()
    form = MarkForm()
    if not form.validate():
        flash(_first_error(form), "error")
        return _to_sheet(occurrence)
    try:
        attendance.set_status(_me(), occurrence.id, user_id, form.status.data or "", form.note.data or None)
    except (Conflict, Invalid) as error:
        refused(error)
        return _to_sheet(occurrence)
    return _to_sheet(occurrence, f"member-{user_id}")


@bp.route("/meetings/<meeting_id>/attendance/absent-others", methods=["POST"])
@login_required
def absent_others(meeting_id: str):  # type: ignore[no-untyped-def]
    """After the meeting: everyone not marked yet is absent (S for an announced substitute)."""
    occurrence = meetings.get_occurrence(meeting_id, _me(), need="officer")
    _checked_post()
    try:
        count = attendance.mark_absent_unmarked(_me(), occurrence.id)
    except (Conflict, Invalid) as error:
        refused(error)
    else:
        flash(ngettext("%(num)d member recorded.", "%(num)d members recorded.", count) if count
              else _("Every member already has a code."), "success" if count else "info")
    return _to_sheet(occurrence)


@bp.route("/meetings/<meeting_id>/attendance/visitors", methods=["POST"])
@login_required
def visitor_attendance(meeting_id: str):  # type: ignore[no-untyped-def]
    """Mark a visitor present or absent (officers)."""
    occurrence = meetings.get_occurrence(meeting_id, _me(), need="officer")
    _checked_post()
    visitor_id = as_id(request.form.get("visitor_id", ""))
    if visitor_id is None:
        raise NotFound(_l("No such visitor."))
    try:
        attendance.set_visitor_attendance(_me(), occurrence.id, visitor_id, request.form.get("attended", ""))
    except (Conflict, Invalid) as error:
        refused(error)
        return _to_sheet(occurrence)
    return _to_sheet(occurrence, "visitors")


@bp.route("/meetings/<meeting_id>/holiday", methods=["POST"])
@login_required
def holiday(meeting_id: str):  # type: ignore[no-untyped-def]
    """Mark a meeting as a holiday, when no attendance is expected (officers), or undo it."""
    occurrence = meetings.get_occurrence(meeting_id, _me(), need="officer")
    _checked_post()
    on = request.form.get("holiday") == "1"
    attendance.set_holiday(_me(), occurrence.id, on)
    if on:
        flash(_("Holiday: no attendance is expected at this meeting, and it does not count in the reports."), "info")
    else:
        flash(_("Attendance is expected again at this meeting."), "success")
    return _to_sheet(occurrence)


# Visitors

def _visit_link(token: str) -> str:
    return url_for("attendance.visit", token=token, _external=True)


@bp.route("/meetings/<meeting_id>/visitors", methods=["GET", "POST"])
@login_required
def invite_visitor(meeting_id: str):  # type: ignore[no-untyped-def]
    """Invite a visitor to this meeting (members); the visitor answers from the emailed link."""
    occurrence = meetings.get_occurrence(meeting_id, _me())
    if not meetings.is_member(_me(), occurrence.series):
        abort(403)
    form = VisitorForm()
    if form.validate_on_submit():
        try:
            visitor, _token, delivery = visitors.invite(_me(), occurrence.id, form.name.data, form.email.data,
                                                      form.company.data, link_for=_visit_link)
        except ServiceError as error:
            form_error(form, error)
        else:
            _say_if_mailed(visitor, delivery)
            return redirect(url_for("meetings.show", meeting_id=occurrence.id, _anchor="visitors"))
    status = 422 if request.method == "POST" else 200
    return render_template("attendance/invite_visitor.html", occurrence=occurrence, club=occurrence.series.club,
                           form=form), status


def _say_if_mailed(visitor: Visitor, delivery: mail.Delivery) -> None:
    """Commit, then tell the member the invitation went out, or that it is saved and can be sent again."""
    unit_of_work.commit()  # the email goes after the commit: its outcome is known only then
    if delivery.sent:
        flash(_("%(name)s is invited: an email with a link to answer is on its way.", name=visitor.name),
              "success")
    else:
        flash(_("%(name)s is invited, but the email could not be sent. Use \u201cSend again\u201d in the "
                "visitors of the meeting.", name=visitor.name), "warning")


@bp.route("/meetings/<meeting_id>/visitors/<int:visitor_id>/resend", methods=["POST"])
@login_required
def resend_visitor(meeting_id: str, visitor_id: int):  # type: ignore[no-untyped-def]
    """Send a visitor's invitation again, with a new link (the member who invited them)."""
    _checked_post()
    visitor, _token, delivery = visitors.resend(_me(), visitor_id, link_for=_visit_link)
    _say_if_mailed(visitor, delivery)
    return redirect(url_for("meetings.show", meeting_id=meeting_id, _anchor="visitors"))


@bp.route("/visit/<token>", methods=["GET", "POST"])
def visit(token: str):  # type: ignore[no-untyped-def]
    """A visitor's answer page: no account needed, the link is the key."""
    g.personal = True
    visitor, occurrence = visitors.visitor_for(token)
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        try:
            visitor = visitors.respond(token, request.form.get("response", ""))
        except ServiceError as error:
            refused(error)
        else:
            flash(_("Thank you, your answer is recorded."), "success")
        return redirect(url_for("attendance.visit", token=token))
    return render_template("attendance/visit.html", visitor=visitor, occurrence=occurrence,
                           form=FlaskForm())


# Reports

def _today(club: Club) -> date:
    return utcnow().astimezone(ZoneInfo(club.timezone)).date()


def _period(club: Club) -> PeriodForm:
    """The report's period from the query string; the last six months by default."""
    today = _today(club)
    default = {"first": today - timedelta(days=reports.ROLLING_DAYS), "last": today}
    if "from" not in request.args and "to" not in request.args:
        return PeriodForm(formdata=None, data=default)
    form = PeriodForm(request.args, data=default)
    if form.validate():
        form.first.data = form.first.data or default["first"]
        form.last.data = form.last.data or default["last"]
    return form


def _period_error(form: PeriodForm, error: ServiceError) -> None:
    error.field = {"from": "first", "to": "last"}.get(error.field or "", error.field)
    form_error(form, error)


def _short_day(occurrence: meetings.Occurrence) -> str:
    from babel.dates import format_skeleton

    return format_skeleton("MMMd", display.local(occurrence.starts_at, occurrence.timezone).date(),
                           locale=str(get_locale() or "en"))


@bp.route("/clubs/<int:club_id>/reports")
@login_required
def club_reports(club_id: int):  # type: ignore[no-untyped-def]
    """Attendance reports (officers): PALMS per member, absence alerts, the attendance rate per meeting."""
    club, _membership = club_service.get_club(club_id, _me(), need="officer")
    form = _period(club)
    context = {"club": club, "form": form, "lines": None, "charts": None, "rates": [], "names": code_names()}
    if not form.errors:
        first, last = form.first.data, form.last.data
        try:
            lines = reports.palms(_me(), club, first, last)
            rates = reports.rates_per_meeting(club, first, last)
        except ServiceError as error:
            _period_error(form, error)
        else:
            title = _("Attendance rate per meeting, %(start)s – %(end)s", start=display.medium_date(first),
                      end=display.medium_date(last))
            bars = [(_short_day(o), value) for o, value in rates]
            empty = _("No meeting was held in this period.")
            context.update(lines=lines, rates=rates, chart_title=title, charts={
                size: _svg(charts.bar_chart(bars, title, width=width, empty=empty)) for size, width in CHART_WIDTHS})
            context.update(currencies=money.present((line.tyfcb for line in lines), club.currency),
                           tyfcb_totals=reports.tyfcb_totals(lines))
    context["alerts"] = reports.absence_alerts(_me(), club)
    status = 422 if form.errors else 200
    return render_template("attendance/reports.html", **context), status


@bp.route("/clubs/<int:club_id>/reports/palms.csv")
@login_required
def palms_csv(club_id: int):  # type: ignore[no-untyped-def]
    """The PALMS report as CSV for Excel or LibreOffice (';' in French, ',' in English)."""
    club, _membership = club_service.get_club(club_id, _me(), need="officer")
    form = _period(club)
    if form.errors:
        raise Invalid(_first_error(form))
    lines = reports.palms(_me(), club, form.first.data, form.last.data)
    locale = get_locale()
    body = reports.palms_csv(lines, locale.language if locale else "en", club.currency)
    name = f"palms-{club.slug}-{form.first.data.isoformat()}-{form.last.data.isoformat()}.csv"
    g.personal = True
    return csv_download(body, name)


@bp.route("/clubs/<int:club_id>/members/<int:user_id>/attendance")
@login_required
def history(club_id: int, user_id: int):  # type: ignore[no-untyped-def]
    """A member's attendance meeting by meeting (officers, or the member)."""
    club, membership = club_service.get_club(club_id, _me(), need="member")
    person = db.session.get(User, user_id)
    if person is None or club.membership_of(person) is None:
        raise NotFound(_l("This person is not a member of the club."))
    form = _period(club)
    entries: list = []
    if not form.errors:
        try:
            entries = reports.member_history(_me(), club, person, form.first.data, form.last.data)
        except Invalid as error:
            _period_error(form, error)
    today = _today(club)
    rolling = reports.member_history(_me(), club, person, today - timedelta(days=reports.ROLLING_DAYS), today)
    names = code_names()
    tally = Counter(code for _o, code in entries)
    attended = tally["present"] + tally["late"] + tally["substitute"]
    strip = [(display.medium_date(o.starts_at, o.timezone), code) for o, code in entries]
    title = _("Attendance of %(name)s, meeting by meeting", name=person.name)
    strips = {size: _svg(charts.record_strip(strip, title, _legend(tally, names, width), width=width))
              for size, width in CHART_WIDTHS}
    return render_template(
        "attendance/history.html", club=club, person=person, membership=membership, form=form,
        entries=list(reversed(entries)), tally=tally, names=names, codes=CODES, charts=strips,
        rate=rate(attended, sum(tally[c] for c in CODES)), absences=counted_absences(tally.elements()),
        is_officer=membership is not None and membership.is_officer,
        rolling_absences=counted_absences(code for _o, code in rolling if code),
    ), 422 if form.errors else 200

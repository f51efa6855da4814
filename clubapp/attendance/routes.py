"""Attendance views."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from clubapp.attendance import bp
from clubapp.services import visitors
from clubapp.services.errors import ServiceError


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
            flash(str(error.message), "error")
        else:
            flash(_("Thank you, your answer is recorded."), "success")
        return redirect(url_for("attendance.visit", token=token))
    return render_template("attendance/visit.html", visitor=visitor, occurrence=occurrence,
                           form=FlaskForm())

"""Account views."""
from __future__ import annotations

import json
from urllib.parse import quote

from flask import Response, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, logout_user
from flask_wtf import FlaskForm

from clubapp.account import bp
from clubapp.account.forms import DeleteAccountForm, PasswordForm, ProfileForm, TokenForm
from clubapp.auth.session import start_session
from clubapp.core import profile as profile_rules
from clubapp.services import accounts, audit, feeds, privacy
from clubapp.services.errors import ServiceError
from clubapp.web import flash_ended_credentials, form_error, refused
from clubapp.web import me as _me


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():  # type: ignore[no-untyped-def]
    """Edit my profile."""
    form = ProfileForm(obj=_me())
    if request.method == "GET":  # stored in E.164, edited in the member's own format
        form.phone.data = profile_rules.format_phone(_me().phone, accounts.phone_region(_me()))
    if form.validate_on_submit():
        try:
            accounts.update_profile(_me(), {name: form[name].data for name in accounts.PROFILE_FIELDS})
        except ServiceError as error:
            form_error(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("account.profile"))
    return render_template("account/profile.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():  # type: ignore[no-untyped-def]
    """Change my password (signs out my other devices)."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(_me(), form.current_password.data, form.new_password.data,
                                     revoke_tokens=form.revoke_tokens.data, new_feed_address=form.new_feed_address.data)
        except ServiceError as error:
            form_error(form, error)
        else:
            start_session(_me())  # this device stays signed in with the new session version
            flash(_("Your password is changed. Your other devices are signed out."), "success")
            flash_ended_credentials(form.revoke_tokens.data, form.new_feed_address.data)
            return redirect(url_for("account.settings"))
    return render_template("account/password.html", form=form)


@bp.route("/settings")
@login_required
def settings():  # type: ignore[no-untyped-def]
    """Settings: calendar feed, API tokens, my data."""
    g.personal = True
    feed_url = url_for("feeds.personal", token=feeds.feed_token(_me()), _external=True)
    webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return render_template("account/settings.html", tokens=accounts.list_api_tokens(_me()), form=TokenForm(),
                           new_token=session.pop("new_token", None), delete_form=DeleteAccountForm(),
                           action_form=FlaskForm(), feed_url=feed_url, webcal_url=webcal_url,
                           security=audit.security_activity(_me()),
                           google_feed_url="https://calendar.google.com/calendar/r?cid=" + quote(webcal_url, safe=""),
                           outlook_feed_url="https://outlook.live.com/calendar/0/addfromweb?url="
                           + quote(feed_url, safe="") + "&name=" + quote(str(feeds.personal_feed_name()), safe=""))


@bp.route("/feed/rotate", methods=["POST"])
@login_required
def rotate_feed():  # type: ignore[no-untyped-def]
    """Give my calendar feed a new address; the old one stops working at once."""
    if FlaskForm().validate_on_submit():
        feeds.rotate_feed_token(_me())
        flash(_("Your calendar feed has a new address. Subscribe again with it: the old one no longer works."),
              "success")
    return redirect(url_for("account.settings") + "#feed")


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():  # type: ignore[no-untyped-def]
    """Create a personal access token; its secret is shown once."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            issued = accounts.create_api_token(_me(), form.label.data)
        except ServiceError as error:
            refused(error)
        else:
            session["new_token"] = issued.secret
            flash(_("Token created. Copy it now: it will not be shown again."), "success")
    else:
        flash(_("Give the token a label of at most 80 characters."), "error")
    return redirect(url_for("account.settings") + "#tokens")


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):  # type: ignore[no-untyped-def]
    """Revoke one of my tokens."""
    if FlaskForm().validate_on_submit():
        accounts.revoke_api_token(_me(), token_id)
        flash(_("Token revoked: it no longer works."), "success")
    return redirect(url_for("account.settings") + "#tokens")


@bp.route("/export.json")
@login_required
def export():  # type: ignore[no-untyped-def]
    """Download all my personal data as JSON (GDPR)."""
    g.personal = True
    body = json.dumps(privacy.export(_me()), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="clubapp-my-data.json"'})


@bp.route("/delete", methods=["POST"])
@login_required
def delete():  # type: ignore[no-untyped-def]
    """Erase my account."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            privacy.delete_account(_me(), form.password.data)
        except ServiceError as error:
            refused(error)
            return redirect(url_for("account.settings") + "#delete")
        logout_user()
        session.clear()
        flash(_("Your account and your personal data are erased."), "info")
        return redirect(url_for("main.index"))
    flash(_("Enter your password to delete your account."), "error")
    return redirect(url_for("account.settings") + "#delete")



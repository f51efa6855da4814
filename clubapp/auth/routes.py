"""Auth views: thin wrappers around services.accounts."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from clubapp.auth import bp
from clubapp.auth.forms import ForgotForm, LoginForm, ResetForm, SignupForm
from clubapp.auth.session import start_session
from clubapp.extensions import limiter
from clubapp.limits import signup_limited
from clubapp.services import accounts
from clubapp.services.errors import ServiceError
from clubapp.web import flash_ended_credentials, form_error, safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/signup", methods=["GET", "POST"])
@signup_limited()
def signup():  # type: ignore[no-untyped-def]
    """Create an account and sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignupForm(next=request.args.get("next", ""))
    if request.method == "GET":
        form.locale.data = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "fr"
    if form.validate_on_submit():
        try:
            user = accounts.sign_up(form.email.data, form.password.data, form.name.data,
                                    form.timezone.data, form.locale.data)
        except ServiceError as error:
            form_error(form, error)
        else:
            start_session(user)
            flash(_("Welcome to Clubapp, %(name)s!", name=user.name), "success")
            return redirect(safe_next(form.next.data))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():  # type: ignore[no-untyped-def]
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except ServiceError as error:
            form.password.errors.append(str(error.message))
        else:
            start_session(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():  # type: ignore[no-untyped-def]
    """Log out here and on every other device."""
    accounts.end_sessions(current_user._get_current_object())
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot():  # type: ignore[no-untyped-def]
    """Ask for a password-reset link (same answer whether the account exists or not)."""
    form = ForgotForm()
    if form.validate_on_submit():
        accounts.request_password_reset(
            form.email.data, lambda token: url_for("auth.reset", token=token, _external=True))
        flash(_("If an account exists for this address, a link to reset the password is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):  # type: ignore[no-untyped-def]
    """Set a new password from an emailed link."""
    accounts.user_for_reset(token)  # 404 page with the reason when expired or used
    form = ResetForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(token, form.password.data, revoke_tokens=form.revoke_tokens.data,
                                           new_feed_address=form.new_feed_address.data)
        except ServiceError as error:
            form_error(form, error, default="password")
        else:
            start_session(user)
            flash(_("Your password is changed."), "success")
            flash_ended_credentials(form.revoke_tokens.data, form.new_feed_address.data)
            return redirect(url_for("main.dashboard"))
    return render_template("auth/reset.html", form=form)

"""Outgoing email: printed to the console by default, SMTP when MAIL_BACKEND=smtp."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage


def send(to: str, subject: str, template: str, locale: str | None = None, **context: object) -> None:
    """Render ``templates/email/<template>.txt`` in ``locale`` and send it to ``to``."""
    with force_locale(locale or "fr"):
        body = render_template(f"email/{template}.txt", **context)
        subject_text = str(subject)
    message = EmailMessage(subject=subject_text, body=body, to=[to],
                           from_email=current_app.config["MAIL_DEFAULT_SENDER"])
    message.send()

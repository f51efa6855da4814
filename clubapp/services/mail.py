"""Outgoing email: printed to the console by default, SMTP when MAIL_BACKEND=smtp.

Mail is sent after the data it tells about is committed, and a delivery failure never fails the
request: ``send`` logs it and answers False, so that the caller can warn the user and offer to resend.
"""
from __future__ import annotations

import logging
import re
import smtplib
from email.utils import formataddr, parseaddr

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage

logger = logging.getLogger(__name__)

# CR and LF end a header line; the other controls and Unicode line breaks have no place in one either.
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def header_text(value: object) -> str:
    """``value`` on one line, fit for a header: line breaks and control characters become spaces."""
    return " ".join(_LINE_BREAKING.sub(" ", str(value)).split())


def sender() -> str:
    """``MAIL_DEFAULT_SENDER`` with a one-line display name."""
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return formataddr((header_text(name), address)) if name else address


def send(to: str, subject: str, template: str, locale: str | None = None, **context: object) -> bool:
    """Render ``templates/email/<template>.txt`` in ``locale`` and send it to ``to``.

    True when the mail server took it; False when delivery failed (logged with the stack; the
    message itself, which may hold a secret link, is never logged).
    """
    with force_locale(locale or "fr"):
        body = render_template(f"email/{template}.txt", **context)
        subject_text = header_text(subject)
    message = EmailMessage(subject=subject_text, body=body, to=[header_text(to)], from_email=sender())
    try:
        message.send()
    except (smtplib.SMTPException, OSError, ValueError):
        logger.exception("Could not send the %r email", template)
        return False
    return True

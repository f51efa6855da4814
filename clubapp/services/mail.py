"""Outgoing email: printed to the console by default, SMTP when MAIL_BACKEND=smtp.

Mail is sent after the data it tells about is committed: a use case calls ``after_commit``, which
renders the message at once and queues its sending (clubapp.unit_of_work); a rolled-back change
sends nothing. A delivery failure never fails the request: it is logged and the ``Delivery`` says
so (``sent`` is False), so that the edge, which reads it after its commit, can warn the user and
offer to resend.
"""
from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage

from clubapp import unit_of_work

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


def message(to: str, subject: str, template: str, locale: str | None = None, **context: object) -> EmailMessage:
    """Render ``templates/email/<template>.txt`` in ``locale`` as a message to ``to``."""
    with force_locale(locale or "fr"):
        body = render_template(f"email/{template}.txt", **context)
        subject_text = header_text(subject)
    return EmailMessage(subject=subject_text, body=body, to=[header_text(to)], from_email=sender())


@dataclass
class Delivery:
    """A rendered message waiting for the commit; ``sent`` is None until then, then True or False."""

    message: EmailMessage
    template: str
    sent: bool | None = None

    def send(self) -> bool:
        """Hand the message to the mail server; False when delivery failed (logged with the stack;
        the message itself, which may hold a secret link, is never logged)."""
        try:
            self.message.send()
        except (smtplib.SMTPException, OSError, ValueError):
            logger.exception("Could not send the %r email", self.template)
            self.sent = False
        else:
            self.sent = True
        return self.sent


def after_commit(to: str, subject: str, template: str, locale: str | None = None, **context: object) -> Delivery:
    """Render the message now (the data it shows is at hand) and send it once the unit of work commits."""
    delivery = Delivery(message(to, subject, template, locale, **context), template)
    unit_of_work.after_commit(delivery.send)
    return delivery


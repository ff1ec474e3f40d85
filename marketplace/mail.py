"""Outgoing e-mail: plain-text messages, sent through the task queue, by SMTP or into an outbox folder.

`send(to, subject, text)` enqueues `tasks.send_mail`, so that a slow or unreachable SMTP server never
blocks a request; the worker retries a failed delivery (tasks.MAIL_RETRIES times, MAIL_RETRY_DELAY
seconds apart) and logs every failure. Where a message goes is decided by the configuration (MARKETPLACE_MAIL_*):

- MAIL_SERVER set: SMTP to MAIL_SERVER:MAIL_PORT, with STARTTLS (MAIL_USE_TLS) or implicit TLS
  (MAIL_USE_SSL), logging in when MAIL_USERNAME is set;
- otherwise (the development default): each message is written as an .eml file to MAIL_DIR
  (default instance/mail/), listed on the admin's 邮件发件箱 page (`outbox()`, `outbox_message()`).
"""
import logging
import os
import re
import smtplib
import ssl
import uuid
from datetime import timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formataddr, formatdate, make_msgid, parsedate_to_datetime

from flask import current_app, has_request_context, request

log = logging.getLogger(__name__)

OUTBOX_NAME = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{32}\.eml$")
SENDER_NAME = "易智技术市场"


def send(to, subject, text):
    """Queue one plain-text message to `to` (an address). Never raises for a delivery problem."""
    from . import tasks

    try:
        tasks.send_mail(to, subject, text)
    except Exception:  # the queue's storage is unreachable: log it, the request goes on
        log.exception("could not enqueue a mail to %s (%s)", to, subject)


def build_message(to, subject, text):
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr((SENDER_NAME, config["MAIL_SENDER"]))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2] or None)
    message.set_content(text)
    return message


def deliver(to, subject, text):
    """Deliver now (in the worker): SMTP when MAIL_SERVER is set, else an .eml file in MAIL_DIR.
    Raises on failure, so that the queue retries."""
    message = build_message(to, subject, text)
    if current_app.config.get("MAIL_SERVER"):
        _smtp(message)
    else:
        _write_eml(message)
    return message["Message-ID"]


def _smtp(message):
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 0), config["MAIL_TIMEOUT"]
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(host, port or 465, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port or 25, timeout=timeout)
    with smtp:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def mail_dir():
    return current_app.config.get("MAIL_DIR") or os.path.join(current_app.instance_path, "mail")


def _write_eml(message):
    folder = mail_dir()
    os.makedirs(folder, exist_ok=True)
    stamp = parsedate_to_datetime(message["Date"]).strftime("%Y%m%dT%H%M%S")
    name = f"{stamp}-{uuid.uuid4().hex}.eml"
    partial = os.path.join(folder, "." + name + ".part")
    with open(partial, "wb") as f:
        f.write(message.as_bytes(policy=policy.SMTP))
    os.replace(partial, os.path.join(folder, name))  # the outbox never lists a half-written file
    return name


# ---------------------------------------------------------------- the outbox (development)

def _read(path):
    with open(path, "rb") as f:
        return BytesParser(policy=policy.default).parse(f)


def outbox(limit=200):
    """The newest `limit` messages written to MAIL_DIR: dicts of name, subject, to, sent_at."""
    folder = mail_dir()
    if not os.path.isdir(folder):
        return []
    names = sorted((n for n in os.listdir(folder) if OUTBOX_NAME.match(n)), reverse=True)[:limit]
    rows = []
    for name in names:
        message = _read(os.path.join(folder, name))
        rows.append({"name": name, "subject": str(message["Subject"] or ""), "to": str(message["To"] or ""),
                     "sent_at": _date(message)})
    return rows


def outbox_message(name):
    """One outbox message (subject, to, sender, sent_at, text) by file name, or None."""
    path = os.path.join(mail_dir(), name)
    if not OUTBOX_NAME.match(name or "") or not os.path.isfile(path):
        return None
    message = _read(path)
    body = message.get_body(preferencelist=("plain",))
    return {"name": name, "subject": str(message["Subject"] or ""), "to": str(message["To"] or ""),
            "sender": str(message["From"] or ""), "sent_at": _date(message),
            "text": body.get_content() if body is not None else ""}


def _date(message):
    """The message's Date as naive UTC (how every time is kept), or None."""
    try:
        sent = parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError):
        return None
    return sent.astimezone(timezone.utc).replace(tzinfo=None) if sent.tzinfo else sent


def absolute_url(path):
    """A link for a mail: PUBLIC_BASE_URL when configured (always in production: the Host header is not
    the place to learn our address from), else this request's host, else localhost."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        base = request.host_url if has_request_context() else "http://localhost:5000/"
    return base.rstrip("/") + "/" + (path or "").lstrip("/")

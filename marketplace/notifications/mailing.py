"""Notifications by e-mail: each user's choice of kinds and frequency (MailPreference), the mail sent
right after a notification is committed, and the daily digest (tasks.send_digests).

No preference row means no notification mails: e-mail is opt-in per kind (password-reset mails,
accounts/recovery.py, are always sent). Mails go out through mail.send (the task queue).
"""
import logging
from datetime import datetime, time, timedelta, timezone

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import mail
from ..extensions import db
from ..models import MailPreference, Notification, User
from ..models.notifications import MAIL_FREQUENCIES
from ..timeutil import LOCAL_TZ, utcnow
from ..workflow import ValidationFailed
from .grouping import group_notifications
from .kinds import KIND_LABELS, kind_label

log = logging.getLogger(__name__)
SUBJECT_PREFIX = "【易智】"
PENDING_KEY = "mail_notifications"
SETTINGS_PATH = "/notifications/settings"


# ---------------------------------------------------------------- preferences

def preference_of(user):
    return db.session.scalar(db.select(MailPreference).where(MailPreference.user_id == user.id))


def save_preference(user, kinds, frequency):
    """Set the kinds this user receives by e-mail and how often (the caller commits)."""
    kinds = {str(k) for k in (kinds or ())}
    unknown = kinds - set(KIND_LABELS)
    errors = {}
    if unknown:
        errors["kinds"] = "通知类型无效"
    if frequency not in MAIL_FREQUENCIES:
        errors["frequency"] = "请选择邮件发送方式"
    if errors:
        raise ValidationFailed("通知设置有误", errors)
    pref = preference_of(user)
    if pref is None:
        pref = MailPreference(user_id=user.id)
        db.session.add(pref)
    if frequency == "daily" and pref.frequency != "daily":
        pref.digest_sent_at = utcnow()  # the first digest holds what comes from now on
    pref.kinds = ",".join(k for k in KIND_LABELS if k in kinds)  # a stable order
    pref.frequency = frequency
    return pref


def _wants_now(pref, kind):
    return pref is not None and pref.frequency == "immediate" and kind in pref.kind_set


# ---------------------------------------------------------------- one mail per notification

def after_notify(user, note):
    """Called by notify(): remember the notification if its user wants it by mail at once; it is queued
    after the commit (a rolled-back notification is never mailed)."""
    if not _wants_now(preference_of(user), note.kind):
        return
    db.session.flush()
    db.session.info.setdefault(PENDING_KEY, []).append(note.id)


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    ids = session.info.pop(PENDING_KEY, None)
    if not ids or not has_app_context():
        return
    from .. import tasks

    for note_id in ids:
        try:
            tasks.mail_notification(note_id)
        except Exception:  # the queue is unreachable: the in-app notification stands
            log.exception("could not enqueue the mail of notification %s", note_id)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    session.info.pop(PENDING_KEY, None)


def mail_one(note_id):
    """Mail one notification to its user (in the worker), if they still want it."""
    note = db.session.get(Notification, note_id)
    if note is None:
        return False
    user = db.session.get(User, note.user_id)
    if user is None or not user.active or not _wants_now(preference_of(user), note.kind):
        return False
    lines = [f"{user.name}，您好：", "", note.message]
    if note.url:
        lines += ["", f"查看：{mail.absolute_url(note.url)}"]
    mail.send(user.email, SUBJECT_PREFIX + kind_label(note.kind), "\n".join(lines + _footer()))
    return True


def _footer():
    return ["", "——", "您收到这封邮件，是因为您在易智“通知设置”中选择了以邮件接收此类通知。",
            f"修改设置：{mail.absolute_url(SETTINGS_PATH)}"]


# ---------------------------------------------------------------- the daily digest

def digest_moment(now=None):
    """The latest DIGEST_HOUR (local time) at or before `now`, as naive UTC."""
    now = now or utcnow()
    local_now = now.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ)
    moment = datetime.combine(local_now.date(), time(current_app.config["DIGEST_HOUR"]), tzinfo=LOCAL_TZ)
    if moment > local_now:
        moment -= timedelta(days=1)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def send_due_digests(now=None):
    """Mail each daily-digest user, once per day, their unread notifications of the chosen kinds since
    their last digest. Returns how many digests were sent. Commits per user."""
    now = now or utcnow()
    moment = digest_moment(now)
    due = db.session.scalars(
        db.select(MailPreference).where(MailPreference.frequency == "daily", MailPreference.kinds != "",
                                        db.or_(MailPreference.digest_sent_at.is_(None),
                                               MailPreference.digest_sent_at < moment))
        .order_by(MailPreference.id)).all()
    sent = 0
    for pref in due:
        user = db.session.get(User, pref.user_id)
        since = pref.digest_sent_at or (moment - timedelta(days=1))
        notes = db.session.scalars(
            db.select(Notification).where(Notification.user_id == pref.user_id, Notification.read_at.is_(None),
                                          Notification.kind.in_(pref.kind_set), Notification.created_at > since,
                                          Notification.created_at <= now)
            .order_by(Notification.id.desc())).all()
        pref.digest_sent_at = now
        if notes and user is not None and user.active:
            mail.send(user.email, f"{SUBJECT_PREFIX}每日通知摘要（{len(notes)} 条未读）", _digest_text(user, notes))
            sent += 1
        db.session.commit()
    return sent


def _digest_text(user, notes):
    lines = [f"{user.name}，您好：", "", f"您有 {len(notes)} 条未读通知："]
    for group in group_notifications(notes):
        lines += ["", f"■ {group.title}"]
        for note in group.items[:5]:
            lines.append(f"  · {note.message}")
        if len(group.items) > 5:
            lines.append(f"  · ……另有 {len(group.items) - 5} 条")
        if group.url:
            lines.append(f"  查看：{mail.absolute_url(group.url)}")
    lines += ["", f"消息中心：{mail.absolute_url('/notifications/')}"]
    return "\n".join(lines + _footer())

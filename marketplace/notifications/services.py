"""In-app notifications: every workflow tells the people concerned here."""
from ..extensions import db
from ..models import Notification
from ..timeutil import utcnow
from . import mailing
from .grouping import group_notifications


def notify(user, kind, message, url=None):
    """Queue a notification in the current transaction (the caller commits)."""
    if user is None:
        return None
    note = Notification(user_id=user.id, kind=kind, message=message[:500], url=url)
    db.session.add(note)
    mailing.after_notify(user, note)  # mailed after the commit, if the user chose this kind by e-mail
    return note


def notify_many(users, kind, message, url=None, exclude=None):
    seen = set()
    for user in users:
        if user is None or user.id in seen or (exclude is not None and user.id == exclude.id):
            continue
        seen.add(user.id)
        notify(user, kind, message, url)


def unread_count(user):
    return db.session.scalar(
        db.select(db.func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def list_for(user, page, per_page=20):
    query = db.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def grouped_page(pagination):
    """The page's notifications grouped by kind and target (grouping.py)."""
    return group_notifications(pagination.items)


def mark_read(user, notification_ids=None):
    """Mark the user's notifications read: all of them, or those whose ids are given (a group).
    Returns how many were unread."""
    query = db.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_ids is not None:
        query = query.where(Notification.id.in_(list(notification_ids)))
    return db.session.execute(query.values(read_at=utcnow())).rowcount

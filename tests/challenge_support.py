"""Shared helpers for the challenge tests: a challenge with applications, notification look-ups."""
from datetime import timedelta
from decimal import Decimal

from marketplace.extensions import db
from marketplace.models import Application, Event, Notification
from marketplace.timeutil import utcnow

PROPOSAL = {"proposal": "<p>采用化学气相沉积法制备石墨烯薄膜</p>", "quote": "60.5", "team": "张教授团队 5 人",
            "plan": "6 个月完成小试"}


def application(demand, applicant=None, status="submitted", make=None, **kw):
    applicant = applicant or make.user("researcher")
    app = Application(demand_id=demand.id, applicant_id=applicant.id, organization_id=applicant.organization_id,
                      proposal=kw.pop("proposal", "<p>方案</p>"), quote=kw.pop("quote", Decimal("50.00")),
                      status=status, **kw)
    db.session.add(app)
    db.session.commit()
    return app


def overdue(make, owner=None, status="published", **kw):
    """A challenge whose deadline passed a minute ago."""
    return make.demand(owner=owner, challenge=True, status=status, deadline=utcnow() - timedelta(minutes=1), **kw)


def notices(user, kind=None):
    query = db.select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return db.session.scalars(query.order_by(Notification.id)).all()


def events(subject_type, subject_id):
    return db.session.scalars(db.select(Event).where(Event.subject_type == subject_type,
                                                     Event.subject_id == subject_id).order_by(Event.id)).all()


def reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)

from ..extensions import db
from ..timeutil import utcnow


class Event(db.Model):
    """One recorded transition of any workflow object (append-only)."""

    id = db.Column(db.Integer, primary_key=True)
    subject_type = db.Column(db.String(20), nullable=False)  # achievement, demand, application, deal, ...
    subject_id = db.Column(db.Integer, nullable=False)
    actor_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    action = db.Column(db.String(30), nullable=False)
    from_state = db.Column(db.String(20))
    to_state = db.Column(db.String(20), nullable=False)
    note = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    actor = db.relationship("User")

    __table_args__ = (db.Index("ix_event_subject", "subject_type", "subject_id"),)

"""Stored match proposals, the index outbox and keyword subscriptions."""
from ..extensions import db
from ..timeutil import utcnow
from .states import states_check

MATCH_STATES = {"proposed": "推荐中", "dismissed": "已忽略", "converted": "已立项"}
# Match.status's one transition table: the owner dismisses a proposal (matching), a broker opens a deal from it (deals).
MATCH_TRANSITIONS = {
    "dismiss": (("proposed",), "dismissed", "忽略推荐"),
    "convert": (("proposed",), "converted", "转为交易"),
}


class Match(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    demand_id = db.Column(db.Integer, db.ForeignKey("demand.id"), nullable=False, index=True)
    achievement_id = db.Column(db.Integer, db.ForeignKey("achievement.id"), nullable=False, index=True)
    score = db.Column(db.Float, nullable=False)
    terms = db.Column(db.String(500), default="")  # shared key terms, joined by ","
    status = db.Column(db.String(20), nullable=False, default="proposed", index=True)
    deal_id = db.Column(db.Integer, db.ForeignKey("deal.id", use_alter=True))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # Feedback on a dismissal (matching/feedback.py): one of DISMISS_REASONS, a note (required for 其他).
    dismiss_reason = db.Column(db.String(20))
    dismiss_note = db.Column(db.String(300))
    dismissed_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    dismissed_at = db.Column(db.DateTime)

    demand = db.relationship("Demand")
    achievement = db.relationship("Achievement")

    __table_args__ = (db.UniqueConstraint("demand_id", "achievement_id", name="uq_match_pair"),
                      # the workbench: proposed, score above a threshold, strongest first
                      db.Index("ix_match_status_score", "status", "score", "created_at", "id"),
                      states_check(MATCH_STATES))

    @property
    def term_list(self):
        return [t for t in (self.terms or "").split(",") if t]

    @property
    def strength(self):
        """The 0-100 % strength users see (matching/calibration.py)."""
        from ..matching.calibration import strength
        return strength(self.score)


class IndexOutbox(db.Model):
    """An index change queued in the listing's transaction, applied after commit."""

    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(40), nullable=False, index=True)  # "achievement:12"
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Subscription(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    field = db.Column(db.String(20))  # a technology field, or NULL for any
    keywords = db.Column(db.String(300), default="")  # any of these words, joined by ","
    kind = db.Column(db.String(20))  # achievement, demand, or NULL for both
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User")

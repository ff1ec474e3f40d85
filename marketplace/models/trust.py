"""Trust and contact (issue #11): responses to demands, favourites, announcements."""
from ..extensions import db
from ..timeutil import utcnow

RESPONSE_STATES = {"open": "待跟进", "closed": "已关闭"}
FAVOURITE_KINDS = ("achievement", "demand")  # a challenge is a demand


class DemandResponse(db.Model):
    """我有相关成果: a researcher's answer to a published demand — one of their achievements or a capability
    described in text — a lead for brokers and a notification for the demand's owner."""

    id = db.Column(db.Integer, primary_key=True)
    demand_id = db.Column(db.Integer, db.ForeignKey("demand.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"))
    achievement_id = db.Column(db.Integer, db.ForeignKey("achievement.id"), index=True)  # NULL: a capability
    capability = db.Column(db.Text)
    message = db.Column(db.Text, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="open", index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    demand = db.relationship("Demand")
    user = db.relationship("User")
    organization = db.relationship("Organization")
    achievement = db.relationship("Achievement")

    # One response per (demand, achievement); capabilities (achievement NULL) are not constrained here.
    __table_args__ = (db.UniqueConstraint("demand_id", "achievement_id", name="uq_demand_response_pair"),)

    @property
    def status_label(self):
        return RESPONSE_STATES.get(self.status, self.status)


class Favourite(db.Model):
    """收藏: a user follows an achievement or a demand (challenges included) and hears of its changes."""

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    subject_type = db.Column(db.String(20), nullable=False)  # achievement / demand
    subject_id = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (db.UniqueConstraint("user_id", "subject_type", "subject_id", name="uq_favourite_user_subject"),
                      db.Index("ix_favourite_subject", "subject_type", "subject_id"))


class Announcement(db.Model):
    """通知公告, managed by admins on /admin/announcements and listed on the home page."""

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")  # plain text, shown with line breaks
    published_on = db.Column(db.Date, nullable=False, index=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

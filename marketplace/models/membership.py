"""Joining an organization and changing its legal identity: both are requests someone decides.

Invariant: `User.organization_id` is set only for APPROVED members. A join request waits here
(status `pending`) and the user has no organization until an org admin or a platform admin
approves it, so nothing that reads `organization_id` can leak the organization to a requester.
"""
from ..extensions import db
from ..timeutil import utcnow

REQUEST_STATES = {"pending": "待审核", "approved": "已通过", "rejected": "未通过"}
_STATES_SQL = ", ".join(f"'{s}'" for s in REQUEST_STATES)


class JoinRequest(db.Model):
    """A user asks to become a member of an existing organization."""

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"), nullable=False, index=True)
    status = db.Column(db.String(20), nullable=False, default="pending")
    reason = db.Column(db.String(500))  # why it was rejected
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    decided_at = db.Column(db.DateTime)

    user = db.relationship("User", foreign_keys=[user_id])
    organization = db.relationship("Organization")

    __table_args__ = (db.CheckConstraint(f"status IN ({_STATES_SQL})", name="status"),)

    @property
    def status_label(self):
        return REQUEST_STATES.get(self.status, self.status)

    @property
    def kind_label(self):
        from .accounts import ORG_KINDS

        return ORG_KINDS.get(self.kind, self.kind)


class OrganizationChange(db.Model):
    """A pending edit of a verified organization's legal identity (name, kind, credit code).

    The organization keeps its verified identity until a platform admin approves the change."""

    id = db.Column(db.Integer, primary_key=True)
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"), nullable=False, index=True)
    requested_by_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    name = db.Column(db.String(200), nullable=False)
    kind = db.Column(db.String(20), nullable=False)
    credit_code = db.Column(db.String(18))
    status = db.Column(db.String(20), nullable=False, default="pending")
    reason = db.Column(db.String(500))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    decided_at = db.Column(db.DateTime)

    organization = db.relationship("Organization")
    requested_by = db.relationship("User")

    __table_args__ = (db.CheckConstraint(f"status IN ({_STATES_SQL})", name="status"),)

    @property
    def status_label(self):
        return REQUEST_STATES.get(self.status, self.status)

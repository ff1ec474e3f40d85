"""A proposed change to a published listing, reviewed before it replaces the online version."""
from ..extensions import db
from ..timeutil import utcnow

REVISION_STATES = {"pending": "待审核", "approved": "已通过", "rejected": "已驳回"}


class ListingRevision(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    listing_kind = db.Column(db.String(20), nullable=False)  # achievement, demand
    listing_id = db.Column(db.Integer, nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="pending")
    data = db.Column(db.JSON, nullable=False)  # the form's input, cleaned again when approved
    reject_reason = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    author = db.relationship("User")

    # At most one pending revision per listing (editing again updates it).
    __table_args__ = (
        db.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        db.Index("ix_listing_revision_listing", "listing_kind", "listing_id"),
        db.Index("uq_listing_revision_pending", "listing_kind", "listing_id", unique=True,
                 sqlite_where=db.text("status = 'pending'"), postgresql_where=db.text("status = 'pending'")),
    )

    @property
    def status_label(self):
        return REVISION_STATES.get(self.status, self.status)

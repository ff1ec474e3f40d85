"""Uploaded files attached to any object (listing, application, deal, ...): see marketplace/attachments/."""
from ..extensions import db
from ..timeutil import utcnow


class Attachment(db.Model):
    """One stored file. `target_type` names a registered target (attachments/registry.py); the bytes live under
    UPLOAD_DIR as `stored_name` (random, never the user's name); `original_name` is for display only."""

    id = db.Column(db.Integer, primary_key=True)
    target_type = db.Column(db.String(20), nullable=False)
    target_id = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(20), nullable=False, default="other")
    original_name = db.Column(db.String(200), nullable=False)
    stored_name = db.Column(db.String(64), nullable=False)
    content_type = db.Column(db.String(100), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    uploader_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    uploader = db.relationship("User")

    __table_args__ = (db.Index("ix_attachment_target", "target_type", "target_id"),
                      db.UniqueConstraint("stored_name", name="uq_attachment_stored_name"))

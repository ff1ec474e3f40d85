from ..extensions import db
from ..timeutil import utcnow


class Notification(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    kind = db.Column(db.String(30), nullable=False)
    message = db.Column(db.String(500), nullable=False)
    url = db.Column(db.String(300))
    read_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


MAIL_FREQUENCIES = {"immediate": "每条通知即时发送", "daily": "每日摘要（每天一封）", "never": "不发送邮件"}


class MailPreference(db.Model):
    """Which notification kinds a user also receives by e-mail, and how often (notifications/mailing.py).
    No row: nothing by e-mail (password-reset mails are always sent)."""
    __tablename__ = "mail_preference"
    __table_args__ = (db.UniqueConstraint("user_id", name="uq_mail_preference_user_id"),)
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", name="fk_mail_preference_user_id_user"),
                        nullable=False)
    kinds = db.Column(db.String(2000), nullable=False, default="")  # comma-joined notification kinds
    frequency = db.Column(db.String(10), nullable=False, default="immediate")
    digest_sent_at = db.Column(db.DateTime)  # the last daily digest (its notifications are newer)

    @property
    def kind_set(self):
        return {k for k in (self.kinds or "").split(",") if k}

from flask import current_app
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..timeutil import utcnow

ROLES = {"researcher": "科研人员", "enterprise": "企业用户", "broker": "技术经纪人", "admin": "管理员",
         "provider": "服务机构"}
SELF_REGISTER_ROLES = ("researcher", "enterprise", "provider")
ORG_KINDS = {
    "university": "高校",
    "institute": "科研院所",
    "enterprise": "企业",
    "service_provider": "服务机构",
    "broker_agency": "技术经纪机构",
}
ORG_TAGS = ("科技型企业", "高新技术企业", "准科技型企业", "准高新技术企业", "专精特新企业", "培育库企业")


class Organization(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), unique=True, nullable=False)
    kind = db.Column(db.String(20), nullable=False)
    credit_code = db.Column(db.String(18), unique=True)
    region = db.Column(db.String(100))
    unit_id = db.Column(db.Integer, db.ForeignKey("unit.id"), index=True)  # the district's 镇街/园区, if inside
    tags = db.Column(db.String(500), default="")  # joined by ","
    description = db.Column(db.Text)
    verified = db.Column(db.Boolean, nullable=False, default=False)
    verified_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    members = db.relationship("User", back_populates="organization")
    unit = db.relationship("Unit")

    @property
    def tag_list(self):
        return [t for t in (self.tags or "").split(",") if t]

    @property
    def kind_label(self):
        return ORG_KINDS.get(self.kind, self.kind)


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(200), unique=True, nullable=False)
    name = db.Column(db.String(100), nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    role = db.Column(db.String(20), nullable=False)
    # Set only for approved members (a join request waits in JoinRequest): see accounts/membership.py.
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"))
    is_org_admin = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    # A 镇街/园区 liaison (set by admins): sees the monitoring league and the full detail of this unit only.
    unit_id = db.Column(db.Integer, db.ForeignKey("unit.id"), index=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # Part of the id kept in session and remember cookies: raising it ends every session of the user.
    session_version = db.Column(db.Integer, nullable=False, default=1, server_default="1")

    organization = db.relationship("Organization", back_populates="members")

    def set_password(self, password):
        self.password_hash = hash_password(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def get_id(self):
        """Flask-Login's id: "<id>:<session_version>", so that old cookies stop working (security.load_user)."""
        return f"{self.id}:{self.session_version or 1}"

    def end_sessions(self):
        """Invalidate every session and remember cookie of this user (logout, password change)."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def is_active(self):
        return self.active

    @property
    def role_label(self):
        return ROLES.get(self.role, self.role)

    def has_role(self, *roles):
        return self.role in roles


def hash_password(password):
    """A password hash by the configured method (cheap in tests, scrypt by default)."""
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


class ApiToken(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), unique=True, nullable=False)  # sha256 hex of the token
    name = db.Column(db.String(100))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_used_at = db.Column(db.DateTime)
    expires_at = db.Column(db.DateTime, nullable=False)
    revoked_at = db.Column(db.DateTime)

    user = db.relationship("User")

    def is_valid(self, now):
        return self.revoked_at is None and self.expires_at > now


class LoginAttempt(db.Model):
    """A failed login / token / password attempt, or a registration, kept for the throttling window
    (accounts/throttle.py) so that every worker process sees the same counts."""

    id = db.Column(db.Integer, primary_key=True)
    scope = db.Column(db.String(20), nullable=False)  # "login" (page, API, password change), "register", "reset"
    account = db.Column(db.String(200), index=True)  # the normalized e-mail tried, if any
    address = db.Column(db.String(64), nullable=False, index=True)  # the client's IP address
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)

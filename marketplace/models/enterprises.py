"""Enterprise profiles (issue #12): yearly figures and their change log, the stored evaluation, tags, the two
cultivation pools (培育库) with their events, and policies pushed to enterprises with read receipts.

The rules that turn figures into a score live in enterprises/rules.py; these rows only keep their results so
that lists, filters and counts are plain SQL."""
from ..extensions import db
from ..timeutil import utcnow

MONEY = db.Numeric(12, 2)
POOLS = {"near-sme": "准科技型", "near-hte": "准高企"}  # URL name -> pool name (the API's `name`)
TAG_KINDS = {"computed": "自动计算", "manual": "人工标注"}


class EnterpriseProfile(db.Model):
    """What an enterprise declares once (registration date, field, 高企 certificate) and its latest evaluation."""

    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"), primary_key=True)
    registered_on = db.Column(db.Date)
    field = db.Column(db.String(20))  # one of models.listings.FIELDS
    hte_cert_no = db.Column(db.String(40))  # 高新技术企业证书编号 (declared)
    hte_cert_on = db.Column(db.Date)  # 发证日期
    score = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    qualified = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    evaluated_year = db.Column(db.Integer)
    evaluated_at = db.Column(db.DateTime)

    organization = db.relationship("Organization")


class EnterpriseFigures(db.Model):
    """One year of an enterprise's figures; money in 万元; None = not known."""

    id = db.Column(db.Integer, primary_key=True)
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"), nullable=False)
    year = db.Column(db.Integer, nullable=False)
    employees = db.Column(db.Integer)
    tech_staff = db.Column(db.Integer)
    revenue = db.Column(MONEY)
    rd_expense = db.Column(MONEY)
    total_cost = db.Column(MONEY)
    high_tech_revenue = db.Column(MONEY)
    total_assets = db.Column(MONEY)
    net_assets = db.Column(MONEY)
    ip_class1 = db.Column(db.Integer)
    ip_class2 = db.Column(db.Integer)
    standards_led = db.Column(db.Integer)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (db.UniqueConstraint("organization_id", "year", name="uq_enterprise_figures_org_year"),)


class FiguresChange(db.Model):
    """One changed value of a profile or a year's figures: who, when, from what, to what (append-only)."""

    id = db.Column(db.Integer, primary_key=True)
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"), nullable=False, index=True)
    year = db.Column(db.Integer)  # None for a profile field
    name = db.Column(db.String(30), nullable=False)
    old_value = db.Column(db.String(40))
    new_value = db.Column(db.String(40))
    source = db.Column(db.String(10), nullable=False)  # page / api / import
    actor_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    actor = db.relationship("User")


class Tag(db.Model):
    """The managed tag list: computed tags (set by the rules, never typed) and the admins' manual tags."""

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(30), unique=True, nullable=False)
    kind = db.Column(db.String(10), nullable=False, default="manual")
    public = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    sort_order = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    __table_args__ = (db.CheckConstraint("kind IN ('computed', 'manual')", name="kind"),)


class OrganizationTag(db.Model):
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"), primary_key=True)
    tag_id = db.Column(db.Integer, db.ForeignKey("tag.id"), primary_key=True, index=True)

    tag = db.relationship("Tag")


class PoolMember(db.Model):
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"), primary_key=True)
    pool = db.Column(db.String(10), primary_key=True, index=True)  # near-sme / near-hte
    since = db.Column(db.DateTime, nullable=False, default=utcnow)

    organization = db.relationship("Organization")


class PoolEvent(db.Model):
    """An enterprise entered or left a pool (append-only): movements over time."""

    id = db.Column(db.Integer, primary_key=True)
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"), nullable=False, index=True)
    pool = db.Column(db.String(10), nullable=False)
    action = db.Column(db.String(10), nullable=False)  # enter / leave
    score = db.Column(db.Integer)
    actor_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)

    organization = db.relationship("Organization")

    __table_args__ = (db.CheckConstraint("action IN ('enter', 'leave')", name="action"),)


class PoolSetting(db.Model):
    """Whether a pool's membership (名称 and unit only) is published on /pools (公布培育库)."""

    pool = db.Column(db.String(10), primary_key=True)
    published = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    changed_at = db.Column(db.DateTime)
    changed_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))


class Policy(db.Model):
    """A policy the district pushes to the enterprises its targets select (主动推)."""

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False)
    issuer = db.Column(db.String(100))
    effective_from = db.Column(db.Date)
    effective_to = db.Column(db.Date)
    deadline = db.Column(db.Date)  # optional application deadline
    targets = db.Column(db.JSON, nullable=False)  # {"tags": [...], "units": [ids], "fields": [...], "pools": [...]}
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    created_by = db.relationship("User")


class PolicyDelivery(db.Model):
    """A policy pushed to one enterprise; read_at is its read receipt (the first member who opened it)."""

    id = db.Column(db.Integer, primary_key=True)
    policy_id = db.Column(db.Integer, db.ForeignKey("policy.id"), nullable=False)
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"), nullable=False, index=True)
    reason = db.Column(db.String(20), nullable=False, default="targets")  # targets / pool entry
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    read_at = db.Column(db.DateTime)
    read_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))

    policy = db.relationship("Policy")
    organization = db.relationship("Organization")

    __table_args__ = (db.UniqueConstraint("policy_id", "organization_id", name="uq_policy_delivery_policy_org"),)

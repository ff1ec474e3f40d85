"""Achievements (科技成果) and demands (技术需求): two listing kinds with one review lifecycle."""
from sqlalchemy.orm import declared_attr

from ..extensions import db
from ..timeutil import utcnow
from .states import states_check

FIELDS = ("生物医药", "智能装备", "电子信息", "新能源", "新材料", "大数据与人工智能", "节能环保", "现代农业", "其他")
ACHIEVEMENT_TYPES = ("发明专利", "实用新型", "外观设计", "软件著作权", "植物新品种", "技术秘密", "其他")
TYPES_WITH_NUMBER = ("发明专利", "实用新型", "外观设计", "软件著作权", "植物新品种")
PATENT_TYPES = ("发明专利", "实用新型", "外观设计")
# Maturity: one scale, TRL 1-9 with its Chinese stage names. The stored value is the code (TRL1 … TRL9); the
# pages show MATURITY_LABELS. The older names (实验室 … 产业化) are still accepted on input (forms, API, CSV
# import) and mapped to their TRL (listings/cleaning.py); a migration converted the stored ones.
TRL_STAGES = {"TRL1": "原理发现", "TRL2": "技术概念", "TRL3": "概念验证", "TRL4": "实验室验证", "TRL5": "小试",
              "TRL6": "中试", "TRL7": "工程样机", "TRL8": "小批量生产", "TRL9": "产业化"}
MATURITIES = tuple(TRL_STAGES)
MATURITY_LABELS = {code: f"TRL {code[3:]} · {name}" for code, name in TRL_STAGES.items()}
OLD_MATURITIES = {"实验室": "TRL4", "小试": "TRL5", "中试": "TRL6", "小批量生产": "TRL8", "产业化": "TRL9"}


def maturity_label(value):
    """The label a page shows for a stored maturity (an unconverted older name is shown by its TRL too)."""
    if not value:
        return ""
    code = OLD_MATURITIES.get(value, value)
    return MATURITY_LABELS.get(code, value)
MODES = ("转让", "许可", "作价入股", "合作开发", "技术服务")

LISTING_STATES = {
    "draft": "草稿",
    "pending": "待审核",
    "published": "已发布",
    "rejected": "已驳回",
    "archived": "已归档",
}
CHALLENGE_STATES = {
    "published": "揭榜中",
    "reviewing": "评审中",
    "awarded": "已挂帅",
    "in_progress": "攻关中",
    "completed": "已验收",
    "unclaimed": "流榜",
    "cancelled": "已取消",
    "failed": "验收未通过",
}
# The one transition table of each status column (workflow.StateMachine: action: (from states, to state, label)).
# Achievement.status: the review lifecycle.
LISTING_TRANSITIONS = {
    "submit": (("draft", "rejected"), "pending", "提交审核"),
    "withdraw": (("pending",), "draft", "撤回"),
    "approve": (("pending",), "published", "审核通过"),
    "reject": (("pending",), "rejected", "驳回"),
    "archive": (("published",), "archived", "归档"),
}
# Demand.status: the same review lifecycle, then a challenge's (is_challenge) moves after `published`.
DEMAND_TRANSITIONS = {
    **LISTING_TRANSITIONS,
    "archive": (("published", "completed", "unclaimed", "cancelled", "failed"), "archived", "归档"),
    "expire": (("published",), "reviewing", "到期截止征集"),
    "close": (("published",), "reviewing", "提前截止征集"),
    "select": (("reviewing",), "awarded", "选定揭榜方"),
    "start": (("awarded",), "in_progress", "启动攻关"),
    "accept": (("in_progress",), "completed", "验收通过"),
    "fail": (("in_progress",), "failed", "验收不通过"),
    "unclaimed": (("reviewing",), "unclaimed", "流榜"),
    "cancel": (("published", "reviewing"), "cancelled", "取消榜单"),
}
CHALLENGE_ACTIONS = tuple(action for action in DEMAND_TRANSITIONS if action not in LISTING_TRANSITIONS)
# States in which a listing is visible to the public.
PUBLIC_STATES = ("published", "reviewing", "awarded", "in_progress", "completed", "unclaimed", "failed")
# Every other state (the complement of PUBLIC_STATES): a NOT IN over these lets an index serve the order.
CONTACT_SHOW = {"both": "电话和邮箱", "phone": "仅电话", "email": "仅邮箱"}
HIDDEN_STATES = tuple(s for s in {**LISTING_STATES, **CHALLENGE_STATES} if s not in PUBLIC_STATES)


class ListingMixin:
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    field = db.Column(db.String(20), nullable=False, default="其他", index=True)
    keywords = db.Column(db.String(500), default="")  # joined by ","
    status = db.Column(db.String(20), nullable=False, default="draft", index=True)
    reject_reason = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    published_at = db.Column(db.DateTime, index=True)
    # The contact person shown to logged-in users (listings/contact.py), and which of phone / e-mail to show.
    contact_name = db.Column(db.String(50))
    contact_role = db.Column(db.String(50))
    contact_phone = db.Column(db.String(30))
    contact_email = db.Column(db.String(200))
    contact_show = db.Column(db.String(10), nullable=False, default="both", server_default="both")
    # Detail-page views by anyone but the owner: one UPDATE per view (listings/contact.py count_view).
    view_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    @declared_attr
    def owner_id(cls):
        return db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)

    @declared_attr
    def organization_id(cls):
        return db.Column(db.Integer, db.ForeignKey("organization.id"), index=True)

    @declared_attr
    def owner(cls):
        return db.relationship("User")

    @declared_attr
    def organization(cls):
        return db.relationship("Organization")

    @property
    def keyword_list(self):
        return [k for k in (self.keywords or "").split(",") if k]

    @property
    def is_public(self):
        return self.status in PUBLIC_STATES

    @property
    def effective_status(self):
        """The state readers see (Demand: a challenge past its deadline is already under review)."""
        return self.status

    @property
    def index_key(self):
        return f"{self.kind}:{self.id}"


def amount_key(column):
    """The key of the price and budget orders: coalesce(amount, -1), never NULL, so 面议 (NULL) sorts last on
    every engine and a list index on the expression serves the order (PostgreSQL sorts NULLs first when
    descending, SQLite last). `column`: a column, or its name inside a table definition."""
    return db.func.coalesce(db.literal_column(column) if isinstance(column, str) else column,
                            db.literal_column("-1"))


class Achievement(ListingMixin, db.Model):
    kind = "achievement"
    kind_label = "科技成果"
    # The public list (status = 'published', newest first), optionally by field: served in index order.
    __table_args__ = (db.Index("ix_achievement_status_published", "status", "published_at", "id"),
                      db.Index("ix_achievement_status_field_published", "status", "field", "published_at", "id"),
                      db.Index("ix_achievement_status_type_published", "status", "type", "published_at", "id"),
                      db.Index("ix_achievement_status_price", "status", amount_key("price"), "id"),
                      db.Index("ix_achievement_status_maturity_published", "status", "maturity", "published_at",
                               "id"),
                      states_check(LISTING_STATES))

    summary = db.Column(db.Text, nullable=False)
    description = db.Column(db.Text, default="")  # sanitized HTML
    details = db.Column(db.Text, default="")  # sanitized HTML, for logged-in enterprises and brokers only
    type = db.Column(db.String(20), nullable=False, default="其他")
    patent_no = db.Column(db.String(40))
    maturity = db.Column(db.String(20))
    modes = db.Column(db.String(100), default="")  # joined by ","
    price = db.Column(db.Numeric(12, 2))  # 万元; NULL means 面议

    @property
    def mode_list(self):
        return [m for m in (self.modes or "").split(",") if m]

    @property
    def body_text(self):
        return self.summary


class Demand(ListingMixin, db.Model):
    kind = "demand"
    kind_label = "技术需求"
    # The public list covers several states, so it filters by `status NOT IN HIDDEN_STATES` and walks
    # ix_demand_published backwards (status is in it: skipped rows need no table lookup); the others
    # serve `status = 'published'` and the list's filters in order.
    __table_args__ = (db.Index("ix_demand_published", "published_at", "id", "status"),
                      db.Index("ix_demand_status_published", "status", "published_at", "id"),
                      db.Index("ix_demand_field_published", "field", "published_at", "id"),
                      db.Index("ix_demand_challenge_published", "is_challenge", "published_at", "id"),
                      db.Index("ix_demand_budget", amount_key("budget"), "id", "status"),
                      states_check({**LISTING_STATES, **CHALLENGE_STATES}))

    description = db.Column(db.Text, nullable=False)  # sanitized HTML
    indicators = db.Column(db.Text, default="")
    budget = db.Column(db.Numeric(12, 2))  # 万元; NULL means 面议
    is_challenge = db.Column(db.Boolean, nullable=False, default=False, index=True)
    bounty = db.Column(db.Numeric(12, 2))
    deadline = db.Column(db.DateTime)  # UTC; applications close at this instant
    eligibility = db.Column(db.Text, default="")
    close_reason = db.Column(db.Text)

    applications = db.relationship("Application", back_populates="demand", order_by="Application.id")
    milestones = db.relationship("Milestone", back_populates="demand", order_by="Milestone.position")

    @property
    def summary(self):
        return self.description

    @property
    def effective_status(self):
        """A published challenge whose deadline has passed is under review as of that instant, whether or not
        the hourly task (tasks.expire_challenges) has recorded the move yet: reads never write it."""
        if (self.is_challenge and self.status == "published" and self.deadline is not None
                and utcnow() >= self.deadline):
            return "reviewing"
        return self.status

    @property
    def status_label(self):
        status = self.effective_status
        if self.is_challenge and status in CHALLENGE_STATES:
            return CHALLENGE_STATES[status]
        return LISTING_STATES.get(status, status)


def _listing_status_label(self):
    return LISTING_STATES.get(self.status, self.status)


Achievement.status_label = property(_listing_status_label)

"""揭榜挂帅: applications to a challenge (a Demand with is_challenge) and its milestones."""
from ..extensions import db
from ..timeutil import utcnow

APPLICATION_STATES = {
    "submitted": "已提交",
    "shortlisted": "入围",
    "selected": "已挂帅",
    "declined": "未入选",
    "withdrawn": "已撤回",
}
DECLINE_REASONS = {
    "route": "技术路线不符",
    "indicators": "指标不达",
    "quote": "报价过高",
    "team": "团队能力不足",
    "other": "其他",
}
MILESTONE_STATES = {"planned": "未开始", "submitted": "待验收", "accepted": "已验收", "rejected": "需整改"}


class Application(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    demand_id = db.Column(db.Integer, db.ForeignKey("demand.id"), nullable=False, index=True)
    applicant_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"))
    proposal = db.Column(db.Text, nullable=False)  # sanitized HTML: technical route
    team = db.Column(db.Text, default="")
    plan = db.Column(db.Text, default="")  # plan and timeline
    quote = db.Column(db.Numeric(12, 2))  # 万元
    status = db.Column(db.String(20), nullable=False, default="submitted", index=True)
    decline_code = db.Column(db.String(20))
    decline_reason = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    demand = db.relationship("Demand", back_populates="applications")
    applicant = db.relationship("User")
    organization = db.relationship("Organization")

    __table_args__ = (db.UniqueConstraint("demand_id", "applicant_id", name="uq_application_demand_applicant"),)

    @property
    def status_label(self):
        return APPLICATION_STATES.get(self.status, self.status)

    @property
    def decline_label(self):
        return DECLINE_REASONS.get(self.decline_code or "", "")


class Milestone(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    demand_id = db.Column(db.Integer, db.ForeignKey("demand.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    title = db.Column(db.String(200), nullable=False)
    share_percent = db.Column(db.Integer, nullable=False, default=0)  # share of the bounty
    due_on = db.Column(db.Date)
    status = db.Column(db.String(20), nullable=False, default="planned")
    note = db.Column(db.Text)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    demand = db.relationship("Demand", back_populates="milestones")

    @property
    def status_label(self):
        return MILESTONE_STATES.get(self.status, self.status)

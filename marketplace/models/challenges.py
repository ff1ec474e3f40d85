"""揭榜挂帅: applications to a challenge (a Demand with is_challenge) and its milestones."""
from ..extensions import db
from ..timeutil import utcnow
from .states import states_check

APPLICATION_STATES = {
    "submitted": "已提交",
    "shortlisted": "入围",
    "selected": "已挂帅",
    "declined": "未入选",
    "withdrawn": "已撤回",
}
# Application.status's one transition table (the owner's select also moves the challenge: listings.DEMAND_TRANSITIONS).
APPLICATION_TRANSITIONS = {
    "shortlist": (("submitted",), "shortlisted", "入围"),
    "select": (("submitted", "shortlisted"), "selected", "选定挂帅"),
    "decline": (("submitted", "shortlisted"), "declined", "未入选"),
    "withdraw": (("submitted", "shortlisted"), "withdrawn", "撤回申请"),
}
OPEN_APPLICATION_STATES = ("submitted", "shortlisted")
DECLINE_REASONS = {
    "route": "技术路线不符",
    "indicators": "指标不达",
    "quote": "报价过高",
    "team": "团队能力不足",
    "other": "其他",
}
MILESTONE_STATES = {"planned": "未开始", "submitted": "待验收", "accepted": "已验收", "rejected": "需整改"}
# Milestone.status's one transition table.
MILESTONE_TRANSITIONS = {
    "report": (("planned", "rejected"), "submitted", "提交进展"),
    "accept": (("submitted",), "accepted", "验收里程碑"),
    "reject": (("submitted",), "rejected", "要求整改"),
}


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

    __table_args__ = (db.UniqueConstraint("demand_id", "applicant_id", name="uq_application_demand_applicant"),
                      states_check(APPLICATION_STATES),
                      # one winner per challenge, whichever request gets there first
                      db.Index("uq_application_one_selected", "demand_id", unique=True,
                               sqlite_where=db.text("status = 'selected'"),
                               postgresql_where=db.text("status = 'selected'")))

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

    __table_args__ = (states_check(MILESTONE_STATES),)

    @property
    def status_label(self):
        return MILESTONE_STATES.get(self.status, self.status)

"""Broker deals: enquiries (leads), deals and their notes."""
from ..extensions import db
from ..timeutil import utcnow
from .states import states_check

DEAL_STAGES = {
    "negotiating": "洽谈中",
    "contract_signed": "已签约",
    "registered": "已认定登记",
    "delivering": "交付中",
    "commercialized": "已转化",
    "terminated": "已终止",
}
# The main line, in order; a deal is open (running) in every stage of it before the last.
STAGE_ORDER = ("negotiating", "contract_signed", "registered", "delivering", "commercialized")
OPEN_STAGES = STAGE_ORDER[:-1]
# Deal.stage's one transition table; "open" has no source: it is the deal's creation (StateMachine.begin).
DEAL_TRANSITIONS = {
    "open": ((), "negotiating", "立项"),
    "sign": (("negotiating",), "contract_signed", "签订合同"),
    "register": (("contract_signed",), "registered", "技术合同认定登记"),
    "deliver": (("registered",), "delivering", "开始交付"),
    "complete": (("delivering",), "commercialized", "完成转化"),
    "terminate": (OPEN_STAGES, "terminated", "终止交易"),
}
CONTRACT_TYPES = ("技术开发", "技术转让", "技术许可", "技术咨询", "技术服务")
ENQUIRY_MODES = ("转让", "许可", "作价入股", "合作开发", "技术服务", "其他")
ENQUIRY_STATES = {"open": "待跟进", "converted": "已立项", "closed": "已关闭"}
# Enquiry.status's one transition table: leads leave the queue by a deal or a broker's close.
ENQUIRY_TRANSITIONS = {"convert": (("open",), "converted", "转为交易"),
                       "close": (("open",), "closed", "关闭意向")}


class Enquiry(db.Model):
    """An enterprise's 意向 on an achievement; a lead for brokers."""

    id = db.Column(db.Integer, primary_key=True)
    achievement_id = db.Column(db.Integer, db.ForeignKey("achievement.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"))
    mode = db.Column(db.String(20), nullable=False)
    message = db.Column(db.Text, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="open", index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    achievement = db.relationship("Achievement")
    user = db.relationship("User")
    organization = db.relationship("Organization")

    __table_args__ = (states_check(ENQUIRY_STATES),)

    @property
    def status_label(self):
        return ENQUIRY_STATES.get(self.status, self.status)


class Deal(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    stage = db.Column(db.String(20), nullable=False, default="negotiating", index=True)
    title = db.Column(db.String(200), nullable=False)
    achievement_id = db.Column(db.Integer, db.ForeignKey("achievement.id"), index=True)
    demand_id = db.Column(db.Integer, db.ForeignKey("demand.id"), index=True)
    match_id = db.Column(db.Integer, db.ForeignKey("match.id"))
    enquiry_id = db.Column(db.Integer, db.ForeignKey("enquiry.id"))
    broker_id = db.Column(db.Integer, db.ForeignKey("user.id"), index=True)
    supplier_org_id = db.Column(db.Integer, db.ForeignKey("organization.id"), index=True)
    buyer_org_id = db.Column(db.Integer, db.ForeignKey("organization.id"), index=True)
    field = db.Column(db.String(20), nullable=False, default="其他")
    contract_type = db.Column(db.String(20))
    amount = db.Column(db.Numeric(12, 2))  # 万元
    signed_on = db.Column(db.Date)
    registration_no = db.Column(db.String(60))
    registered_on = db.Column(db.Date, index=True)
    delivery_note = db.Column(db.Text)
    outcome_note = db.Column(db.Text)
    terminate_reason = db.Column(db.Text)
    next_step = db.Column(db.String(200))
    next_step_on = db.Column(db.Date)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    stage_changed_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # 成交公示 (deals/public.py): either side may keep the registered deal off the public page.
    public_optout_supplier = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    public_optout_buyer = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())

    achievement = db.relationship("Achievement")
    demand = db.relationship("Demand")
    match = db.relationship("Match", foreign_keys=[match_id])
    enquiry = db.relationship("Enquiry")
    broker = db.relationship("User")
    supplier_org = db.relationship("Organization", foreign_keys=[supplier_org_id])
    buyer_org = db.relationship("Organization", foreign_keys=[buyer_org_id])
    notes = db.relationship("DealNote", back_populates="deal", order_by="DealNote.id")

    __table_args__ = (states_check(DEAL_STAGES, "stage"),)

    @property
    def stage_label(self):
        return DEAL_STAGES.get(self.stage, self.stage)


class DealNote(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    deal_id = db.Column(db.Integer, db.ForeignKey("deal.id"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    deal = db.relationship("Deal", back_populates="notes")
    author = db.relationship("User")

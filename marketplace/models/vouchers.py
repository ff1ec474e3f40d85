"""创新券 (innovation vouchers): service institutions, their catalogue, schemes, vouchers, orders, claims."""
from ..extensions import db
from ..timeutil import utcnow

# The fixed list of technology-service categories: the catalogue's filter, a scheme's coverage, and what the
# enterprise evaluation recommends for a gap (e.g. 知识产权 for a missing patent).
SERVICE_CATEGORIES = ("检验检测", "知识产权", "技术查新", "成果评价", "技术转移", "科技咨询", "研发设计", "科技金融")

PROVIDER_STATES = {"noticed": "公示中", "admitted": "已入库", "rejected": "未通过", "suspended": "已暂停"}
SERVICE_STATES = {"draft": "草稿", "pending": "待审核", "published": "已发布", "rejected": "已驳回"}
VOUCHER_STATES = {"submitted": "待审批", "issued": "已发放", "rejected": "未通过", "expired": "已过期"}
ORDER_STATES = {"placed": "待接单", "accepted": "服务中", "delivered": "待确认", "confirmed": "已确认",
                "disputed": "有异议"}
CLAIM_STATES = {"submitted": "待审核", "approved": "已通过", "returned": "退回修改", "rejected": "已驳回",
                "settled": "已结算"}
LEDGER_KINDS = {"reserve": "发券预留", "release": "退回预算", "redeem": "兑付核定", "settle": "结算"}
MONEY = db.Numeric(12, 2)


class ServiceProvider(db.Model):
    """An organization of kind service_provider that applied to join the voucher scheme (接券机构)."""

    id = db.Column(db.Integer, primary_key=True)
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"), nullable=False)
    applicant_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    categories = db.Column(db.String(200), nullable=False)  # joined by ","
    note = db.Column(db.Text, nullable=False)  # qualification
    years = db.Column(db.Integer)  # years in operation
    contact = db.Column(db.String(100))
    contact_phone = db.Column(db.String(30))
    legal_representative = db.Column(db.String(100))
    shareholdings = db.Column(db.Text)  # declared shareholding links: names / credit codes, one per line
    status = db.Column(db.String(20), nullable=False, default="noticed", index=True)
    notice_ends_at = db.Column(db.DateTime, nullable=False)
    reason = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    organization = db.relationship("Organization")
    applicant = db.relationship("User")
    objections = db.relationship("ProviderObjection", back_populates="provider",
                                 order_by="ProviderObjection.id")

    __table_args__ = (db.UniqueConstraint("organization_id", name="uq_service_provider_organization"),)

    @property
    def category_list(self):
        return [c for c in (self.categories or "").split(",") if c]

    @property
    def status_label(self):
        return PROVIDER_STATES.get(self.status, self.status)


class ProviderObjection(db.Model):
    """An objection lodged during a provider's public notice (公示异议)."""

    id = db.Column(db.Integer, primary_key=True)
    provider_id = db.Column(db.Integer, db.ForeignKey("service_provider.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    text = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    provider = db.relationship("ServiceProvider", back_populates="objections")
    user = db.relationship("User")


class ServiceProduct(db.Model):
    """A service an admitted provider offers in the catalogue, reviewed like listings."""

    id = db.Column(db.Integer, primary_key=True)
    provider_id = db.Column(db.Integer, db.ForeignKey("service_provider.id"), nullable=False, index=True)
    title = db.Column(db.String(200), nullable=False)
    category = db.Column(db.String(20), nullable=False, index=True)
    description = db.Column(db.Text, nullable=False)
    price = db.Column(MONEY)  # 万元; None or 0 = 面议 / see price_basis
    price_basis = db.Column(db.String(200))
    delivery_days = db.Column(db.Integer)
    status = db.Column(db.String(20), nullable=False, default="draft", index=True)
    reason = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    provider = db.relationship("ServiceProvider")

    @property
    def status_label(self):
        return SERVICE_STATES.get(self.status, self.status)


class VoucherScheme(db.Model):
    """A year's voucher programme. budget = remaining + reserved + redeemed always (vouchers check)."""

    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, nullable=False)
    title = db.Column(db.String(200), nullable=False)
    budget = db.Column(MONEY, nullable=False)
    remaining = db.Column(MONEY, nullable=False)
    reserved = db.Column(MONEY, nullable=False, default=0)
    redeemed = db.Column(MONEY, nullable=False, default=0)
    settled = db.Column(MONEY, nullable=False, default=0)
    ratio = db.Column(db.Numeric(4, 3), nullable=False)  # subsidy share of the invoiced fee, e.g. 0.500
    cap_per_claim = db.Column(MONEY, nullable=False)
    cap_per_enterprise = db.Column(MONEY, nullable=False)
    validity_days = db.Column(db.Integer, nullable=False)
    categories = db.Column(db.String(200), nullable=False)  # joined by ","
    opens_on = db.Column(db.Date, nullable=False)
    closes_on = db.Column(db.Date, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (db.CheckConstraint("remaining >= 0", name="remaining"),
                      db.CheckConstraint("reserved >= 0", name="reserved"))

    @property
    def category_list(self):
        return [c for c in (self.categories or "").split(",") if c]


class Voucher(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    scheme_id = db.Column(db.Integer, db.ForeignKey("voucher_scheme.id"), nullable=False, index=True)
    applicant_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    organization_id = db.Column(db.Integer, db.ForeignKey("organization.id"), nullable=False, index=True)
    requested = db.Column(MONEY, nullable=False)
    amount = db.Column(MONEY)  # issued amount
    remaining = db.Column(MONEY, nullable=False, default=0)  # issued, not yet held by a claim nor redeemed
    purpose = db.Column(db.Text, nullable=False)
    legal_representative = db.Column(db.String(100))
    contact_phone = db.Column(db.String(30))
    shareholdings = db.Column(db.Text)  # declared shareholding links: names / credit codes, one per line
    status = db.Column(db.String(20), nullable=False, default="submitted", index=True)
    code = db.Column(db.String(32))
    issued_on = db.Column(db.Date)
    use_by = db.Column(db.Date)
    redeem_by = db.Column(db.Date)
    reason = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    scheme = db.relationship("VoucherScheme")
    applicant = db.relationship("User")
    organization = db.relationship("Organization")

    __table_args__ = (db.UniqueConstraint("code", name="uq_voucher_code"),
                      db.CheckConstraint("remaining >= 0", name="remaining"))


class VoucherOrder(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    voucher_id = db.Column(db.Integer, db.ForeignKey("voucher.id"), nullable=False, index=True)
    service_id = db.Column(db.Integer, db.ForeignKey("service_product.id"), nullable=False, index=True)
    provider_id = db.Column(db.Integer, db.ForeignKey("service_provider.id"), nullable=False, index=True)
    contract_amount = db.Column(MONEY, nullable=False)
    contract_date = db.Column(db.Date, nullable=False)
    # Upload hook: the contract file and the delivery report attach here (attachments package), by order id.
    contract_note = db.Column(db.Text)
    delivery_note = db.Column(db.Text)
    reason = db.Column(db.Text)  # the enterprise's dispute reason
    status = db.Column(db.String(20), nullable=False, default="placed", index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    voucher = db.relationship("Voucher")
    service = db.relationship("ServiceProduct")
    provider = db.relationship("ServiceProvider")


class VoucherClaim(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("voucher_order.id"), nullable=False, index=True)
    voucher_id = db.Column(db.Integer, db.ForeignKey("voucher.id"), nullable=False, index=True)
    invoice_no = db.Column(db.String(50), nullable=False)
    invoice_date = db.Column(db.Date, nullable=False)
    invoice_amount = db.Column(MONEY, nullable=False)
    payable = db.Column(MONEY, nullable=False)  # computed: min(ratio × invoice, voucher remaining, cap)
    payment_note = db.Column(db.Text)  # upload hook: proof that the enterprise paid its own share
    status = db.Column(db.String(20), nullable=False, default="submitted", index=True)
    reason = db.Column(db.Text)
    approved_at = db.Column(db.DateTime)
    batch_id = db.Column(db.Integer, db.ForeignKey("settlement_batch.id"), index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    order = db.relationship("VoucherOrder")
    voucher = db.relationship("Voucher")

    __table_args__ = (db.UniqueConstraint("invoice_no", name="uq_voucher_claim_invoice_no"),)


class SettlementBatch(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    scheme_id = db.Column(db.Integer, db.ForeignKey("voucher_scheme.id"), nullable=False, index=True)
    month = db.Column(db.String(7), nullable=False)  # YYYY-MM
    total = db.Column(MONEY, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    scheme = db.relationship("VoucherScheme")
    claims = db.relationship("VoucherClaim", order_by="VoucherClaim.id")

    __table_args__ = (db.UniqueConstraint("scheme_id", "month", name="uq_settlement_batch_scheme_month"),)


class VoucherLedger(db.Model):
    """Every movement of a scheme's money: reserve (issue), release (expiry, reduction), redeem (claim
    approved), settle (batch). `flask vouchers check` re-adds them against the scheme's counters."""

    id = db.Column(db.Integer, primary_key=True)
    scheme_id = db.Column(db.Integer, db.ForeignKey("voucher_scheme.id"), nullable=False, index=True)
    voucher_id = db.Column(db.Integer, db.ForeignKey("voucher.id"), index=True)
    claim_id = db.Column(db.Integer, db.ForeignKey("voucher_claim.id"))
    kind = db.Column(db.String(10), nullable=False)
    amount = db.Column(MONEY, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

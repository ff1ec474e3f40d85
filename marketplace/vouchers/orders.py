"""Using a voucher: the enterprise orders a catalogue service (placed → accepted → delivered → confirmed,
or disputed and delivered again); the institution then files a redemption claim whose payable amount is
computed, never typed: min(ratio × invoiced fee, the voucher's remaining amount, the per-claim cap).
An admin audits the claim (approve / return for correction / reject); settlement.py batches approved ones.

Upload hook: the contract file (order) and the delivery report attach to VoucherOrder by id, the enterprise's
payment proof to VoucherClaim by id, through the attachments package; contract_note / delivery_note /
payment_note hold a text reference until then.
"""
from decimal import ROUND_DOWN, Decimal

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import ServiceProduct, VoucherClaim, VoucherOrder
from ..timeutil import utcnow
from ..workflow import PermissionDenied, get_or_404
from . import ledger, rules
from .common import CLAIM_MACHINE, ORDER_MACHINE, Conflict, notify, notify_admins, notify_org, require_admin
from .fields import done, parse_amount, parse_date, parse_int, parse_text
from .providers import provider_of
from .schemes import can_see, is_holder

CENT = Decimal("0.01")


def is_provider_side(user, order):
    provider = provider_of(user) if getattr(user, "is_authenticated", False) else None
    return provider is not None and user.role == "provider" and provider.id == order.provider_id


def is_enterprise_side(user, order):
    return is_holder(user, order.voucher)


def can_see_order(user, order):
    return can_see(user, order.voucher) or is_provider_side(user, order)


def get_order(order_id, user):
    return get_or_404(VoucherOrder, order_id, "该订单不存在", visible=lambda o: can_see_order(user, o))


def get_claim(claim_id, user):
    return get_or_404(VoucherClaim, claim_id, "该兑付申请不存在", visible=lambda c: can_see_order(user, c.order))


def _url(order):
    return f"/vouchers/{order.voucher_id}"


def _notify_provider(order, message):
    """The institution's staff; their 待办 on /me lists what waits for them."""
    notify_org(order.provider.organization_id, "voucher", message, "/vouchers/provider", roles=("provider",))


# ---------------------------------------------------------------- orders

def place(voucher, user, data):
    if not is_holder(user, voucher):
        raise PermissionDenied("只有持券企业可以使用该创新券下单")
    errors = {}
    service_id = parse_int(data.get("service_id"), "服务", "service_id", errors, 1, 2 ** 31 - 1)
    amount = parse_amount(data.get("contract_amount"), "合同金额", "contract_amount", errors)
    contract_date = parse_date(data.get("contract_date"), "合同日期", "contract_date", errors,
                               not_after_today=False)
    note = parse_text(data.get("contract_note"), "合同说明", "contract_note", errors, 1000, required=False)
    done(errors)
    # Any published service: a suspended institution's is hidden from the catalogue, and refused by its rule.
    service = get_or_404(ServiceProduct, service_id, "该服务不存在", visible=lambda s: s.status == "published")
    rules.check_order_rules(voucher, service, contract_date)
    order = VoucherOrder(voucher_id=voucher.id, service_id=service.id, provider_id=service.provider_id,
                         contract_amount=amount, contract_date=contract_date, contract_note=note, status="placed")
    db.session.add(order)
    db.session.flush()
    _notify_provider(order, f"收到创新券订单：{service.title}（合同金额 {amount} 万元），请确认接单")
    return order


def accept(order, user):
    if not is_provider_side(user, order):
        raise PermissionDenied("只有接单机构可以接单")
    rules.check_provider_active(order.provider)
    ORDER_MACHINE.apply(order, "accept", user)
    notify(order.voucher.applicant, "voucher", f"服务机构已接单：{order.service.title}", _url(order))
    return order


def deliver(order, user, note=None):
    if not is_provider_side(user, order):
        raise PermissionDenied("只有接单机构可以提交交付")
    errors = {}
    note = parse_text(note, "交付说明", "note", errors, 2000, required=False)
    done(errors)
    ORDER_MACHINE.apply(order, "deliver", user, note=note)
    order.delivery_note = note
    notify(order.voucher.applicant, "voucher", f"服务已交付，请确认：{order.service.title}", _url(order))
    return order


def confirm(order, user):
    if not is_enterprise_side(user, order):
        raise PermissionDenied("只有持券企业可以确认交付")
    ORDER_MACHINE.apply(order, "confirm", user)
    _notify_provider(order, f"企业已确认交付：{order.service.title}，可以申请兑付")
    return order


def dispute(order, user, reason):
    if not is_enterprise_side(user, order):
        raise PermissionDenied("只有持券企业可以对交付提出异议")
    errors = {}
    reason = parse_text(reason, "异议理由", "reason", errors, 1000)
    done(errors)
    ORDER_MACHINE.apply(order, "dispute", user, note=reason)
    order.reason = reason
    _notify_provider(order, f"企业对交付提出异议：{reason}")
    return order


def orders_of_voucher(voucher):
    return db.session.scalars(db.select(VoucherOrder).where(VoucherOrder.voucher_id == voucher.id)
                              .order_by(VoucherOrder.id)).all()


def orders_of_provider(provider):
    return db.session.scalars(db.select(VoucherOrder).where(VoucherOrder.provider_id == provider.id)
                              .order_by(VoucherOrder.id.desc())).all()


# ---------------------------------------------------------------- claims

def payable_for(order, invoice_amount):
    """min(ratio × invoiced fee, voucher remaining, per-claim cap), rounded down to the cent."""
    voucher, scheme = order.voucher, order.voucher.scheme
    share = (scheme.ratio * invoice_amount).quantize(CENT, rounding=ROUND_DOWN)
    return min(share, voucher.remaining, scheme.cap_per_claim)


def _claim_fields(data):
    errors = {}
    values = dict(
        invoice_no=parse_text(data.get("invoice_no"), "发票号码", "invoice_no", errors, 50),
        invoice_date=parse_date(data.get("invoice_date"), "开票日期", "invoice_date", errors),
        invoice_amount=parse_amount(data.get("invoice_amount"), "发票金额", "invoice_amount", errors),
        payment_note=parse_text(data.get("payment_note"), "企业自付凭证说明", "payment_note", errors, 1000,
                                required=False),
    )
    done(errors)
    return values


def _check_invoice(order, values, claim_id=None):
    rules.check_claim_rules(order, values["invoice_no"], claim_id)
    if values["invoice_amount"] > order.contract_amount:
        raise Conflict(f"发票金额 {values['invoice_amount']} 万元超过合同金额 {order.contract_amount} 万元")
    payable = payable_for(order, values["invoice_amount"])
    if payable <= 0:
        raise Conflict("超出券面余额：该创新券已无可兑付余额")
    return payable


def file_claim(order, user, data):
    if not is_provider_side(user, order):
        raise PermissionDenied("只有接单机构可以申请兑付")
    values = _claim_fields(data)
    if order.status != "confirmed":
        raise Conflict("企业确认交付后才能申请兑付")
    if db.session.scalar(db.select(VoucherClaim.id).where(VoucherClaim.order_id == order.id,
                                                          VoucherClaim.status != "rejected").limit(1)):
        raise Conflict("该订单已有兑付申请")
    payable = _check_invoice(order, values)
    ledger.hold_on_voucher(order.voucher, payable)
    claim = VoucherClaim(order_id=order.id, voucher_id=order.voucher_id, payable=payable, status="submitted",
                         **values)
    db.session.add(claim)
    _flush_invoice(values["invoice_no"])
    notify_admins("voucher", f"兑付申请待审核：发票 {claim.invoice_no}，核定兑付 {payable} 万元",
                  "/me")
    return claim


def resubmit(claim, user, data):
    """A returned claim, corrected: the payable is computed again and held again."""
    if not is_provider_side(user, claim.order):
        raise PermissionDenied("只有接单机构可以修改兑付申请")
    values = _claim_fields(data)
    payable = _check_invoice(claim.order, values, claim_id=claim.id)
    CLAIM_MACHINE.apply(claim, "resubmit", user)
    ledger.hold_on_voucher(claim.voucher, payable)
    for key, value in values.items():
        setattr(claim, key, value)
    claim.payable = payable
    _flush_invoice(values["invoice_no"])
    notify_admins("voucher", f"兑付申请已修改重报：发票 {claim.invoice_no}", "/me")
    return claim


def _flush_invoice(invoice_no):
    """The unique constraint backs the invoice rule when two claims with one number race: still a 409."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        rules.check_invoice_unused(invoice_no)  # raises the rule's message now that the other claim is stored
        raise


def approve_claim(claim, admin):
    require_admin(admin)
    CLAIM_MACHINE.apply(claim, "approve", admin, note=f"核定兑付 {claim.payable} 万元")
    ledger.redeem(claim)
    claim.approved_at = utcnow()
    _notify_provider(claim.order, f"兑付申请已通过：{claim.payable} 万元，将纳入月度结算")
    return claim


def return_claim(claim, admin, reason):
    require_admin(admin)
    reason = _reason(reason, "退回理由")
    CLAIM_MACHINE.apply(claim, "return", admin, note=reason)
    ledger.unhold(claim)
    claim.reason = reason
    _notify_provider(claim.order, f"兑付申请被退回修改：{reason}")
    return claim


def reject_claim(claim, admin, reason):
    require_admin(admin)
    reason = _reason(reason, "驳回理由")
    CLAIM_MACHINE.apply(claim, "reject", admin, note=reason)
    ledger.unhold(claim)
    claim.reason = reason
    _notify_provider(claim.order, f"兑付申请被驳回：{reason}")
    return claim


def _reason(value, label):
    errors = {}
    reason = parse_text(value, label, "reason", errors, 500)
    done(errors)
    return reason


def claims_waiting():
    return db.session.scalars(db.select(VoucherClaim).where(VoucherClaim.status == "submitted")
                              .order_by(VoucherClaim.id)).all()

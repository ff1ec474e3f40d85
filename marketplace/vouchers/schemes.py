"""Yearly schemes and the vouchers issued under them: apply → approve (issue, budget reserved) / reject;
an issued voucher expires after its redeem-by date and its unspent amount returns to the budget.

Expiry is written by `flask --app wsgi vouchers expire` and the hourly task (tasks.py); pages and the API
show the effective state (effective_status) without writing during a GET.
"""
import secrets
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, update

from ..accounts import membership
from ..extensions import db
from ..models import Voucher, VoucherScheme
from ..timeutil import local_today
from ..workflow import DomainError, PermissionDenied, ValidationFailed, get_or_404
from . import ledger
from .common import VOUCHER_MACHINE, Conflict, notify, notify_admins, require_admin
from .fields import done, parse_amount, parse_categories, parse_date, parse_int, parse_text

REDEEM_GRACE_DAYS = 90  # after the use-by date, claims may still be filed for this long (redeem-by date)
COUNTED_STATES = ("issued", "expired")  # vouchers that count toward the enterprise's yearly cap


def _ratio(value, errors):
    try:
        ratio = Decimal(str(value).strip()) if isinstance(value, (str, int)) and not isinstance(value, bool) \
            else None
    except InvalidOperation:
        ratio = None
    if ratio is None or not ratio.is_finite() or not Decimal("0") < ratio <= 1 or ratio.as_tuple().exponent < -3:
        errors["ratio"] = "补贴比例应为 0 到 1 之间的小数（最多三位），例如 \"0.5\""
        return None
    return ratio


def create_scheme(admin, data):
    require_admin(admin)
    errors = {}
    year = parse_int(data.get("year"), "年度", "year", errors, 2000, 2100)
    values = dict(
        budget=parse_amount(data.get("budget"), "总预算", "budget", errors),
        ratio=_ratio(data.get("ratio"), errors),
        cap_per_claim=parse_amount(data.get("cap_per_claim"), "单笔兑付上限", "cap_per_claim", errors),
        cap_per_enterprise=parse_amount(data.get("cap_per_enterprise"), "单个企业年度上限", "cap_per_enterprise",
                                        errors),
        validity_days=parse_int(data.get("validity_days"), "有效天数", "validity_days", errors, 1, 3650),
        opens_on=parse_date(data.get("opens_on"), "申领开始日期", "opens_on", errors, not_after_today=False),
        closes_on=parse_date(data.get("closes_on"), "申领截止日期", "closes_on", errors, not_after_today=False),
    )
    categories = parse_categories(data.get("categories"), errors)
    title = parse_text(data.get("title"), "方案名称", "title", errors, 200, required=False)
    if values["opens_on"] and values["closes_on"] and values["closes_on"] < values["opens_on"]:
        errors["closes_on"] = "申领截止日期不能早于开始日期"
    done(errors)
    scheme = VoucherScheme(year=year, title=title or f"{year} 年度科技创新券", categories=",".join(categories),
                           remaining=values["budget"], reserved=Decimal("0"), redeemed=Decimal("0"),
                           settled=Decimal("0"), **values)
    db.session.add(scheme)
    db.session.flush()
    return scheme


def get_scheme(scheme_id):
    return get_or_404(VoucherScheme, scheme_id, "该创新券方案不存在")


def schemes():
    return db.session.scalars(db.select(VoucherScheme).order_by(VoucherScheme.year.desc(),
                                                                VoucherScheme.id.desc())).all()


def open_schemes():
    today = local_today()
    return [s for s in schemes() if s.opens_on <= today <= s.closes_on]


# ---------------------------------------------------------------- vouchers

def effective_status(voucher, today=None):
    """The state a reader sees: an issued voucher past its redeem-by date is expired (written later)."""
    today = today or local_today()
    if voucher.status == "issued" and voucher.redeem_by and today > voucher.redeem_by:
        return "expired"
    return voucher.status


def can_see(user, voucher):
    return getattr(user, "role", None) == "admin" or membership.is_member(user, voucher.organization_id)


def is_holder(user, voucher):
    """An enterprise user of the voucher's organization: the one who uses it."""
    return getattr(user, "role", None) == "enterprise" and membership.is_member(user, voucher.organization_id)


def get_voucher(voucher_id, user):
    return get_or_404(Voucher, voucher_id, "该创新券不存在", visible=lambda v: can_see(user, v))


def _counted(scheme_id, org_id):
    """What the enterprise already holds in this scheme (issued amounts), summed in SQL."""
    return Decimal(db.session.scalar(
        db.select(func.coalesce(func.sum(Voucher.amount), 0))
        .where(Voucher.scheme_id == scheme_id, Voucher.organization_id == org_id,
               Voucher.status.in_(COUNTED_STATES))))


def _check_enterprise_cap(scheme, org_id, amount):
    held = _counted(scheme.id, org_id)
    if held + amount > scheme.cap_per_enterprise:
        raise Conflict(f"企业年度上限规则：本年度每家企业最多 {scheme.cap_per_enterprise} 万元，"
                       f"已发放 {held} 万元，本次 {amount} 万元将超出上限")


def apply(user, data):
    org = membership.membership_of(user)
    if user.role != "enterprise" or org is None:
        raise PermissionDenied("只有已加入企业单位的企业用户可以申领创新券")
    errors = {}
    scheme_id = parse_int(data.get("scheme_id"), "创新券方案", "scheme_id", errors, 1, 2 ** 31 - 1)
    amount = parse_amount(data.get("amount"), "申领金额", "amount", errors)
    purpose = parse_text(data.get("purpose"), "用途说明", "purpose", errors, 2000)
    legal = parse_text(data.get("legal_representative"), "法定代表人", "legal_representative", errors, 100,
                       required=False)
    phone = parse_text(data.get("contact_phone"), "联系电话", "contact_phone", errors, 30, required=False)
    shares = parse_text(data.get("shareholdings"), "股权关联申报", "shareholdings", errors, 2000, required=False)
    done(errors)
    scheme = get_scheme(scheme_id)
    today = local_today()
    if not scheme.opens_on <= today <= scheme.closes_on:
        raise Conflict(f"申领期规则：本方案申领期为 {scheme.opens_on} 至 {scheme.closes_on}")
    if amount > scheme.remaining:
        raise Conflict(f"预算不足：本方案剩余预算 {scheme.remaining} 万元，少于申领金额 {amount} 万元")
    _check_enterprise_cap(scheme, org.id, amount)
    voucher = Voucher(scheme_id=scheme.id, applicant_id=user.id, organization_id=org.id, requested=amount,
                      remaining=Decimal("0"), purpose=purpose, legal_representative=legal, contact_phone=phone,
                      shareholdings=shares, status="submitted")
    db.session.add(voucher)
    db.session.flush()
    notify_admins("voucher", f"“{org.name}”申领创新券 {amount} 万元，待审批", "/me")
    return voucher


def approve(voucher, admin, amount=None):
    """Issue the voucher: the state moves (compare-and-set), then the budget is reserved by a conditional
    UPDATE, then the enterprise's yearly cap is checked; if the budget left is too small or the cap would be
    passed, the whole transaction is rolled back with a 409."""
    require_admin(admin)
    if amount is not None:
        errors = {}
        amount = parse_amount(amount, "批准金额", "amount", errors)
        done(errors)
        if amount > voucher.requested:
            raise ValidationFailed("批准金额不能高于申领金额", {"amount": f"不能高于申领金额 {voucher.requested} 万元"})
    amount = amount or voucher.requested
    scheme = voucher.scheme
    VOUCHER_MACHINE.apply(voucher, "approve", admin, note=f"批准 {amount} 万元")
    ledger.reserve(voucher, amount)
    # After the budget UPDATE, which holds the scheme's row until commit: a concurrent approval in the same
    # scheme waits there, then counts this voucher (a check before it would let both pass the cap).
    _check_enterprise_cap(scheme, voucher.organization_id, amount)
    today = local_today()
    use_by = today + timedelta(days=scheme.validity_days)
    code = f"CXQ{scheme.year}{voucher.id:06d}{secrets.token_hex(2).upper()}"
    db.session.execute(update(Voucher).where(Voucher.id == voucher.id).values(
        amount=amount, remaining=amount, code=code, issued_on=today, use_by=use_by,
        redeem_by=use_by + timedelta(days=REDEEM_GRACE_DAYS)).execution_options(synchronize_session=False))
    db.session.expire(voucher)
    notify(voucher.applicant, "voucher", f"您申领的创新券已发放：{amount} 万元，券号 {code}，"
                                         f"{use_by} 前签订服务合同有效", f"/vouchers/{voucher.id}")
    return voucher


def reject(voucher, admin, reason):
    require_admin(admin)
    errors = {}
    reason = parse_text(reason, "不予发放理由", "reason", errors, 500)
    done(errors)
    VOUCHER_MACHINE.apply(voucher, "reject", admin, note=reason)
    voucher.reason = reason
    notify(voucher.applicant, "voucher", f"您的创新券申领未通过：{reason}", f"/vouchers/{voucher.id}")
    return voucher


def expire_voucher(voucher, actor=None):
    """Mark it expired and return its unspent amount to the budget (claims still under audit keep their
    hold, which returns to the budget if they are then rejected)."""
    unspent = voucher.remaining
    VOUCHER_MACHINE.apply(voucher, "expire", actor, note=f"退回未使用额度 {unspent} 万元")
    result = db.session.execute(update(Voucher).where(Voucher.id == voucher.id, Voucher.remaining == unspent)
                                .values(remaining=0).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("该创新券余额刚被更新，请重试")
    ledger.release(voucher, unspent)
    db.session.expire(voucher, ["remaining"])
    notify(voucher.applicant, "voucher", f"创新券 {voucher.code} 已过期，未使用的 {unspent} 万元已退回预算",
           f"/vouchers/{voucher.id}")


def expire_due(today=None):
    """Expire every issued voucher past its redeem-by date, one commit each; the number expired."""
    today = today or local_today()
    ids = db.session.scalars(db.select(Voucher.id).where(Voucher.status == "issued", Voucher.redeem_by < today)
                             ).all()
    moved = 0
    for voucher_id in ids:
        voucher = db.session.get(Voucher, voucher_id)
        try:
            expire_voucher(voucher)
            db.session.commit()
            moved += 1
        except DomainError:  # changed meanwhile (Conflict / InvalidTransition): the next run sees it
            db.session.rollback()
    return moved


def vouchers_of_org(org_id):
    return db.session.scalars(db.select(Voucher).where(Voucher.organization_id == org_id)
                              .order_by(Voucher.id.desc())).all()


def vouchers_waiting():
    return db.session.scalars(db.select(Voucher).where(Voucher.status == "submitted").order_by(Voucher.id)).all()

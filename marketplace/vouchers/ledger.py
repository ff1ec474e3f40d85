"""The scheme's money, moved only by conditional UPDATEs, each with a VoucherLedger row.

The scheme row holds the counters (remaining, reserved, redeemed, settled); every movement is one
UPDATE ... WHERE <counter> >= amount, so two concurrent approvals cannot both take the last budget
(the loser's UPDATE matches no row), and one ledger row, so `flask vouchers check` can re-add them:
budget = remaining + reserved + redeemed, and each counter = the sum of its ledger rows.
"""
from decimal import Decimal

from sqlalchemy import func, update

from ..extensions import db
from ..models import Voucher, VoucherClaim, VoucherLedger, VoucherScheme
from .common import Conflict


def _move(scheme_id, kind, amount, guard, values, message, voucher_id=None, claim_id=None):
    if amount <= 0:
        return
    result = db.session.execute(
        update(VoucherScheme).where(VoucherScheme.id == scheme_id, guard >= amount).values(values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(message)
    db.session.add(VoucherLedger(scheme_id=scheme_id, voucher_id=voucher_id, claim_id=claim_id, kind=kind,
                                 amount=amount))
    _expire_scheme(scheme_id)


def _expire_scheme(scheme_id):
    scheme = db.session.identity_map.get(db.session.identity_key(VoucherScheme, scheme_id))
    if scheme is not None:
        db.session.expire(scheme, ["remaining", "reserved", "redeemed", "settled"])


def reserve(voucher, amount):
    """At issue: the amount leaves remaining for reserved, or 409 when the budget left is smaller."""
    s = VoucherScheme
    _move(voucher.scheme_id, "reserve", amount, s.remaining,
          {s.remaining: s.remaining - amount, s.reserved: s.reserved + amount},
          f"预算不足：本年度方案剩余预算不足 {amount} 万元，无法发券", voucher_id=voucher.id)


def release(voucher, amount, claim_id=None):
    """Back to the budget: an expired voucher's unspent amount, or a claim's hold on an expired voucher."""
    s = VoucherScheme
    _move(voucher.scheme_id, "release", amount, s.reserved,
          {s.remaining: s.remaining + amount, s.reserved: s.reserved - amount},
          "账目异常：预留金额不足以退回", voucher_id=voucher.id, claim_id=claim_id)


def redeem(claim):
    s = VoucherScheme
    _move(claim.voucher.scheme_id, "redeem", claim.payable, s.reserved,
          {s.reserved: s.reserved - claim.payable, s.redeemed: s.redeemed + claim.payable},
          "账目异常：预留金额不足以兑付", voucher_id=claim.voucher_id, claim_id=claim.id)


def settle(claim):
    s = VoucherScheme
    _move(claim.voucher.scheme_id, "settle", claim.payable, s.redeemed - s.settled,
          {s.settled: s.settled + claim.payable},
          "账目异常：结算金额超过已兑付金额", voucher_id=claim.voucher_id, claim_id=claim.id)


def hold_on_voucher(voucher, amount):
    """A filed claim holds part of the voucher's remaining amount (conditional, like the budget)."""
    result = db.session.execute(
        update(Voucher).where(Voucher.id == voucher.id, Voucher.remaining >= amount)
        .values(remaining=Voucher.remaining - amount).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("超出券面余额：兑付金额超过创新券剩余额度")
    db.session.expire(voucher, ["remaining"])


def unhold(claim):
    """A returned or rejected claim gives its hold back: to the voucher, or to the budget if it expired."""
    voucher = claim.voucher
    if voucher.status == "expired":
        release(voucher, claim.payable, claim_id=claim.id)
        return
    db.session.execute(update(Voucher).where(Voucher.id == voucher.id)
                       .values(remaining=Voucher.remaining + claim.payable)
                       .execution_options(synchronize_session=False))
    db.session.expire(voucher, ["remaining"])


# ---------------------------------------------------------------- the check

def ledger_sums(scheme_id):
    rows = db.session.execute(db.select(VoucherLedger.kind, func.coalesce(func.sum(VoucherLedger.amount), 0))
                              .where(VoucherLedger.scheme_id == scheme_id).group_by(VoucherLedger.kind)).all()
    sums = {kind: Decimal("0.00") for kind in ("reserve", "release", "redeem", "settle")}
    sums.update({kind: Decimal(total) for kind, total in rows})
    return sums


def check_scheme(scheme):
    """The differences found in one scheme's books (empty when they agree)."""
    s, problems = ledger_sums(scheme.id), []
    if scheme.budget != scheme.remaining + scheme.reserved + scheme.redeemed:
        problems.append(f"预算 {scheme.budget} ≠ 剩余 {scheme.remaining} + 预留 {scheme.reserved} "
                        f"+ 已兑付 {scheme.redeemed}")
    expected = {
        "remaining": scheme.budget - s["reserve"] + s["release"],
        "reserved": s["reserve"] - s["release"] - s["redeem"],
        "redeemed": s["redeem"],
        "settled": s["settle"],
    }
    for name, value in expected.items():
        if getattr(scheme, name) != value:
            problems.append(f"{name} 为 {getattr(scheme, name)}，台账合计为 {value}")
    held = db.session.scalar(db.select(func.coalesce(func.sum(Voucher.remaining), 0))
                             .where(Voucher.scheme_id == scheme.id, Voucher.status == "issued"))
    claimed = db.session.scalar(db.select(func.coalesce(func.sum(VoucherClaim.payable), 0))
                                .join(Voucher, Voucher.id == VoucherClaim.voucher_id)
                                .where(Voucher.scheme_id == scheme.id, VoucherClaim.status == "submitted"))
    if Decimal(held) + Decimal(claimed) != scheme.reserved:
        problems.append(f"预留 {scheme.reserved} ≠ 有效券余额 {held} + 待审兑付 {claimed}")
    if scheme.settled > scheme.redeemed:
        problems.append(f"已结算 {scheme.settled} 超过已兑付 {scheme.redeemed}")
    return problems


def check_all():
    return {scheme.id: check_scheme(scheme)
            for scheme in db.session.scalars(db.select(VoucherScheme).order_by(VoucherScheme.id))}

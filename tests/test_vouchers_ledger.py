"""The ledger: after a randomized sequence of issues, claims, returns, rejections, approvals, settlements
and expiries, `flask vouchers check` proves budget = remaining + reserved + redeemed for every scheme, and
fails (exit 1) as soon as a counter disagrees with the ledger."""
import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import update

from marketplace.extensions import db
from marketplace.models import Voucher, VoucherScheme
from marketplace.timeutil import local_today
from marketplace.vouchers import orders, schemes, settlement
from marketplace.workflow import DomainError

from .voucher_support import World, admitted_provider, published_service, scheme


def _try(action):
    try:
        result = action()
        db.session.commit()
        return result
    except DomainError:
        db.session.rollback()
        return None


def test_books_agree_after_random_operations(app, make):
    rng = random.Random(20261128)
    admin = make.user("admin")
    staff, provider = admitted_provider(make, admin)
    service = published_service(staff, admin)
    the_scheme = scheme(admin, budget="200.00", cap_per_claim="15.00", cap_per_enterprise="60.00")
    enterprises = [make.user("enterprise") for _ in range(4)]
    vouchers, order_list, claims, invoice = [], [], [], 0
    for step in range(160):
        op = rng.choice(["apply", "approve", "reject", "order", "claim", "audit", "audit", "expire", "settle"])
        if op == "apply":
            who = rng.choice(enterprises)
            v = _try(lambda: schemes.apply(who, {"scheme_id": the_scheme.id, "purpose": "检测",
                                                 "amount": f"{rng.randint(5, 40)}.{rng.randint(0, 99):02d}"}))
            vouchers.append(v) if v else None
        elif op in ("approve", "reject") and vouchers:
            v = rng.choice(vouchers)
            if op == "approve":
                lower = rng.choice([None, f"{Decimal(v.requested) / 2:.2f}"])
                _try(lambda: schemes.approve(v, admin, lower))
            else:
                _try(lambda: schemes.reject(v, admin, "材料不全"))
        elif op == "order" and any(v.status == "issued" for v in vouchers):
            v = rng.choice([v for v in vouchers if v.status == "issued"])
            owner = v.applicant
            w = World(admin, owner, staff, provider, service, the_scheme, v)
            o = _try(lambda: orders.place(v, owner, {"service_id": service.id,
                                                     "contract_amount": f"{rng.randint(4, 50)}.00",
                                                     "contract_date": local_today().isoformat()}))
            if o:
                for step_fn in (lambda: orders.accept(o, staff), lambda: orders.deliver(o, staff, "已交付"),
                                lambda: orders.confirm(o, w.enterprise)):
                    _try(step_fn)
                order_list.append(o)
        elif op == "claim" and order_list:
            o = rng.choice(order_list)
            invoice += 1
            c = _try(lambda: orders.file_claim(o, staff, {
                "invoice_no": f"R{invoice}", "invoice_date": local_today().isoformat(),
                "invoice_amount": f"{o.contract_amount - rng.randint(0, 3):.2f}"}))
            claims.append(c) if c else None
        elif op == "audit" and claims:
            c = rng.choice(claims)
            choice = rng.choice(["approve", "approve", "return", "reject", "resubmit"])
            if choice == "approve":
                _try(lambda: orders.approve_claim(c, admin))
            elif choice == "return":
                _try(lambda: orders.return_claim(c, admin, "发票信息有误"))
            elif choice == "reject":
                _try(lambda: orders.reject_claim(c, admin, "不符合兑付条件"))
            else:
                invoice += 1
                _try(lambda: orders.resubmit(c, staff, {"invoice_no": f"R{invoice}",
                                                        "invoice_date": local_today().isoformat(),
                                                        "invoice_amount": f"{c.order.contract_amount:.2f}"}))
        elif op == "expire" and vouchers:
            v = rng.choice(vouchers)
            db.session.execute(update(Voucher).where(Voucher.id == v.id, Voucher.status == "issued")
                               .values(redeem_by=local_today() - timedelta(days=1)))
            db.session.commit()
            schemes.expire_due()
        elif op == "settle":
            _try(lambda: settlement.create_batch(admin, the_scheme, f"{local_today():%Y}-{step % 12 + 1:02d}"))
        db.session.expire_all()

    statuses = {v.status for v in vouchers}
    assert {"issued", "expired"} <= statuses  # the sequence went through the interesting states
    assert any(c.status in ("approved", "settled") for c in claims)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["vouchers", "check"])
    assert result.exit_code == 0, result.output
    s = db.session.get(VoucherScheme, the_scheme.id)
    assert s.budget == s.remaining + s.reserved + s.redeemed and s.remaining >= 0

    # A counter moved without its ledger row: the check exits non-zero and names the difference.
    db.session.execute(update(VoucherScheme).where(VoucherScheme.id == s.id)
                       .values(remaining=VoucherScheme.remaining + 1))
    db.session.commit()
    result = runner.invoke(args=["vouchers", "check"])
    assert result.exit_code == 1
    assert f"scheme {s.id}:" in result.output

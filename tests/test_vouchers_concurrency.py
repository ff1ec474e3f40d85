"""Two admins approve two vouchers racing for the last budget: exactly one is issued, the scheme's
remaining never goes below zero (a conditional UPDATE ... WHERE remaining >= amount). Runs on SQLite and,
under `make test-postgres`, on PostgreSQL."""
import threading
from decimal import Decimal

from marketplace.extensions import db
from marketplace.models import User, Voucher, VoucherLedger, VoucherScheme
from marketplace.vouchers import ledger, schemes
from marketplace.workflow import DomainError

from .voucher_support import scheme


def _approve_in_own_session(app, voucher_id, admin_id, barrier, results, seen=None):
    """Approve in a session of this thread; seen(voucher) is asserted before the race (what both must read)."""
    with app.app_context():
        try:
            voucher = db.session.get(Voucher, voucher_id)
            admin = db.session.get(User, admin_id)
            assert (seen or _enough_budget)(voucher)  # both read the same state first...
            barrier.wait(timeout=10)  # ...then race
            schemes.approve(voucher, admin)
            db.session.commit()
            results.append(("ok", voucher_id))
        except DomainError as err:
            db.session.rollback()
            results.append(("refused", err.message))
        except Exception as err:  # reported by the assertion below
            db.session.rollback()
            results.append(("error", repr(err)))
        finally:
            db.session.remove()


def _race(target, app, arg_tuples, *extra):
    """Run target(app, *args, barrier, results, *extra) in one thread per args tuple; returns the results."""
    barrier, results = threading.Barrier(len(arg_tuples)), []
    threads = [threading.Thread(target=target, args=(app, *args, barrier, results, *extra)) for args in arg_tuples]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def _enough_budget(voucher):
    return voucher.scheme.remaining == Decimal("30.00")


def _no_voucher_issued_yet(voucher):
    return schemes._counted(voucher.scheme_id, voucher.organization_id) == 0


def test_two_approvals_race_for_the_last_budget(app, make):
    admin, other_admin = make.user("admin"), make.user("admin")
    the_scheme = scheme(admin, budget="30.00", cap_per_enterprise="30.00")
    first = schemes.apply(make.user("enterprise"), {"scheme_id": the_scheme.id, "amount": "30.00", "purpose": "甲"})
    second = schemes.apply(make.user("enterprise"), {"scheme_id": the_scheme.id, "amount": "30.00", "purpose": "乙"})
    db.session.commit()
    args = [(first.id, admin.id), (second.id, other_admin.id)]
    scheme_id = the_scheme.id
    db.session.remove()

    results = _race(_approve_in_own_session, app, args)

    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    refusal = next(r[1] for r in results if r[0] == "refused")
    assert "预算不足" in refusal  # the budget UPDATE matched no row: remaining < amount
    db.session.expire_all()
    s = db.session.get(VoucherScheme, scheme_id)
    assert (s.remaining, s.reserved) == (Decimal("0.00"), Decimal("30.00"))
    statuses = sorted(db.session.scalars(db.select(Voucher.status)).all())
    assert statuses == ["issued", "submitted"]  # the loser's approval was rolled back whole
    assert db.session.scalar(db.select(db.func.count(VoucherLedger.id))) == 1
    assert ledger.check_scheme(s) == []


def _claim_in_own_session(app, order_id, staff_id, barrier, results):
    from marketplace.models import VoucherOrder
    from marketplace.timeutil import local_today
    from marketplace.vouchers import orders

    with app.app_context():
        try:
            order, staff = db.session.get(VoucherOrder, order_id), db.session.get(User, staff_id)
            barrier.wait(timeout=10)
            orders.file_claim(order, staff, {"invoice_no": "RACE-1", "invoice_date": local_today().isoformat(),
                                             "invoice_amount": "10.00"})
            db.session.commit()
            results.append(("ok", order_id))
        except DomainError as err:
            db.session.rollback()
            results.append(("refused", err.message))
        except Exception as err:
            db.session.rollback()
            results.append(("error", repr(err)))
        finally:
            db.session.remove()


def test_two_claims_race_with_one_invoice_number(app, make):
    from marketplace.models import VoucherClaim

    from .voucher_support import confirmed_order, world

    w = world(make)
    order_ids = [confirmed_order(w, amount="10.00").id, confirmed_order(w, amount="10.00").id]
    staff_id, scheme_id = w.provider_user.id, w.scheme.id
    db.session.remove()
    results = _race(_claim_in_own_session, app, [(o, staff_id) for o in order_ids])
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert "发票唯一规则" in next(r[1] for r in results if r[0] == "refused")
    assert db.session.scalar(db.select(db.func.count(VoucherClaim.id))) == 1
    assert ledger.check_scheme(db.session.get(VoucherScheme, scheme_id)) == []


def test_two_approvals_for_one_enterprise_race_for_its_yearly_cap(app, make):
    """The cap is checked after the budget UPDATE has locked the scheme's row: the second approval waits for the
    first to commit and then counts its voucher."""
    admin, other_admin = make.user("admin"), make.user("admin")
    the_scheme = scheme(admin, budget="100.00", cap_per_enterprise="30.00")
    company = make.user("enterprise")
    first = schemes.apply(company, {"scheme_id": the_scheme.id, "amount": "20.00", "purpose": "甲"})
    second = schemes.apply(company, {"scheme_id": the_scheme.id, "amount": "20.00", "purpose": "乙"})
    db.session.commit()
    args = [(first.id, admin.id), (second.id, other_admin.id)]
    scheme_id = the_scheme.id
    db.session.remove()

    results = _race(_approve_in_own_session, app, args, _no_voucher_issued_yet)

    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert "企业年度上限" in next(r[1] for r in results if r[0] == "refused")
    db.session.expire_all()
    s = db.session.get(VoucherScheme, scheme_id)
    assert (s.remaining, s.reserved) == (Decimal("80.00"), Decimal("20.00"))
    assert sorted(db.session.scalars(db.select(Voucher.status)).all()) == ["issued", "submitted"]
    assert ledger.check_scheme(s) == []

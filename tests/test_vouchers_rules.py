"""Every fraud rule (防套券规则) refused with 409 and a Chinese message naming it; each test fails when its
rule is removed from marketplace/vouchers/rules.py."""
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db as _db
from marketplace.models import Voucher, VoucherClaim, VoucherScheme
from marketplace.timeutil import local_today
from marketplace.vouchers import providers

from .voucher_support import (auth, claim, confirmed_order, issued_voucher, published_service,  # noqa: F401
                              w)




def _order(client, auth, w, voucher=None, service=None, contract_date=None, enterprise=None):
    voucher, service = voucher or w.voucher, service or w.service
    return client.post(f"/api/v1/vouchers/{voucher.id}/orders", headers=auth(enterprise or w.enterprise),
                       json={"service_id": service.id, "contract_amount": "10.00",
                             "contract_date": (contract_date or local_today()).isoformat()})


def _refused(response, rule):
    assert response.status_code == 409, response.json
    assert rule in response.json["error"]["message"], response.json
    return response


def test_a_clean_order_passes(w, client, auth):
    assert _order(client, auth, w).status_code == 201  # the world itself breaks no rule


# ---------------------------------------------------------------- related parties

def test_same_organization(w, client, auth, make):
    insider = make.user("enterprise", org=w.provider.organization)
    voucher = issued_voucher(insider, w.admin, w.scheme, amount="10.00", legal_representative=None,
                             contact_phone=None)
    _refused(_order(client, auth, w, voucher=voucher, enterprise=insider), "同一单位")


def test_same_credit_code(w, client, auth):
    # Two records of one company (a code typed in lower case slipped past the unique constraint).
    w.provider.organization.credit_code = w.provider.organization.credit_code[:-1] + "x"
    w.voucher.organization.credit_code = w.provider.organization.credit_code.upper()
    _db.session.commit()
    _refused(_order(client, auth, w), "统一社会信用代码相同")


def test_same_legal_representative(w, client, auth):
    w.voucher.legal_representative = "王五"
    _db.session.commit()
    _refused(_order(client, auth, w), "法定代表人相同")


def test_same_contact_phone(w, client, auth):
    w.voucher.contact_phone = "0571 8888 0000"
    _db.session.commit()
    _refused(_order(client, auth, w), "联系电话相同")


@pytest.mark.parametrize("side", ["enterprise", "provider"])
def test_declared_shareholding_link(w, client, auth, side):
    if side == "enterprise":
        w.voucher.shareholdings = f"某投资公司\n{w.provider.organization.name}"
    else:
        w.provider.shareholdings = w.voucher.organization.credit_code
    _db.session.commit()
    _refused(_order(client, auth, w), "股权关联")


def test_related_parties_checked_again_at_claim(w, client, auth):
    order = confirmed_order(w)
    w.voucher.legal_representative = "王五"
    _db.session.commit()
    r = client.post(f"/api/v1/voucher-orders/{order.id}/claims", headers=auth(w.provider_user),
                    json={"invoice_no": "A1", "invoice_date": local_today().isoformat(), "invoice_amount": "10"})
    _refused(r, "法定代表人相同")


# ---------------------------------------------------------------- invoice, dates, category, expiry, suspension

def test_invoice_number_once_platform_wide(w, client, auth):
    claim(w, confirmed_order(w), invoice_no="044-0001")
    second = confirmed_order(w)
    r = client.post(f"/api/v1/voucher-orders/{second.id}/claims", headers=auth(w.provider_user),
                    json={"invoice_no": "044-0001", "invoice_date": local_today().isoformat(),
                          "invoice_amount": "10"})
    _refused(r, "发票唯一规则")


def test_invoice_number_unique_constraint(w):
    first = claim(w, confirmed_order(w), invoice_no="UNIQ-1")
    _db.session.add(VoucherClaim(order_id=first.order_id, voucher_id=first.voucher_id, invoice_no="UNIQ-1",
                                 invoice_date=local_today(), invoice_amount=1, payable=0, status="rejected"))
    with pytest.raises(IntegrityError):
        _db.session.commit()
    _db.session.rollback()


def test_contract_date_within_validity(w, client, auth):
    _refused(_order(client, auth, w, contract_date=local_today() - timedelta(days=1)), "有效期规则")
    _refused(_order(client, auth, w, contract_date=w.voucher.use_by + timedelta(days=1)), "有效期规则")


def test_category_covered_by_scheme(w, client, auth):
    transfer = published_service(w.provider_user, w.admin, category="技术转移", title="技术转移经纪服务")
    _refused(_order(client, auth, w, service=transfer), "服务类别规则")


def test_expired_voucher_cannot_order(w, client, auth):
    w.voucher.use_by = local_today() - timedelta(days=1)
    w.voucher.issued_on = local_today() - timedelta(days=30)
    _db.session.commit()
    _refused(_order(client, auth, w, contract_date=local_today() - timedelta(days=2)), "过期规则")


def test_expired_voucher_cannot_claim_and_returns_its_amount(w, client, auth, app):
    order = confirmed_order(w)
    w.voucher.redeem_by = local_today() - timedelta(days=1)
    _db.session.commit()
    assert client.get(f"/api/v1/vouchers/{w.voucher.id}", headers=auth(w.enterprise)).json["status"] == "expired"
    assert _db.session.get(Voucher, w.voucher.id).status == "issued"  # the GET wrote nothing
    r = client.post(f"/api/v1/voucher-orders/{order.id}/claims", headers=auth(w.provider_user),
                    json={"invoice_no": "B1", "invoice_date": local_today().isoformat(), "invoice_amount": "10"})
    _refused(r, "过期规则")
    result = app.test_cli_runner().invoke(args=["vouchers", "expire"])
    assert result.exit_code == 0 and "expired 1" in result.output
    _db.session.expire_all()
    scheme = _db.session.get(VoucherScheme, w.scheme.id)
    assert (scheme.remaining, scheme.reserved) == (scheme.budget, 0)
    assert app.test_cli_runner().invoke(args=["vouchers", "check"]).exit_code == 0


def test_suspended_provider_takes_no_new_orders(w, client, auth):
    placed = _order(client, auth, w).json["id"]
    providers.suspend(w.provider, w.admin, "投诉核查中")
    _db.session.commit()
    _refused(_order(client, auth, w), "机构暂停规则")
    _refused(client.post(f"/api/v1/voucher-orders/{placed}/accept", headers=auth(w.provider_user)), "机构暂停规则")


def test_claim_over_voucher_remaining(w, client, auth):
    # Two claims eat the whole voucher (30 万元); the third finds nothing left.
    order = confirmed_order(w, amount="60.00")
    first = claim(w, order, invoice_no="C1")
    assert f"{first.payable:.2f}" == "20.00"  # capped per claim
    claim(w, confirmed_order(w, amount="40.00"), invoice_no="C2")  # 0.5 × 40 = 20 > remaining 10 → 10
    third = confirmed_order(w, amount="10.00")
    r = client.post(f"/api/v1/voucher-orders/{third.id}/claims", headers=auth(w.provider_user),
                    json={"invoice_no": "C3", "invoice_date": local_today().isoformat(), "invoice_amount": "10"})
    _refused(r, "超出券面余额")


def test_enterprise_yearly_cap(w, client, auth):
    r = client.post("/api/v1/vouchers", headers=auth(w.enterprise),
                    json={"scheme_id": w.scheme.id, "amount": "25.00", "purpose": "再申一张"})
    _refused(r, "企业年度上限规则")


def test_provider_apply_needs_service_provider_org(make):
    with pytest.raises(Exception) as err:
        providers.apply(make.user("enterprise"), {"categories": ["检验检测"], "note": "x"})
    assert err.value.status == 403



def test_periodic_task_expires_vouchers_past_redeem_by(w):
    from marketplace import tasks

    w.voucher.redeem_by = local_today() - timedelta(days=1)
    _db.session.commit()
    assert tasks.expire_vouchers.call_local() == 1
    _db.session.expire_all()
    assert _db.session.get(Voucher, w.voucher.id).status == "expired"
    assert _db.session.get(VoucherScheme, w.scheme.id).remaining == w.scheme.budget

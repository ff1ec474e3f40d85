"""创新券 through the JSON API: a scheme carried from budget to a settled claim, and the refusals."""
from datetime import timedelta

from marketplace.timeutil import local_today

from .voucher_support import auth, w  # noqa: F401  (fixtures)




def test_budget_to_settled_claim(app, client, auth, make):
    app.config["VOUCHER_NOTICE_DAYS"] = 0
    admin, enterprise, staff = make.user("admin"), make.user("enterprise"), make.user("provider")
    today = local_today()
    r = client.post("/api/v1/voucher-schemes", headers=auth(admin), json={
        "year": today.year, "budget": "100.00", "ratio": "0.5", "cap_per_claim": "8.00", "cap_per_enterprise": "40",
        "validity_days": 90, "categories": ["检验检测"], "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=60)).isoformat()})
    assert r.status_code == 201 and r.json["remaining"] == "100.00"
    scheme_id = r.json["id"]

    r = client.post("/api/v1/service-providers", headers=auth(staff),
                    json={"categories": ["检验检测"], "note": "CMA 认证实验室"})
    assert r.status_code == 201 and r.json["status"] == "noticed"
    provider_id = r.json["id"]
    assert client.post(f"/api/v1/service-providers/{provider_id}/admit", headers=auth(admin)).json["status"] \
        == "admitted"

    r = client.post("/api/v1/services", headers=auth(staff),
                    json={"title": "金属材料力学性能检测", "category": "检验检测", "description": "拉伸、冲击", "price": "5"})
    assert r.status_code == 201 and r.json["status"] == "draft"
    service_id = r.json["id"]
    assert client.post(f"/api/v1/services/{service_id}/submit", headers=auth(staff)).json["status"] == "pending"
    assert client.get("/api/v1/services?category=检验检测").json["total"] == 0
    assert client.post(f"/api/v1/services/{service_id}/approve", headers=auth(admin)).json["status"] == "published"
    found = client.get("/api/v1/services", query_string={"q": "力学", "category": "检验检测"}).json
    assert [s["id"] for s in found["items"]] == [service_id]
    assert client.get("/api/v1/services", query_string={"category": "知识产权"}).json["total"] == 0

    r = client.post("/api/v1/vouchers", headers=auth(enterprise),
                    json={"scheme_id": scheme_id, "amount": "30.00", "purpose": "新产品检测"})
    assert r.status_code == 201 and r.json["status"] == "submitted"
    voucher_id = r.json["id"]
    r = client.post(f"/api/v1/vouchers/{voucher_id}/approve", headers=auth(admin), json={"amount": "20.00"})
    assert r.status_code == 200
    assert r.json["status"] == "issued" and r.json["remaining"] == "20.00" and r.json["code"]
    assert r.json["use_by"] == (today + timedelta(days=90)).isoformat() and r.json["redeem_by"]
    scheme = client.get(f"/api/v1/voucher-schemes/{scheme_id}").json
    assert (scheme["remaining"], scheme["reserved"], scheme["redeemed"]) == ("80.00", "20.00", "0.00")

    r = client.post(f"/api/v1/vouchers/{voucher_id}/orders", headers=auth(enterprise),
                    json={"service_id": service_id, "contract_amount": "30.00", "contract_date": today.isoformat()})
    assert r.status_code == 201 and r.json["status"] == "placed"
    order_id = r.json["id"]
    for who, action, state in ((staff, "accept", "accepted"), (staff, "deliver", "delivered"),
                               (enterprise, "confirm", "confirmed")):
        r = client.post(f"/api/v1/voucher-orders/{order_id}/{action}", headers=auth(who))
        assert r.status_code == 200 and r.json["status"] == state, r.json

    r = client.post(f"/api/v1/voucher-orders/{order_id}/claims", headers=auth(staff),
                    json={"invoice_no": "044001900111", "invoice_date": today.isoformat(), "invoice_amount": "30.00"})
    assert r.status_code == 201
    assert r.json["payable"] == "8.00"  # min(0.5 × 30 = 15, voucher 20, cap 8)
    claim_id = r.json["id"]
    assert client.post(f"/api/v1/voucher-claims/{claim_id}/approve", headers=auth(admin)).json["status"] == "approved"
    r = client.post(f"/api/v1/voucher-schemes/{scheme_id}/batches", headers=auth(admin),
                    json={"month": f"{today:%Y-%m}"})
    assert r.status_code == 201 and r.json["total"] == "8.00" and r.json["claims"] == [claim_id]
    scheme = client.get(f"/api/v1/voucher-schemes/{scheme_id}").json
    assert (scheme["remaining"], scheme["reserved"], scheme["redeemed"], scheme["settled"]) == \
        ("80.00", "12.00", "8.00", "8.00")
    voucher = client.get(f"/api/v1/vouchers/{voucher_id}", headers=auth(enterprise)).json
    assert voucher["remaining"] == "12.00"
    assert [e["action"] for e in voucher["events"]] == ["approve"]
    assert client.get(f"/api/v1/vouchers/{voucher_id}", headers=auth(staff)).status_code == 404


def test_malformed_fields_are_400(w, client, auth):
    r = client.post("/api/v1/vouchers", headers=auth(w.enterprise),
                    json={"scheme_id": w.scheme.id, "amount": "1.234", "purpose": "x"})
    assert r.status_code == 400 and "amount" in r.json["error"]["fields"]
    r = client.post("/api/v1/voucher-schemes", headers=auth(w.admin),
                    json={"year": 2026, "budget": "abc", "ratio": "1.5", "categories": ["不存在"]})
    assert r.status_code == 400
    assert {"budget", "ratio", "categories", "cap_per_claim"} <= set(r.json["error"]["fields"])
    r = client.post(f"/api/v1/vouchers/{w.voucher.id}/orders", headers=auth(w.enterprise),
                    json={"service_id": w.service.id, "contract_amount": "10", "contract_date": "2026/01/01"})
    assert r.status_code == 400 and "contract_date" in r.json["error"]["fields"]


def test_roles_are_enforced(w, client, auth):
    assert client.post("/api/v1/voucher-schemes", headers=auth(w.enterprise), json={}).status_code == 403
    assert client.post(f"/api/v1/vouchers/{w.voucher.id}/approve", headers=auth(w.provider_user)).status_code \
        == 404
    assert client.post("/api/v1/service-providers", headers=auth(w.enterprise),
                       json={"categories": ["检验检测"], "note": "x"}).status_code == 403


def test_over_budget_application_is_409(w, client, auth):
    r = client.post("/api/v1/vouchers", headers=auth(w.enterprise),
                    json={"scheme_id": w.scheme.id, "amount": "80.00", "purpose": "大额"})
    assert r.status_code == 409 and "预算不足" in r.json["error"]["message"]


def test_notice_period_blocks_admission(app, client, auth, make):
    app.config["VOUCHER_NOTICE_DAYS"] = 7
    admin, staff, someone = make.user("admin"), make.user("provider"), make.user("enterprise")
    provider_id = client.post("/api/v1/service-providers", headers=auth(staff),
                              json={"categories": ["知识产权"], "note": "专利代理机构"}).json["id"]
    r = client.post(f"/api/v1/service-providers/{provider_id}/admit", headers=auth(admin))
    assert r.status_code == 409 and "公示期" in r.json["error"]["message"]
    assert client.post(f"/api/v1/service-providers/{provider_id}/objections", headers=auth(someone),
                       json={"text": "该机构曾有违规记录"}).status_code == 201
    assert client.get(f"/api/v1/service-providers/{provider_id}").json["objections"] == 1
    r = client.post(f"/api/v1/service-providers/{provider_id}/reject", headers=auth(admin), json={"reason": "有异议"})
    assert r.status_code == 200 and r.json["status"] == "rejected"

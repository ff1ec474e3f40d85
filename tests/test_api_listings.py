"""JSON API v1: tokens and listings (DESIGN §6)."""
from datetime import timedelta

import pytest

from marketplace.models import Achievement, Demand
from marketplace.timeutil import to_local, utcnow

from .factories import PASSWORD
from .matching_support import new_achievement, new_demand


@pytest.fixture
def token_for(client):
    def issue(user):
        response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
        assert response.status_code == 200
        return {"Authorization": f"Bearer {response.json['token']}"}

    return issue


def assert_error(response, status, code=None):
    assert response.status_code == status
    assert set(response.json["error"]) >= {"code", "message"}
    if code:
        assert response.json["error"]["code"] == code


# ---------------------------------------------------------------- tokens

def test_token_issued_for_good_credentials_and_used(client, make, token_for):
    user = make.user("researcher")
    headers = token_for(user)
    response = client.post("/api/v1/achievements", json={"title": "题", "summary": "简"}, headers=headers)
    assert response.status_code == 201


def test_token_refused_for_bad_credentials(client, make):
    user = make.user("researcher")
    assert_error(client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong"}), 401, "unauthorized")
    assert_error(client.post("/api/v1/tokens", json={"email": "nobody@example.com", "password": PASSWORD}), 401)
    assert_error(client.post("/api/v1/tokens", json={"email": user.email}), 400)
    assert_error(client.post("/api/v1/tokens", json={"email": 5, "password": ["x"]}), 400)
    assert_error(client.post("/api/v1/tokens", data="{not json", content_type="application/json"), 400)
    assert_error(client.post("/api/v1/tokens", json=["a", "b"]), 400)


@pytest.mark.parametrize("header", ["Bearer nope", "Basic abc", "Bearer ", "token"])
def test_bad_or_missing_token_is_401(client, header):
    assert_error(client.post("/api/v1/achievements", json={"title": "x"}, headers={"Authorization": header}), 401)
    assert_error(client.post("/api/v1/demands", json={"title": "x"}), 401)


# ---------------------------------------------------------------- reads

def test_list_published_with_paging_and_total(client, make):
    for i in range(3):
        make.achievement(title=f"成果{i}")
    make.achievement(title="草稿", status="draft")
    make.achievement(title="待审", status="pending")
    body = client.get("/api/v1/achievements?per_page=2").json
    assert body["total"] == 3 and body["page"] == 1 and len(body["items"]) == 2
    body = client.get("/api/v1/achievements?per_page=2&page=2").json
    assert body["page"] == 2 and len(body["items"]) == 1
    titles = {item["title"] for item in client.get("/api/v1/achievements").json["items"]}
    assert titles == {"成果0", "成果1", "成果2"}


def test_list_filters_q_through_the_index_and_field(client, make):
    new_achievement(title="锂电池正极材料", field="新能源", summary="一种锂电池正极材料", keywords="锂电池")
    new_achievement(title="基因测序", field="生物医药", summary="一种高通量测序方法", keywords="测序")
    new_demand(title="寻找散热方案", description="<p>需要100%可靠的导热片</p>", keywords="导热")
    assert [i["title"] for i in client.get("/api/v1/achievements?q=锂电池").json["items"]] == ["锂电池正极材料"]
    assert [i["title"] for i in client.get("/api/v1/achievements?q=高通量").json["items"]] == ["基因测序"]
    assert [i["title"] for i in client.get("/api/v1/achievements?q=测序&field=新能源").json["items"]] == []
    assert [i["title"] for i in client.get("/api/v1/achievements?field=生物医药").json["items"]] == ["基因测序"]
    assert client.get("/api/v1/demands?q=导热片 100%").json["total"] == 1
    assert client.get("/api/v1/demands?q=_%25_").json["total"] == 0
    assert client.get('/api/v1/achievements?q=" AND (OR').json["total"] == 0
    assert client.get("/api/v1/achievements?q=" + "(" * 500).json["total"] == 0
    refused = client.get("/api/v1/achievements?q=" + "(" * 501)
    assert (refused.status_code, refused.json["error"]["code"]) == (400, "invalid")
    assert refused.json["error"]["message"] == "搜索内容不能超过 500 个字符（当前 501 个）"


@pytest.mark.parametrize("query", ["per_page=500", "per_page=0", "page=0", "page=abc", "per_page=x",
                                   "field=火星科技"])
def test_list_bad_parameters_are_400(client, query):
    for kind in ("achievements", "demands"):
        assert_error(client.get(f"/api/v1/{kind}?{query}"), 400)


def test_list_per_page_100_is_allowed(client):
    assert client.get("/api/v1/demands?per_page=100").status_code == 200


def test_achievement_fields_match_contract(client, make):
    a = make.achievement(patent_no="201710601862.3", description="<p>介绍</p>", details="<p>机密</p>")
    body = client.get(f"/api/v1/achievements/{a.id}").json
    assert body["id"] == a.id and body["status"] == "published"
    for key in ("title", "summary", "description", "field", "type", "patent_no", "maturity", "organization",
                "published_at"):
        assert key in body
    assert body["modes"] == ["转让", "许可"] and body["keywords"] == ["石墨烯", "导热材料"]
    assert body["price"] == "50.00" and body["patent_no"] == "201710601862.3"
    assert body["organization"] == a.organization.name
    assert "details" not in body and "history" not in body and "reason" not in body


def test_demand_fields_match_contract(client, make):
    deadline = utcnow() + timedelta(days=5)
    d = make.demand(challenge=True, deadline=deadline, budget=None)
    body = client.get(f"/api/v1/demands/{d.id}").json
    assert body["is_challenge"] is True and body["bounty"] == "100.00" and body["budget"] is None
    assert body["deadline"] == to_local(deadline).strftime("%Y-%m-%d")
    assert body["indicators"] == d.indicators and body["description"] == d.description
    assert body["keywords"] == ["石墨烯", "散热"]


def test_price_null_when_negotiable(client, make):
    a = make.achievement(price=None)
    assert client.get(f"/api/v1/achievements/{a.id}").json["price"] is None


def test_details_only_for_enterprise_with_token(client, make, token_for):
    a = make.achievement(details="<p>机密参数</p>")
    assert "details" not in client.get(f"/api/v1/achievements/{a.id}", headers=token_for(make.user("researcher"))).json
    body = client.get(f"/api/v1/achievements/{a.id}", headers=token_for(make.user("enterprise"))).json
    assert body["details"] == "<p>机密参数</p>"


@pytest.mark.parametrize("kind", ["achievement", "demand"])
def test_unpublished_visible_only_to_owner_and_admin_with_history(client, make, token_for, kind):
    owner = make.user("researcher" if kind == "achievement" else "enterprise")
    listing = getattr(make, kind)(owner=owner, status="draft")
    url = f"/api/v1/{kind}s/{listing.id}"
    assert_error(client.get(url), 404, "not_found")
    assert_error(client.get(url, headers=token_for(make.user("enterprise"))), 404)
    owner_headers, admin_headers = token_for(owner), token_for(make.user("admin"))
    client.post(f"{url}/submit", headers=owner_headers)
    client.post(f"{url}/reject", json={"reason": "缺少检测报告"}, headers=admin_headers)
    for headers in (owner_headers, admin_headers):
        body = client.get(url, headers=headers).json
        assert body["status"] == "rejected" and body["reason"] == "缺少检测报告"
        assert [(e["from"], e["to"]) for e in body["history"]] == [("draft", "pending"), ("pending", "rejected")]
        assert body["history"][1]["note"] == "缺少检测报告" and body["history"][0]["actor"]["id"] == owner.id


def test_missing_listing_is_404(client):
    assert_error(client.get("/api/v1/achievements/12345"), 404)
    assert_error(client.get("/api/v1/demands/12345"), 404)


# ---------------------------------------------------------------- create and lifecycle

def test_create_achievement_returns_201_draft(client, make, token_for, db):
    user = make.user("researcher")
    payload = {"title": "一种新型传感器", "summary": "灵敏度高", "field": "电子信息", "type": "发明专利",
               "patent_no": "201710601862.3", "maturity": "TRL5", "modes": ["转让", "许可"], "price": "88.8",
               "keywords": ["传感器", "MEMS"],
               "description": "<p>好</p><script>alert(1)</script><img src=x onerror=alert(1)>"}
    response = client.post("/api/v1/achievements", json=payload, headers=token_for(user))
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "draft" and body["price"] == "88.80" and body["modes"] == ["转让", "许可"]
    assert body["keywords"] == ["传感器", "MEMS"] and body["maturity"] == "TRL5"
    assert "<script" not in body["description"] and "onerror" not in body["description"]
    stored = db.session.get(Achievement, body["id"])
    assert stored.owner_id == user.id and "<script" not in stored.description


def test_create_demand_challenge(client, make, token_for):
    day = (to_local(utcnow()) + timedelta(days=30)).date().isoformat()
    payload = {"title": "揭榜：低功耗芯片", "description": "需要低功耗芯片", "budget": 200, "is_challenge": True,
               "bounty": "500", "deadline": day, "keywords": "芯片、低功耗"}
    response = client.post("/api/v1/demands", json=payload, headers=token_for(make.user("enterprise")))
    assert response.status_code == 201
    body = response.json
    assert body["deadline"] == day and body["bounty"] == "500.00" and body["budget"] == "200.00"
    assert body["is_challenge"] is True and body["keywords"] == ["芯片", "低功耗"]


def test_create_validation_errors_are_400_with_fields(client, make, token_for):
    headers = token_for(make.user("researcher"))
    response = client.post("/api/v1/achievements", json={"title": "长" * 201, "summary": "",
                                                          "patent_no": "201710601862.4", "type": "发明专利",
                                                          "field": "火星", "price": "abc"}, headers=headers)
    assert_error(response, 400, "invalid")
    fields = response.json["error"]["fields"]
    assert set(fields) >= {"title", "summary", "patent_no", "field", "price"}
    assert "200" in fields["title"]


@pytest.mark.parametrize("payload", [{"title": 123456, "summary": ["x"]}, {"title": {"a": 1}, "summary": "s"},
                                     {"title": "t", "summary": "s", "modes": 5}, {"title": "t", "summary": "s",
                                                                                 "keywords": 7, "price": True}])
def test_create_with_wrong_json_types_never_500(client, make, token_for, payload):
    response = client.post("/api/v1/achievements", json=payload, headers=token_for(make.user("researcher")))
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid"


def test_create_bad_json_is_400(client, make, token_for):
    headers = token_for(make.user("researcher"))
    assert_error(client.post("/api/v1/achievements", data="{oops", content_type="application/json",
                             headers=headers), 400)
    assert_error(client.post("/api/v1/achievements", json="just a string", headers=headers), 400)


def test_create_wrong_role_is_403(client, make, token_for):
    assert_error(client.post("/api/v1/achievements", json={"title": "t", "summary": "s"},
                             headers=token_for(make.user("enterprise"))), 403, "forbidden")
    assert_error(client.post("/api/v1/demands", json={"title": "t", "description": "d"},
                             headers=token_for(make.user("researcher"))), 403)
    assert_error(client.post("/api/v1/demands", json={"title": "t", "description": "d"},
                             headers=token_for(make.user("broker"))), 403)


def test_submit_approve_flow(client, make, token_for, db):
    owner = make.user("researcher")
    owner_h, admin_h = token_for(owner), token_for(make.user("admin"))
    listing_id = client.post("/api/v1/achievements", json={"title": "t", "summary": "s"}, headers=owner_h).json["id"]
    response = client.post(f"/api/v1/achievements/{listing_id}/submit", headers=owner_h)
    assert response.status_code == 200 and response.json["status"] == "pending"
    assert_error(client.post(f"/api/v1/achievements/{listing_id}/submit", headers=owner_h), 409, "invalid_transition")
    assert_error(client.post(f"/api/v1/achievements/{listing_id}/approve", headers=owner_h), 403)
    response = client.post(f"/api/v1/achievements/{listing_id}/approve", headers=admin_h)
    assert response.status_code == 200 and response.json["status"] == "published"
    assert response.json["published_at"]
    assert client.get(f"/api/v1/achievements/{listing_id}").json["status"] == "published"
    assert_error(client.post(f"/api/v1/achievements/{listing_id}/approve", headers=admin_h), 409)
    assert_error(client.post(f"/api/v1/achievements/{listing_id}/reject", json={"reason": "晚了"},
                             headers=admin_h), 409)
    assert db.session.get(Achievement, listing_id).status == "published"


def test_reject_requires_reason(client, make, token_for, db):
    d = make.demand(status="pending")
    admin_h = token_for(make.user("admin"))
    assert_error(client.post(f"/api/v1/demands/{d.id}/reject", json={}, headers=admin_h), 400)
    assert_error(client.post(f"/api/v1/demands/{d.id}/reject", json={"reason": "  "}, headers=admin_h), 400)
    assert_error(client.post(f"/api/v1/demands/{d.id}/reject", json={"reason": 5}, headers=admin_h), 400)
    assert_error(client.post(f"/api/v1/demands/{d.id}/reject", data="nope", content_type="application/json",
                             headers=admin_h), 400)
    db.session.refresh(d)
    assert d.status == "pending"
    response = client.post(f"/api/v1/demands/{d.id}/reject", json={"reason": "预算不明确"}, headers=admin_h)
    assert response.status_code == 200 and response.json["status"] == "rejected"
    assert response.json["reason"] == "预算不明确"


def test_draft_to_published_directly_is_409(client, make, token_for):
    d = make.demand(status="draft")
    assert_error(client.post(f"/api/v1/demands/{d.id}/approve", headers=token_for(make.user("admin"))), 409)


def test_actions_on_others_listings(client, make, token_for, db):
    draft = make.demand(status="draft")
    published = make.demand()
    other_h = token_for(make.user("enterprise"))
    assert_error(client.post(f"/api/v1/demands/{draft.id}/submit", headers=other_h), 404)
    assert_error(client.post(f"/api/v1/demands/{published.id}/submit", headers=other_h), 403)
    assert_error(client.post(f"/api/v1/demands/{published.id}/approve"), 401)
    assert db.session.get(Demand, draft.id).status == "draft"


def test_approve_unverified_organization_refused(client, make, token_for):
    owner = make.user("researcher", verified_org=False)
    a = make.achievement(owner=owner, status="pending")
    response = client.post(f"/api/v1/achievements/{a.id}/approve", headers=token_for(make.user("admin")))
    assert response.status_code == 400 and "认证" in response.json["error"]["message"]


def test_unknown_api_route_is_json_404(client):
    assert_error(client.get("/api/v1/achievements/1/nothing"), 404)

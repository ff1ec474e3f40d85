"""The enterprise JSON API (issue #12): PUT figures, GET evaluation, GET pools, POST/GET policies."""
import pytest

from marketplace.api.auth import issue_token
from marketplace.extensions import db as _db
from marketplace.models import Notification
from marketplace.models.enterprises import FiguresChange, PoolEvent, PolicyDelivery

from .deals_support import person
from .enterprise_support import NEAR, STRONG, WEAK, enterprise
from .factories import PASSWORD


@pytest.fixture
def auth(app):
    tokens = {}

    def headers(user):
        if user.id not in tokens:
            tokens[user.id] = issue_token(user.email, PASSWORD)
            _db.session.commit()
        return {"Authorization": f"Bearer {tokens[user.id]}"}

    return headers


def test_member_puts_figures_and_reads_the_evaluation(make, client, auth):
    org = enterprise(make, "甲科技有限公司", {})
    member = person(make, "enterprise", "甲成员", org)
    body = dict(STRONG, registered_on="2018-03-01")
    response = client.put(f"/api/v1/enterprises/{org.id}/figures/2025", json=body, headers=auth(member))
    assert response.status_code == 200, response.get_json()
    data = client.get(f"/api/v1/enterprises/{org.id}/evaluation", headers=auth(member)).get_json()
    assert data["score"] == 100 and data["components"] == {"staff": 20, "rd": 50, "ip": 30}
    assert data["qualified"] is True and data["pools"] == ["准高企"]
    assert {"科技型中小企业", "准高企", "有发明专利", "研发投入强度高", "新材料"} <= set(data["tags"])
    changes = _db.session.scalars(_db.select(FiguresChange).where(FiguresChange.organization_id == org.id,
                                                                  FiguresChange.actor_id == member.id)).all()
    assert {c.name for c in changes} >= {"employees", "revenue", "rd_expense"}
    assert next(c for c in changes if c.name == "revenue").new_value == "3000.00"


@pytest.mark.parametrize("body, field", [
    ({"employees": 10, "tech_staff": 11}, "tech_staff"),
    ({"rd_expense": "10", "total_cost": "9.99"}, "rd_expense"),
    ({"revenue": "-1"}, "revenue"),
    ({"revenue": "1.005"}, "revenue"),
    ({"employees": 1.5}, "employees"),
    ({"colour": "red"}, "colour"),
])
def test_bad_figures_are_refused_with_the_field(make, client, auth, body, field):
    org = enterprise(make, "乙科技有限公司", {})
    member = person(make, "enterprise", "乙成员", org)
    response = client.put(f"/api/v1/enterprises/{org.id}/figures/2025", json=body, headers=auth(member))
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_a_year_in_the_future_is_refused(make, client, auth):
    org = enterprise(make, "丙科技有限公司", {})
    admin = person(make, "admin", "管理员")
    response = client.put(f"/api/v1/enterprises/{org.id}/figures/2099", json={"employees": 5}, headers=auth(admin))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid"


def test_who_sees_and_changes_figures(make, client, auth):
    org = enterprise(make, "丁科技有限公司", STRONG)
    other = person(make, "enterprise", "他人")
    broker = person(make, "broker", "经纪人")
    admin = person(make, "admin", "管理员")
    url = f"/api/v1/enterprises/{org.id}/evaluation"
    assert client.get(url, headers=auth(other)).status_code == 404
    assert client.get(url, headers=auth(broker)).status_code == 404  # not assigned to any of its deals
    assert client.get(url, headers=auth(admin)).status_code == 200
    put = f"/api/v1/enterprises/{org.id}/figures/2025"
    assert client.put(put, json={"employees": 100}, headers=auth(other)).status_code == 404
    assert client.put(put, json={"employees": 100}, headers=auth(admin)).status_code == 200
    assert client.get(url).status_code == 401


def test_moving_one_figure_moves_the_enterprise_between_pools_within_the_request(make, client, auth):
    org = enterprise(make, "戊科技有限公司", WEAK)  # 42 points: no pool
    member = person(make, "enterprise", "戊成员", org)
    url = f"/api/v1/enterprises/{org.id}/figures/2025"
    data = client.put(url, json={"tech_staff": 22}, headers=auth(member)).get_json()  # staff 12 → 22 %: 50 points
    assert data["score"] == 50 and data["pools"] == ["准科技型"]
    data = client.put(url, json={"ip_class1": 1}, headers=auth(member)).get_json()  # Ⅰ类: 62 points, qualified
    assert data["qualified"] is True and "准科技型" not in data["pools"]
    events = _db.session.scalars(_db.select(PoolEvent).where(PoolEvent.organization_id == org.id)
                                 .order_by(PoolEvent.id)).all()
    assert [(e.pool, e.action) for e in events][:2] == [("near-sme", "enter"), ("near-sme", "leave")]


def test_pools_api_is_for_admins(make, client, auth):
    enterprise(make, "己科技有限公司", NEAR, unit="百丈镇")
    enterprise(make, "庚科技有限公司", NEAR, unit="径山镇", field="生物医药")
    admin = person(make, "admin", "管理员")
    member = person(make, "enterprise", "成员")
    data = client.get("/api/v1/pools/near-sme", headers=auth(admin)).get_json()
    assert data["count"] == 2 and {m["name"] for m in data["members"]} == {"己科技有限公司", "庚科技有限公司"}
    assert {row["unit"]: row["count"] for row in data["by_unit"]} == {"百丈镇": 1, "径山镇": 1}
    assert client.get("/api/v1/pools/near-hte", headers=auth(admin)).get_json()["count"] == 0
    assert client.get("/api/v1/pools/nonsense", headers=auth(admin)).status_code == 404
    assert client.get("/api/v1/pools/near-sme", headers=auth(member)).status_code == 403


def test_a_policy_reaches_exactly_the_targeted_enterprises(make, client, auth):
    near_a = enterprise(make, "甲一", NEAR, unit="百丈镇")
    near_b = enterprise(make, "甲二", NEAR, unit="径山镇")
    strong = enterprise(make, "甲三", STRONG, unit="百丈镇")
    weak = enterprise(make, "甲四", WEAK, unit="百丈镇")
    member_a = person(make, "enterprise", "甲一成员", near_a)
    member_strong = person(make, "enterprise", "甲三成员", strong)
    admin = person(make, "admin", "管理员")
    body = {"title": "准科技型企业培育专项", "body": "对入库企业给予研发补助。",
            "targets": {"pools": ["near-sme"], "units": ["百丈镇"]}}
    response = client.post("/api/v1/policies", json=body, headers=auth(admin))
    assert response.status_code == 201, response.get_json()
    policy = response.get_json()
    assert policy["reached"] == 1 and policy["read"] == 0
    reached = set(_db.session.scalars(_db.select(PolicyDelivery.organization_id)))
    assert reached == {near_a.id} and not {near_b.id, strong.id, weak.id} & reached
    assert _db.session.scalar(_db.select(Notification).where(Notification.user_id == member_a.id,
                                                             Notification.kind == "policy")) is not None
    # the member opens it: the read receipt; another enterprise cannot see it
    assert client.get(f"/api/v1/policies/{policy['id']}", headers=auth(member_strong)).status_code == 404
    assert client.get(f"/api/v1/policies/{policy['id']}", headers=auth(member_a)).status_code == 200
    counts = client.get(f"/api/v1/policies/{policy['id']}", headers=auth(admin)).get_json()
    assert (counts["reached"], counts["read"]) == (1, 1)
    # a pool entry pushes it: the weak one in 百丈镇 reaches 50 points
    client.put(f"/api/v1/enterprises/{weak.id}/figures/2025", json={"tech_staff": 22}, headers=auth(admin))
    counts = client.get(f"/api/v1/policies/{policy['id']}", headers=auth(admin)).get_json()
    assert counts["reached"] == 2


@pytest.mark.parametrize("body", [
    {"title": "", "body": "正文"},
    {"title": "标题", "body": "正文", "targets": {"units": ["火星镇"]}},
    {"title": "标题", "body": "正文", "targets": {"pools": ["near-xyz"]}},
    {"title": "标题", "body": "正文", "targets": ["near-sme"]},
    {"title": "标题", "body": "正文", "colour": "red"},
])
def test_bad_policies_are_refused(make, client, auth, body):
    admin = person(make, "admin", "管理员")
    response = client.post("/api/v1/policies", json=body, headers=auth(admin))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid"


def test_only_admins_publish_policies(make, client, auth):
    member = person(make, "enterprise", "成员")
    response = client.post("/api/v1/policies", json={"title": "标题", "body": "正文"}, headers=auth(member))
    assert response.status_code == 403


def test_the_nightly_refresh_moves_an_enterprise_when_its_first_year_completes(make):
    from datetime import date

    from marketplace.enterprises import services
    from marketplace.tasks import refresh_enterprise_evaluations

    org = enterprise(make, "新设科技有限公司", STRONG, registered_on="2026-09-01")  # one year old only 2027-09-01
    assert services.pools_of(org) == []
    assert services.refresh_all(today=date(2027, 7, 1)) == 1  # the next window is now 2028-06-30
    assert services.pools_of(org) == ["准高企"]
    assert refresh_enterprise_evaluations.call_local() == 1  # today: back out of the pool
    assert services.pools_of(org) == []

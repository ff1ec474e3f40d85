"""Challenge pages: authorization per role, the flows through the forms, escaping."""
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from marketplace.challenges import services
from marketplace.models import Application
from marketplace.timeutil import utcnow

from .challenge_support import application, notices, overdue, reload


@pytest.fixture
def world(make):
    owner = make.user("enterprise")
    challenge = make.demand(owner=owner, challenge=True, title="高导热石墨烯揭榜")
    applicant = make.user("researcher")
    app = application(challenge, applicant, make=make)
    users = {"owner": owner, "applicant": applicant, "researcher": make.user("researcher"),
             "enterprise": make.user("enterprise"), "broker": make.user("broker"), "admin": make.user("admin")}
    return {"challenge": challenge, "app": app, "users": users}


def _status(client, login, world, who, method, url, data=None):
    login(world["users"][who] if who != "visitor" else None)
    response = client.open(url, method=method, data=data or {})
    return response.status_code


def _post_outcome(client, login, world, who, url, data):
    """The status, and for a 302 back to a page which it was: "login", "done" (a success flash) or "refused"."""
    login(world["users"][who] if who != "visitor" else None)
    response = client.post(url, data=data)
    if response.status_code != 302:
        return response.status_code
    with client.session_transaction() as session:
        categories = {category for category, _ in session.pop("_flashes", [])}
    if urlsplit(response.headers["Location"]).path == "/login":
        return "login"
    return "done" if categories == {"success"} else "refused"


GET_MATRIX = {
    "/challenges": {"visitor": 200, "researcher": 200, "enterprise": 200, "broker": 200, "admin": 200},
    "/challenges?tab=past": {"visitor": 200, "owner": 200},
    "/challenges/admin": {"visitor": 302, "researcher": 403, "enterprise": 403, "owner": 403, "broker": 200,
                          "admin": 200},
    "/challenges/admin/{d}": {"visitor": 302, "researcher": 403, "enterprise": 403, "broker": 200, "admin": 200},
    "/challenges/{d}/apply": {"visitor": 302, "researcher": 200, "applicant": 302, "owner": 403, "enterprise": 403,
                              "broker": 403, "admin": 403},
    "/challenges/{d}/manage": {"visitor": 302, "owner": 200, "enterprise": 403, "researcher": 403, "broker": 403,
                               "admin": 403},
    "/applications/{a}": {"visitor": 302, "applicant": 200, "owner": 200, "admin": 200, "researcher": 404,
                          "enterprise": 404, "broker": 404},
}


@pytest.mark.parametrize("url", list(GET_MATRIX))
def test_get_routes_per_role(client, login, world, url):
    expected = GET_MATRIX[url]
    url = url.format(d=world["challenge"].id, a=world["app"].id)
    got = {who: _status(client, login, world, who, "GET", url) for who in expected}
    assert got == expected


POST_MATRIX = {
    # url, expected per role: a code, or for a 302 "login", "done" (a success flash) or "refused" (why, flashed)
    "/applications/{a}/shortlist": {"visitor": "login", "applicant": 403, "researcher": 403, "enterprise": 404,
                                    "broker": 403, "admin": 403, "owner": "done"},
    "/applications/{a}/decline": {"visitor": "login", "applicant": 403, "enterprise": 404, "owner": "done"},
    "/applications/{a}/select": {"visitor": "login", "applicant": 403, "enterprise": 404, "admin": 403,
                                 "owner": "refused"},  # applications are still open: select waits for the deadline
    "/applications/{a}/withdraw": {"visitor": "login", "researcher": 404, "owner": 403, "enterprise": 404,
                                   "applicant": "done"},
    "/challenges/{d}/close": {"visitor": "login", "researcher": 403, "enterprise": 403, "broker": 403, "admin": 403,
                              "owner": "done"},
    "/challenges/{d}/cancel": {"visitor": "login", "applicant": 403, "enterprise": 403, "owner": "done"},
    "/challenges/{d}/milestones": {"visitor": "login", "researcher": 403, "enterprise": 403, "owner": "done"},
}


@pytest.mark.parametrize("url", list(POST_MATRIX))
def test_post_routes_per_role(client, login, world, url):
    expected = POST_MATRIX[url]
    url = url.format(d=world["challenge"].id, a=world["app"].id)
    data = {"reason": "测试原因", "code": "other", "title": "小试", "share_percent": "10"}
    got = {who: _post_outcome(client, login, world, who, url, data) for who in expected}
    assert got == expected


def test_hidden_challenge_is_404_for_others(client, login, make):
    draft = make.demand(challenge=True, status="draft")
    login(make.user("researcher"))
    assert client.get(f"/challenges/{draft.id}/apply").status_code == 404
    login(make.user("enterprise"))
    assert client.get(f"/challenges/{draft.id}/manage").status_code == 404
    login(draft.owner)
    assert client.get(f"/challenges/{draft.id}/manage").status_code == 200  # owner may set milestones early
    ordinary = make.demand()
    login(ordinary.owner)
    assert client.get(f"/challenges/{ordinary.id}/manage").status_code == 404


# ---------------------------------------------------------------- flows

def test_researcher_applies_through_the_form(client, login, make, db):
    challenge = make.demand(challenge=True)
    researcher = login(make.user("researcher"))
    response = client.post(f"/challenges/{challenge.id}/apply", data={
        "proposal": "<p>技术路线</p><script>alert(1)</script>", "team": "<img src=x onerror=alert(1)>",
        "plan": "三个月", "quote": "88.8"})
    app = db.session.scalar(db.select(Application).where(Application.applicant_id == researcher.id))
    assert response.status_code == 302 and response.headers["Location"] == f"/applications/{app.id}"
    assert app.quote == Decimal("88.80")
    assert notices(challenge.owner, "application_new")
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    login(challenge.owner)
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<script>alert(1)" not in page


def test_apply_form_errors_rerender_in_chinese(client, login, make, db):
    challenge = make.demand(challenge=True)
    login(make.user("researcher"))
    response = client.post(f"/challenges/{challenge.id}/apply", data={"proposal": "方案", "quote": "-5"})
    assert response.status_code == 400
    assert "报价必须是非负数且小于 100 亿万元" in response.get_data(as_text=True)
    response = client.post(f"/challenges/{challenge.id}/apply", data={"proposal": "", "quote": ""})
    assert "请填写技术方案" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_apply_after_the_deadline_is_refused_with_a_message(client, login, make, db):
    challenge = overdue(make)
    login(make.user("researcher"))
    response = client.post(f"/challenges/{challenge.id}/apply", data={"proposal": "方案", "quote": "1"},
                           follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == f"/demands/{challenge.id}"
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0
    assert reload(challenge).status == "published"  # refused by its deadline; only the hourly task records it
    with client.session_transaction() as session:
        assert any("截止" in message for _cat, message in session["_flashes"])


def test_applicant_edits_then_withdraws(client, login, world, db):
    app = world["app"]
    login(world["users"]["applicant"])
    response = client.post(f"/applications/{app.id}", data={"proposal": "<p>新方案</p>", "quote": "42"})
    assert response.status_code == 302 and reload(app).quote == Decimal("42.00")
    client.post(f"/applications/{app.id}/withdraw")
    assert reload(app).status == "withdrawn"
    login(world["users"]["owner"])
    assert client.post(f"/applications/{app.id}", data={"proposal": "x", "quote": "1"}).status_code == 403


def test_decline_reason_is_visible_to_the_applicant(client, login, world):
    app = world["app"]
    login(world["users"]["owner"])
    client.post(f"/applications/{app.id}/decline", data={"code": "route", "reason": "<b>路线</b>与需求不符"})
    assert reload(app).status == "declined"
    login(world["users"]["applicant"])
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "技术路线不符" in page and "&lt;b&gt;路线&lt;/b&gt;与需求不符" in page
    assert "未入选" in page


def test_decline_other_without_text_is_refused_with_a_flash(client, login, world):
    login(world["users"]["owner"])
    response = client.post(f"/applications/{world['app'].id}/decline", data={"code": "other", "reason": ""},
                           follow_redirects=True)
    assert "请填写未入选的具体原因" in response.get_data(as_text=True)
    assert reload(world["app"]).status == "submitted"


def test_invalid_transition_is_a_flash_not_an_error(client, login, world):
    login(world["users"]["owner"])
    response = client.post(f"/challenges/{world['challenge'].id}/start", follow_redirects=True)
    assert response.status_code == 200 and "当前状态不允许此操作" in response.get_data(as_text=True)
    assert reload(world["challenge"]).status == "published"


def test_owner_closes_selects_starts_and_accepts(client, login, world):
    challenge, app = world["challenge"], world["app"]
    login(world["users"]["owner"])
    page = client.get(f"/challenges/{challenge.id}/manage").get_data(as_text=True)
    assert world["users"]["applicant"].name in page and "提前截止" in page
    client.post(f"/applications/{app.id}/select")
    assert reload(challenge).status == "published"  # refused before the deadline
    client.post(f"/challenges/{challenge.id}/close", data={"note": ""})
    assert reload(challenge).status == "reviewing"
    client.post(f"/challenges/{challenge.id}/milestones", data={"title": "小试", "share_percent": "50"})
    client.post(f"/applications/{app.id}/select")
    assert reload(challenge).status == "awarded" and reload(app).status == "selected"
    client.post(f"/challenges/{challenge.id}/start")
    milestone = reload(challenge).milestones[0]
    client.post(f"/challenges/{challenge.id}/milestones/{milestone.id}/report", data={"note": "小试完成"})
    client.post(f"/challenges/{challenge.id}/milestones/{milestone.id}/accept", data={"note": "合格"})
    assert reload(milestone).status == "accepted"
    client.post(f"/challenges/{challenge.id}/accept", data={"note": "整体验收通过"})
    assert reload(challenge).status == "completed"
    login(world["users"]["applicant"])
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "已挂帅" in page and "已验收" in page
    assert notices(world["users"]["applicant"], "delivery_accepted")
    login(world["users"]["admin"])
    page = client.get(f"/challenges/admin/{challenge.id}").get_data(as_text=True)
    for text in ("提前截止征集", "选定申请", "里程碑：小试", "整体验收通过"):
        assert text in page


def test_cancel_needs_a_reason_on_the_page(client, login, world):
    login(world["users"]["owner"])
    response = client.post(f"/challenges/{world['challenge'].id}/cancel", data={"reason": ""}, follow_redirects=True)
    assert "请填写原因" in response.get_data(as_text=True)
    assert reload(world["challenge"]).status == "published"
    client.post(f"/challenges/{world['challenge'].id}/cancel", data={"reason": "项目取消"})
    assert reload(world["challenge"]).status == "cancelled"
    assert notices(world["users"]["applicant"], "challenge_cancelled")


def test_milestone_share_over_100_is_refused_on_the_page(client, login, world):
    login(world["users"]["owner"])
    client.post(f"/challenges/{world['challenge'].id}/milestones", data={"title": "一", "share_percent": "80"})
    response = client.post(f"/challenges/{world['challenge'].id}/milestones",
                           data={"title": "二", "share_percent": "30"}, follow_redirects=True)
    assert "不能超过 100%" in response.get_data(as_text=True)
    assert len(reload(world["challenge"]).milestones) == 1


# ---------------------------------------------------------------- lists

def test_challenge_list_shows_bounty_days_left_and_applicants(client, make, world):
    make.demand(challenge=True, title="<script>alert(1)</script>", bounty=Decimal("12.5"),
                deadline=utcnow() + timedelta(days=5, hours=1))
    make.demand(challenge=True, status="reviewing", title="评审中的榜单")
    page = client.get("/challenges").get_data(as_text=True)
    assert "高导热石墨烯揭榜" in page and "100.00 万元" in page and "12.50 万元" in page
    assert "剩余 5 天" in page
    assert '<span class="applicant-count">1</span>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "评审中的榜单" not in page
    assert "评审中的榜单" in client.get("/challenges?tab=reviewing").get_data(as_text=True)
    assert client.get("/challenges?tab=bogus&page=abc").status_code == 200


def test_admin_overview_counts_and_filter(client, login, world, make):
    application(world["challenge"], status="declined", make=make)
    make.demand(challenge=True, status="pending", title="待审核榜单")
    login(world["users"]["broker"])
    page = client.get("/challenges/admin").get_data(as_text=True)
    assert "高导热石墨烯揭榜" in page and "待审核榜单" in page and "1 / 0 / 0 / 1 / 0" in page
    page = client.get("/challenges/admin?status=pending").get_data(as_text=True)
    assert "待审核榜单" in page and "高导热石墨烯揭榜" not in page


# ---------------------------------------------------------------- panel on /demands/<id> and /me

def test_demand_detail_shows_the_challenge_panel_per_role(client, login, world, make):
    url = f"/demands/{world['challenge'].id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="challenge-panel"' in page and "登录后揭榜" in page and "已有 1 个团队揭榜" in page
    login(world["users"]["researcher"])
    assert f"/challenges/{world['challenge'].id}/apply" in client.get(url).get_data(as_text=True)
    login(world["users"]["applicant"])
    assert f"/applications/{world['app'].id}" in client.get(url).get_data(as_text=True)
    login(world["users"]["owner"])
    page = client.get(url).get_data(as_text=True)
    assert f"/challenges/{world['challenge'].id}/manage" in page and "我要揭榜" not in page
    assert 'id="challenge-panel"' not in client.get(f"/demands/{make.demand().id}").get_data(as_text=True)


def test_demand_detail_shows_an_overdue_challenge_under_review_and_writes_nothing(client, make):
    late = overdue(make)
    page = client.get(f"/demands/{late.id}").get_data(as_text=True)
    assert "评审中" in page and "我要揭榜" not in page and "自动截止征集" not in page
    assert reload(late).status == "published"
    assert late.id in [d.id for d in services.browse_challenges("reviewing", 1, 10).items]
    assert late.id not in [d.id for d in services.browse_challenges("open", 1, 10).items]
    assert services.expire_due_challenges() == 1  # the hourly task records the move
    assert "自动截止征集" in client.get(f"/demands/{late.id}").get_data(as_text=True)


def test_dashboard_lists_challenges_and_applications(client, login, world):
    owner, applicant = world["users"]["owner"], world["users"]["applicant"]
    login(owner)
    client.post(f"/applications/{world['app'].id}/decline", data={"code": "team", "reason": "缺少中试经验"})
    page = client.get("/me").get_data(as_text=True)
    assert "我发布的榜单" in page and "高导热石墨烯揭榜" in page and "1 份申请" in page
    login(applicant)
    page = client.get("/me").get_data(as_text=True)
    assert "我的揭榜申请" in page and "未入选" in page and "缺少中试经验" in page
    login(world["users"]["researcher"])
    assert "还没有揭榜申请" in client.get("/me").get_data(as_text=True)
    login(world["users"]["broker"])
    assert 'id="dashboard-challenges"' not in client.get("/me").get_data(as_text=True)

"""Listing pages: public lists and filters, detail visibility, create/edit forms, lifecycle buttons."""
from datetime import timedelta
from decimal import Decimal

import pytest

from marketplace.listings import panels
from marketplace.models import Achievement, Demand, Event
from marketplace.timeutil import to_local, utcnow

SCRIPT = "<script>alert(1)</script>"
ONERROR = '<img src=x onerror=alert(1)>'


def text(response):
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- lists

def test_lists_show_only_published_listings_with_count(client, make):
    make.achievement(title="已发布的成果甲")
    for status in ("draft", "pending", "rejected", "archived"):
        make.achievement(title=f"状态{status}的成果", status=status)
    make.demand(title="已发布的需求乙")
    make.demand(title="草稿需求", status="draft")
    page = text(client.get("/achievements"))
    assert "已发布的成果甲" in page and "共 1 条科技成果" in page
    assert "状态draft的成果" not in page and "状态pending的成果" not in page and "状态archived的成果" not in page
    page = text(client.get("/demands"))
    assert "已发布的需求乙" in page and "草稿需求" not in page and "共 1 条技术需求" in page


def test_achievement_filters(client, make):
    make.achievement(title="生物甲", field="生物医药", type="发明专利", maturity="TRL6", modes="转让")
    make.achievement(title="材料乙", field="新材料", type="技术秘密", maturity="TRL9", modes="许可,技术服务")
    assert "材料乙" not in text(client.get("/achievements?field=生物医药"))
    page = text(client.get("/achievements?type=技术秘密"))
    assert "材料乙" in page and "生物甲" not in page
    page = text(client.get("/achievements?maturity=中试"))
    assert "生物甲" in page and "材料乙" not in page
    page = text(client.get("/achievements?mode=技术服务"))
    assert "材料乙" in page and "生物甲" not in page


def test_demand_filters_budget_and_challenge(client, make):
    make.demand(title="小预算需求", budget=Decimal("10"))
    make.demand(title="大预算需求", budget=Decimal("500"))
    make.demand(title="揭榜需求", challenge=True, budget=None)
    page = text(client.get("/demands?budget_min=100"))
    assert "大预算需求" in page and "小预算需求" not in page
    page = text(client.get("/demands?budget_max=50"))
    assert "小预算需求" in page and "大预算需求" not in page
    page = text(client.get("/demands?challenge=1"))
    assert "揭榜需求" in page and "小预算需求" not in page
    page = text(client.get("/demands?challenge=0"))
    assert "揭榜需求" not in page and "小预算需求" in page


def published_ago(db, listing, **delta):
    listing.published_at = utcnow() - timedelta(**delta)
    db.session.commit()
    return listing


def test_sorting_by_price_and_age(client, make, db):
    published_ago(db, make.achievement(title="便宜成果", price=Decimal("1")), days=3)
    published_ago(db, make.achievement(title="昂贵成果", price=Decimal("900")), days=5)
    published_ago(db, make.achievement(title="面议成果", price=None), days=0)
    page = text(client.get("/achievements?sort=price"))
    assert page.index("昂贵成果") < page.index("便宜成果") < page.index("面议成果")
    page = text(client.get("/achievements?sort=oldest"))
    assert page.index("昂贵成果") < page.index("便宜成果") < page.index("面议成果")
    page = text(client.get("/achievements"))
    assert page.index("面议成果") < page.index("便宜成果") < page.index("昂贵成果")


def test_pagination(app, client, make, db):
    per_page = app.config["PER_PAGE"]
    for i in range(per_page + 2):
        published_ago(db, make.demand(title=f"分页需求{i:02d}"), minutes=i)
    first, second = text(client.get("/demands")), text(client.get("/demands?page=2"))
    assert "分页需求00" in first and f"分页需求{per_page + 1:02d}" not in first
    assert f"分页需求{per_page + 1:02d}" in second and "分页需求00" not in second
    assert "下一页" in first and "page=2" in first


@pytest.mark.parametrize("query", ["page=abc", "page=-3", "page=99999999999999999999999", "budget_min=xyz",
                                   "budget_max=1e99999", "budget_min=NaN", "field=不存在", "sort=drop",
                                   "challenge=maybe", "type=%3Cscript%3E", "mode=", "maturity=TRL99"])
def test_bad_filter_values_never_fail(client, make, query):
    make.demand(title="某需求")
    make.achievement(title="某成果")
    for kind in ("achievements", "demands"):
        response = client.get(f"/{kind}?{query}")
        assert response.status_code == 200


def test_bad_budget_is_reported_and_ignored(client, make):
    make.demand(title="某需求")
    page = text(client.get("/demands?budget_min=xyz"))
    assert "不是有效的金额" in page and "某需求" in page


def test_hostile_title_is_escaped_in_list_and_detail(client, make):
    a = make.achievement(title=SCRIPT + "成果")
    for url in ("/achievements", f"/achievements/{a.id}"):
        page = text(client.get(url))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;成果" in page
        assert SCRIPT not in page


# ---------------------------------------------------------------- detail

def test_detail_shows_public_fields(client, make):
    a = make.achievement(description="<p>详细<strong>介绍</strong></p>", patent_no="201710601862.3",
                         keywords="石墨烯,导热")
    page = text(client.get(f"/achievements/{a.id}"))
    assert "<p>详细<strong>介绍</strong></p>" in page
    assert "201710601862.3" in page and "50.00 万元" in page and "转让、许可" in page and "中试" in page
    assert f'href="/orgs/{a.organization_id}"' in page and a.organization.name in page
    assert "石墨烯" in page and "导热" in page
    assert "review-history" not in page and "manage-panel" not in page


def test_price_blank_shows_negotiable(client, make):
    a = make.achievement(price=None)
    assert "面议" in text(client.get(f"/achievements/{a.id}"))


@pytest.mark.parametrize("role,sees", [(None, False), ("researcher", False), ("enterprise", True),
                                       ("broker", True), ("admin", True)])
def test_confidential_details_only_for_enterprise_broker_admin(client, make, login, role, sees):
    a = make.achievement(details="<p>关键工艺参数XYZ</p>")
    if role:
        login(make.user(role))
    page = text(client.get(f"/achievements/{a.id}"))
    assert ("关键工艺参数XYZ" in page) is sees
    assert ("details-hint" in page) is not sees


@pytest.mark.parametrize("kind", ["achievement", "demand"])
@pytest.mark.parametrize("viewer", [None, "researcher", "enterprise", "broker"])
def test_others_unpublished_listing_is_404(client, make, login, kind, viewer):
    for status in ("draft", "pending", "rejected", "archived"):
        listing = getattr(make, kind)(status=status)
        if viewer:
            login(make.user(viewer))
        assert client.get(f"/{kind}s/{listing.id}").status_code == 404


def test_missing_listing_is_404(client):
    assert client.get("/achievements/999").status_code == 404
    assert client.get("/demands/999").status_code == 404


def test_owner_sees_status_reason_history_and_actions(client, make, login, db):
    owner = make.user("researcher")
    admin = make.user("admin")
    a = make.achievement(owner=owner, status="rejected", reject_reason="缺少<b>检测报告</b>")
    db.session.add(Event(subject_type="achievement", subject_id=a.id, actor_id=owner.id, action="submit",
                         from_state="draft", to_state="pending"))
    db.session.add(Event(subject_type="achievement", subject_id=a.id, actor_id=admin.id, action="reject",
                         from_state="pending", to_state="rejected", note="缺少检测报告"))
    db.session.commit()
    login(owner)
    page = text(client.get(f"/achievements/{a.id}"))
    assert "已驳回" in page and "缺少&lt;b&gt;检测报告&lt;/b&gt;" in page
    assert "草稿 → <strong>待审核</strong>" in page and "待审核 → <strong>已驳回</strong>" in page
    assert admin.name in page
    assert f"/achievements/{a.id}/edit" in page and f"/achievements/{a.id}/submit" in page
    assert f"/achievements/{a.id}/withdraw" not in page and "/admin/review/" not in page


def test_admin_sees_review_link_and_history(client, make, login):
    d = make.demand(status="pending")
    login(make.user("admin"))
    page = text(client.get(f"/demands/{d.id}"))
    assert f'href="/admin/review/demand/{d.id}"' in page and "待审核" in page and "review-history" in page


def test_challenge_detail_shows_bounty_deadline_days_left_eligibility(client, make):
    d = make.demand(challenge=True, deadline=utcnow() + timedelta(days=10, hours=1), bounty=Decimal("120.5"),
                    eligibility="高校团队<优先>")
    page = text(client.get(f"/demands/{d.id}"))
    assert "120.50 万元" in page and "10 天" in page and "高校团队&lt;优先&gt;" in page
    assert to_local(d.deadline).strftime("%Y-%m-%d %H:%M") in page
    assert "揭榜挂帅" in page


def test_detail_includes_registered_panels(client, make):
    def provider(listing, user):
        return {"demo": {"template": "listings/_org_row.html"}} if listing.kind == "demand" else {}

    panels.panel_provider(provider)
    try:
        d = make.demand()
        page = text(client.get(f"/demands/{d.id}"))
        assert 'id="panel-demo"' in page
        a = make.achievement()
        assert 'id="panel-demo"' not in text(client.get(f"/achievements/{a.id}"))
    finally:
        panels._providers.remove(provider)


# ---------------------------------------------------------------- create and edit

@pytest.mark.parametrize("kind,allowed", [("achievement", {"researcher", "admin"}),
                                          ("demand", {"enterprise", "admin"})])
def test_new_page_access_by_role(client, make, login, kind, allowed):
    response = client.get(f"/{kind}s/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for role in ("researcher", "enterprise", "broker", "admin"):
        login(make.user(role))
        assert client.get(f"/{kind}s/new").status_code == (200 if role in allowed else 403)
        assert client.post(f"/{kind}s/new", data={"title": "x"}).status_code == (200 if role in allowed else 403)


ACHIEVEMENT_FORM = {"title": "一种新型锂电池正极材料", "summary": "能量密度提升 20%", "field": "新能源",
                    "type": "发明专利", "patent_no": "201710601862.3", "maturity": "中试", "modes": ["转让", "许可"],
                    "price": "120.5", "keywords": "锂电池、正极材料", "description": "<p>介绍</p>",
                    "details": "<p>参数</p>"}


def test_create_achievement_draft(client, make, login, db):
    owner = login(make.user("researcher"))
    response = client.post("/achievements/new", data={**ACHIEVEMENT_FORM, "save": "保存草稿"})
    a = db.session.scalar(db.select(Achievement))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/achievements/{a.id}")
    assert (a.status, a.owner_id, a.organization_id) == ("draft", owner.id, owner.organization_id)
    assert a.mode_list == ["转让", "许可"] and a.price == Decimal("120.50") and a.keyword_list == ["锂电池", "正极材料"]
    assert a.patent_no == "201710601862.3" and a.details == "<p>参数</p>"


def test_create_and_submit_for_review(client, make, login, db):
    owner = login(make.user("researcher"))
    client.post("/achievements/new", data={**ACHIEVEMENT_FORM, "save_and_submit": "保存并提交审核"})
    a = db.session.scalar(db.select(Achievement))
    assert a.status == "pending"
    event = db.session.scalar(db.select(Event).where(Event.subject_id == a.id))
    assert (event.from_state, event.to_state, event.actor_id) == ("draft", "pending", owner.id)


def test_form_errors_rerender_in_chinese_and_keep_input(client, make, login, db):
    login(make.user("researcher"))
    too_long = client.post("/achievements/new", data={**ACHIEVEMENT_FORM, "title": "长" * 201, "save": "1"})
    assert too_long.status_code == 200
    assert "成果名称不能超过 200 个字符（当前 201 个）" in text(too_long)  # the form's limit, the service's words
    assert "长" * 201 in text(too_long)  # not truncated, kept for correction
    data = {**ACHIEVEMENT_FORM, "patent_no": "201710601862.4", "price": "abc", "summary": "我输入的简介", "save": "1"}
    response = client.post("/achievements/new", data=data)
    page = text(response)
    assert response.status_code == 200
    assert "专利申请号格式或校验位不正确" in page
    assert "参考价格必须是数字" in page
    assert "我输入的简介" in page
    assert db.session.scalar(db.select(db.func.count(Achievement.id))) == 0


def test_description_is_stored_sanitized_and_rendered_safely(client, make, login, db):
    owner = login(make.user("researcher"))
    client.post("/achievements/new", data={**ACHIEVEMENT_FORM, "title": SCRIPT,
                                           "description": f"<p>好</p>{SCRIPT}{ONERROR}<a href=\"javascript:x()\">链接</a>",
                                           "save": "1"})
    a = db.session.scalar(db.select(Achievement))
    assert "<script" not in a.description and "onerror" not in a.description and "javascript:" not in a.description
    assert "<p>好</p>" in a.description
    login(owner)
    page = text(client.get(f"/achievements/{a.id}"))
    assert "<script>alert(1)</script>" not in page and "onerror=alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_create_challenge_demand_and_errors(client, make, login, db):
    login(make.user("enterprise"))
    data = {"title": "揭榜：高精度传感器", "description": "需要一种传感器", "field": "电子信息", "budget": "",
            "is_challenge": "y", "bounty": "", "deadline": "2001-01-01", "save": "1"}
    page = text(client.post("/demands/new", data=data))
    assert "揭榜挂帅需填写悬赏金额" in page and "截止日期必须晚于今天" in page
    day = (to_local(utcnow()) + timedelta(days=20)).date()
    response = client.post("/demands/new", data={**data, "bounty": "300", "deadline": day.isoformat()})
    assert response.status_code == 302
    d = db.session.scalar(db.select(Demand))
    assert d.is_challenge and d.bounty == Decimal("300.00") and d.budget is None
    assert to_local(d.deadline).date() == day and to_local(d.deadline).strftime("%H:%M") == "23:59"


def test_edit_prefills_and_saves_own_draft(client, make, login, db):
    owner = make.user("enterprise")
    d = make.demand(owner=owner, status="draft", keywords="散热,石墨烯")
    login(owner)
    page = text(client.get(f"/demands/{d.id}/edit"))
    assert d.title in page and "散热、石墨烯" in page
    response = client.post(f"/demands/{d.id}/edit", data={"title": "改过的标题", "description": "新描述",
                                                          "field": "新材料", "save": "1"})
    assert response.status_code == 302
    db.session.refresh(d)
    assert d.title == "改过的标题" and d.status == "draft"


def test_edit_rejected_then_resubmit(client, make, login, db):
    owner = make.user("researcher")
    a = make.achievement(owner=owner, status="rejected", reject_reason="补充材料")
    login(owner)
    assert "补充材料" in text(client.get(f"/achievements/{a.id}/edit"))
    client.post(f"/achievements/{a.id}/edit", data={**ACHIEVEMENT_FORM, "save_and_submit": "1"})
    db.session.refresh(a)
    assert a.status == "pending" and a.title == ACHIEVEMENT_FORM["title"]


def test_edit_refused_for_wrong_state_or_user(client, make, login):
    owner = make.user("researcher")
    pending = make.achievement(owner=owner, status="pending")
    published = make.achievement(owner=owner, status="published")
    draft = make.achievement(owner=owner, status="draft")
    assert client.get(f"/achievements/{draft.id}/edit").status_code == 302  # visitor: login
    login(owner)
    assert client.get(f"/achievements/{pending.id}/edit").status_code == 403
    # a published listing is revised through review (tests/test_listing_revisions.py)
    assert 'id="revision-notice"' in client.get(f"/achievements/{published.id}/edit").get_data(as_text=True)
    login(make.user("researcher"))
    assert client.get(f"/achievements/{draft.id}/edit").status_code == 404
    assert client.post(f"/achievements/{published.id}/edit", data={"title": "偷改"}).status_code == 403


# ---------------------------------------------------------------- lifecycle buttons

def test_owner_submits_withdraws_and_archives_through_buttons(client, make, login, db):
    owner = make.user("enterprise")
    d = make.demand(owner=owner, status="draft")
    login(owner)
    response = client.post(f"/demands/{d.id}/submit")
    assert response.status_code == 302
    db.session.refresh(d)
    assert d.status == "pending"
    client.post(f"/demands/{d.id}/withdraw")
    db.session.refresh(d)
    assert d.status == "draft"
    published = make.demand(owner=owner)
    client.post(f"/demands/{published.id}/archive")
    db.session.refresh(published)
    assert published.status == "archived"


def test_refused_button_transition_flashes_and_keeps_state(client, make, login, db):
    owner = make.user("researcher")
    a = make.achievement(owner=owner, status="published")
    login(owner)
    response = client.post(f"/achievements/{a.id}/submit", follow_redirects=True)
    assert "当前状态不允许此操作" in text(response)
    db.session.refresh(a)
    assert a.status == "published"


def test_buttons_refused_for_visitor_and_other_users(client, make, login, db):
    a = make.achievement(status="published")
    draft = make.achievement(status="draft")
    response = client.post(f"/achievements/{a.id}/archive")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(make.user("researcher"))
    assert client.post(f"/achievements/{a.id}/archive").status_code == 403
    assert client.post(f"/achievements/{draft.id}/submit").status_code == 404
    assert client.post(f"/achievements/{a.id}/approve").status_code in (404, 405)  # no approve button here
    db.session.refresh(a)
    assert a.status == "published"


def test_admin_archives_any_published_listing(client, make, login, db):
    a = make.achievement(status="published")
    login(make.user("admin"))
    client.post(f"/achievements/{a.id}/archive")
    db.session.refresh(a)
    assert a.status == "archived"

"""Issue #11 "Seen, to fix": texts and flows that made the product look untrustworthy."""
import re
from datetime import timedelta

from marketplace.timeutil import utcnow

from .challenge_support import reload


def text_of(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# ---------------------------------------------------------------- 1. one time text per challenge

def test_closed_challenge_never_shows_days_left(client, login, make):
    challenge = make.demand(challenge=True, deadline=utcnow() + timedelta(days=20, hours=1))
    login(challenge.owner)
    client.post(f"/challenges/{challenge.id}/close", data={"note": "提前截止"})
    assert reload(challenge).status == "reviewing"
    login(None)
    for url in (f"/demands/{challenge.id}", "/demands", "/challenges?tab=reviewing"):
        page = text_of(client.get(url))
        assert "已截止" in page, url
        assert "剩余 20 天" not in page, url


def test_unpublished_challenge_shows_days_left_not_closed(client, login, make):
    challenge = make.demand(challenge=True, status="pending", deadline=utcnow() + timedelta(days=64, hours=1))
    login(challenge.owner)
    for url in (f"/demands/{challenge.id}", f"/challenges/{challenge.id}/manage"):
        page = text_of(client.get(url))
        assert "剩余 64 天" in page, url
        assert "已截止" not in page, url


def test_time_text_has_no_padding_inside_brackets(client, make):
    challenge = make.demand(challenge=True, deadline=utcnow() + timedelta(days=30, hours=1))
    page = client.get(f"/demands/{challenge.id}").get_data(as_text=True)
    assert "（剩余 30 天）" in page


# ---------------------------------------------------------------- 2. one open deal per pair

def test_pair_with_open_deal_shows_it_instead_of_a_second(db, client, login, make):
    from marketplace.models import Deal

    from .deals_support import REGISTER, SIGN, make_match, open_deal, world
    from marketplace.deals import services

    w = world(make)
    deal = open_deal(w)
    services.advance_deal(deal, w.broker, "contract_signed", SIGN)
    services.advance_deal(deal, w.broker, "registered", REGISTER)
    db.session.commit()
    match = make_match(w)
    login(w.broker)
    shown = client.get(f"/deals/new?match_id={match.id}")
    assert shown.status_code == 302 and shown.headers["Location"] == f"/deals/{deal.id}"
    posted = client.post(f"/deals/new?match_id={match.id}", data={"broker_id": ""})
    assert posted.status_code == 302 and posted.headers["Location"] == f"/deals/{deal.id}"
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert f"已有进行中的交易 #{deal.id}" in page
    assert db.session.scalar(db.select(db.func.count(Deal.id))) == 1
    # another broker, who may not see that deal, is told and refused too
    login(w.other_broker)
    refused = client.get(f"/deals/new?match_id={match.id}")
    assert refused.status_code == 409 and "其他经纪人" in refused.get_data(as_text=True)


def test_api_answers_409_with_existing_deal_id(db, client, make):
    from marketplace.api.auth import issue_token

    from .deals_support import open_deal, world
    from .factories import PASSWORD

    w = world(make)
    deal = open_deal(w)
    token = issue_token(w.broker.email, PASSWORD)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    again = client.post("/api/v1/deals", json={"achievement_id": w.achievement.id, "demand_id": w.demand.id},
                        headers=headers)
    assert again.status_code == 409
    error = again.json["error"]
    assert error["code"] == "deal_exists" and error["deal_id"] == deal.id and error["message"]
    from marketplace.deals import services
    services.terminate_deal(deal, w.broker, "客户放弃")
    db.session.commit()
    fresh = client.post("/api/v1/deals", json={"achievement_id": w.achievement.id, "demand_id": w.demand.id},
                        headers=headers)
    assert fresh.status_code == 201  # a terminated deal does not block the pair


# ---------------------------------------------------------------- 3. challenge detail page

def test_challenge_detail_shows_its_block_once_with_its_breadcrumb(client, make):
    challenge = make.demand(challenge=True)
    html = client.get(f"/demands/{challenge.id}").get_data(as_text=True)
    assert html.count("具有相关研发经验的高校院所团队") == 1  # 申报条件 once
    assert html.count("100.00 万元") == 1  # the bounty once
    crumbs = html.split('<ol class="breadcrumb')[1].split("</ol>")[0]
    assert '<a href="/challenges">揭榜挂帅</a>' in crumbs and "技术需求" not in crumbs
    ordinary = make.demand()
    crumbs = client.get(f"/demands/{ordinary.id}").get_data(as_text=True).split('<ol class="breadcrumb')[1]
    assert "技术需求" in crumbs.split("</ol>")[0]


def test_empty_challenge_timeline_draws_no_dot(client, make):
    challenge = make.demand(challenge=True)
    html = client.get(f"/demands/{challenge.id}").get_data(as_text=True)
    panel = html.split('id="challenge-panel"')[1]
    timeline = panel.split("榜单进程")[1]
    assert "暂无记录" in timeline
    assert '<ul class="timeline">' not in timeline.split("暂无记录")[0]


# ---------------------------------------------------------------- 4. small things that read as broken

def test_enquiry_form_starts_on_a_mode_the_achievement_offers(client, login, make):
    from .deals_support import world

    w = world(make)
    w.achievement.modes = "许可,合作开发"
    from marketplace.extensions import db
    db.session.commit()
    login(w.enterprise)
    html = client.get(f"/achievements/{w.achievement.id}/enquire").get_data(as_text=True)
    assert re.search(r'<option selected value="许可">|<option value="许可" selected>', html), html
    assert not re.search(r'<option selected value="转让">|<option value="转让" selected>', html)


def test_broker_dropdown_lists_the_acting_broker_once(client, login, make):
    from .deals_support import make_match, world

    w = world(make)
    match = make_match(w)
    login(w.broker)
    html = client.get(f"/deals/new?match_id={match.id}").get_data(as_text=True)
    select = html.split('name="broker_id"')[1].split("</select>")[0]
    assert "我自己" in select and w.broker.name not in select and w.other_broker.name in select


def test_mark_all_read_says_so(client, login, make):
    user = make.user("researcher")
    login(user)
    page = client.post("/notifications/read", data={}, follow_redirects=True).get_data(as_text=True)
    assert "已全部标为已读" in page


def test_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"
    html = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in html
    assert client.get("/static/favicon.svg").status_code == 200


# ---------------------------------------------------------------- 5. no raw English state names

def test_admin_overview_labels_challenge_states_in_chinese(client, login, make):
    make.demand(challenge=True, status="in_progress", title="攻关中的榜单")
    make.demand(challenge=True, status="reviewing", title="评审中的榜单")
    login(make.user("admin"))
    html = client.get("/admin/").get_data(as_text=True)
    header = html.split('id="listing-status"')[1].split("</thead>")[0]
    assert "攻关中" in header and "评审中" in header and "已发布" in header
    assert "in_progress" not in header and "reviewing" not in header


def test_org_change_shows_kind_labels(client, login, make):
    from marketplace.accounts import membership
    from marketplace.extensions import db

    admin = make.user("admin")
    org = make.organization(kind="university")
    admin_id = admin.id  # loaded before the change is added (no autoflush of a half-filled row)
    membership.request_identity_change(db.session.get(type(admin), admin_id), org, "更名后的单位", "enterprise", None)
    db.session.commit()
    login(admin)
    html = client.get(f"/admin/organizations/{org.id}").get_data(as_text=True)
    row = html.split("单位类型")[1].split("</tr>")[0]
    assert "university" not in row and "enterprise" not in row


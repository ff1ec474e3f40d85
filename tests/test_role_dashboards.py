"""Issue #11 items 6, 8 and 9: closed deals have no next step; each role lands on its own dashboard and every
admin page keeps the admin tab bar; the deal figures' charts are titled with their unit and show every month;
pages name a Chinese-capable font stack."""
import re
from datetime import timedelta

import pytest

from marketplace.deals import services
from marketplace.deals.figures import amounts_by_month
from marketplace.timeutil import local_today

from .deals_support import SIGN, advance_to, open_deal, world


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


# ---------------------------------------------------------------- 6. closed deals have no next step

@pytest.mark.parametrize("close", ["commercialized", "terminated"])
def test_a_closed_deal_keeps_no_next_step(db, client, login, make, close):
    w = world(make)
    deal = open_deal(w)
    services.set_next_step(deal, w.broker, "约双方签约", (local_today() + timedelta(days=3)).isoformat())
    db.session.commit()
    if close == "terminated":
        services.terminate_deal(deal, w.broker, "买方撤资")
        db.session.commit()
    else:
        advance_to(deal, close, w.broker)
    assert (deal.next_step, deal.next_step_on) == (None, None)

    login(w.broker)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'id="next-step"' not in page and "保存下一步" not in page
    refused = client.post(f"/deals/{deal.id}/next-step", data={"next_step": "再联系", "next_step_on": ""})
    assert refused.status_code in (302, 409)
    assert db.session.get(type(deal), deal.id).next_step is None


def test_board_shows_no_next_step_date_on_closed_deals(db, client, login, make):
    w = world(make)
    deal = open_deal(w)
    services.terminate_deal(deal, w.broker, "买方撤资")
    deal.next_step, deal.next_step_on = "旧数据", local_today()  # a closed deal as older code left it
    db.session.commit()
    login(w.broker)
    board = text_of(client.get("/deals/board"))
    assert "下一步" not in board.split("交易看板", 2)[-1]


def test_board_offers_a_stage_selector_and_columns_with_anchors(db, client, login, make):
    w = world(make)
    open_deal(w)
    login(w.broker)
    html = client.get("/deals/board").get_data(as_text=True)
    for stage in ("negotiating", "commercialized", "terminated"):
        assert f'href="#stage-{stage}"' in html and f'id="stage-{stage}"' in html


# ---------------------------------------------------------------- 8. each role's own dashboard

def test_admin_lands_on_review_queues_and_counts(db, client, login, make):
    w = world(make)
    make.achievement(owner=w.researcher, status="pending")
    login(w.admin)
    page = client.get("/me")
    html, text = page.get_data(as_text=True), text_of(page)
    assert "管理待办" in text and 'data-todo="pending"' in html and "待审核信息" in text
    assert "我的科技成果" not in text and "我的技术需求" not in text


def test_broker_lands_on_leads_due_next_steps_and_deals(db, client, login, make):
    w = world(make)
    deal = open_deal(w)
    services.set_next_step(deal, w.broker, "约双方现场考察", (local_today() + timedelta(days=2)).isoformat())
    db.session.commit()
    login(w.broker)
    text = text_of(client.get("/me"))
    assert "经纪工作台" in text and "待处理合作意向" in text and "约双方现场考察" in text
    assert "我的交易" in text and deal.title in text
    assert "我的科技成果" not in text and "我的技术需求" not in text


def test_researcher_and_enterprise_keep_their_listings(db, client, login, make):
    w = world(make)
    login(w.researcher)
    assert "我的科技成果" in text_of(client.get("/me"))
    login(w.enterprise)
    assert "我的技术需求" in text_of(client.get("/me"))


ADMIN_PAGES = ["/admin/", "/admin/review", "/admin/organizations", "/admin/users", "/admin/import",
               "/challenges/admin", "/deals/figures"]


def test_every_admin_page_keeps_the_admin_tab_bar(db, client, login, make):
    w = world(make)
    challenge = make.demand(challenge=True)
    login(w.admin)
    for url in ADMIN_PAGES + [f"/challenges/admin/{challenge.id}"]:
        html = client.get(url).get_data(as_text=True)
        assert 'href="/admin/review">信息审核</a>' in html, url
        assert "nav-link active" in html, url


def test_brokers_see_the_challenge_overview_without_the_admin_tab_bar(db, client, login, make):
    w = world(make)
    login(w.broker)
    html = client.get("/challenges/admin").get_data(as_text=True)
    assert "信息审核" not in html


def test_admin_overview_names_every_state_in_chinese(db, client, login, make):
    w = world(make)
    make.demand(challenge=True, status="in_progress")
    login(w.admin)
    text = text_of(client.get("/admin/"))
    assert "攻关中" in text and "in_progress" not in text


# ---------------------------------------------------------------- 9. readable figures

def test_months_without_contracts_show_as_zero(db, make):
    w = world(make)
    for signed_on in ("2026-06-10", "2026-09-02"):
        deal = open_deal(w, achievement_id=make.achievement(owner=w.researcher).id)
        services.advance_deal(deal, w.broker, "contract_signed", {**SIGN, "signed_on": signed_on})
    db.session.commit()
    from marketplace.models import Deal
    rows = amounts_by_month(db.session.scalars(db.select(Deal)).all())
    assert [(r["month"], r["count"], str(r["amount"])) for r in rows] == [
        ("2026-06", 1, "120.50"), ("2026-07", 0, "0.00"), ("2026-08", 0, "0.00"), ("2026-09", 1, "120.50")]


def test_each_chart_is_titled_with_its_unit(db, client, login, make):
    w = world(make)
    deal = open_deal(w)
    services.advance_deal(deal, w.broker, "contract_signed", SIGN)
    db.session.commit()
    login(w.admin)
    html = client.get("/deals/figures").get_data(as_text=True)
    captions = re.findall(r"<figcaption[^>]*>([^<]+)</figcaption>", html)
    assert captions == ["各阶段累计到达（笔）", "各阶段累计合同金额（万元）", "各阶段停留天数中位数（天）",
                        "按技术领域的签约金额（万元）", "按月份的签约金额（万元）"]
    assert 'viewBox="0 0 380 ' in html  # a phone-wide drawing: 13-unit labels stay ≥ 12 px at 390 px


# ---------------------------------------------------------------- fonts

def test_pages_name_a_chinese_capable_font_stack(client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/css/app.css" in page
    css = client.get("/static/css/app.css").get_data(as_text=True)
    stack = re.search(r"--bs-font-sans-serif:([^;]+);", css).group(1)
    for family in ('"PingFang SC"', '"Microsoft YaHei"', '"Noto Sans CJK SC"', '"WenQuanYi Micro Hei"'):
        assert family in stack
    assert stack.strip().endswith("sans-serif") and "body { font-family: var(--bs-font-sans-serif); }" in css

"""Deal pages: who sees what, the board, the lead queues, opening deals and moving them by form."""
from decimal import Decimal

import pytest

from marketplace.deals import enquiries, services
from marketplace.models import Deal, Enquiry, Notification

from .deals_support import SIGN, advance_to, make_match, open_deal, world

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


@pytest.fixture
def w(make):
    return world(make)


@pytest.mark.parametrize("who, status", [
    ("admin", 200), ("broker", 200), ("researcher", 200), ("colleague", 200), ("enterprise", 200),
    ("buyer_colleague", 200), ("other_broker", 404), ("other_enterprise", 404), ("other_researcher", 404),
])
def test_deal_page_visibility(w, db, client, login, who, status):
    deal = open_deal(w)
    login(getattr(w, who))
    response = client.get(f"/deals/{deal.id}")
    assert response.status_code == status
    if status == 200:
        assert deal.title in response.get_data(as_text=True)


def test_visitor_is_sent_to_login(w, db, client):
    deal = open_deal(w)
    for url in (f"/deals/{deal.id}", "/deals/", "/deals/leads", "/deals/new", "/deals/figures"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_parties_see_the_timeline_but_no_action_forms(w, db, client, login):
    deal = advance_to(open_deal(w), "contract_signed", w.broker)
    login(w.enterprise)
    html = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "已签约" in html and "立项" in html and "120.50 万元" in html
    assert 'id="advance"' not in html and 'id="notes"' not in html
    login(w.broker)
    html = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'id="advance"' in html and "认定登记号" in html and 'id="notes"' in html


@pytest.mark.parametrize("who", ["researcher", "enterprise"])
def test_party_posting_an_action_gets_403(w, db, client, login, who):
    deal = open_deal(w)
    login(getattr(w, who))
    assert client.post(f"/deals/{deal.id}/advance", data=dict(SIGN, to="contract_signed")).status_code == 403
    assert client.post(f"/deals/{deal.id}/terminate", data={"reason": "x"}).status_code == 403
    assert client.post(f"/deals/{deal.id}/notes", data={"body": "x"}).status_code == 403
    assert db.session.get(Deal, deal.id).stage == "negotiating"


def test_outsider_posting_an_action_gets_404(w, db, client, login):
    deal = open_deal(w)
    login(w.other_broker)
    assert client.post(f"/deals/{deal.id}/advance", data=dict(SIGN, to="contract_signed")).status_code == 404


@pytest.mark.parametrize("role", ["researcher", "enterprise"])
def test_board_leads_and_new_are_for_brokers_and_admins(w, db, client, login, make, role):
    login(make.user(role))
    for url in ("/deals/", "/deals/board", "/deals/leads", "/deals/new", "/deals/figures"):
        assert client.get(url).status_code == 403


def test_board_columns_with_decimal_sums_and_filters(w, db, client, login, make):
    first = advance_to(open_deal(w), "contract_signed", w.broker)
    second = open_deal(w, demand_id=None, buyer_org_id=w.other_enterprise.organization_id)  # one open deal a pair
    services.advance_deal(second, w.broker, "contract_signed", dict(SIGN, amount="0.25"))
    other_field = make.achievement(owner=w.researcher, title="智能装备成果", field="智能装备")
    third = open_deal(w, achievement_id=other_field.id)
    hidden = open_deal(w, broker=w.other_broker, achievement_id=make.achievement(owner=w.researcher).id)
    db.session.commit()
    login(w.broker)
    html = client.get("/deals/").get_data(as_text=True)
    signed_column = html.split('data-stage="contract_signed"')[1].split("</section>")[0]
    assert '<span class="badge bg-secondary" data-role="count">2</span>' in signed_column
    assert "120.75 万元" in signed_column  # 120.50 + 0.25, exact
    assert f'/deals/{hidden.id}"' not in html
    filtered = client.get("/deals/board?field=智能装备").get_data(as_text=True)
    assert f'/deals/{third.id}"' in filtered and f'/deals/{first.id}"' not in filtered
    login(w.admin)
    everything = client.get("/deals/").get_data(as_text=True)
    assert f'/deals/{hidden.id}"' in everything
    by_broker = client.get(f"/deals/?broker={w.other_broker.id}").get_data(as_text=True)
    assert f'/deals/{hidden.id}"' in by_broker and f'/deals/{first.id}"' not in by_broker
    outsider_org = make.organization(name="无关单位")
    by_org = client.get(f"/deals/?org={outsider_org.id}").get_data(as_text=True)
    assert f'/deals/{first.id}"' not in by_org


def test_leads_queue_lists_open_enquiries_and_proposals_best_first(w, db, client, login, make):
    enquiries.create_enquiry(w.enterprise, w.achievement.id, {"mode": "转让", "message": HOSTILE})
    weaker_demand = make.demand(owner=w.enterprise, title="弱匹配需求")
    make_match(w, score=0.9)
    make_match(w, score=0.3, demand=weaker_demand)
    make.match(make.demand(owner=w.enterprise, title="已忽略需求"), w.achievement, score=0.99, status="dismissed")
    login(w.broker)
    html = client.get("/deals/leads").get_data(as_text=True)
    assert html.index(w.demand.title) < html.index("弱匹配需求")
    assert "已忽略需求" not in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "/deals/new?enquiry_id=" in html and "/deals/new?match_id=" in html


def test_new_deal_from_match_get_and_post(w, db, client, login):
    match = make_match(w)
    login(w.broker)
    page = client.get(f"/deals/new?match_id={match.id}")
    assert page.status_code == 200 and w.demand.title in page.get_data(as_text=True)
    response = client.post(f"/deals/new?match_id={match.id}", data={})
    assert response.status_code == 302
    deal = db.session.scalar(db.select(Deal))
    assert response.headers["Location"].endswith(f"/deals/{deal.id}")
    db.session.refresh(match)
    assert (match.status, match.deal_id, deal.broker_id) == ("converted", deal.id, w.broker.id)
    again = client.post(f"/deals/new?match_id={match.id}", data={})
    assert again.status_code == 200 and "已处理" in again.get_data(as_text=True)
    assert client.get("/deals/new?match_id=99999").status_code == 404


def test_new_deal_from_enquiry_and_from_scratch(w, db, client, login):
    enquiry = enquiries.create_enquiry(w.enterprise, w.achievement.id, {"mode": "许可", "message": "想谈许可"})
    db.session.commit()
    login(w.admin)
    response = client.post(f"/deals/new?enquiry_id={enquiry.id}", data={"broker_id": str(w.broker.id)})
    assert response.status_code == 302
    assert db.session.get(Enquiry, enquiry.id).status == "converted"
    deal = db.session.scalar(db.select(Deal).where(Deal.enquiry_id == enquiry.id))
    assert deal.broker_id == w.broker.id
    login(w.broker)
    missing = client.post("/deals/new", data={"achievement_id": "", "buyer_org_id": ""})
    text = missing.get_data(as_text=True)
    assert missing.status_code == 200 and "请选择需求方企业" in text
    created = client.post("/deals/new", data={"achievement_id": str(w.achievement.id),
                                              "buyer_org_id": str(w.other_enterprise.organization_id)})
    assert created.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Deal.id))) == 2


def test_advance_by_form_with_chinese_errors_then_success(w, db, client, login):
    deal = open_deal(w)
    login(w.broker)
    bad = client.post(f"/deals/{deal.id}/advance", data={"to": "contract_signed", "contract_type": "技术转让",
                                                          "amount": "12.345", "signed_on": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "最多保留两位小数" in html and "请填写签约日期" in html
    assert db.session.get(Deal, deal.id).stage == "negotiating"
    skip = client.post(f"/deals/{deal.id}/advance", data={"to": "registered"}, follow_redirects=True)
    assert "须逐级推进" in skip.get_data(as_text=True)
    ok = client.post(f"/deals/{deal.id}/advance", data=dict(SIGN, to="contract_signed"))
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).amount == Decimal("120.50")


def test_terminate_note_and_next_step_by_form(w, db, client, login):
    deal = open_deal(w)
    login(w.broker)
    assert "请填写终止原因" in client.post(f"/deals/{deal.id}/terminate", data={"reason": ""}).get_data(as_text=True)
    client.post(f"/deals/{deal.id}/notes", data={"body": HOSTILE})
    client.post(f"/deals/{deal.id}/next-step", data={"next_step": "约谈", "next_step_on": "2020-01-01"})
    html = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "已逾期" in html
    bad_date = client.post(f"/deals/{deal.id}/next-step", data={"next_step": "约谈", "next_step_on": "明天"})
    assert "YYYY-MM-DD" in bad_date.get_data(as_text=True)
    client.post(f"/deals/{deal.id}/terminate", data={"reason": HOSTILE})
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).stage == "terminated"
    assert "&lt;script&gt;" in client.get(f"/deals/{deal.id}").get_data(as_text=True)


def test_admin_reassigns_on_the_page(w, db, client, login):
    deal = open_deal(w)
    login(w.broker)
    assert client.post(f"/deals/{deal.id}/assign", data={"broker_id": str(w.other_broker.id)}).status_code == 403
    login(w.admin)
    assert client.post(f"/deals/{deal.id}/assign", data={"broker_id": str(w.other_broker.id)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).broker_id == w.other_broker.id


def test_enquiry_page_for_enterprises_only(w, db, client, login, make):
    url = f"/achievements/{w.achievement.id}/enquire"
    assert client.get(url).status_code == 302
    login(w.researcher)
    assert client.get(url).status_code == 403
    login(w.enterprise)
    assert client.get(url).status_code == 200
    empty = client.post(url, data={"mode": "转让", "message": ""})
    assert "此项为必填" in empty.get_data(as_text=True)
    sent = client.post(url, data={"mode": "合作开发", "message": "希望联合开发"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/achievements/{w.achievement.id}")
    enquiry = db.session.scalar(db.select(Enquiry))
    assert (enquiry.mode, enquiry.status, enquiry.organization_id) == ("合作开发", "open", w.enterprise.organization_id)
    assert Notification.query.filter_by(user_id=w.researcher.id, kind="enquiry_received").count() == 1
    draft = make.achievement(owner=w.researcher, status="draft")
    assert client.get(f"/achievements/{draft.id}/enquire").status_code == 404


def test_broker_closes_an_enquiry(w, db, client, login):
    enquiry = enquiries.create_enquiry(w.enterprise, w.achievement.id, {"mode": "转让", "message": "x"})
    db.session.commit()
    login(w.broker)
    assert client.post(f"/deals/enquiries/{enquiry.id}/close").status_code == 302
    assert db.session.get(Enquiry, enquiry.id).status == "closed"
    login(w.enterprise)
    assert client.post(f"/deals/enquiries/{enquiry.id}/close").status_code == 403


def test_achievement_page_offers_the_enquiry_button(w, db, client, login):
    url = f"/achievements/{w.achievement.id}"
    assert "登录后提交合作意向" in client.get(url).get_data(as_text=True)
    login(w.enterprise)
    html = client.get(url).get_data(as_text=True)
    assert f'href="/achievements/{w.achievement.id}/enquire"' in html and "提交合作意向" in html
    enquiries.create_enquiry(w.enterprise, w.achievement.id, {"mode": "转让", "message": "x"})
    db.session.commit()
    assert "已提交合作意向" in client.get(url).get_data(as_text=True)
    login(w.researcher)
    assert 'id="enquiry-panel"' not in client.get(url).get_data(as_text=True)


def test_me_page_lists_the_users_deals(w, db, client, login):
    deal = open_deal(w)
    login(w.buyer_colleague)
    html = client.get("/me").get_data(as_text=True)
    assert 'id="my-deals"' in html and f'/deals/{deal.id}"' in html
    login(w.other_enterprise)
    assert f'/deals/{deal.id}"' not in client.get("/me").get_data(as_text=True)

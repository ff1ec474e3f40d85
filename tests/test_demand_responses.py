"""我有相关成果 (#11 item 4): a researcher answers an ordinary demand with an achievement or a capability;
a lead for brokers, a notification for the demand's owner, one response per (demand, achievement)."""
import re

import pytest

from marketplace.models import DemandResponse, Notification
from marketplace.trust import responses
from marketplace.workflow import NotFound, PermissionDenied, ValidationFailed

from .deals_support import world


def text_of(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def notes_for(db, user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).all()


def test_researcher_responds_with_an_achievement_owner_and_brokers_see_it(client, db, make, login):
    w = world(make)
    login(w.researcher)
    page = text_of(client.get(f"/demands/{w.demand.id}"))
    assert "我有相关成果" in page and f"/demands/{w.demand.id}/respond" in page
    form_page = text_of(client.get(f"/demands/{w.demand.id}/respond"))
    assert w.achievement.title in form_page  # the researcher's published achievement is offered
    done = client.post(f"/demands/{w.demand.id}/respond", data={
        "achievement_id": str(w.achievement.id), "message": "该成果可满足贵司导热需求"}, follow_redirects=True)
    assert "已提交响应" in text_of(done)
    saved = db.session.query(DemandResponse).one()
    assert (saved.achievement_id, saved.user_id, saved.organization_id) == (
        w.achievement.id, w.researcher.id, w.researcher.organization_id)
    [note] = notes_for(db, w.enterprise, "demand_response")
    assert w.achievement.title in note.message and note.url == f"/demands/{w.demand.id}#responses"

    login(w.enterprise)  # the demand's owner sees the responses on the demand's page
    owner_page = text_of(client.get(f"/demands/{w.demand.id}"))
    assert "成果响应" in owner_page and "该成果可满足贵司导热需求" in owner_page and f'id="response-{saved.id}"' in owner_page
    assert "/respond" not in owner_page  # no 我有相关成果 on one's own demand

    login(w.broker)  # a lead on /deals/leads, which the broker can open as a deal or close
    leads = text_of(client.get("/deals/leads"))
    assert "成果响应需求" in leads and f'data-response="{saved.id}"' in leads
    assert f"achievement_id={w.achievement.id}" in leads
    new_deal = text_of(client.get(f"/deals/new?achievement_id={w.achievement.id}"
                                  f"&buyer_org_id={w.demand.organization_id}"))
    assert re.search(rf'<option selected value="{w.achievement.id}">|<option value="{w.achievement.id}" selected',
                     new_deal)
    client.post(f"/deals/responses/{saved.id}/close")
    db.session.expire_all()
    assert db.session.get(DemandResponse, saved.id).status == "closed"
    assert notes_for(db, w.researcher, "demand_response_closed")
    assert f'data-response="{saved.id}"' not in text_of(client.get("/deals/leads"))


def test_a_second_response_with_the_same_achievement_shows_the_first(client, db, make, login):
    w = world(make)
    login(w.researcher)
    url = f"/demands/{w.demand.id}/respond"
    client.post(url, data={"achievement_id": str(w.achievement.id), "message": "第一次"})
    first = db.session.query(DemandResponse).one()
    again = client.post(url, data={"achievement_id": str(w.achievement.id), "message": "第二次"})
    assert again.status_code == 302 and again.headers["Location"].endswith(f"#response-{first.id}")
    page = text_of(client.get(f"/demands/{w.demand.id}"))
    assert "已响应过该需求" in page and "第一次" in page and "第二次" not in page
    assert db.session.query(DemandResponse).count() == 1
    with pytest.raises(responses.ResponseExists) as caught:  # a colleague offering the same achievement too
        responses.create_response(w.colleague, w.demand.id, {"achievement_id": w.achievement.id, "message": "再次"})
    assert caught.value.response.id == first.id


def test_capability_only_response_and_field_errors(client, db, make, login):
    w = world(make)
    login(w.other_researcher)  # no published achievement: a capability in text
    url = f"/demands/{w.demand.id}/respond"
    empty = client.post(url, data={"achievement_id": "", "capability": "", "message": ""})
    page = text_of(empty)
    assert empty.status_code == 400 and "请选择一项已发布的成果，或填写能力说明" in page and "请填写留言" in page
    stolen = client.post(url, data={"achievement_id": str(w.achievement.id), "message": "借用他人成果"})
    assert stolen.status_code == 400 and "请选择您（或您单位）已发布的科技成果" in text_of(stolen)
    ok = client.post(url, data={"achievement_id": "", "capability": "十年导热膜研发", "message": "可合作开发"})
    assert ok.status_code == 302
    saved = db.session.query(DemandResponse).one()
    assert saved.achievement_id is None and saved.capability == "十年导热膜研发"
    assert "相关技术能力" in notes_for(db, w.enterprise, "demand_response")[0].message
    assert "十年导热膜研发" in text_of(client.get(f"/demands/{w.demand.id}"))  # the sender sees their response


def test_who_may_respond(db, make):
    w = world(make)
    challenge = make.demand(owner=w.enterprise, challenge=True)
    data = {"capability": "能力", "message": "留言"}
    for user in (w.enterprise, w.broker, w.admin, w.other_enterprise):
        with pytest.raises(PermissionDenied):
            responses.create_response(user, w.demand.id, data)
    with pytest.raises(NotFound):
        responses.create_response(w.researcher, challenge.id, data)  # challenges take applications instead
    draft = make.demand(owner=w.enterprise, status="draft")
    with pytest.raises(NotFound):
        responses.create_response(w.researcher, draft.id, data)
    # an enterprise whose organization has a published achievement may respond with it
    make.achievement(owner=w.other_enterprise, title="企业自有成果")
    assert responses.can_respond(w.other_enterprise, w.demand)
    with pytest.raises(ValidationFailed):
        responses.create_response(w.researcher, w.demand.id, {"achievement_id": "1.5", "message": "x"})

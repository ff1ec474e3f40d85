"""JSON API for challenges: 201/400/401/403/404/409 and the same rules as the pages."""
import pytest

from marketplace.models import Application

from .challenge_support import PROPOSAL, application, events, notices, overdue, reload
from .factories import PASSWORD


@pytest.fixture
def auth(client):
    def headers(user):
        response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return headers


@pytest.fixture
def owner(make):
    return make.user("enterprise")


@pytest.fixture
def challenge(make, owner):
    return make.demand(owner=owner, challenge=True)


def test_apply_returns_201_with_the_application(client, auth, make, challenge, db):
    researcher = make.user("researcher")
    response = client.post(f"/api/v1/demands/{challenge.id}/applications", headers=auth(researcher),
                           json={"proposal": "<p>方案</p><script>alert(1)</script>", "quote": 66.6, "team": "团队"})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["quote"], body["demand_id"]) == ("submitted", "66.60", challenge.id)
    assert "<script>" not in body["proposal"] and body["reason"] is None
    assert db.session.get(Application, body["id"]).applicant_id == researcher.id


@pytest.mark.parametrize("payload", [None, [], {"quote": "1"}, {"proposal": "方案"}, {"proposal": "方案", "quote": "x"},
                                     {"proposal": 5, "quote": "1"}, {"proposal": "方案", "quote": True}])
def test_apply_bad_input_is_400(client, auth, make, challenge, payload):
    headers = auth(make.user("researcher"))
    response = client.post(f"/api/v1/demands/{challenge.id}/applications", headers=headers,
                           **({"json": payload} if payload is not None else {"data": "not json"}))
    assert response.status_code == 400
    assert set(response.get_json()["error"]) >= {"code", "message"}


def test_apply_without_or_with_a_bad_token_is_401(client, challenge):
    assert client.post(f"/api/v1/demands/{challenge.id}/applications", json=PROPOSAL).status_code == 401
    response = client.post(f"/api/v1/demands/{challenge.id}/applications", json=PROPOSAL,
                           headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("role", ["enterprise", "broker", "admin"])
def test_apply_by_a_non_researcher_is_403(client, auth, make, challenge, role):
    response = client.post(f"/api/v1/demands/{challenge.id}/applications", headers=auth(make.user(role)), json=PROPOSAL)
    assert response.status_code == 403


def test_apply_to_hidden_or_ordinary_demands_is_404(client, auth, make):
    headers = auth(make.user("researcher"))
    for demand in (make.demand(challenge=True, status="draft"), make.demand(), ):
        assert client.post(f"/api/v1/demands/{demand.id}/applications", headers=headers,
                           json=PROPOSAL).status_code == 404
    assert client.post("/api/v1/demands/9999/applications", headers=headers, json=PROPOSAL).status_code == 404


def test_apply_after_deadline_twice_or_when_closed_is_409(client, auth, make, challenge):
    researcher = make.user("researcher")
    headers = auth(researcher)
    late = overdue(make)
    response = client.post(f"/api/v1/demands/{late.id}/applications", headers=headers, json=PROPOSAL)
    assert response.get_json()["error"]["message"] == "申请截止时间已过，不能再提交或修改申请"
    assert response.status_code == 409
    assert client.post(f"/api/v1/demands/{challenge.id}/applications", headers=headers, json=PROPOSAL).status_code == 201
    response = client.post(f"/api/v1/demands/{challenge.id}/applications", headers=headers, json=PROPOSAL)
    assert response.status_code == 409 and "已申请过" in response.get_json()["error"]["message"]


def test_get_application_for_applicant_and_owner_only(client, auth, make, challenge, owner):
    app = application(challenge, make=make)
    for user in (app.applicant, owner, make.user("admin")):
        response = client.get(f"/api/v1/applications/{app.id}", headers=auth(user))
        assert response.status_code == 200 and response.get_json()["status"] == "submitted"
    for user in (make.user("researcher"), make.user("enterprise"), make.user("broker")):
        assert client.get(f"/api/v1/applications/{app.id}", headers=auth(user)).status_code == 404
    assert client.get(f"/api/v1/applications/{app.id}").status_code == 401


def test_owner_shortlists_declines_and_applicant_sees_the_reason(client, auth, make, challenge, owner):
    app = application(challenge, make=make)
    headers = auth(owner)
    response = client.post(f"/api/v1/applications/{app.id}/shortlist", headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "shortlisted"
    assert client.post(f"/api/v1/applications/{app.id}/shortlist", headers=headers).status_code == 409
    assert client.post(f"/api/v1/applications/{app.id}/decline", headers=headers, json={}).status_code == 400
    assert client.post(f"/api/v1/applications/{app.id}/decline", headers=headers,
                       json={"reason": "x", "code": "nope"}).status_code == 400
    response = client.post(f"/api/v1/applications/{app.id}/decline", headers=headers,
                           json={"reason": "报价超出预算一倍", "code": "quote"})
    assert response.status_code == 200
    body = client.get(f"/api/v1/applications/{app.id}", headers=auth(app.applicant)).get_json()
    assert (body["status"], body["code"], body["reason"]) == ("declined", "quote", "报价超出预算一倍")
    assert [e["action"] for e in body["events"]] == ["shortlist", "decline"]
    assert client.post(f"/api/v1/applications/{app.id}/decline", headers=headers,
                       json={"reason": "again"}).status_code == 409


def test_applicant_or_other_enterprise_cannot_act_on_applications(client, auth, make, challenge):
    app = application(challenge, make=make)
    assert client.post(f"/api/v1/applications/{app.id}/shortlist", headers=auth(app.applicant)).status_code == 403
    assert client.post(f"/api/v1/applications/{app.id}/select",
                       headers=auth(make.user("enterprise"))).status_code == 404
    assert reload(app).status == "submitted"


def test_select_is_409_before_close_then_awards(client, auth, make, challenge, owner):
    first, second = application(challenge, make=make), application(challenge, make=make)
    headers = auth(owner)
    assert client.post(f"/api/v1/applications/{first.id}/select", headers=headers).status_code == 409
    response = client.post(f"/api/v1/demands/{challenge.id}/close", headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "reviewing"
    response = client.post(f"/api/v1/applications/{first.id}/select", headers=headers)
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["challenge_status"]) == ("selected", "awarded")
    assert client.post(f"/api/v1/applications/{second.id}/select", headers=headers).status_code == 409
    assert reload(second).decline_reason == "已选定其他团队"
    assert notices(first.applicant, "application_selected")


def test_cancel_needs_a_reason_and_only_the_owner(client, auth, make, challenge, owner):
    url = f"/api/v1/demands/{challenge.id}/cancel"
    assert client.post(url, headers=auth(owner), json={}).status_code == 400
    assert client.post(url, headers=auth(owner), json={"reason": 3}).status_code == 400
    assert client.post(url, headers=auth(make.user("enterprise")), json={"reason": "x"}).status_code == 403
    assert client.post(url, headers=auth(make.user("researcher")), json={"reason": "x"}).status_code == 403
    assert client.post(url, json={"reason": "x"}).status_code == 401
    response = client.post(url, headers=auth(owner), json={"reason": "战略调整"})
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["close_reason"]) == ("cancelled", "战略调整")
    assert client.post(url, headers=auth(owner), json={"reason": "again"}).status_code == 409
    assert client.post(f"/api/v1/demands/{challenge.id}/close", headers=auth(owner)).status_code == 409
    assert [e.action for e in events("demand", challenge.id)] == ["cancel"]


def test_reading_the_api_shows_an_overdue_challenge_under_review_without_writing(client, auth, make):
    late = overdue(make)
    app = application(late, make=make)
    response = client.get(f"/api/v1/applications/{app.id}", headers=auth(app.applicant))
    assert response.get_json()["challenge_status"] == "reviewing"
    assert client.get(f"/api/v1/demands/{late.id}").get_json()["status"] == "reviewing"
    assert (reload(late).status, events("demand", late.id)) == ("published", [])  # the hourly task records it


def test_applicant_updates_and_withdraws_over_the_api(client, auth, make, challenge):
    researcher = make.user("researcher")
    headers = auth(researcher)
    app_id = client.post(f"/api/v1/demands/{challenge.id}/applications", headers=headers,
                         json=PROPOSAL).get_json()["id"]
    response = client.patch(f"/api/v1/applications/{app_id}", headers=headers, json={"quote": "30"})
    assert response.status_code == 200 and response.get_json()["quote"] == "30.00"
    assert client.post(f"/api/v1/applications/{app_id}/withdraw", headers=headers).get_json()["status"] == "withdrawn"
    assert client.post(f"/api/v1/applications/{app_id}/withdraw", headers=headers).status_code == 409

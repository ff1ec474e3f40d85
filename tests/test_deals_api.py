"""The deals JSON API (DESIGN §6): create, advance one stage at a time, terminate, read with events."""
import pytest

from marketplace.api.auth import issue_token
from marketplace.extensions import db as _db
from marketplace.models import Deal, Match

from .deals_support import COMPLETE, DELIVER, PATH, REGISTER, STAGE_DATA, advance_to, make_match, open_deal, world
from .factories import PASSWORD

ADVANCE_BODIES = {target: dict(data, to=target) for target, data in STAGE_DATA.items()}
REQUIRED = {"contract_signed": ("contract_type", "amount", "signed_on"),
            "registered": ("registration_no", "registered_on"), "delivering": ("note",), "commercialized": ("note",)}


@pytest.fixture
def w(make):
    return world(make)


@pytest.fixture
def auth(app):
    tokens = {}

    def headers(user):
        if user.id not in tokens:  # one token per user and test: checking the password is slow on purpose
            tokens[user.id] = issue_token(user.email, PASSWORD)
            _db.session.commit()
        return {"Authorization": f"Bearer {tokens[user.id]}"}

    return headers


def test_create_deal_201_with_stage_and_events(w, client, auth):
    response = client.post("/api/v1/deals", json={"achievement_id": w.achievement.id, "demand_id": w.demand.id},
                           headers=auth(w.broker))
    assert response.status_code == 201
    body = response.json
    assert body["stage"] == "negotiating" and body["broker_id"] == w.broker.id
    assert body["buyer_org_id"] == w.enterprise.organization_id
    assert [(e["from"], e["to"]) for e in body["events"]] == [(None, "negotiating")]


def test_create_deal_from_match_converts_it(w, db, client, auth):
    match = make_match(w)
    response = client.post("/api/v1/deals", json={"achievement_id": w.achievement.id, "match_id": match.id},
                           headers=auth(w.broker))
    assert response.status_code == 201
    match = db.session.get(Match, match.id)
    assert (match.status, match.deal_id) == ("converted", response.json["id"])
    again = client.post("/api/v1/deals", json={"achievement_id": w.achievement.id, "match_id": match.id},
                        headers=auth(w.broker))
    assert again.status_code == 409


def test_admin_assigns_broker_on_create_and_broker_cannot(w, client, auth):
    body = {"achievement_id": w.achievement.id, "broker_id": w.other_broker.id,
            "buyer_org_id": w.enterprise.organization_id}
    assert client.post("/api/v1/deals", json=body, headers=auth(w.broker)).status_code == 403
    response = client.post("/api/v1/deals", json=body, headers=auth(w.admin))
    assert response.status_code == 201 and response.json["broker_id"] == w.other_broker.id


@pytest.mark.parametrize("role", ["researcher", "enterprise"])
def test_create_deal_forbidden_for_parties(w, client, auth, make, role):
    response = client.post("/api/v1/deals", json={"achievement_id": w.achievement.id}, headers=auth(make.user(role)))
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_create_deal_bad_input_and_no_token(w, client, auth):
    assert client.post("/api/v1/deals", json={"achievement_id": w.achievement.id}).status_code == 401
    bad = client.post("/api/v1/deals", json={"achievement_id": "x"}, headers=auth(w.broker))
    assert bad.status_code == 400 and "achievement_id" in bad.json["error"]["fields"]
    assert client.post("/api/v1/deals", data="[]", content_type="application/json",
                       headers=auth(w.broker)).status_code == 400
    missing = client.post("/api/v1/deals", json={"achievement_id": 9999}, headers=auth(w.broker))
    assert missing.status_code == 400


def test_the_api_like_the_page_refuses_a_deal_without_a_buyer(w, client, auth, db):
    response = client.post("/api/v1/deals", json={"achievement_id": w.achievement.id}, headers=auth(w.broker))
    assert response.status_code == 400
    assert response.json["error"]["fields"] == {"buyer_org_id": "请选择需求方企业"}
    assert db.session.scalar(db.select(db.func.count()).select_from(Deal)) == 0


def test_full_path_one_stage_at_a_time(w, client, auth):
    deal = open_deal(w)
    headers = auth(w.broker)
    for target in PATH[1:]:
        response = client.post(f"/api/v1/deals/{deal.id}/advance", json=ADVANCE_BODIES[target], headers=headers)
        assert response.status_code == 200, response.json
        assert response.json["stage"] == target
    body = client.get(f"/api/v1/deals/{deal.id}", headers=headers).json
    assert [e["to"] for e in body["events"]] == list(PATH)
    assert all(e["actor_id"] == w.broker.id for e in body["events"])
    assert body["amount"] == "120.50" and body["signed_on"] == "2024-03-01"
    assert body["registration_no"] == REGISTER["registration_no"] and body["registered_on"] == "2024-03-15"
    assert body["delivery_note"] == DELIVER["note"] and body["outcome_note"] == COMPLETE["note"]


@pytest.mark.parametrize("start", PATH)
def test_skipping_or_going_back_is_409(w, client, auth, start):
    deal = advance_to(open_deal(w), start, w.broker)
    headers = auth(w.broker)
    for target in PATH:
        if PATH.index(target) == PATH.index(start) + 1:
            continue
        body = ADVANCE_BODIES.get(target, {"to": target})
        response = client.post(f"/api/v1/deals/{deal.id}/advance", json=body, headers=headers)
        assert response.status_code == 409, (start, target)
        assert response.json["error"]["code"] == "invalid_transition"


@pytest.mark.parametrize("target", PATH[1:])
def test_missing_fields_are_400_with_field_errors(w, client, auth, target):
    deal = advance_to(open_deal(w), PATH[PATH.index(target) - 1], w.broker)
    response = client.post(f"/api/v1/deals/{deal.id}/advance", json={"to": target}, headers=auth(w.broker))
    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == set(REQUIRED[target])
    for field in REQUIRED[target]:
        body = dict(ADVANCE_BODIES[target])
        body.pop(field)
        response = client.post(f"/api/v1/deals/{deal.id}/advance", json=body, headers=auth(w.broker))
        assert response.status_code == 400 and list(response.json["error"]["fields"]) == [field]


@pytest.mark.parametrize("amount", ["12.345", "12.3x", -1, "0"])
def test_bad_amount_is_400(w, client, auth, amount):
    deal = open_deal(w)
    body = dict(ADVANCE_BODIES["contract_signed"], amount=amount)
    response = client.post(f"/api/v1/deals/{deal.id}/advance", json=body, headers=auth(w.broker))
    assert response.status_code == 400 and "amount" in response.json["error"]["fields"]


def test_bad_date_and_unknown_target_are_400(w, client, auth):
    deal = open_deal(w)
    headers = auth(w.broker)
    response = client.post(f"/api/v1/deals/{deal.id}/advance",
                           json=dict(ADVANCE_BODIES["contract_signed"], signed_on="01/03/2024"), headers=headers)
    assert response.status_code == 400 and "YYYY-MM-DD" in response.json["error"]["fields"]["signed_on"]
    for body in ({"to": "done"}, {}, {"to": 3}):
        assert client.post(f"/api/v1/deals/{deal.id}/advance", json=body, headers=headers).status_code == 400


@pytest.mark.parametrize("start", PATH[:-1])
def test_terminate_from_every_open_stage(w, client, auth, start):
    deal = advance_to(open_deal(w), start, w.broker)
    headers = auth(w.broker)
    missing = client.post(f"/api/v1/deals/{deal.id}/terminate", json={}, headers=headers)
    assert missing.status_code == 400 and "reason" in missing.json["error"]["fields"]
    response = client.post(f"/api/v1/deals/{deal.id}/terminate", json={"reason": "资金未到位"}, headers=headers)
    assert response.status_code == 200
    assert response.json["stage"] == "terminated" and response.json["terminate_reason"] == "资金未到位"
    assert response.json["events"][-1]["from"] == start
    again = client.post(f"/api/v1/deals/{deal.id}/terminate", json={"reason": "再次"}, headers=headers)
    assert again.status_code == 409


def test_terminate_refused_from_commercialized(w, client, auth):
    deal = advance_to(open_deal(w), "commercialized", w.broker)
    response = client.post(f"/api/v1/deals/{deal.id}/terminate", json={"reason": "x"}, headers=auth(w.broker))
    assert response.status_code == 409


@pytest.mark.parametrize("who, read, act", [
    ("admin", 200, 200), ("broker", 200, 200), ("researcher", 200, 403), ("colleague", 200, 403),
    ("enterprise", 200, 403), ("buyer_colleague", 200, 403),
    ("other_broker", 404, 404), ("other_enterprise", 404, 404), ("other_researcher", 404, 404),
])
def test_api_visibility_by_role(w, client, auth, who, read, act):
    deal = open_deal(w)
    headers = auth(getattr(w, who))
    assert client.get(f"/api/v1/deals/{deal.id}", headers=headers).status_code == read
    response = client.post(f"/api/v1/deals/{deal.id}/advance", json=ADVANCE_BODIES["contract_signed"], headers=headers)
    assert response.status_code == act
    assert client.get(f"/api/v1/deals/{deal.id + 100}", headers=headers).status_code == 404

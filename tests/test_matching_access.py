"""Authorization of every matching route for every role (pages and JSON API)."""
import pytest

from marketplace.api.auth import issue_token
from marketplace.extensions import db
from marketplace.matching import services, subscriptions

from . import factories
from .matching_support import new_achievement, new_demand

ROLES = ("visitor", "researcher", "enterprise", "broker", "admin", "owner")


@pytest.fixture
def pair(make):
    achievement = new_achievement()
    need = new_demand()
    return achievement, need


def _actor(role, owner):
    if role == "visitor":
        return None
    if role == "owner":
        return owner
    return factories.user(role)


@pytest.mark.parametrize("role,expected", [("visitor", 302), ("researcher", 403), ("enterprise", 403),
                                           ("broker", 200), ("admin", 200), ("owner", 200)])
@pytest.mark.parametrize("side", ["demand", "achievement"])
def test_matches_page_by_role(client, login, pair, role, expected, side):
    achievement, need = pair
    listing = need if side == "demand" else achievement
    login(_actor(role, listing.owner))
    response = client.get(f"/{side}s/{listing.id}/matches")
    assert response.status_code == expected
    if expected == 302:
        assert "/login" in response.headers["Location"]
    if expected == 200:
        other = achievement if side == "demand" else need
        assert other.title in response.get_data(as_text=True)


def test_matches_page_hides_drafts_and_missing(client, login, make):
    login(make.user("broker"))
    draft = make.demand(status="draft")
    assert client.get(f"/demands/{draft.id}/matches").status_code == 404
    assert client.get("/demands/9999/matches").status_code == 404


@pytest.mark.parametrize("role,expected", [("visitor", 401), ("researcher", 403), ("enterprise", 403),
                                           ("broker", 200), ("admin", 200), ("owner", 200)])
def test_matches_api_by_role(client, pair, role, expected):
    achievement, need = pair
    user = _actor(role, need.owner)
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {issue_token(user.email, factories.PASSWORD)}"
        db.session.commit()
    response = client.get(f"/api/v1/demands/{need.id}/matches", headers=headers)
    assert response.status_code == expected
    if expected == 200:
        [item] = response.json["items"]
        assert item["id"] == achievement.id and item["title"] == achievement.title
        assert 0 < item["score"] <= 1 and "石墨烯" in item["terms"]
    else:
        assert "error" in response.json


def test_matches_api_missing_listing_is_404_and_achievement_side_works(client, pair):
    achievement, need = pair
    token = issue_token(achievement.owner.email, factories.PASSWORD)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/achievements/9999/matches", headers=headers).status_code == 404
    response = client.get(f"/api/v1/achievements/{achievement.id}/matches", headers=headers)
    assert [item["id"] for item in response.json["items"]] == [need.id]


@pytest.mark.parametrize("role,expected", [("visitor", 302), ("researcher", 403), ("enterprise", 403),
                                           ("broker", 200), ("admin", 200)])
def test_workbench_by_role(client, login, pair, role, expected):
    login(_actor(role, None))
    response = client.get("/matching/workbench")
    assert response.status_code == expected
    if expected == 200:
        body = response.get_data(as_text=True)
        match = services.proposals_for(pair[1])[0]
        assert f"/deals/new?match_id={match.id}" in body


@pytest.mark.parametrize("role,expected", [("visitor", 302), ("researcher", 403), ("enterprise", 403),
                                           ("broker", 302), ("admin", 302), ("owner", 302)])
def test_dismiss_by_role(client, login, pair, role, expected):
    achievement, need = pair
    match = services.proposals_for(need)[0]
    login(_actor(role, need.owner))
    response = client.post(f"/matches/{match.id}/dismiss", data={"reason": "条件不符"})
    assert response.status_code == expected
    dismissed = db.session.get(type(match), match.id).status == "dismissed"
    assert dismissed == (role in ("broker", "admin", "owner"))


def test_achievement_owner_may_dismiss_too(client, login, pair):
    achievement, need = pair
    match = services.proposals_for(need)[0]
    login(achievement.owner)
    assert client.post(f"/matches/{match.id}/dismiss", data={"reason": "已合作"}).status_code == 302
    assert client.post("/matches/9999/dismiss").status_code == 404


@pytest.mark.parametrize("role", ROLES[:-1])
def test_subscriptions_page_by_role(client, login, role):
    login(_actor(role, None))
    response = client.get("/matching/subscriptions")
    assert response.status_code == (302 if role == "visitor" else 200)


def test_cannot_delete_someone_elses_subscription(client, login, make):
    owner = make.user("researcher")
    subscription = subscriptions.add(owner, keywords="石墨烯")
    db.session.commit()
    login(make.user("enterprise"))
    assert client.post(f"/matching/subscriptions/{subscription.id}/delete").status_code == 403
    assert subscriptions.list_for(owner)
    login(None)
    assert client.post(f"/matching/subscriptions/{subscription.id}/delete").status_code == 302

"""Stored proposals: top-k best first with explaining terms, dismissal, push and subscriptions."""
from marketplace.extensions import db
from marketplace.matching import services, subscriptions
from marketplace.models import Match, Notification

from .matching_support import new_achievement, new_demand


def _notes(user, kind):
    return db.session.scalars(db.select(Notification).where(Notification.user_id == user.id,
                                                            Notification.kind == kind)).all()


def test_top_ten_proposals_best_first_with_terms(make):
    owner = make.user("researcher")
    for n in range(12):
        new_achievement(owner=owner, title=f"石墨烯散热膜第{n}代", summary="石墨烯导热散热膜" + "，改进" * n)
    new_achievement(owner=owner, title="水稻育种", summary="抗倒伏水稻新品种", keywords="水稻", field="现代农业")
    need = new_demand(title="寻求石墨烯散热膜", description="<p>需要石墨烯导热散热膜</p>")
    proposals = services.proposals_for(need)
    assert len(proposals) >= 10
    scores = [m.score for m in proposals]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    assert "石墨烯" in proposals[0].term_list
    assert all(m.achievement.title != "水稻育种" for m in proposals)


def test_proposals_exist_in_both_directions(make):
    achievement = new_achievement()
    need = new_demand()
    assert [m.achievement_id for m in services.proposals_for(need)] == [achievement.id]
    assert [m.demand_id for m in services.proposals_for(achievement)] == [need.id]


def test_dismissed_pair_is_never_proposed_again(client, login, make):
    achievement = new_achievement()
    other = new_achievement(title="石墨烯散热涂层", summary="石墨烯散热")
    need = new_demand()
    match = next(m for m in services.proposals_for(need) if m.achievement_id == achievement.id)
    login(need.owner)
    response = client.post(f"/matches/{match.id}/dismiss", data={"next": f"/demands/{need.id}/matches", "reason": "条件不符"})
    assert response.status_code == 302
    assert db.session.get(Match, match.id).status == "dismissed"
    services.propose_for(need)
    db.session.commit()
    shown = [m.achievement_id for m in services.proposals_for(need)]
    assert achievement.id not in shown and other.id in shown
    assert db.session.get(Match, match.id).status == "dismissed"
    page = client.get(f"/demands/{need.id}/matches").get_data(as_text=True)
    assert f"/achievements/{achievement.id}\"" not in page


def test_publishing_a_demand_pushes_to_the_right_owner_only(make):
    right = make.user("researcher")
    unrelated = make.user("researcher")
    new_achievement(owner=right, title="石墨烯导热膜", summary="高导热石墨烯散热膜", keywords="石墨烯,散热")
    new_achievement(owner=unrelated, title="水稻抗倒伏育种", summary="水稻新品种选育", keywords="水稻",
                    field="现代农业")
    need = new_demand(title="寻求石墨烯散热膜", description="<p>电子设备需要高导热石墨烯散热膜</p>")
    pushed = _notes(right, "match_push")
    assert len(pushed) == 1 and need.title in pushed[0].message
    assert _notes(unrelated, "match_push") == []
    services.propose_for(need, push=True)  # a recompute is not news
    db.session.commit()
    assert len(_notes(right, "match_push")) == 1


def test_subscribers_hear_about_matching_new_listings(client, login, make):
    fan = make.user("enterprise")
    other = make.user("enterprise")
    login(fan)
    client.post("/matching/subscriptions", data={"field": "", "kind": "", "keywords": "石墨烯"})
    subscriptions.add(other, keywords="高熵合金")
    db.session.commit()
    listing = new_achievement(title="石墨烯导热膜")
    notes = _notes(fan, "subscription_match")
    assert len(notes) == 1 and notes[0].url == f"/achievements/{listing.id}"
    assert _notes(other, "subscription_match") == []


def test_subscription_form_refuses_empty_and_deletes_own(client, login, make):
    user = login(make.user("researcher"))
    response = client.post("/matching/subscriptions", data={"field": "", "kind": "", "keywords": ""})
    assert response.status_code == 200 and "请至少选择一个技术领域或填写一个关键词" in response.get_data(as_text=True)
    client.post("/matching/subscriptions", data={"field": "新材料", "kind": "achievement", "keywords": "<b>x</b>"})
    [subscription] = subscriptions.list_for(user)
    assert "&lt;b&gt;x&lt;/b&gt;" in client.get("/matching/subscriptions").get_data(as_text=True)
    assert client.post(f"/matching/subscriptions/{subscription.id}/delete").status_code == 302
    assert subscriptions.list_for(user) == []


def test_detail_page_panel_for_owner_not_for_visitor(client, login, make):
    new_achievement(title="石墨烯导热膜")
    need = new_demand()
    assert "匹配推荐" not in client.get(f"/demands/{need.id}").get_data(as_text=True)
    login(need.owner)
    body = client.get(f"/demands/{need.id}").get_data(as_text=True)
    assert 'id="match-panel"' in body and "石墨烯导热膜" in body

"""Feedback on proposals (matching/feedback.py): reasons for dismissals, what the ranking learns, conversion."""
import re
from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.matching import feedback, services
from marketplace.models import Enquiry, Match
from marketplace.timeutil import utcnow
from marketplace.workflow import ValidationFailed

from .matching_support import new_achievement, new_demand


def _match(need, achievement):
    return next(m for m in services.proposals_for(need) if m.achievement_id == achievement.id)


# ---------------------------------------------------------------- asking for a reason

@pytest.mark.parametrize("data,field", [({}, "reason"), ({"reason": "不喜欢"}, "reason"),
                                        ({"reason": "其他"}, "note"), ({"reason": "其他", "note": "  "}, "note"),
                                        ({"reason": "不相关", "note": "长" * 301}, "note")])
def test_dismiss_without_a_valid_reason_is_refused(client, login, make, data, field):
    achievement, need = new_achievement(), new_demand()
    match = _match(need, achievement)
    with pytest.raises(ValidationFailed) as raised:
        services.dismiss(match, need.owner, data)
    assert field in raised.value.errors and re.search(r"[\u4e00-\u9fff]", raised.value.errors[field])
    db.session.rollback()
    login(need.owner)
    response = client.post(f"/matches/{match.id}/dismiss", data=dict(data, next=f"/demands/{need.id}/matches"),
                           follow_redirects=True)
    assert raised.value.errors[field] in response.get_data(as_text=True)
    assert db.session.get(Match, match.id).status == "proposed"


def test_reason_note_author_and_time_are_stored(client, login, make):
    achievement, need = new_achievement(), new_demand()
    match = _match(need, achievement)
    login(need.owner)
    response = client.post(f"/matches/{match.id}/dismiss", data={"reason": "其他", "note": "对方报价过高"})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Match, match.id)
    assert (stored.status, stored.dismiss_reason, stored.dismiss_note) == ("dismissed", "其他", "对方报价过高")
    assert stored.dismissed_by_id == need.owner.id and stored.dismissed_at is not None


def test_pages_ask_for_a_reason(client, login, make):
    achievement, need = new_achievement(), new_demand()
    login(need.owner)
    page = client.get(f"/demands/{need.id}/matches").get_data(as_text=True)
    assert 'name="reason"' in page and all(f'<option value="{r}">' in page for r in feedback.DISMISS_REASONS)
    login(make.user("broker"))
    page = client.get("/matching/workbench").get_data(as_text=True)
    assert 'name="reason"' in page or "暂无待处理" in page


# ---------------------------------------------------------------- the ranking learns

@pytest.mark.parametrize("reason,blocked", [("不相关", True), ("已合作", True), ("条件不符", False)])
def test_organization_is_not_proposed_a_counterpart_it_dismissed(make, reason, blocked):
    company = make.user("enterprise")
    achievement = new_achievement()
    first = new_demand(owner=company)
    match = _match(first, achievement)
    services.dismiss(match, company, {"reason": reason})
    db.session.commit()
    second = new_demand(owner=company, title="寻求石墨烯导热散热膜材料")  # paired after the dismissal
    services.propose_for(achievement)
    db.session.commit()
    assert (achievement.id in {m.achievement_id for m in services.proposals_for(second)}) is not blocked
    assert (second.id in {m.demand_id for m in services.proposals_for(achievement)}) is not blocked
    assert first.id not in {m.demand_id for m in services.proposals_for(achievement)}


def test_an_org_wide_dismissal_withdraws_open_proposals_at_once(make):
    company = make.user("enterprise")
    achievement = new_achievement()
    first, second = new_demand(owner=company), new_demand(owner=company, title="寻求石墨烯导热散热膜材料")
    assert achievement.id in {m.achievement_id for m in services.proposals_for(second)}
    services.dismiss(_match(first, achievement), company, {"reason": "已合作"})
    db.session.commit()
    assert achievement.id not in {m.achievement_id for m in services.proposals_for(second)}


def test_penalty_formula():
    counts = {"石墨烯": 2, "导热": 1}
    from collections import Counter
    counts = Counter(counts)
    assert feedback.penalty(Counter(), ["石墨烯"]) == 0.0
    assert feedback.penalty(counts, []) == 0.0
    assert feedback.penalty(counts, ["石墨烯", "导热", "散热"]) == pytest.approx(0.1 * 3 / 3)
    assert feedback.penalty(Counter({"石墨烯": 50}), ["石墨烯"]) == feedback.TERM_PENALTY_CAP


def _unpenalised_score(monkeypatch, need, achievement):
    with monkeypatch.context() as patch:
        patch.setattr(feedback, "penalty", lambda counts, terms: 0.0)
        services.propose_for(need)
        db.session.commit()
        return _match(need, achievement).score


def test_irrelevant_dismissals_lower_a_later_pairs_score(make, monkeypatch):
    achievement = new_achievement()
    other_company = make.user("enterprise")
    later = new_demand(owner=other_company)  # same text: the same terms, the same field pair
    for _ in range(2):
        dismissed = new_demand()
        match = _match(dismissed, new_achievement(title="石墨烯导热复合材料", summary="石墨烯导热"))
        services.dismiss(match, dismissed.owner, {"reason": "不相关"})
        db.session.commit()
    learned = feedback.irrelevant_terms(later)["新材料"]
    terms = _match(later, achievement).term_list
    expected = feedback.penalty(learned, terms)
    assert expected > 0
    before = _unpenalised_score(monkeypatch, later, achievement)
    services.propose_for(later)
    db.session.commit()
    after = _match(later, achievement).score
    assert after == pytest.approx(round(before * (1 - expected), 4), abs=1e-4)
    services.propose_for(later)  # deterministic: the same score again
    db.session.commit()
    assert _match(later, achievement).score == after


def test_other_reasons_do_not_penalise(make, monkeypatch):
    achievement = new_achievement()
    later = new_demand(owner=make.user("enterprise"))
    need = new_demand()
    services.dismiss(_match(need, new_achievement(title="石墨烯导热材料")), need.owner, {"reason": "条件不符"})
    db.session.commit()
    before = _unpenalised_score(monkeypatch, later, achievement)
    services.propose_for(later)
    db.session.commit()
    assert _match(later, achievement).score == before


# ---------------------------------------------------------------- conversion on the workbench

def test_workbench_conversion_matches_the_db(client, login, make):
    now, old = utcnow(), utcnow() - timedelta(days=60)
    db.session.execute(db.delete(Match))
    buyer = make.user("enterprise")
    demands = [make.demand(owner=buyer, status="draft") for _ in range(3)] + [make.demand(status="draft")]
    achievements = [make.achievement(status="draft") for _ in range(2)]
    rows = [  # (demand, achievement, status, reason, created)
        (0, 0, "proposed", None, now), (0, 1, "dismissed", "不相关", now), (1, 0, "dismissed", "其他", old),
        (1, 1, "converted", None, now), (2, 0, "proposed", None, old), (3, 0, "dismissed", "已合作", now),
        (3, 1, "proposed", None, now), (2, 1, "dismissed", None, old)]
    for d, a, status, reason, created in rows:
        db.session.add(Match(demand_id=demands[d].id, achievement_id=achievements[a].id, score=0.5, terms="",
                             status=status, dismiss_reason=reason, created_at=created, updated_at=created))
    # the buyer enquires about achievement 0: proposals (0,0) [now] and (1,0), (2,0) [old] became enquiries
    db.session.add(Enquiry(achievement_id=achievements[0].id, user_id=buyer.id, organization_id=buyer.organization_id,
                           mode="转让", message="希望洽谈", status="open", created_at=now + timedelta(seconds=1)))
    db.session.commit()

    everything, recent = feedback.conversion(), feedback.conversion(since=now - timedelta(days=30))
    assert (everything["proposals"], everything["dismissed"], everything["enquiries"], everything["deals"]) == \
        (8, 4, 3, 1)
    assert everything["by_reason"] == {"不相关": (1, 12.5), "已合作": (1, 12.5), "条件不符": (0, 0.0),
                                       "其他": (1, 12.5), "未说明": (1, 12.5)}
    assert (everything["enquiries_pct"], everything["deals_pct"]) == (37.5, 12.5)
    assert (recent["proposals"], recent["dismissed"], recent["enquiries"], recent["deals"]) == (5, 2, 1, 1)
    assert (recent["enquiries_pct"], recent["deals_pct"]) == (20.0, 20.0)

    login(make.user("broker"))
    page = client.get("/matching/workbench").get_data(as_text=True)
    cells = dict.fromkeys(("proposals", "dismissed", "enquiries", "deals"))
    for name in cells:
        cells[name] = re.findall(rf'data-figure="{name}">([^<]*)<', page)
    assert cells == {"proposals": ["8", "5"], "dismissed": ["4（50.0%）", "2（40.0%）"],
                     "enquiries": ["3（37.5%）", "1（20.0%）"], "deals": ["1（12.5%）", "1（20.0%）"]}
    assert re.findall(r'data-figure="dismissed-不相关">([^<]*)<', page) == ["1（12.5%）", "1（20.0%）"]

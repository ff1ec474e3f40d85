"""Challenge and application transitions, the deadline, notifications (service layer)."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from marketplace.challenges import applications as apps
from marketplace.challenges import milestones as ms
from marketplace.challenges import services
from marketplace.listings import services as listings
from marketplace.models import Application
from marketplace.templating import fmt_datetime
from marketplace.timeutil import end_of_local_day_utc, utcnow
from marketplace.workflow import InvalidTransition, NotFound, PermissionDenied, ValidationFailed

from .challenge_support import PROPOSAL, application, events, notices, overdue, reload

ALL_STATES = ("draft", "pending", "rejected", "published", "reviewing", "awarded", "in_progress", "completed",
              "unclaimed", "cancelled", "failed", "archived")


@pytest.fixture
def owner(make):
    return make.user("enterprise")


@pytest.fixture
def challenge(make, owner):
    return make.demand(owner=owner, challenge=True)


@pytest.fixture
def researcher(make):
    return make.user("researcher")


# ---------------------------------------------------------------- applying

def test_published_through_review_then_researcher_applies_and_owner_is_notified(db, make, researcher):
    enterprise = make.user("enterprise")
    admin = make.user("admin")
    demand = listings.create_listing("demand", enterprise, {
        "title": "高导热材料揭榜", "description": "<p>需要散热材料</p>", "indicators": "导热≥1500",
        "is_challenge": True, "bounty": "200", "deadline": (date.today() + timedelta(days=20)).isoformat(),
        "eligibility": "高校院所"})
    listings.submit_listing(demand, enterprise)
    listings.approve_listing(demand, admin)
    db.session.commit()
    app = apps.apply_to_challenge(demand, researcher, PROPOSAL)
    db.session.commit()
    assert app.status == "submitted" and app.quote == Decimal("60.50")
    assert app.organization_id == researcher.organization_id
    [note] = notices(enterprise, "application_new")
    assert researcher.name in note.message and note.url == f"/applications/{app.id}"


@pytest.mark.parametrize("role", ["enterprise", "broker", "admin"])
def test_only_researchers_may_apply(db, make, challenge, role):
    with pytest.raises(PermissionDenied):
        apps.apply_to_challenge(challenge, make.user(role), PROPOSAL)


def test_second_application_by_same_user_is_refused(db, challenge, researcher):
    apps.apply_to_challenge(challenge, researcher, PROPOSAL)
    db.session.commit()
    with pytest.raises(services.Conflict):
        apps.apply_to_challenge(challenge, researcher, PROPOSAL)


def test_apply_one_second_before_the_deadline_is_accepted(db, challenge, researcher):
    app = apps.apply_to_challenge(challenge, researcher, PROPOSAL, now=challenge.deadline - timedelta(seconds=1))
    assert app.id is not None


@pytest.mark.parametrize("offset", [0, 1])
def test_apply_at_or_after_the_deadline_is_refused_with_a_clear_message(db, challenge, researcher, offset):
    with pytest.raises(InvalidTransition, match="截止时间已过"):
        apps.apply_to_challenge(challenge, researcher, PROPOSAL, now=challenge.deadline + timedelta(seconds=offset))
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_a_date_deadline_closes_at_the_end_of_that_day_in_shanghai(db, make, researcher):
    deadline = end_of_local_day_utc(date(2031, 3, 1))
    assert deadline == datetime(2031, 3, 1, 15, 59, 59)  # 23:59:59 +08:00
    assert fmt_datetime(deadline) == "2031-03-01 23:59"
    demand = make.demand(challenge=True, deadline=deadline)
    late_evening_beijing = datetime(2031, 3, 1, 15, 59, 58)  # 23:59:58 in Shanghai
    assert services.accepting_applications(demand, now=late_evening_beijing)
    assert not services.accepting_applications(demand, now=datetime(2031, 3, 1, 16, 0, 0))  # 00:00 next day
    apps.apply_to_challenge(demand, researcher, PROPOSAL, now=late_evening_beijing)
    with pytest.raises(InvalidTransition):
        apps.apply_to_challenge(demand, make.user("researcher"), PROPOSAL, now=datetime(2031, 3, 1, 16, 0, 0))


@pytest.mark.parametrize("state", [s for s in ALL_STATES if s != "published"])
def test_apply_to_a_challenge_not_open_is_refused(db, make, researcher, state):
    demand = make.demand(challenge=True, status=state)
    with pytest.raises(InvalidTransition, match="不接受申请"):
        apps.apply_to_challenge(demand, researcher, PROPOSAL)


def test_apply_to_an_ordinary_demand_is_refused(db, make, researcher):
    with pytest.raises(NotFound):
        apps.apply_to_challenge(make.demand(), researcher, PROPOSAL)


@pytest.mark.parametrize("data, field", [
    ({"quote": "10"}, "proposal"),
    ({"proposal": "<img src=x onerror=alert(1)>", "quote": "10"}, "proposal"),
    ({"proposal": "方案"}, "quote"),
    ({"proposal": "方案", "quote": "-1"}, "quote"),
    ({"proposal": "方案", "quote": "十万"}, "quote"),
    ({"proposal": "方案", "quote": "NaN"}, "quote"),
    ({"proposal": "长" * 20001, "quote": "1"}, "proposal"),
    ({"proposal": "方案", "quote": "1", "team": "人" * 2001}, "team"),
])
def test_invalid_applications_are_refused_field_by_field(db, challenge, researcher, data, field):
    with pytest.raises(ValidationFailed) as err:
        apps.apply_to_challenge(challenge, researcher, data)
    assert field in err.value.errors


def test_hostile_proposal_is_sanitized(db, challenge, researcher):
    app = apps.apply_to_challenge(challenge, researcher, {
        "proposal": '<p>路线</p><script>alert(1)</script><img src=x onerror=alert(1)>', "quote": 1})
    assert "<script" not in app.proposal and "onerror" not in app.proposal and "<p>路线</p>" in app.proposal


def test_edit_and_withdraw_until_the_deadline_only(db, challenge, researcher, owner):
    app = apps.apply_to_challenge(challenge, researcher, PROPOSAL)
    db.session.commit()
    apps.update_application(app, researcher, {**PROPOSAL, "quote": "45"})
    assert app.quote == Decimal("45.00")
    after = challenge.deadline + timedelta(seconds=1)
    with pytest.raises(InvalidTransition):
        apps.update_application(app, researcher, PROPOSAL, now=after)
    with pytest.raises(InvalidTransition):
        apps.withdraw_application(app, researcher, now=after)
    with pytest.raises(PermissionDenied):
        apps.withdraw_application(app, owner)
    apps.withdraw_application(app, researcher, now=challenge.deadline - timedelta(seconds=1))
    db.session.commit()
    assert reload(app).status == "withdrawn"
    assert notices(owner, "application_withdrawn")
    with pytest.raises(InvalidTransition):
        apps.update_application(app, researcher, PROPOSAL)


# ---------------------------------------------------------------- application transitions

APP_ACTIONS = {
    "shortlist": (("submitted",), lambda app, user: apps.shortlist_application(app, user)),
    "decline": (("submitted", "shortlisted"), lambda app, user: apps.decline_application(app, user, "不合适")),
    "select": (("submitted", "shortlisted"), lambda app, user: apps.select_application(app, user)),
}


@pytest.mark.parametrize("action", list(APP_ACTIONS))
@pytest.mark.parametrize("state", ["submitted", "shortlisted", "selected", "declined", "withdrawn"])
def test_application_transitions_allowed_and_refused(db, make, owner, action, state):
    demand = make.demand(owner=owner, challenge=True, status="reviewing")
    app = application(demand, status=state, make=make)
    sources, call = APP_ACTIONS[action]
    if state in sources:
        call(app, owner)
        db.session.commit()
        assert reload(app).status == {"shortlist": "shortlisted", "decline": "declined", "select": "selected"}[action]
        assert events("application", app.id)[-1].action == action
    else:
        with pytest.raises(InvalidTransition):
            call(app, owner)
        assert reload(app).status == state
        assert events("application", app.id) == []


@pytest.mark.parametrize("state", ["submitted", "shortlisted", "selected", "declined", "withdrawn"])
def test_withdraw_allowed_only_from_open_states(db, make, challenge, state):
    researcher = make.user("researcher")
    app = application(challenge, researcher, status=state, make=make)
    if state in ("submitted", "shortlisted"):
        apps.withdraw_application(app, researcher)
        assert reload(app).status == "withdrawn"
    else:
        with pytest.raises(InvalidTransition):
            apps.withdraw_application(app, researcher)


@pytest.mark.parametrize("action", list(APP_ACTIONS))
def test_only_the_owner_handles_applications(db, make, challenge, action):
    app = application(challenge, make=make)
    for user in (make.user("enterprise"), app.applicant, make.user("admin"), make.user("broker")):
        with pytest.raises(PermissionDenied):
            APP_ACTIONS[action][1](app, user)


def test_decline_with_a_structured_reason_reaches_the_applicant(db, make, challenge, owner):
    app = application(challenge, make=make)
    apps.decline_application(app, owner, "导热系数只有 800", code="indicators")
    db.session.commit()
    app = reload(app)
    assert (app.status, app.decline_code, app.decline_label, app.decline_reason) == (
        "declined", "indicators", "指标不达", "导热系数只有 800")
    [note] = notices(app.applicant, "application_declined")
    assert "指标不达" in note.message and "导热系数只有 800" in note.message


def test_decline_needs_a_known_code_and_text_for_other(db, make, challenge, owner):
    app = application(challenge, make=make)
    with pytest.raises(ValidationFailed):
        apps.decline_application(app, owner, "理由", code="bogus")
    with pytest.raises(ValidationFailed):
        apps.decline_application(app, owner, "  ", code="other")
    apps.decline_application(app, owner, "", code="quote")
    assert app.decline_reason == "报价过高"


def test_shortlist_notifies_the_applicant(db, make, challenge, owner):
    app = application(challenge, make=make)
    apps.shortlist_application(app, owner)
    db.session.commit()
    assert notices(app.applicant, "application_shortlisted")


# ---------------------------------------------------------------- select (挂帅)

def test_select_awards_the_challenge_and_declines_the_others(db, make, owner):
    demand = make.demand(owner=owner, challenge=True, status="reviewing")
    chosen = application(demand, make=make)
    other = application(demand, status="shortlisted", make=make)
    gone = application(demand, status="withdrawn", make=make)
    apps.select_application(chosen, owner)
    db.session.commit()
    assert reload(demand).status == "awarded"
    assert reload(chosen).status == "selected"
    other = reload(other)
    assert (other.status, other.decline_code, other.decline_reason) == ("declined", "other", "已选定其他团队")
    assert reload(gone).status == "withdrawn"
    assert notices(chosen.applicant, "application_selected")
    assert "已选定其他团队" in notices(other.applicant, "application_declined")[0].message
    assert notices(gone.applicant) == []
    assert [e.action for e in events("demand", demand.id)] == ["select"]


def test_select_before_the_deadline_is_refused_and_nothing_changes(db, make, challenge, owner):
    app = application(challenge, make=make)
    with pytest.raises(InvalidTransition):
        apps.select_application(app, owner)
    assert reload(challenge).status == "published" and reload(app).status == "submitted"
    assert events("demand", challenge.id) == []


def test_select_after_the_deadline_expires_lazily_then_awards(db, make, owner):
    demand = overdue(make, owner=owner)
    app = application(demand, make=make)
    apps.select_application(app, owner)
    db.session.commit()
    assert reload(demand).status == "awarded"
    expire, select = events("demand", demand.id)
    assert (expire.action, expire.actor_id, expire.to_state) == ("expire", None, "reviewing")
    assert (select.action, select.actor_id) == ("select", owner.id)


def test_second_select_is_refused_once_awarded(db, make, owner):
    demand = make.demand(owner=owner, challenge=True, status="reviewing")
    first, second = application(demand, make=make), application(demand, make=make)
    apps.select_application(first, owner)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        apps.select_application(reload(second), owner)


# ---------------------------------------------------------------- challenge transitions

CHALLENGE_ACTIONS = {
    "close": (("published",), "reviewing", lambda d, u: services.close_challenge(d, u)),
    "cancel": (("published", "reviewing"), "cancelled", lambda d, u: services.cancel_challenge(d, u, "预算调整")),
    "unclaimed": (("reviewing",), "unclaimed", lambda d, u: services.declare_unclaimed(d, u, "无合适团队")),
    "start": (("awarded",), "in_progress", lambda d, u: services.start_challenge(d, u)),
    "accept": (("in_progress",), "completed", lambda d, u: services.accept_delivery(d, u)),
    "fail": (("in_progress",), "failed", lambda d, u: services.fail_delivery(d, u, "指标未达到")),
}


@pytest.mark.parametrize("action", list(CHALLENGE_ACTIONS))
@pytest.mark.parametrize("state", ALL_STATES)
def test_challenge_transitions_allowed_and_refused(db, make, owner, action, state):
    demand = make.demand(owner=owner, challenge=True, status=state)
    sources, target, call = CHALLENGE_ACTIONS[action]
    if state in sources:
        call(demand, owner)
        db.session.commit()
        assert reload(demand).status == target
        event = events("demand", demand.id)[-1]
        assert (event.action, event.from_state, event.to_state, event.actor_id) == (action, state, target, owner.id)
    else:
        with pytest.raises(InvalidTransition):
            call(demand, owner)
        assert reload(demand).status == state
        assert events("demand", demand.id) == []


@pytest.mark.parametrize("action", list(CHALLENGE_ACTIONS))
def test_only_the_owner_moves_the_challenge(db, make, action):
    sources, _target, call = CHALLENGE_ACTIONS[action]
    demand = make.demand(challenge=True, status=sources[0])
    for user in (make.user("enterprise"), make.user("researcher"), make.user("admin"), make.user("broker")):
        with pytest.raises(PermissionDenied):
            call(demand, user)


def test_cancel_and_fail_need_a_reason(db, make, owner):
    with pytest.raises(ValidationFailed):
        services.cancel_challenge(make.demand(owner=owner, challenge=True), owner, " ")
    with pytest.raises(ValidationFailed):
        services.fail_delivery(make.demand(owner=owner, challenge=True, status="in_progress"), owner, "")


@pytest.mark.parametrize("action, kind", [("cancel", "challenge_cancelled"), ("close", "challenge_closed")])
def test_cancel_and_close_notify_every_applicant(db, make, owner, challenge, action, kind):
    active = application(challenge, make=make)
    withdrawn = application(challenge, status="withdrawn", make=make)
    CHALLENGE_ACTIONS[action][2](challenge, owner)
    db.session.commit()
    assert len(notices(active.applicant, kind)) == 1
    assert notices(withdrawn.applicant) == []
    if action == "cancel":
        assert reload(challenge).close_reason == "预算调整"
        assert reload(active).status == "declined" and "预算调整" in reload(active).decline_reason


def test_unclaimed_declines_open_applications_and_notifies(db, make, owner):
    demand = make.demand(owner=owner, challenge=True, status="reviewing")
    app = application(demand, status="shortlisted", make=make)
    services.declare_unclaimed(demand, owner, "方案均不满足指标")
    db.session.commit()
    assert reload(app).status == "declined"
    assert "流榜" in notices(app.applicant, "challenge_unclaimed")[0].message


def test_start_accept_and_fail_notify_the_winner(db, make, owner):
    demand = make.demand(owner=owner, challenge=True, status="awarded")
    app = application(demand, status="selected", make=make)
    services.start_challenge(demand, owner)
    services.fail_delivery(demand, owner, "样品未达标")
    db.session.commit()
    assert notices(app.applicant, "challenge_started")
    assert "样品未达标" in notices(app.applicant, "delivery_failed")[0].message


# ---------------------------------------------------------------- lazy deadline

def test_expire_moves_only_overdue_challenges_as_the_system(db, make, owner):
    due = overdue(make, owner=owner)
    app = application(due, make=make)
    fresh = make.demand(challenge=True)
    ordinary = make.demand(deadline=utcnow() - timedelta(days=1))
    assert services.expire_due_challenges() == 1
    assert reload(due).status == "reviewing"
    assert reload(fresh).status == "published" and reload(ordinary).status == "published"
    [event] = events("demand", due.id)
    assert (event.action, event.actor_id, event.from_state) == ("expire", None, "published")
    assert notices(owner, "challenge_expired") and notices(app.applicant, "challenge_closed")
    assert services.expire_due_challenges() == 0


def test_expire_uses_the_exact_deadline_instant(db, make):
    demand = make.demand(challenge=True, deadline=datetime(2031, 1, 1, 0, 0, 0))
    assert services.expire_due_challenges(now=datetime(2030, 12, 31, 23, 59, 59)) == 0
    assert services.expire_due_challenges(now=datetime(2031, 1, 1, 0, 0, 0)) == 1
    assert reload(demand).status == "reviewing"


# ---------------------------------------------------------------- milestones

def test_milestone_shares_may_not_exceed_the_bounty(db, make, owner, challenge):
    ms.add_milestone(challenge, owner, {"title": "小试", "share_percent": "60", "due_on": "2031-01-01"})
    ms.add_milestone(challenge, owner, {"title": "中试", "share_percent": 40})
    with pytest.raises(ValidationFailed) as err:
        ms.add_milestone(challenge, owner, {"title": "量产", "share_percent": 1})
    assert "100%" in err.value.errors["share_percent"]
    for bad in ({"title": "", "share_percent": 0}, {"title": "x", "share_percent": "abc"},
                {"title": "x", "share_percent": 101}, {"title": "x", "due_on": "2031/01/01"}):
        with pytest.raises(ValidationFailed):
            ms.add_milestone(challenge, owner, bad)
    with pytest.raises(PermissionDenied):
        ms.add_milestone(challenge, make.user("enterprise"), {"title": "x"})
    assert [m.title for m in reload(challenge).milestones] == ["小试", "中试"]


def test_milestones_progress_and_acceptance_while_in_progress(db, make, owner):
    demand = make.demand(owner=owner, challenge=True, status="awarded")
    winner = application(demand, status="selected", make=make)
    milestone = ms.add_milestone(demand, owner, {"title": "小试", "share_percent": 30})
    with pytest.raises(InvalidTransition):
        ms.report_progress(milestone, winner.applicant, "样品完成")
    services.start_challenge(demand, owner)
    with pytest.raises(InvalidTransition):
        ms.add_milestone(demand, owner, {"title": "晚加", "share_percent": 1})
    with pytest.raises(PermissionDenied):
        ms.report_progress(milestone, make.user("researcher"), "冒充")
    ms.report_progress(milestone, winner.applicant, "样品完成")
    assert notices(owner, "milestone_reported")
    with pytest.raises(PermissionDenied):
        ms.accept_milestone(milestone, winner.applicant)
    ms.reject_milestone(milestone, owner, "数据不全")
    ms.report_progress(milestone, owner, "补充数据已收到")
    ms.accept_milestone(milestone, owner, "合格")
    db.session.commit()
    assert reload(milestone).status == "accepted"
    assert [e.action for e in events("milestone", milestone.id)] == ["report", "reject", "report", "accept"]
    assert "合格" in notices(winner.applicant, "milestone_accepted")[0].message
    with pytest.raises(InvalidTransition):
        ms.accept_milestone(reload(milestone), owner)


# ---------------------------------------------------------------- queries

def test_dashboard_lists_own_challenges_and_applications(db, make, owner, challenge, researcher):
    app = application(challenge, researcher, make=make)
    application(challenge, make=make)
    mine = services.dashboard_for(owner)
    assert mine["challenges"] == [challenge] and mine["counts"] == {challenge.id: 2}
    assert services.dashboard_for(researcher)["applications"] == [app]
    assert services.dashboard_for(make.user("broker")) == {"challenges": [], "counts": {}, "applications": []}


def test_open_list_and_counts_skip_closed_and_withdrawn(db, make, challenge):
    overdue(make)
    make.demand(challenge=True, status="reviewing")
    application(challenge, make=make)
    application(challenge, status="withdrawn", make=make)
    assert services.open_challenges() == [challenge]
    assert services.applicant_counts([challenge.id]) == {challenge.id: 1}


def test_cli_expire_command_moves_overdue_challenges(app, make):
    due = overdue(make)
    result = app.test_cli_runner().invoke(args=["challenges", "expire"])
    assert result.exit_code == 0 and "1 个" in result.output
    assert reload(due).status == "reviewing"

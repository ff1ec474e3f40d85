"""`flask users create` and `flask seed-demo`."""
from datetime import timedelta

import pytest

from decimal import Decimal

from marketplace.deals.queries import is_overdue
from marketplace.models import (Achievement, Application, Deal, DealNote, Demand, Enquiry, Event, JoinRequest, Match,
                                Milestone, Notification, Organization, Subscription, User)
from marketplace.models.deals import DEAL_STAGES
from marketplace.models.listings import CHALLENGE_STATES, FIELDS, LISTING_STATES
from marketplace.timeutil import utcnow
from marketplace.validators import is_valid_credit_code, normalize_patent_no
from marketplace.workflow import history


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _count(db, model):
    return db.session.scalar(db.select(db.func.count(model.id)))


# ---------------------------------------------------------------- users create

def test_users_create_with_new_org_is_verified(runner, db, client):
    result = runner.invoke(args=["users", "create", "Broker@Example.com", "--role", "broker", "--password",
                                 "Agency-pass-2026", "--org", "经纪服务公司", "--org-kind", "broker_agency",
                                 "--name", "孙经纪"])
    assert result.exit_code == 0, result.output
    assert "broker@example.com" in result.output
    user = db.session.scalar(db.select(User).where(User.email == "broker@example.com"))
    assert user.role == "broker" and user.name == "孙经纪" and user.check_password("Agency-pass-2026")
    assert user.organization.name == "经纪服务公司" and user.organization.kind == "broker_agency"
    assert user.organization.verified is True and user.organization.verified_at is not None
    response = client.post("/login", data={"email": "broker@example.com", "password": "Agency-pass-2026"})
    assert response.status_code == 302


def test_users_create_without_org_and_default_name(runner, db):
    result = runner.invoke(args=["users", "create", "root@example.com", "--role", "admin",
                                 "--password", "admin-pass-1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "root@example.com"))
    assert user.role == "admin" and user.name == "root" and user.organization is None


def test_users_create_joins_existing_org_without_changing_it(runner, db, make):
    org = make.organization(name="已有大学", kind="university", verified=False)
    result = runner.invoke(args=["users", "create", "prof@example.com", "--role", "researcher", "--password",
                                 "Tenure-track-12", "--org", "已有大学"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User).where(User.email == "prof@example.com")).organization_id == org.id
    assert org.verified is False and _count(db, Organization) == 1


@pytest.mark.parametrize("args, message", [
    (["--role", "superuser", "--password", "long-enough-1"], "角色无效"),
    (["--role", "broker", "--password", "short"], "密码至少需要 10 个字符"),
    (["--role", "broker", "--password", "Password1234"], "该密码过于常见"),
    (["--role", "broker", "--password", "NEW-user-2026"], "密码不能包含邮箱"),
    (["--role", "broker", "--password", "long-enough-1", "--org", "某机构", "--org-kind", "galaxy"], "单位类型无效"),
    (["--role", "researcher", "--password", "long-enough-1", "--org", "某公司", "--org-kind", "enterprise"],
     "科研人员所在单位类型只能是"),
    (["--role", "broker", "--password", "long-enough-1", "--org-kind", "broker_agency"], "需同时指定单位名称"),
])
def test_users_create_refuses_bad_input(runner, db, args, message):
    result = runner.invoke(args=["users", "create", "new@example.com"] + args)
    assert result.exit_code != 0
    assert message in result.output
    assert _count(db, User) == 0 and _count(db, Organization) == 0


def test_users_create_refuses_duplicate_email(runner, db, make):
    make.user(email="taken@example.com")
    result = runner.invoke(args=["users", "create", "TAKEN@example.com", "--role", "broker", "--password",
                                 "long-enough-1"])
    assert result.exit_code != 0 and "该邮箱已注册" in result.output
    assert _count(db, User) == 1


def test_users_create_refuses_bad_email(runner, db):
    result = runner.invoke(args=["users", "create", "not-an-email", "--role", "broker", "--password", "long-enough-1"])
    assert result.exit_code != 0 and "邮箱格式不正确" in result.output


def test_users_create_requires_role_and_password(runner, db):
    result = runner.invoke(args=["users", "create", "x@example.com"])
    assert result.exit_code != 0 and "--role" in result.output
    assert _count(db, User) == 0


# ---------------------------------------------------------------- seed-demo

def _counts(db):
    return {model.__name__: _count(db, model) for model in (
        Organization, User, Achievement, Demand, Event, Application, Milestone, Enquiry, Deal, DealNote, Match,
        Subscription, Notification)}


def test_seed_demo_is_idempotent(runner, db):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = _counts(db)
    assert counts["Achievement"] >= 20 and counts["Demand"] >= 20 and counts["Organization"] >= 7
    assert counts["Application"] >= 6 and counts["Enquiry"] == 3 and counts["Deal"] >= 6
    assert counts["Milestone"] == 2 and counts["Subscription"] >= 1 and counts["DealNote"] >= 6
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "already present" in second.output
    assert _counts(db) == counts


def test_seed_demo_covers_every_state_and_field_through_the_workflow(runner, db, client):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    for model in (Achievement, Demand):
        states = set(db.session.scalars(db.select(model.status)).all())
        assert set(LISTING_STATES) <= states and states - set(LISTING_STATES) <= set(CHALLENGE_STATES), model
        fields = set(db.session.scalars(db.select(model.field)).all())
        assert fields == set(FIELDS), model
        for listing in db.session.scalars(db.select(model).where(model.status != "draft")).all():
            actions = [e.action for e in history(listing.kind, listing.id)]
            assert actions[0] == "submit", listing.title
            if listing.status not in ("pending", "rejected"):
                assert "approve" in actions and listing.organization.verified and listing.published_at
        for listing in db.session.scalars(db.select(model).where(model.status == "rejected")).all():
            assert listing.reject_reason and history(listing.kind, listing.id)[-1].note == listing.reject_reason


def test_seed_demo_data_is_valid_and_usable(runner, db, client):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    for org in db.session.scalars(db.select(Organization)).all():
        assert is_valid_credit_code(org.credit_code), org.name
    unverified = db.session.scalars(db.select(Organization).where(Organization.verified.is_(False))).all()
    assert [o.kind for o in unverified] == ["enterprise"]
    patents = db.session.scalars(db.select(Achievement).where(Achievement.type.in_(("发明专利", "实用新型", "外观设计")))).all()
    assert patents and all(normalize_patent_no(a.patent_no) == a.patent_no for a in patents)
    challenges = db.session.scalars(db.select(Demand).where(Demand.is_challenge.is_(True),
                                                            Demand.status == "published")).all()
    assert len(challenges) >= 3
    assert all(d.bounty and d.deadline > utcnow() + timedelta(days=7) and d.eligibility for d in challenges)
    roles = {u.email: u.role for u in db.session.scalars(db.select(User)).all()}
    assert roles["admin@yizhi.demo"] == "admin" and roles["broker@yizhi.demo"] == "broker"
    assert sorted(roles.values()).count("researcher") == 4 and sorted(roles.values()).count("enterprise") >= 3
    # One researcher registered into 滨江大学 and waits for its org admin (researcher1) to decide.
    applicant, admin_of_org = _user(db, "applicant@yizhi.demo"), _user(db, "researcher1@yizhi.demo")
    join = db.session.scalar(db.select(JoinRequest).where(JoinRequest.user_id == applicant.id))
    assert applicant.organization_id is None and join.status == "pending"
    assert admin_of_org.is_org_admin and join.organization_id == admin_of_org.organization_id
    response = client.post("/login", data={"email": "admin@yizhi.demo", "password": "Demo-yizhi-2026"})
    assert response.status_code == 302
    page = client.get("/admin/review").get_data(as_text=True)
    assert "尚未认证" in page  # the unverified enterprise's pending demand shows the gate


def _user(db, email):
    return db.session.scalar(db.select(User).where(User.email == email))


def test_seed_demo_challenge_activity_goes_through_the_workflow(runner, db):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    apps = db.session.scalars(db.select(Application)).all()
    assert {a.applicant.role for a in apps} == {"researcher"}
    declined = [a for a in apps if a.status == "declined" and a.decline_code != "other"]
    assert declined and all(a.decline_reason and a.decline_label for a in declined)
    assert [e.action for e in history("application", declined[0].id)] == ["decline"]
    open_with_apps = {a.demand for a in apps if a.demand.status == "published"}
    assert len(open_with_apps) == 2
    for demand in open_with_apps:
        states = {a.status for a in demand.applications}
        assert {"shortlisted", "declined"} <= states and 2 <= len(demand.applications) <= 3
        assert demand.deadline > utcnow() + timedelta(days=7)
    carried = db.session.scalar(db.select(Demand).where(Demand.status == "in_progress"))
    assert [e.action for e in history("demand", carried.id)] == ["submit", "approve", "close", "select", "start"]
    assert [a.status for a in carried.applications].count("selected") == 1
    assert sorted(m.status for m in carried.milestones) == ["accepted", "planned"]
    assert sum(m.share_percent for m in carried.milestones) == 100
    winner = next(a for a in carried.applications if a.status == "selected").applicant
    kinds = set(db.session.scalars(db.select(Notification.kind).where(Notification.user_id == winner.id)))
    assert {"application_shortlisted", "application_selected", "challenge_started", "milestone_accepted"} <= kinds


def test_seed_demo_deals_cover_every_stage_for_the_broker(runner, db):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    broker = _user(db, "broker@yizhi.demo")
    deals = db.session.scalars(db.select(Deal)).all()
    assert {d.stage for d in deals} == set(DEAL_STAGES)
    assert all(d.broker_id == broker.id for d in deals)
    for deal in deals:
        actions = [e.action for e in history("deal", deal.id)]
        assert actions[0] == "open" and deal.notes, deal.title
        if "sign" in actions:
            assert deal.contract_type and isinstance(deal.amount, Decimal) and deal.amount > 0 and deal.signed_on
        if "register" in actions:
            assert deal.registration_no and deal.registered_on >= deal.signed_on
    assert sum(1 for d in deals if is_overdue(d)) == 1
    from_matches = [d for d in deals if d.match_id]
    assert len(from_matches) >= 3 and all(d.match.status == "converted" and d.match.deal_id == d.id
                                          for d in from_matches)
    from_enquiries = [d for d in deals if d.enquiry_id]
    assert len(from_enquiries) == 2 and all(d.enquiry.status == "converted" for d in from_enquiries)
    enquiries = db.session.scalars(db.select(Enquiry)).all()
    assert sorted(e.status for e in enquiries) == ["converted", "converted", "open"]
    assert {e.user.role for e in enquiries} == {"enterprise"}
    subscriptions = db.session.scalars(db.select(Subscription)).all()
    assert subscriptions and all(s.user.role == "enterprise" and s.field and s.keywords for s in subscriptions)
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.kind == "subscription_match", Notification.user_id == subscriptions[0].user_id)) >= 1


def test_seed_demo_board_and_figures_show_the_deals(runner, db, client, login):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    signed = db.session.scalars(db.select(Deal).where(Deal.amount.is_not(None))).all()
    login(_user(db, "broker@yizhi.demo"))
    board = client.get("/deals/board")
    assert board.status_code == 200
    page = board.get_data(as_text=True)
    for deal in signed:
        assert f"{deal.amount:,.2f} 万元" in page and deal.title in page
    assert "已逾期" in page
    login(_user(db, "admin@yizhi.demo"))
    figures = client.get("/deals/figures")
    assert figures.status_code == 200
    total = sum((d.amount for d in signed if d.stage != "terminated"), Decimal("0.00"))
    assert str(total) in figures.get_data(as_text=True)
    leads = client.get("/deals/leads").get_data(as_text=True)
    assert "AGV 激光 SLAM 导航定位装置" in leads
    carried = db.session.scalar(db.select(Demand).where(Demand.status == "in_progress"))
    login(carried.owner)
    manage = client.get(f"/challenges/{carried.id}/manage")
    assert manage.status_code == 200 and carried.milestones[0].title in manage.get_data(as_text=True)

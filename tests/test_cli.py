"""`flask users create` and `flask seed-demo`."""
from datetime import timedelta

import pytest

from marketplace.models import Achievement, Demand, Event, Organization, User
from marketplace.models.listings import FIELDS, LISTING_STATES
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
                                 "broker-pass-1", "--org", "经纪服务公司", "--org-kind", "broker_agency",
                                 "--name", "孙经纪"])
    assert result.exit_code == 0, result.output
    assert "broker@example.com" in result.output
    user = db.session.scalar(db.select(User).where(User.email == "broker@example.com"))
    assert user.role == "broker" and user.name == "孙经纪" and user.check_password("broker-pass-1")
    assert user.organization.name == "经纪服务公司" and user.organization.kind == "broker_agency"
    assert user.organization.verified is True and user.organization.verified_at is not None
    assert client.post("/login", data={"email": "broker@example.com", "password": "broker-pass-1"}).status_code == 302


def test_users_create_without_org_and_default_name(runner, db):
    result = runner.invoke(args=["users", "create", "root@example.com", "--role", "admin",
                                 "--password", "admin-pass-1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "root@example.com"))
    assert user.role == "admin" and user.name == "root" and user.organization is None


def test_users_create_joins_existing_org_without_changing_it(runner, db, make):
    org = make.organization(name="已有大学", kind="university", verified=False)
    result = runner.invoke(args=["users", "create", "prof@example.com", "--role", "researcher", "--password",
                                 "prof-pass-12", "--org", "已有大学"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User).where(User.email == "prof@example.com")).organization_id == org.id
    assert org.verified is False and _count(db, Organization) == 1


@pytest.mark.parametrize("args, message", [
    (["--role", "superuser", "--password", "long-enough-1"], "角色无效"),
    (["--role", "broker", "--password", "short"], "密码至少 8 位"),
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
    return {model.__name__: _count(db, model) for model in (Organization, User, Achievement, Demand, Event)}


def test_seed_demo_is_idempotent(runner, db):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = _counts(db)
    assert counts["Achievement"] >= 20 and counts["Demand"] >= 20 and counts["Organization"] >= 7
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "already present" in second.output
    assert _counts(db) == counts


def test_seed_demo_covers_every_state_and_field_through_the_workflow(runner, db, client):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    for model in (Achievement, Demand):
        states = set(db.session.scalars(db.select(model.status)).all())
        assert states == set(LISTING_STATES), model
        fields = set(db.session.scalars(db.select(model.field)).all())
        assert fields == set(FIELDS), model
        for listing in db.session.scalars(db.select(model).where(model.status != "draft")).all():
            actions = [e.action for e in history(listing.kind, listing.id)]
            assert actions[0] == "submit", listing.title
            if listing.status in ("published", "archived"):
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
    assert sorted(roles.values()).count("researcher") == 2 and sorted(roles.values()).count("enterprise") >= 3
    response = client.post("/login", data={"email": "admin@yizhi.demo", "password": "demo12345"})
    assert response.status_code == 302
    page = client.get("/admin/review").get_data(as_text=True)
    assert "尚未认证" in page  # the unverified enterprise's pending demand shows the gate

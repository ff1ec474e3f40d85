"""Organizations are joined, not claimed: join requests, org admins, identity edits under review, status tags.

The attack these tests pin down: anyone could register into an existing verified organization and at
once see its deals and amounts, edit its profile and strip its verification by changing the credit code.
"""
import pytest
from flask import g

from marketplace.accounts import membership, organizations, services
from marketplace.extensions import db
from marketplace.models import JoinRequest, Notification, OrganizationChange, User
from marketplace.workflow import InvalidTransition, NotFound, PermissionDenied, ValidationFailed

from . import deals_support as ds
from .factories import PASSWORD, credit_code

NEW_PASSWORD = "long-enough-1"


@pytest.fixture
def world(app, make):
    """A verified university whose researcher is its org admin, with a signed deal of 320.00 万元."""
    w = ds.world(make)
    w.researcher.is_org_admin = True
    db.session.commit()
    deal = ds.open_deal(w)
    ds.advance_to(deal, "registered", w.broker)
    w.deal = deal
    return w


def _register_into(client, org, email="intruder@example.com", role="researcher"):
    client.post("/register", data={"role": role, "name": "冒名者", "email": email, "password": NEW_PASSWORD,
                                   "confirm": NEW_PASSWORD, "org_mode": "existing", "org_id": org.id})
    return db.session.scalar(db.select(User).where(User.email == email))


def _as(client, user):
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def _api_token(client, email):
    response = client.post("/api/v1/tokens", json={"email": email, "password": NEW_PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _org_form(org, **overrides):
    data = {"name": org.name, "kind": org.kind, "credit_code": org.credit_code or "", "region": org.region or "",
            "description": org.description or ""}
    data.update(overrides)
    return data


# ---------------------------------------------------------------- the attack

def test_registering_into_a_verified_org_grants_nothing_until_approved(client, world):
    org = world.researcher.organization
    intruder = _register_into(client, org)  # /register logs the new user in
    assert intruder.organization_id is None
    assert client.get(f"/deals/{world.deal.id}").status_code == 404
    token = _api_token(client, intruder.email)
    api = client.get(f"/api/v1/deals/{world.deal.id}", headers=token)
    assert api.status_code == 404 and "registration_no" not in api.get_data(as_text=True)
    me = client.get("/me").get_data(as_text=True)
    assert "加入申请待审核" in me and org.name in me and "320" not in me
    # Cannot edit the profile, award a tag or strip the verification by changing the credit code.
    response = client.post("/org", data=_org_form(org, credit_code=credit_code(4242), tags=["高新技术企业"]))
    assert response.status_code == 302 and response.location.endswith("/me")
    db.session.expire_all()
    assert org.verified is True and org.credit_code != credit_code(4242) and org.tag_list == []
    with pytest.raises(PermissionDenied):
        organizations.update_organization(intruder, org, _org_form(org, credit_code=credit_code(4242)))
    # Cannot post listings on the organization's behalf, nor apply or enquire.
    assert client.get("/achievements/new").status_code == 403
    assert client.post("/api/v1/achievements", json={"title": "冒名成果", "summary": "简介"},
                       headers=token).status_code == 403
    assert client.get("/org/members").status_code == 302


def test_pending_enterprise_sees_achievements_as_a_visitor_would(client, world):
    world.achievement.details = "<p>机密工艺参数</p>"
    db.session.commit()
    _register_into(client, world.enterprise.organization, email="buyer-to-be@example.com", role="enterprise")
    page = client.get(f"/achievements/{world.achievement.id}").get_data(as_text=True)
    assert "机密工艺参数" not in page and "details-hint" in page
    assert client.get(f"/achievements/{world.achievement.id}/enquire").status_code == 403


def test_request_then_org_admin_approves_then_the_member_sees_the_deal(client, world):
    org = world.researcher.organization
    joiner = _register_into(client, org, email="newcomer@example.com")
    join = membership.pending_request_of(joiner)
    note = db.session.scalar(db.select(Notification).where(Notification.user_id == world.researcher.id,
                                                           Notification.kind == "join_requested"))
    assert note is not None and "newcomer@example.com" in note.message
    _as(client, world.researcher)
    page = client.get("/org/members").get_data(as_text=True)
    assert "newcomer@example.com" in page
    response = client.post(f"/org/requests/{join.id}/approve", data={"next": "/org/members"})
    assert response.status_code == 302
    db.session.expire_all()
    assert joiner.organization_id == org.id and not joiner.is_org_admin and join.status == "approved"
    assert db.session.scalar(db.select(Notification).where(Notification.user_id == joiner.id,
                                                           Notification.kind == "join_approved")) is not None
    _as(client, joiner)
    page = client.get(f"/deals/{world.deal.id}").get_data(as_text=True)
    assert "120.50" in page
    token = _api_token(client, joiner.email)
    assert client.get(f"/api/v1/deals/{world.deal.id}", headers=token).get_json()["registration_no"]


def test_reject_needs_a_reason_and_tells_the_requester(client, world):
    org = world.researcher.organization
    joiner = _register_into(client, org, email="refused@example.com")
    join = membership.pending_request_of(joiner)
    _as(client, world.researcher)
    client.post(f"/org/requests/{join.id}/reject", data={"reason": ""})
    assert join.status == "pending"
    client.post(f"/org/requests/{join.id}/reject", data={"reason": "查无此人"})
    db.session.expire_all()
    assert join.status == "rejected" and join.reason == "查无此人" and joiner.organization_id is None
    _as(client, joiner)
    me = client.get("/me").get_data(as_text=True)
    assert "加入申请未通过" in me and "查无此人" in me
    assert client.get(f"/deals/{world.deal.id}").status_code == 404
    # Decided once: a second decision is refused.
    with pytest.raises(InvalidTransition):
        membership.decide_join(world.researcher, join, True)


def test_only_the_orgs_admin_or_a_platform_admin_decides(client, world, make):
    org = world.researcher.organization
    joiner = _register_into(client, org, email="waiting@example.com")
    join = membership.pending_request_of(joiner)
    other_admin = make.user("researcher")  # org admin of another university
    for outsider in (world.colleague, other_admin, world.broker):
        with pytest.raises(NotFound):
            membership.decide_join(outsider, join, True)
    _as(client, world.colleague)  # a plain member
    assert client.get("/org/members").status_code == 403
    assert client.post(f"/org/requests/{join.id}/approve").status_code == 404
    _as(client, world.admin)
    assert client.get(f"/admin/organizations/{org.id}").get_data(as_text=True).count("waiting@example.com") == 1
    response = client.post(f"/org/requests/{join.id}/approve", data={"next": f"/admin/organizations/{org.id}"})
    assert response.location.endswith(f"/admin/organizations/{org.id}")
    db.session.expire_all()
    assert joiner.organization_id == org.id


def test_org_without_an_admin_sends_requests_to_platform_admins(client, make):
    admin = make.user("admin")
    org = make.organization(kind="university")
    joiner = _register_into(client, org, email="first@example.com")
    assert db.session.scalar(db.select(Notification).where(Notification.user_id == admin.id,
                                                           Notification.kind == "join_requested")) is not None
    membership.decide_join(admin, membership.pending_request_of(joiner), True)
    db.session.commit()
    assert joiner.organization_id == org.id and joiner.is_org_admin  # the first member administers it


def test_creating_an_org_at_registration_makes_the_user_its_org_admin(client):
    client.post("/register", data={"role": "enterprise", "name": "创始人", "email": "founder@example.com",
                                   "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "org_mode": "new",
                                   "org_name": "新创科技有限公司", "org_kind": "enterprise"})
    user = db.session.scalar(db.select(User).where(User.email == "founder@example.com"))
    assert user.organization.name == "新创科技有限公司" and user.is_org_admin and not user.organization.verified
    assert client.get("/org/members").status_code == 200


def test_rejected_user_can_ask_another_org(client, world, make):
    other = make.organization(name="另一所大学", kind="university")
    joiner = _register_into(client, world.researcher.organization, email="again@example.com")
    membership.decide_join(world.admin, membership.pending_request_of(joiner), False, "不是本单位人员")
    db.session.commit()
    _as(client, joiner)
    assert client.get("/org/join").status_code == 200
    client.post("/org/join", data={"org_mode": "existing", "org_id": other.id})
    assert membership.pending_request_of(joiner).organization_id == other.id
    assert client.get("/org/join").status_code == 302  # one pending request at a time


# ---------------------------------------------------------------- identity and tags

def test_identity_edit_of_a_verified_org_waits_for_a_platform_admin(client, world):
    org = world.researcher.organization
    old_name, old_code = org.name, org.credit_code
    _as(client, world.researcher)
    client.post("/org", data=_org_form(org, name="更名后的大学", credit_code=credit_code(5151), region="新区"))
    db.session.expire_all()
    assert (org.name, org.credit_code, org.verified, org.region) == (old_name, old_code, True, "新区")
    change = db.session.scalar(db.select(OrganizationChange).where(OrganizationChange.organization_id == org.id))
    assert change.status == "pending" and change.name == "更名后的大学"
    with pytest.raises(PermissionDenied):
        membership.decide_change(world.researcher, change, True)
    _as(client, world.admin)
    client.post(f"/admin/org-changes/{change.id}/approve")
    db.session.expire_all()
    assert (org.name, org.credit_code, org.verified) == ("更名后的大学", credit_code(5151), True)


def test_identity_change_rejected_keeps_the_old_identity(client, world):
    org = world.researcher.organization
    old_name = org.name
    change = organizations.update_organization(world.researcher, org, _org_form(org, name="冒用的名称"))
    db.session.commit()
    with pytest.raises(ValidationFailed):
        membership.decide_change(world.admin, change, False, "")
    membership.decide_change(world.admin, change, False, "与营业执照不符")
    db.session.commit()
    assert org.name == old_name and change.status == "rejected" and change.reason == "与营业执照不符"


def test_plain_member_cannot_edit_the_org(client, world):
    org = world.researcher.organization
    _as(client, world.colleague)
    page = client.get("/org").get_data(as_text=True)
    assert "只有本单位的单位管理员可以修改" in page
    assert client.post("/org", data=_org_form(org, region="别处")).status_code == 403
    assert org.region != "别处"


def test_status_tags_are_set_by_platform_admins_only(client, world):
    org = world.researcher.organization
    _as(client, world.researcher)  # the org admin
    assert client.post("/org", data=_org_form(org, tags=["高新技术企业"])).status_code == 403
    assert client.post(f"/admin/organizations/{org.id}/tags", data={"tags": ["高新技术企业"]}).status_code == 403
    db.session.expire_all()
    assert org.tag_list == []
    _as(client, world.admin)
    client.post(f"/admin/organizations/{org.id}/tags", data={"tags": ["高新技术企业", "科技型企业"]})
    db.session.expire_all()
    assert org.tag_list == ["科技型企业", "高新技术企业"]


def test_platform_admin_promotes_a_member_to_org_admin(client, world):
    org = world.researcher.organization
    _as(client, world.admin)
    client.post(f"/admin/organizations/{org.id}/members/{world.colleague.id}/promote")
    db.session.expire_all()
    assert world.colleague.is_org_admin
    with pytest.raises(PermissionDenied):
        membership.set_org_admin(world.researcher, world.colleague, False)


def test_cli_user_creating_an_org_is_its_admin_and_joining_one_is_an_approved_member(app):
    first = services.create_user("a@example.com", "enterprise", PASSWORD, org_name="命令行公司")
    second = services.create_user("b@example.com", "enterprise", PASSWORD, org_name="命令行公司")
    db.session.commit()
    assert first.organization_id == second.organization_id and first.organization.verified
    assert first.is_org_admin and not second.is_org_admin


def test_join_request_status_is_checked_by_the_database(app, make):
    org = make.organization()
    user = make.user("researcher")
    db.session.add(JoinRequest(user_id=user.id, organization_id=org.id, status="claimed"))
    with pytest.raises(Exception):
        db.session.commit()
    db.session.rollback()

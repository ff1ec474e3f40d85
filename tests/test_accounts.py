"""Registration, login/logout, safe redirects, passwords, the user's page and organization profiles."""
import pytest

from marketplace.accounts import organizations
from marketplace.models import JoinRequest, Organization, User
from marketplace.workflow import PermissionDenied

from .factories import PASSWORD, credit_code


def _register(client, **overrides):
    data = {"role": "researcher", "name": "张三", "email": "Zhang.San@Example.com", "password": "long-enough-1",
            "confirm": "long-enough-1", "org_mode": "new", "org_name": "新星大学", "org_kind": "university",
            "credit_code": ""}
    data.update(overrides)
    return client.post("/register", data=data)


def _user(db, email):
    return db.session.scalar(db.select(User).where(User.email == email))


# ---------------------------------------------------------------- register

def test_register_creates_user_with_new_unverified_org_and_logs_in(client, db):
    response = _register(client)
    assert response.status_code == 302 and response.location.endswith("/me")
    user = _user(db, "zhang.san@example.com")
    assert user is not None and user.role == "researcher" and user.check_password("long-enough-1")
    assert user.organization.name == "新星大学" and user.organization.kind == "university"
    assert user.organization.verified is False
    page = client.get("/me")
    assert page.status_code == 200 and "张三" in page.get_data(as_text=True)


def test_register_into_existing_org_of_matching_kind_is_a_pending_request(client, db, make):
    org = make.organization(name="华光电子有限公司", kind="enterprise")
    response = _register(client, role="enterprise", email="buyer@example.com", org_mode="existing", org_id=org.id)
    assert response.status_code == 302
    user = _user(db, "buyer@example.com")
    assert user.organization_id is None
    join = db.session.scalar(db.select(JoinRequest).where(JoinRequest.user_id == user.id))
    assert join.organization_id == org.id and join.status == "pending"


@pytest.mark.parametrize("overrides, message", [
    ({"password": "short", "confirm": "short"}, "密码至少需要 10 个字符"),
    ({"password": "123456789", "confirm": "123456789"}, "密码至少需要 10 个字符"),
    ({"password": "Password123", "confirm": "Password123"}, "该密码过于常见"),
    ({"password": "woaini1314", "confirm": "woaini1314"}, "该密码过于常见"),
    ({"password": "1234567890", "confirm": "1234567890"}, "该密码过于常见"),
    ({"password": "ZHANG.SAN-2026", "confirm": "ZHANG.SAN-2026"}, "密码不能包含邮箱 @ 前面的用户名"),
    ({"confirm": "something-else"}, "两次输入的密码不一致"),
    ({"name": ""}, "请填写姓名"),
    ({"email": "not-an-email"}, "邮箱格式不正确"),
    ({"org_name": ""}, "请填写新单位名称"),
    ({"org_mode": "existing", "org_id": "0"}, "请选择所在单位"),
    ({"org_kind": "enterprise"}, "科研人员所在单位类型只能是"),
    ({"role": "admin"}, "只能注册为科研人员、企业用户或服务机构"),
    ({"role": "broker"}, "只能注册为科研人员、企业用户或服务机构"),
    ({"credit_code": "91110000000000001X"}, "统一社会信用代码格式或校验位不正确"),
])
def test_register_rejects_bad_input_with_chinese_errors(client, db, overrides, message):
    response = _register(client, **overrides)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 0


def test_register_researcher_cannot_join_an_enterprise(client, db, make):
    org = make.organization(kind="enterprise")
    response = _register(client, org_mode="existing", org_id=org.id)
    assert "科研人员所在单位类型只能是" in response.get_data(as_text=True)
    assert _user(db, "zhang.san@example.com") is None


def test_register_accepts_valid_credit_code_and_rejects_wrong_check_digit(client, db):
    good = credit_code(424242)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    response = _register(client, credit_code=wrong)
    assert "校验位不正确" in response.get_data(as_text=True)
    response = _register(client, credit_code=good.lower())
    assert response.status_code == 302
    assert _user(db, "zhang.san@example.com").organization.credit_code == good


def test_register_duplicate_email_is_refused_case_insensitively(client, db, make):
    make.user(email="taken@example.com")
    response = _register(client, email="TAKEN@example.com")
    assert response.status_code == 200
    assert "该邮箱已注册" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.email == "taken@example.com")) == 1


def test_register_new_org_name_must_be_unique(client, db, make):
    make.organization(name="新星大学", kind="university")
    response = _register(client)
    assert "该单位已存在" in response.get_data(as_text=True)


def test_registered_hostile_name_is_escaped(client):
    _register(client, name="<script>alert(1)</script>", org_name="<img src=x onerror=alert(1)>")
    page = client.get("/me").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x onerror=alert(1)>" not in page


# ---------------------------------------------------------------- login / logout

def test_login_with_email_case_insensitive_and_logout(client, make):
    user = make.user(email="li@example.com")
    response = client.post("/login", data={"email": " LI@example.com ", "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/me")
    assert client.get("/me").status_code == 200
    assert user.name in client.get("/me").get_data(as_text=True)
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/me").status_code == 302


def test_login_bad_password_shows_chinese_error(client, make):
    make.user(email="li@example.com")
    response = client.post("/login", data={"email": "li@example.com", "password": "wrong-password"})
    assert response.status_code == 200
    assert "邮箱或密码错误" in response.get_data(as_text=True)
    assert client.get("/me").status_code == 302


def test_login_unknown_email_same_error(client):
    response = client.post("/login", data={"email": "nobody@example.com", "password": "whatever-123"})
    assert "邮箱或密码错误" in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, db, make):
    user = make.user(email="gone@example.com")
    user.active = False
    db.session.commit()
    response = client.post("/login", data={"email": "gone@example.com", "password": PASSWORD})
    assert response.status_code == 200
    assert "停用" in response.get_data(as_text=True)
    assert client.get("/me").status_code == 302


def test_login_follows_safe_next(client, make):
    make.user(email="li@example.com")
    response = client.post("/login", data={"email": "li@example.com", "password": PASSWORD, "next": "/org"})
    assert response.location == "/org"


@pytest.mark.parametrize("target", ["//evil.com", "https://evil.com", "http://evil.com/me", "/\\evil.com",
                                    "javascript:alert(1)"])
def test_login_ignores_off_site_next(client, make, target):
    make.user(email="li@example.com")
    response = client.post("/login?next=" + target, data={"email": "li@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/me"
    response = client.post("/logout")
    response = client.post("/login", data={"email": "li@example.com", "password": PASSWORD, "next": target})
    assert response.location == "/me"


def test_login_page_keeps_next_from_query(client):
    page = client.get("/login?next=/org").get_data(as_text=True)
    assert 'value="/org"' in page


def test_protected_page_redirects_visitor_to_login(client):
    response = client.get("/me")
    assert response.status_code == 302 and "/login" in response.location


# ---------------------------------------------------------------- password

def test_change_password(client, login, make):
    user = login(make.user(email="li@example.com"))
    response = client.post("/account/password", data={"old_password": "wrong-old-pass",
                                                      "new_password": "brand-new-pass",
                                                      "confirm": "brand-new-pass"})
    assert "原密码不正确" in response.get_data(as_text=True)
    assert user.check_password(PASSWORD)
    response = client.post("/account/password", data={"old_password": PASSWORD, "new_password": "short",
                                                      "confirm": "short"})
    assert "密码至少需要 10 个字符" in response.get_data(as_text=True)
    response = client.post("/account/password", data={"old_password": PASSWORD, "new_password": "brand-new-pass",
                                                      "confirm": "brand-new-pass"})
    assert response.status_code == 302
    assert client.get("/me").status_code == 200  # the changing session goes on
    client.post("/logout")
    assert "邮箱或密码错误" in client.post("/login", data={"email": "li@example.com", "password": PASSWORD}) \
        .get_data(as_text=True)
    assert client.post("/login", data={"email": "li@example.com", "password": "brand-new-pass"}).status_code == 302


def test_change_password_needs_login(client):
    assert client.get("/account/password").status_code == 302


# ---------------------------------------------------------------- /me

def test_dashboard_lists_own_listings_with_reject_reason(client, login, make):
    owner = make.user("researcher")
    other = make.user("researcher")
    make.achievement(owner=owner, status="rejected", title="被驳回的成果", reject_reason="缺少专利证书")
    make.achievement(owner=owner, status="draft", title="我的草稿成果")
    make.achievement(owner=other, status="published", title="别人的成果")
    login(owner)
    page = client.get("/me").get_data(as_text=True)
    assert "被驳回的成果" in page and "驳回原因：缺少专利证书" in page
    assert "我的草稿成果" in page and "草稿" in page
    assert "别人的成果" not in page
    assert 'href="/achievements/new"' in page and "发布科技成果" in page
    assert "发布技术需求" not in page
    assert "/edit" in page and "提交审核" in page


def test_dashboard_enterprise_sees_demand_section(client, login, make):
    owner = login(make.user("enterprise"))
    make.demand(owner=owner, status="pending", title="待审核的需求")
    page = client.get("/me").get_data(as_text=True)
    assert "待审核的需求" in page and "待审核" in page
    assert 'href="/demands/new"' in page and "发布科技成果" not in page


def test_dashboard_escapes_hostile_titles(client, login, make):
    owner = login(make.user("researcher"))
    make.achievement(owner=owner, status="rejected", title="<script>alert(1)</script>",
                     reject_reason="<img src=x onerror=alert(1)>")
    page = client.get("/me").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "<img src=x onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


# ---------------------------------------------------------------- organizations

def _org_form(org, **overrides):
    data = {"name": org.name, "kind": org.kind, "credit_code": org.credit_code or "", "region": org.region or "",
            "description": org.description or "", "tags": []}
    data.update(overrides)
    return data


def test_edit_org_region_applies_at_once_and_keeps_verification(client, login, make):
    user = login(make.user("enterprise"))
    org = user.organization
    response = client.post("/org", data=_org_form(org, region="浙江省杭州市", description="新的简介"))
    assert response.status_code == 302
    assert org.region == "浙江省杭州市" and org.description == "新的简介"
    assert org.verified is True


def test_member_cannot_award_the_org_a_status_tag(client, db, login, make):
    user = login(make.user("enterprise"))
    org = user.organization
    response = client.post("/org", data=_org_form(org, region="浙江省杭州市", tags=["高新技术企业"]))
    assert response.status_code == 403 and "平台管理员" in response.get_data(as_text=True)
    db.session.expire_all()
    assert org.tag_list == [] and org.region == "测试区"
    with pytest.raises(PermissionDenied):
        organizations.set_org_tags(user, org, ["高新技术企业"])


def test_edit_verified_org_name_goes_to_review_and_org_stays_verified(client, login, make):
    user = login(make.user("enterprise"))
    org = user.organization
    old_name = org.name
    page = client.get("/org").get_data(as_text=True)
    assert "需经平台管理员审核" in page
    response = client.post("/org", data=_org_form(org, name="改名后的公司"), follow_redirects=True)
    assert "已提交平台管理员审核" in response.get_data(as_text=True)
    assert org.name == old_name and org.verified is True
    assert "改名后的公司" in client.get("/org").get_data(as_text=True)  # the pending change is shown


def test_edit_verified_org_credit_code_goes_to_review(client, login, make):
    user = login(make.user("enterprise"))
    org = user.organization
    old_code = org.credit_code
    client.post("/org", data=_org_form(org, credit_code=credit_code(777777)))
    assert org.credit_code == old_code and org.verified is True


def test_edit_org_rejects_bad_credit_code_tag_and_kind(client, db, login, make):
    user = login(make.user("enterprise"))
    org = user.organization
    old_code = org.credit_code
    bad = old_code[:17] + ("0" if old_code[17] != "0" else "1")
    page = client.post("/org", data=_org_form(org, credit_code=bad)).get_data(as_text=True)
    assert "校验位不正确" in page
    page = client.post("/org", data=_org_form(org, kind="university")).get_data(as_text=True)
    assert "企业用户所在单位类型只能是" in page
    db.session.expire_all()
    assert org.credit_code == old_code and org.kind == "enterprise" and org.verified is True


def test_credit_code_of_another_org_is_refused(client, login, make):
    other = make.organization()
    user = login(make.user("enterprise"))
    page = client.post("/org", data=_org_form(user.organization, credit_code=other.credit_code)).get_data(as_text=True)
    assert "已被其他单位使用" in page


def test_update_organization_refuses_non_member(app, make):
    org = make.organization()
    stranger = make.user("enterprise")
    with pytest.raises(PermissionDenied):
        organizations.update_organization(stranger, org, {"name": "x", "kind": "enterprise"})


def test_org_edit_needs_login(client):
    assert client.get("/org").status_code == 302


def test_public_org_profile_shows_only_published_listings(client, make):
    owner = make.user("researcher")
    make.achievement(owner=owner, status="published", title="公开的成果")
    make.achievement(owner=owner, status="draft", title="秘密草稿")
    make.achievement(owner=owner, status="pending", title="待审成果")
    page = client.get(f"/orgs/{owner.organization_id}").get_data(as_text=True)
    assert "公开的成果" in page and "秘密草稿" not in page and "待审成果" not in page
    assert owner.organization.name in page
    assert client.get("/orgs/99999").status_code == 404


def test_public_org_profile_escapes_description(client, db, make):
    org = make.organization(description="<script>alert(1)</script>")
    page = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page

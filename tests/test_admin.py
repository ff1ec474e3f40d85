"""The admin area: access control, review queue and decisions, organization verification, users."""
import pytest

from marketplace.models import Event, Notification, User
from marketplace.workflow import history

from .factories import PASSWORD

GET_ROUTES = ["/admin/", "/admin/review", "/admin/review/achievement/{a}", "/admin/organizations",
              "/admin/organizations?status=unverified", "/admin/users"]
POST_ROUTES = ["/admin/review/achievement/{a}/approve", "/admin/review/achievement/{a}/reject",
               "/admin/organizations/{o}/verify", "/admin/organizations/{o}/unverify", "/admin/users/new",
               "/admin/users/{u}/deactivate", "/admin/users/{u}/activate"]


@pytest.fixture
def pending(make):
    return make.achievement(status="pending", title="待审核的石墨烯成果")


def _urls(routes, listing, user):
    return [r.format(a=listing.id, o=listing.organization_id, u=user.id) for r in routes]


# ---------------------------------------------------------------- access control

def test_every_admin_route_sends_visitors_to_login(client, make, pending):
    for url in _urls(GET_ROUTES, pending, pending.owner):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    for url in _urls(POST_ROUTES, pending, pending.owner):
        response = client.post(url, data={"reason": "x"})
        assert response.status_code == 302 and "/login" in response.location, url
    assert pending.status == "pending"


@pytest.mark.parametrize("role", ["researcher", "enterprise", "broker"])
def test_every_admin_route_is_forbidden_to_other_roles(client, db, login, make, pending, role):
    user = login(make.user(role))
    for url in _urls(GET_ROUTES, pending, user):
        assert client.get(url).status_code == 403, url
    for url in _urls(POST_ROUTES, pending, pending.owner):
        assert client.post(url, data={"reason": "x", "email": "new@example.com", "name": "n", "role": "admin",
                                      "password": "long-enough-1"}).status_code == 403, url
    db.session.expire_all()
    assert pending.status == "pending" and pending.owner.active
    assert db.session.scalar(db.select(User).where(User.email == "new@example.com")) is None


def test_admin_sees_every_admin_page(client, login, make, pending):
    admin = login(make.user("admin"))
    for url in _urls(GET_ROUTES, pending, admin):
        assert client.get(url).status_code == 200, url


# ---------------------------------------------------------------- overview

def test_overview_counts(client, login, make):
    login(make.user("admin"))
    make.achievement(status="pending")
    make.demand(status="pending")
    make.demand(status="published")
    make.organization(verified=False)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'id="stat-pending">2<' in page
    assert 'id="stat-unverified">1<' in page
    assert "科研人员" in page and "技术经纪人" in page


# ---------------------------------------------------------------- review

def test_review_queue_lists_pending_with_org_and_verified_flag(client, login, make, pending):
    login(make.user("admin"))
    unverified_owner = make.user("enterprise", verified_org=False)
    blocked = make.demand(owner=unverified_owner, status="pending", title="未认证企业的需求")
    make.achievement(status="draft", title="草稿不应出现")
    page = client.get("/admin/review").get_data(as_text=True)
    assert "待审核的石墨烯成果" in page and "未认证企业的需求" in page
    assert "草稿不应出现" not in page
    assert pending.organization.name in page and "已认证" in page
    assert f"发布单位「{blocked.organization.name}」尚未认证" in page


def test_approve_publishes_records_event_and_notifies_owner(client, db, login, make, pending):
    admin = login(make.user("admin"))
    response = client.post(f"/admin/review/achievement/{pending.id}/approve", data={"note": "材料齐全"})
    assert response.status_code == 302
    db.session.expire_all()
    assert pending.status == "published" and pending.published_at is not None
    event = history("achievement", pending.id)[-1]
    assert (event.action, event.actor_id, event.to_state, event.note) == ("approve", admin.id, "published", "材料齐全")
    assert db.session.scalar(db.select(Notification).where(Notification.user_id == pending.owner_id)) is not None


def test_approve_refused_while_org_unverified_then_allowed_after_verification(client, db, login, make):
    login(make.user("admin"))
    owner = make.user("enterprise", verified_org=False)
    listing = make.demand(owner=owner, status="pending")
    response = client.post(f"/admin/review/demand/{listing.id}/approve", follow_redirects=True)
    assert response.status_code == 200
    assert "尚未通过认证" in response.get_data(as_text=True)
    db.session.expire_all()
    assert listing.status == "pending"
    detail = client.get(f"/admin/review/demand/{listing.id}").get_data(as_text=True)
    assert "尚未认证" in detail and "认证该单位" in detail
    client.post(f"/admin/organizations/{owner.organization_id}/verify")
    client.post(f"/admin/review/demand/{listing.id}/approve")
    db.session.expire_all()
    assert listing.status == "published"


def test_reject_needs_reason_and_owner_sees_it(client, db, login, make, pending):
    admin = make.user("admin")
    login(admin)
    response = client.post(f"/admin/review/achievement/{pending.id}/reject", data={"reason": "   "})
    assert response.status_code == 200
    assert "请填写驳回原因" in response.get_data(as_text=True)
    db.session.expire_all()
    assert pending.status == "pending"
    response = client.post(f"/admin/review/achievement/{pending.id}/reject", data={"reason": "请补充专利证书扫描件"})
    assert response.status_code == 302
    db.session.expire_all()
    assert pending.status == "rejected" and pending.reject_reason == "请补充专利证书扫描件"
    login(pending.owner)
    page = client.get("/me").get_data(as_text=True)
    assert "驳回原因：请补充专利证书扫描件" in page


def test_review_detail_shows_content_and_history(client, db, login, make):
    from marketplace.listings import services as listings

    admin = make.user("admin")
    owner = make.user("researcher")
    listing = make.achievement(owner=owner, status="draft", title="高熵合金涂层", summary="硬度高、耐磨性好的高熵合金涂层",
                               description="<p>详细工艺</p><script>alert(1)</script>")
    listings.submit_listing(listing, owner, note="首次提交")
    db.session.commit()
    login(admin)
    page = client.get(f"/admin/review/achievement/{listing.id}").get_data(as_text=True)
    assert "高熵合金涂层" in page and "硬度高、耐磨性好的高熵合金涂层" in page and "详细工艺" in page
    assert "首次提交" in page and "待审核" in page
    assert "<script>alert(1)</script>" not in page
    assert "审核通过并发布" in page and "驳回" in page


def test_review_escapes_hostile_title(client, login, make):
    login(make.user("admin"))
    make.achievement(status="pending", title="<img src=x onerror=alert(1)>")
    for url in ("/admin/review", "/admin/"):
        page = client.get(url).get_data(as_text=True)
        assert "<img src=x onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in client.get("/admin/review").get_data(as_text=True)


def test_approve_of_published_listing_is_a_flash_not_a_500(client, db, login, make):
    login(make.user("admin"))
    listing = make.achievement(status="published")
    response = client.post(f"/admin/review/achievement/{listing.id}/approve", follow_redirects=True)
    assert response.status_code == 200 and "无法审核通过" in response.get_data(as_text=True)
    response = client.post(f"/admin/review/achievement/{listing.id}/reject", data={"reason": "x"},
                           follow_redirects=True)
    assert response.status_code == 200 and "无法驳回" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_review_unknown_kind_or_id_is_404(client, login, make):
    login(make.user("admin"))
    assert client.get("/admin/review/deal/1").status_code == 404
    assert client.get("/admin/review/achievement/9999").status_code == 404
    assert client.post("/admin/review/user/1/approve").status_code == 404


# ---------------------------------------------------------------- organizations

def test_organizations_filter_and_verify_unverify(client, db, login, make):
    login(make.user("admin"))
    member = make.user("enterprise", verified_org=False)
    unverified = member.organization
    verified = make.organization(name="已认证的公司")
    page = client.get("/admin/organizations?status=unverified").get_data(as_text=True)
    assert unverified.name in page and "已认证的公司" not in page
    page = client.get("/admin/organizations?status=verified").get_data(as_text=True)
    assert "已认证的公司" in page and unverified.name not in page
    client.post(f"/admin/organizations/{unverified.id}/verify")
    client.post(f"/admin/organizations/{verified.id}/unverify")
    db.session.expire_all()
    assert unverified.verified is True and unverified.verified_at is not None
    assert verified.verified is False and verified.verified_at is None
    note = db.session.scalar(db.select(Notification).where(Notification.user_id == member.id))
    assert note is not None and "已通过平台认证" in note.message


def test_verify_unknown_org_is_404(client, login, make):
    login(make.user("admin"))
    assert client.post("/admin/organizations/9999/verify").status_code == 404


# ---------------------------------------------------------------- users

def test_admin_creates_broker_with_new_verified_org(client, db, login, make):
    login(make.user("admin"))
    response = client.post("/admin/users/new", data={"email": "Broker2@Example.com", "name": "钱经纪", "role": "broker",
                                                     "password": "broker-pass-1", "org_id": "0",
                                                     "org_name": "新经纪公司", "org_kind": "broker_agency"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "broker2@example.com"))
    assert user.role == "broker" and user.organization.name == "新经纪公司" and user.organization.verified
    assert "钱经纪" in client.get("/admin/users?role=broker").get_data(as_text=True)


def test_admin_creates_user_in_existing_org(client, db, login, make):
    login(make.user("admin"))
    org = make.organization(kind="university", verified=False)
    client.post("/admin/users/new", data={"email": "prof@example.com", "name": "王教授", "role": "researcher",
                                          "password": "Tenure-track-12", "org_id": str(org.id)})
    user = db.session.scalar(db.select(User).where(User.email == "prof@example.com"))
    assert user.organization_id == org.id and org.verified is False


@pytest.mark.parametrize("overrides, message", [
    ({"email": "taken@example.com"}, "该邮箱已注册"),
    ({"password": "short"}, "密码至少需要 10 个字符"),
    ({"password": "Qwerty123456"}, "该密码过于常见"),
    ({"role": "superuser"}, "角色无效"),
    ({"role": "researcher", "org_name": "某公司", "org_kind": "enterprise"}, "科研人员所在单位类型只能是"),
])
def test_admin_create_user_errors_in_chinese(client, db, login, make, overrides, message):
    login(make.user("admin"))
    make.user(email="taken@example.com")
    data = {"email": "new@example.com", "name": "新用户", "role": "broker", "password": "long-enough-1", "org_id": "0"}
    data.update(overrides)
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2


def test_deactivate_blocks_login_and_activate_restores(client, db, login, make):
    admin = make.user("admin")
    target = make.user("researcher", email="target@example.com")
    login(admin)
    client.post(f"/admin/users/{target.id}/deactivate")
    db.session.expire_all()
    assert target.active is False
    login(None)
    response = client.post("/login", data={"email": "target@example.com", "password": PASSWORD})
    assert response.status_code == 200 and "停用" in response.get_data(as_text=True)
    login(admin)
    client.post(f"/admin/users/{target.id}/activate")
    db.session.expire_all()
    assert target.active is True
    login(None)
    assert client.post("/login", data={"email": "target@example.com", "password": PASSWORD}).status_code == 302


def test_admin_cannot_deactivate_self(client, db, login, make):
    admin = login(make.user("admin"))
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "不能停用自己的账号" in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.active is True

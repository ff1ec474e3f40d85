"""Sessions can be trusted: login throttling (page, API, password change, registration), the same work for
unknown accounts, sessions and remember cookies that end at logout and at a password change, POST-only
logout, and cookie attributes."""
from datetime import timedelta

from marketplace import create_app
from marketplace.accounts import passwords
from marketplace.config import ProductionConfig
from marketplace.models import LoginAttempt, User

from .factories import PASSWORD

NEW_PASSWORD = "Another-long-pass-7"


def _login(client, email, password, remember=False, **kw):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data, **kw)


def _age_attempts(db, minutes):
    """Pretend the recorded attempts happened `minutes` earlier (no sleeping in tests)."""
    for attempt in db.session.scalars(db.select(LoginAttempt)):  # in Python: SQLite has no datetime arithmetic
        attempt.created_at -= timedelta(minutes=minutes)
    db.session.commit()


def _logged_in(client):
    return client.get("/me").status_code == 200


# ---------------------------------------------------------------- throttling: the login page

def test_200_wrong_passwords_then_the_right_one_is_refused_until_the_wait_passes(client, db, make):
    make.user(email="li@example.com")
    for _ in range(200):
        response = _login(client, "li@example.com", "wrong-password-x")
    page = response.get_data(as_text=True)
    assert "登录尝试过多，请 15 分钟后再试" in page
    response = _login(client, "li@example.com", PASSWORD)
    assert response.status_code == 200 and "登录尝试过多" in response.get_data(as_text=True)
    assert not _logged_in(client)
    # Refused attempts are not recorded: only the 5 failures that caused the lock are.
    assert db.session.scalar(db.select(db.func.count(LoginAttempt.id))) == 5
    _age_attempts(db, 10)
    assert "请 5 分钟后再试" in _login(client, "li@example.com", PASSWORD).get_data(as_text=True)
    _age_attempts(db, 6)
    assert _login(client, "li@example.com", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_four_failures_still_allow_the_right_password_and_success_clears_them(client, db, make):
    make.user(email="li@example.com")
    for _ in range(4):
        _login(client, "li@example.com", "wrong-password-x")
    assert _login(client, "li@example.com", PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(4):
        assert "邮箱或密码错误" in _login(client, "li@example.com", "wrong-password-x").get_data(as_text=True)
    assert _login(client, "li@example.com", PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_locked_out(client, make):
    make.user(email="target@example.com")
    for n in range(20):
        _login(client, f"guess{n}@example.com", "wrong-password-x")
    response = _login(client, "target@example.com", PASSWORD)
    assert "登录尝试过多" in response.get_data(as_text=True) and not _logged_in(client)
    # Another address is not affected (the account itself has no failures).
    other = client.application.test_client()
    assert _login(other, "target@example.com", PASSWORD, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302


def test_the_account_lock_holds_from_every_address(client, make):
    make.user(email="li@example.com")
    for n in range(5):
        _login(client, "li@example.com", "wrong-password-x", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
    response = _login(client, "li@example.com", PASSWORD, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert "登录尝试过多" in response.get_data(as_text=True)


def test_throttling_is_shared_through_the_database(app, db, make):
    """Counts live in the database, so a second app (another worker process) sees the same lock."""
    make.user(email="li@example.com")
    for _ in range(5):
        _login(app.test_client(), "li@example.com", "wrong-password-x")
    other_worker = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "testing",
                               "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                               "INDEX_DIR": app.config["INDEX_DIR"]})
    response = _login(other_worker.test_client(), "li@example.com", PASSWORD)
    assert "登录尝试过多" in response.get_data(as_text=True)
    with other_worker.app_context():
        db.engine.dispose()


def test_old_attempts_are_pruned(client, db, make):
    make.user(email="li@example.com")
    _login(client, "nobody@example.com", "wrong-password-x")
    _age_attempts(db, 60)
    _login(client, "li@example.com", "wrong-password-x")
    accounts = db.session.scalars(db.select(LoginAttempt.account)).all()
    assert accounts == ["li@example.com"]


# ---------------------------------------------------------------- unknown accounts look like known ones

def test_unknown_account_checks_a_dummy_hash_and_locks_like_a_real_one(client, monkeypatch):
    checked = []
    real_check = passwords.check_password_hash

    def counting_check(pwhash, password):
        checked.append(pwhash)
        return real_check(pwhash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting_check)
    response = _login(client, "nobody@example.com", "whatever-123")
    assert "邮箱或密码错误" in response.get_data(as_text=True)
    assert len(checked) == 1 and checked[0].startswith("pbkdf2:sha256:1000$")  # the configured method
    for _ in range(4):
        _login(client, "nobody@example.com", "whatever-123")
    assert "登录尝试过多" in _login(client, "nobody@example.com", "whatever-123").get_data(as_text=True)


# ---------------------------------------------------------------- throttling: password change and registration

def test_password_change_is_throttled_and_the_right_old_password_is_refused_during_the_lock(client, login, make):
    user = login(make.user(email="li@example.com"))
    for _ in range(5):
        page = client.post("/account/password", data={"old_password": "wrong-password-x",
                                                      "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert "原密码不正确" in page.get_data(as_text=True)
    page = client.post("/account/password", data={"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD})
    assert "密码验证尝试过多，请 15 分钟后再试" in page.get_data(as_text=True)
    assert user.check_password(PASSWORD)
    # The failures count against the account's logins too.
    other = client.application.test_client()
    assert "登录尝试过多" in _login(other, "li@example.com", PASSWORD).get_data(as_text=True)


def _register(client, n, environ_base=None, **overrides):
    data = {"role": "researcher", "name": "张三", "email": f"new{n}@example.com", "password": "long-enough-1",
            "confirm": "long-enough-1", "org_mode": "new", "org_name": f"新星大学{n}", "org_kind": "university"}
    data.update(overrides)
    return client.post("/register", data=data, environ_base=environ_base or {})


def test_registration_is_throttled_per_address(app, db, make):
    make.user(email="taken@example.com")
    for n in range(10):
        client = app.test_client()  # a fresh visitor each time (registering logs in)
        assert _register(client, n, email="taken@example.com").status_code == 200
    response = _register(app.test_client(), 99)
    assert "注册尝试过多，请 15 分钟后再试" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "new99@example.com")) is None
    elsewhere = app.test_client()
    assert _register(elsewhere, 98, environ_base={"REMOTE_ADDR": "10.7.7.7"}).status_code == 302


# ---------------------------------------------------------------- logout ends the sessions

def test_logout_is_post_only(client, login, make):
    login(make.user())
    assert client.get("/logout").status_code == 405
    assert _logged_in(client)
    assert client.post("/logout").status_code == 302
    assert not _logged_in(client)


def test_the_nav_logs_out_with_a_post_form(client, login, make):
    login(make.user())
    page = client.get("/me").get_data(as_text=True)
    assert 'method="post" action="/logout"' in page and 'name="csrf_token"' in page
    assert 'href="/logout"' not in page


def test_a_captured_session_cookie_does_not_work_after_logout(app, client, make):
    make.user(email="li@example.com")
    assert _login(client, "li@example.com", PASSWORD).status_code == 302
    captured = client.get_cookie("session").value
    client.post("/logout")
    attacker = app.test_client()
    attacker.set_cookie("session", captured)
    assert attacker.get("/me").status_code == 302


def test_a_captured_remember_cookie_does_not_work_after_logout(app, client, make):
    make.user(email="li@example.com")
    _login(client, "li@example.com", PASSWORD, remember=True)
    captured = client.get_cookie("remember_token").value
    attacker = app.test_client()
    attacker.set_cookie("remember_token", captured)
    assert attacker.get("/me").status_code == 200  # the cookie works while the session lives...
    client.post("/logout")
    attacker = app.test_client()
    attacker.set_cookie("remember_token", captured)
    assert attacker.get("/me").status_code == 302  # ...and not after logout
    # A new login issues a different cookie.
    _login(client, "li@example.com", PASSWORD, remember=True)
    assert client.get_cookie("remember_token").value != captured


def test_remember_cookie_is_httponly_samesite_and_lasts_14_days(client, make):
    make.user(email="li@example.com")
    response = _login(client, "li@example.com", PASSWORD, remember=True)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    remember = cookies["remember_token"]
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    assert "Max-Age=1209600" in remember or "Expires=" in remember
    assert client.get_cookie("remember_token").expires is not None
    assert "SameSite=Lax" in cookies["session"] and "HttpOnly" in cookies["session"]
    assert client.application.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    assert ProductionConfig.REMEMBER_COOKIE_SECURE and ProductionConfig.SESSION_COOKIE_SECURE


def test_a_session_from_before_the_version_change_is_refused(client, db, login, make):
    user = make.user()
    login(user)
    assert _logged_in(client)
    user.end_sessions()
    db.session.commit()
    assert not _logged_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # the old format, without a version
    assert not _logged_in(client)


# ---------------------------------------------------------------- password change ends the other sessions

def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, make):
    make.user(email="li@example.com")
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, "li@example.com", PASSWORD, remember=True)
    _login(phone, "li@example.com", PASSWORD, remember=True)
    phone_remember = phone.get_cookie("remember_token").value
    response = laptop.post("/account/password", data={"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                      "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "其他设备上的登录和所有 API 令牌均已失效" in response.get_data(as_text=True)
    assert _logged_in(laptop)
    assert not _logged_in(phone)
    thief = app.test_client()
    thief.set_cookie("remember_token", phone_remember)
    assert thief.get("/me").status_code == 302
    # The laptop's own remember cookie was re-issued and still works on its own.
    fresh = app.test_client()
    fresh.set_cookie("remember_token", laptop.get_cookie("remember_token").value)
    assert fresh.get("/me").status_code == 200


def test_deactivation_ends_sessions_for_good(app, client, db, login, make):
    admin, target = make.user("admin"), make.user(email="target@example.com")
    victim_device = app.test_client()
    _login(victim_device, "target@example.com", PASSWORD)
    login(admin)
    client.post(f"/admin/users/{target.id}/deactivate")
    client.post(f"/admin/users/{target.id}/activate")
    assert not _logged_in(victim_device)  # the old session does not come back with the account
    assert _login(victim_device, "target@example.com", PASSWORD).status_code == 302

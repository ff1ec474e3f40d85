"""忘记密码 (accounts/recovery.py): the link arrives through a real SMTP server (aiosmtpd), works once, expires,
cannot be forged, and asking for it answers the same whether or not the account exists."""
import re
import time
import types

import itsdangerous.timed
import pytest

from marketplace.accounts import recovery, tokens
from marketplace.extensions import db

from .mail_support import body_of, smtp_inbox  # noqa: F401  (fixture)

NEW_PASSWORD = "Brand-new-pass-77"
LINK = re.compile(r"http://localhost/password/reset/(\S+)")


def _ask(client, email):
    return client.post("/password/forgot", data={"email": email}, follow_redirects=True)


def _token_from(message):
    match = LINK.search(body_of(message))
    assert match, body_of(message)
    return match.group(1)


def _reset(client, token, password=NEW_PASSWORD, confirm=None):
    return client.post(f"/password/reset/{token}", data={"new_password": password, "confirm": confirm or password})


def test_full_flow_through_smtp_sets_the_password_and_ends_other_sessions(app, client, make, smtp_inbox):
    user = make.user(email="liu.yang@example.com", name="刘洋")
    api_token, _ = tokens.issue_token(user, "脚本")
    db.session.commit()
    version = user.session_version
    page = _ask(client, "Liu.Yang@example.com")
    assert "如果该邮箱已注册，重置密码的链接已发送到该邮箱" in page.get_data(as_text=True)
    [message] = smtp_inbox.messages
    assert message["To"] == "liu.yang@example.com" and message["Subject"] == "【易智】重置密码"
    assert "刘洋，您好" in body_of(message) and "60 分钟内" in body_of(message)
    token = _token_from(message)

    form = client.get(f"/password/reset/{token}")
    assert form.status_code == 200 and "为 liu.yang@example.com 设置新密码" in form.get_data(as_text=True)
    response = _reset(client, token)
    assert response.status_code == 302 and response.location.endswith("/login")
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD) and user.session_version == version + 1
    db.session.refresh(api_token)
    assert api_token.revoked_at is not None
    login = client.post("/login", data={"email": "liu.yang@example.com", "password": NEW_PASSWORD})
    assert login.status_code == 302 and login.location.endswith("/me")


def test_a_link_works_only_once(app, client, make, smtp_inbox):
    user = make.user(email="once@example.com")
    _ask(client, user.email)
    token = _token_from(smtp_inbox.messages[0])
    assert _reset(client, token).status_code == 302
    again = client.get(f"/password/reset/{token}").get_data(as_text=True)
    assert "该重置链接无效、已过期或已使用" in again and 'name="new_password"' not in again
    assert "该重置链接无效" in _reset(client, token, "Another-pass-88").get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD) and not user.check_password("Another-pass-88")


def test_a_link_stops_working_once_the_password_changes_otherwise(app, client, make):
    user = make.user(email="changed@example.com")
    token = recovery.make_token(user)
    user.set_password("Changed-elsewhere-1")
    db.session.commit()
    assert "该重置链接无效" in client.get(f"/password/reset/{token}").get_data(as_text=True)


def test_an_expired_link_is_refused(app, client, make, monkeypatch):
    user = make.user(email="late@example.com")
    issued = time.time() - 61 * 60
    monkeypatch.setattr(itsdangerous.timed, "time", types.SimpleNamespace(time=lambda: issued))
    token = recovery.make_token(user)  # the link was issued 61 minutes ago
    monkeypatch.undo()
    page = client.get(f"/password/reset/{token}").get_data(as_text=True)
    assert "该重置链接已过期，请重新申请" in page
    assert "已过期" in _reset(client, token).get_data(as_text=True)
    db.session.refresh(user)
    assert not user.check_password(NEW_PASSWORD)
    app.config["PASSWORD_RESET_MINUTES"] = 120  # the lifetime is configurable: the same link is good for 2 hours
    assert 'name="new_password"' in client.get(f"/password/reset/{token}").get_data(as_text=True)


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature
    lambda t: "x" + t[1:],  # the payload
    lambda t: "not-a-token",
])
def test_a_tampered_link_is_refused(app, client, make, tamper):
    user = make.user(email="tamper@example.com")
    token = recovery.make_token(user)
    bad = tamper(token)
    assert "该重置链接无效" in client.get(f"/password/reset/{bad}").get_data(as_text=True)
    _reset(client, bad)
    db.session.refresh(user)
    assert not user.check_password(NEW_PASSWORD)


def test_a_link_signed_with_another_key_is_refused(app, client, make):
    user = make.user(email="forged@example.com")
    forged = itsdangerous.URLSafeTimedSerializer("guessed-key", salt=recovery.SALT).dumps(
        {"u": user.id, "p": recovery._fingerprint(user)})
    assert "该重置链接无效" in client.get(f"/password/reset/{forged}").get_data(as_text=True)


def test_unknown_email_gets_the_same_answer_and_no_mail(app, client, make, smtp_inbox):
    make.user(email="known@example.com")
    known = _ask(client, "known@example.com").get_data(as_text=True)
    unknown = _ask(client, "nobody@example.com").get_data(as_text=True)
    strip = lambda page: re.sub(r'name="csrf_token"[^>]*>', "", page)  # noqa: E731
    assert strip(known) == strip(unknown)
    assert [m["To"] for m in smtp_inbox.messages] == ["known@example.com"]


def test_a_deactivated_account_gets_no_link(app, client, make, smtp_inbox):
    user = make.user(email="off@example.com")
    user.active = False
    db.session.commit()
    assert "如果该邮箱已注册" in _ask(client, "off@example.com").get_data(as_text=True)
    assert smtp_inbox.messages == []


def test_requests_are_throttled_per_email_whether_or_not_it_exists(app, client, make, smtp_inbox):
    make.user(email="busy@example.com")
    for email in ("busy@example.com", "ghost@example.com"):
        for _ in range(app.config["THROTTLE_ACCOUNT_LIMIT"]):
            assert "如果该邮箱已注册" in _ask(client, email).get_data(as_text=True)
        refused = _ask(client, email).get_data(as_text=True)
        assert "重置密码尝试过多，请" in refused and "如果该邮箱已注册" not in refused
    assert len(smtp_inbox.messages) == app.config["THROTTLE_ACCOUNT_LIMIT"]


def test_the_new_password_follows_the_policy(app, client, make):
    user = make.user(email="policy.user@example.com")
    token = recovery.make_token(user)
    for password, message in (("short", "密码至少需要 10 个字符"), ("Password123", "该密码过于常见"),
                              ("policy.user-2026", "密码不能包含邮箱 @ 前面的用户名")):
        page = _reset(client, token, password).get_data(as_text=True)
        assert message in page
    assert "两次输入的密码不一致" in _reset(client, token, NEW_PASSWORD, "Something-else-1").get_data(as_text=True)
    db.session.refresh(user)
    assert not user.check_password(NEW_PASSWORD)


def test_login_page_links_to_forgot_password(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "忘记密码？" in page

"""API tokens can be trusted: they expire, can be listed and revoked, die with a password change, are
throttled like the login page (429 + Retry-After), and a GET does not write on every request."""
from datetime import timedelta

from marketplace.models import ApiToken
from marketplace.timeutil import to_local, utcnow

from .factories import PASSWORD

ACHIEVEMENTS = "/api/v1/achievements"


def _issue(client, user, **extra):
    return client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD, **extra})


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["error"]["code"] == code and response.json["error"]["message"]


def _row(db, token_id):
    db.session.expire_all()
    return db.session.get(ApiToken, token_id)


def test_new_token_has_id_name_and_expiry_in_30_days(client, db, make):
    user = make.user()
    response = _issue(client, user, name="数据同步脚本")
    assert response.status_code == 200
    body = response.json
    assert set(body) >= {"token", "id", "expires_at", "name"} and body["name"] == "数据同步脚本"
    row = _row(db, body["id"])
    assert row.user_id == user.id and row.revoked_at is None
    assert timedelta(days=29, hours=23) < row.expires_at - utcnow() <= timedelta(days=30)
    assert body["expires_at"] == to_local(row.expires_at).isoformat()
    assert client.get(ACHIEVEMENTS, headers=_auth(body["token"])).status_code == 200


def test_token_name_must_be_short_text(client, make):
    user = make.user()
    _error(_issue(client, user, name="名" * 101), 400, "invalid")
    _error(_issue(client, user, name=5), 400, "invalid")


def test_an_expired_token_is_refused_with_401(client, db, make):
    body = _issue(client, make.user()).json
    row = _row(db, body["id"])
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(ACHIEVEMENTS, headers=_auth(body["token"]))
    _error(response, 401, "unauthorized")
    assert "过期" in response.json["error"]["message"]


def test_delete_revokes_the_owners_token_only(client, db, make):
    owner, other = make.user(), make.user()
    first, second = _issue(client, owner).json, _issue(client, owner).json
    stranger = _issue(client, other).json
    _error(client.delete(f"/api/v1/tokens/{first['id']}", headers=_auth(stranger["token"])), 404, "not_found")
    _error(client.delete(f"/api/v1/tokens/{first['id']}"), 401, "unauthorized")
    response = client.delete(f"/api/v1/tokens/{first['id']}", headers=_auth(second["token"]))
    assert response.status_code == 204
    assert _row(db, first["id"]).revoked_at is not None
    _error(client.get(ACHIEVEMENTS, headers=_auth(first["token"])), 401, "unauthorized")
    assert client.get(ACHIEVEMENTS, headers=_auth(second["token"])).status_code == 200
    # A token may revoke itself; afterwards it is refused.
    assert client.delete(f"/api/v1/tokens/{second['id']}", headers=_auth(second["token"])).status_code == 204
    _error(client.get(ACHIEVEMENTS, headers=_auth(second["token"])), 401, "unauthorized")
    assert client.get(ACHIEVEMENTS, headers=_auth(stranger["token"])).status_code == 200


def test_password_change_revokes_every_token(client, db, login, make):
    user = make.user()
    token = _issue(client, user).json["token"]
    login(user)
    client.post("/account/password", data={"old_password": PASSWORD, "new_password": "Another-long-pass-7",
                                           "confirm": "Another-long-pass-7"})
    _error(client.get(ACHIEVEMENTS, headers=_auth(token)), 401, "unauthorized")


def test_logout_does_not_touch_api_tokens(client, login, make):
    user = make.user()
    token = _issue(client, user).json["token"]
    login(user)
    client.post("/logout")
    assert client.get(ACHIEVEMENTS, headers=_auth(token)).status_code == 200


def test_deactivated_account_is_403_account_disabled_for_token_and_credentials(client, db, make):
    user = make.user()
    token = _issue(client, user).json["token"]
    user.active = False
    db.session.commit()
    _error(client.get(ACHIEVEMENTS, headers=_auth(token)), 403, "account_disabled")
    _error(_issue(client, user), 403, "account_disabled")
    _error(client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong-password-x"}),
           401, "unauthorized")


def test_token_requests_are_throttled_with_429_and_retry_after(client, make):
    user = make.user()
    for _ in range(5):
        _error(client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong-password-x"}),
               401, "unauthorized")
    response = _issue(client, user)  # the right password, during the lock
    _error(response, 429, "too_many_attempts")
    assert "登录尝试过多，请 15 分钟后再试" == response.json["error"]["message"]
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    # The page login shares the count.
    assert "登录尝试过多" in client.post("/login", data={"email": user.email, "password": PASSWORD}) \
        .get_data(as_text=True)


def test_a_get_writes_last_used_at_at_most_once_per_interval(client, db, make):
    body = _issue(client, make.user()).json
    assert _row(db, body["id"]).last_used_at is None
    client.get(ACHIEVEMENTS, headers=_auth(body["token"]))
    first_use = _row(db, body["id"]).last_used_at
    assert first_use is not None
    client.get("/api/v1/achievements", headers=_auth(body["token"]))
    assert _row(db, body["id"]).last_used_at == first_use  # no write the second time
    row = _row(db, body["id"])
    row.last_used_at = first_use - timedelta(minutes=6)
    db.session.commit()
    client.get("/api/v1/achievements", headers=_auth(body["token"]))
    assert _row(db, body["id"]).last_used_at > first_use - timedelta(minutes=6)


# ---------------------------------------------------------------- the profile page

def test_token_list_shows_live_tokens_and_revokes_one(client, db, login, make):
    user = make.user()
    live = _issue(client, user, name="报表脚本").json
    gone = _issue(client, user, name="旧脚本").json
    expired = _issue(client, user, name="过期脚本").json
    _row(db, expired["id"]).expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    client.delete(f"/api/v1/tokens/{gone['id']}", headers=_auth(live["token"]))
    login(user)
    page = client.get("/account/password").get_data(as_text=True)
    assert "报表脚本" in page and "旧脚本" not in page and "过期脚本" not in page
    assert "撤销" in page and f'/account/tokens/{live["id"]}/revoke' in page
    response = client.post(f"/account/tokens/{live['id']}/revoke", follow_redirects=True)
    assert "API 令牌已撤销" in response.get_data(as_text=True)
    assert _row(db, live["id"]).revoked_at is not None
    _error(client.get(ACHIEVEMENTS, headers=_auth(live["token"])), 401, "unauthorized")


def test_nobody_revokes_anothers_token_from_the_page(client, db, login, make):
    owner = make.user()
    token = _issue(client, owner).json
    login(make.user())
    assert client.post(f"/account/tokens/{token['id']}/revoke").status_code == 404
    assert _row(db, token["id"]).revoked_at is None

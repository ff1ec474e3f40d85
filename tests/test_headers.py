"""Security headers on every kind of response, the session cookie's flags, trusted hosts and ProxyFix
(marketplace/headers.py)."""
import re
from pathlib import Path

import pytest

from marketplace import create_app
from marketplace.extensions import db

from .databases import discard, fresh_uri
from .factories import PASSWORD

pytestmark = pytest.mark.engine_neutral  # HTTP headers and configuration
ROOT = Path(__file__).resolve().parents[1]
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def assert_security_headers(response):
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path, status, mimetype", [
    ("/", 200, "text/html"),
    ("/achievements", 200, "text/html"),
    ("/api/v1/achievements", 200, "application/json"),
    ("/api/v1/achievements/999", 404, "application/json"),
    ("/static/css/app.css", 200, "text/css"),
    ("/static/js/app.js", 200, "text/javascript"),
    ("/no-such-page", 404, "text/html"),
    ("/admin/", 302, "text/html"),
])
def test_every_kind_of_response_carries_the_security_headers(client, path, status, mimetype):
    response = client.get(path)
    assert (response.status_code, response.mimetype) == (status, mimetype)
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS


def test_hsts_only_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_templates_carry_no_inline_script_handler_or_style():
    """What the CSP would refuse, caught at the source: an inline <script> body, an on*= attribute or a
    style= attribute in any template (the browser test catches the rendered pages)."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style\b",
                        r"javascript:"):
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in re.finditer(pattern, text, re.I)]
    assert found == []


def test_session_cookie_is_samesite_lax_and_httponly(client, make):
    user = make.user("researcher")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert "Secure" not in cookie  # development/test: plain HTTP


# ------------------------------------------------------------------ Host header

@pytest.mark.parametrize("path", ["/admin", "/me", "/", "/api/v1/achievements"])
def test_untrusted_host_gets_400_and_is_never_reflected(client, path):
    """Was: GET /admin with Host: evil.example answered 308 Location: http://evil.example/admin/."""
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")
    assert "evil.example" not in response.get_data(as_text=True)
    assert_security_headers(response)
    if path.startswith("/api/"):
        assert response.json["error"]["code"] == "untrusted_host"


def test_trusted_hosts_redirect_to_themselves(client):
    assert client.get("/admin").headers["Location"] == "http://localhost/admin/"
    response = client.get("/admin", headers={"Host": "127.0.0.1:5000"})
    assert response.headers["Location"] == "http://127.0.0.1:5000/admin/"
    # Without ProxyFix configured no X-Forwarded-* header is believed.
    response = client.get("/admin", headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    assert response.headers["Location"] == "http://localhost/admin/"
    assert "Strict-Transport-Security" not in response.headers


@pytest.fixture
def configured_app(tmp_path, monkeypatch):
    """An app built from MARKETPLACE_* environment variables, as gunicorn would start it."""
    uris, apps = [], []

    def build(config="testing", **env):
        uri = fresh_uri(tmp_path, name=f"configured{len(uris)}")
        uris.append(uri)
        env.update(SQLALCHEMY_DATABASE_URI=uri, INDEX_DIR=str(tmp_path / "index"))
        for name, value in env.items():
            monkeypatch.setenv("MARKETPLACE_" + name, value)
        app = create_app(config)
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()
    for uri in uris:
        discard(uri)


def test_trusted_hosts_from_the_environment(configured_app):
    app = configured_app(TRUSTED_HOSTS="yizhi.example.cn, .yizhi.example.cn")
    assert app.config["TRUSTED_HOSTS"] == ["yizhi.example.cn", ".yizhi.example.cn"]
    client = app.test_client()
    assert client.get("/admin", headers={"Host": "yizhi.example.cn"}).headers["Location"] == \
        "http://yizhi.example.cn/admin/"
    assert client.get("/static/css/app.css", headers={"Host": "www.yizhi.example.cn"}).status_code == 200
    for host in ("evil.example", "localhost", "yizhi.example.cn.evil.example"):
        assert client.get("/admin", headers={"Host": host}).status_code == 400


def test_proxy_fix_when_configured(configured_app):
    app = configured_app(PROXY_FIX_X_FOR="1", PROXY_FIX_X_PROTO="1", TRUSTED_HOSTS="yizhi.example.cn")
    client = app.test_client()
    seen = {}

    @app.route("/_remote")
    def remote():
        from flask import request

        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return ""

    headers = {"Host": "yizhi.example.cn", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    response = client.get("/_remote", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen == {"addr": "203.0.113.7", "secure": True}
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get("/admin", headers=headers).headers["Location"] == "https://yizhi.example.cn/admin/"
    # One proxy: only its own (last) X-Forwarded-For entry counts, a client-supplied one does not.
    client.get("/_remote", headers={**headers, "X-Forwarded-For": "198.51.100.1, 203.0.113.7"})
    assert seen["addr"] == "203.0.113.7"


def test_production_needs_trusted_hosts_and_keeps_secure_cookies(configured_app):
    with pytest.raises(RuntimeError, match="MARKETPLACE_TRUSTED_HOSTS"):
        configured_app("production", SECRET_KEY="a-real-secret")
    with pytest.raises(RuntimeError, match="MARKETPLACE_TRUSTED_HOSTS"):
        configured_app("production", SECRET_KEY="a-real-secret", TRUSTED_HOSTS=" , ")
    app = configured_app("production", SECRET_KEY="a-real-secret", TRUSTED_HOSTS="yizhi.example.cn")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax" and app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.test_client().get("/admin", headers={"Host": "evil.example"}).status_code == 400

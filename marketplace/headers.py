"""HTTP hardening in one place: the security headers of every response (pages, API, static files), and
the reverse-proxy and trusted-host settings.

The Content-Security-Policy allows scripts, styles, fonts and frames only from our own origin and never
inline: templates carry no <script> body, no on*= handler and no style= attribute (behaviour lives in
static/js/*.js, bound through data- attributes). Images may also be data: URIs (Bootstrap's icons).
"""
from flask import request
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
}
HSTS = "max-age=31536000"
PROXY_FIX_HOPS = ("x_for", "x_proto", "x_host", "x_port", "x_prefix")


def set_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:  # over plain HTTP the header is ignored by browsers, and wrong on a dev server
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def trusted_hosts(value):
    """MARKETPLACE_TRUSTED_HOSTS as Flask's TRUSTED_HOSTS list: a comma list ("yizhi.example.cn,
    .yizhi.example.cn": the name and its subdomains) or a JSON list; None when empty (no check)."""
    if isinstance(value, str):
        value = [host.strip() for host in value.split(",")]
    return [host for host in value or () if host] or None


UNTRUSTED_HOST_MESSAGE = "请求的主机名不受信任"


def refuse_untrusted_host(_err):
    """400 for a Host header outside TRUSTED_HOSTS. No page template: with no trusted host Flask has no URL
    adapter, so url_for() cannot run (and the host must not appear in anything we send back)."""
    from .errors import json_error
    from .security import wants_json

    if wants_json():
        return json_error(400, "untrusted_host", UNTRUSTED_HOST_MESSAGE)
    return UNTRUSTED_HOST_MESSAGE, 400, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app):
    """Headers on every response; Flask's TRUSTED_HOSTS check (an unknown Host header gets 400, so it is
    never reflected in a redirect); ProxyFix when MARKETPLACE_PROXY_FIX_X_FOR etc. say how many proxies
    in front of the app set each X-Forwarded-* header."""
    app.after_request(set_security_headers)
    app.register_error_handler(SecurityError, refuse_untrusted_host)
    hops = {name: int(app.config.get("PROXY_FIX_" + name.upper()) or 0) for name in PROXY_FIX_HOPS}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **hops)

"""Bearer tokens for the JSON API and the helpers every endpoint uses (the token rules: accounts/tokens.py)."""
from functools import wraps

from flask import g, request
from flask_login import AnonymousUserMixin

from ..accounts import services as accounts
from ..accounts import tokens
from ..extensions import db
from ..limits import MAX_PAGE
from ..timeutil import utcnow
from ..workflow import DomainError, ValidationFailed


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def exchange_credentials(email, password, address, name=None):
    """Exchange credentials for a new token: (row, token text); the caller commits.

    Throttled like the login page (429 too_many_attempts); bad credentials are a 401, a deactivated
    account a 403 account_disabled."""
    try:
        user = accounts.authenticate(email, password, address)
    except ValidationFailed:
        raise Unauthorized("邮箱或密码错误") from None
    return tokens.issue_token(user, name)


def issue_token(email, password, address=None):
    """The token text only (scripts and tests); see exchange_credentials."""
    return exchange_credentials(email, password, address)[1]


def _user_from_header():
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization 头格式应为 Bearer TOKEN")
    row, now = tokens.find_token(token.strip()), utcnow()
    if row is None:
        raise Unauthorized("令牌无效")
    if row.revoked_at is not None:
        raise Unauthorized("令牌已撤销")
    if row.expires_at <= now:
        raise Unauthorized("令牌已过期，请重新申请")
    if not row.user.active:
        raise accounts.AccountDisabled(accounts.DISABLED_MESSAGE)
    if tokens.touch(row, now):
        db.session.commit()  # its own small write, whatever the endpoint then does (most GETs commit nothing)
    return row.user


def token_optional(view):
    """g.api_user is the token's user, or an anonymous user when no token was sent."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        g.api_user = _user_from_header() or AnonymousUserMixin()
        return view(*args, **kwargs)

    return wrapped


def token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        user = _user_from_header()
        if user is None:
            raise Unauthorized("需要 Authorization: Bearer TOKEN")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped


def json_body():
    """The request's JSON object, or a 400."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("请求体必须是 JSON 对象")
    return data


def paging():
    """page and per_page (≤ 100) from the query string, or a 400."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 20))
    except ValueError:
        raise ValidationFailed("page 和 per_page 必须是整数") from None
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= 100:
        raise ValidationFailed(f"page 必须在 1 到 {MAX_PAGE} 之间，per_page 必须在 1 到 100 之间")
    return page, per_page

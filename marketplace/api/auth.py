"""Bearer tokens for the JSON API and the helpers every endpoint uses."""
import hashlib
import secrets
from functools import wraps

from flask import g, request
from flask_login import AnonymousUserMixin

from ..extensions import db
from ..limits import MAX_PAGE
from ..models import ApiToken, User
from ..timeutil import utcnow
from ..workflow import DomainError, ValidationFailed


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(email, password):
    """Exchange credentials for a new token (the caller commits); raise Unauthorized on bad ones."""
    user = db.session.scalar(db.select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.active or not user.check_password(password or ""):
        raise Unauthorized("邮箱或密码错误")
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token)))
    return token


def _user_from_header():
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization 头格式应为 Bearer TOKEN")
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == _digest(token.strip())))
    if row is None or not row.user.active:
        raise Unauthorized("令牌无效")
    row.last_used_at = utcnow()
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

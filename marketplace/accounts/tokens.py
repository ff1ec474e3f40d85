"""API tokens: issue, look up, list, revoke. A token is stored only as its sha256; it expires after
API_TOKEN_DAYS, can be revoked by its owner, and every token of a user is revoked when the password changes."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app

from ..extensions import db
from ..models import ApiToken
from ..timeutil import utcnow
from ..workflow import NotFound, ValidationFailed

NAME_MAX = 100


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user, name=None):
    """A new token for user: returns (row, the token's text, shown once). The caller commits."""
    name = (name or "").strip() or None
    if name is not None and len(name) > NAME_MAX:
        raise ValidationFailed(f"令牌名称不能超过 {NAME_MAX} 个字符", {"name": f"不能超过 {NAME_MAX} 个字符"})
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(user_id=user.id, token_hash=digest(token), name=name, created_at=now,
                   expires_at=now + timedelta(days=current_app.config["API_TOKEN_DAYS"]))
    db.session.add(row)
    db.session.flush()
    return row, token


def find_token(token):
    """The ApiToken row of this token text whatever its state, or None."""
    return db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == digest(token)))


def touch(row, now):
    """Note the token's use, at most once per API_TOKEN_TOUCH_MINUTES (a GET must not write every time).
    Returns True when last_used_at changed (the caller commits)."""
    interval = timedelta(minutes=current_app.config["API_TOKEN_TOUCH_MINUTES"])
    if row.last_used_at is None or now - row.last_used_at >= interval:
        row.last_used_at = now
        return True
    return False


def tokens_of(user):
    """The user's tokens that still work, newest first."""
    now = utcnow()
    return db.session.scalars(
        db.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
                                  ApiToken.expires_at > now)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def revoke_token(user, token_id):
    """The owner revokes one of their tokens; anyone else's (or a missing one) is a 404."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound("该令牌不存在")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return row


def revoke_all(user):
    db.session.execute(db.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()).execution_options(synchronize_session=False))

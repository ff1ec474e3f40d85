"""忘记密码: a signed, single-use, expiring link by e-mail, then a new password.

The link carries the user's id and a fingerprint of their current password hash, signed with the
SECRET_KEY (itsdangerous) and valid for PASSWORD_RESET_MINUTES: once the password changes (by this link
or otherwise) the fingerprint no longer matches, so a link works once at most. Asking for a link gives
the same answer whether or not the e-mail has an account, and is throttled per e-mail and per address
(throttle.py, scope "reset"), like failed logins.
"""
import hashlib

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import mail
from ..extensions import db
from ..models import User
from ..workflow import ValidationFailed
from . import throttle, tokens
from .passwords import password_problem
from .services import find_user_by_email, normalize_email

SALT = "yizhi-password-reset"
INVALID_LINK = "该重置链接无效、已过期或已使用，请重新申请"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user):
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def make_token(user):
    return _serializer().dumps({"u": user.id, "p": _fingerprint(user)})


def request_reset(email, address):
    """Mail a reset link if `email` has an active account; the same outcome either way (the caller shows
    one message). Raises TooManyAttempts when this e-mail or address asked too often."""
    account = normalize_email(email)
    throttle.check(throttle.RESET, address, account, what="重置密码")
    throttle.record(throttle.RESET, address, account)
    user = find_user_by_email(account)
    if user is None or not user.active:
        return None
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    link = mail.absolute_url(url_for("accounts.reset_password", token=make_token(user)))
    text = "\n".join([
        f"{user.name}，您好：", "",
        "我们收到了重置您易智账号密码的申请。请在 "
        f"{minutes} 分钟内打开下面的链接设置新密码（链接只能使用一次）：", "", link, "",
        "如果这不是您本人的操作，请忽略这封邮件，您的密码不会改变。"])
    mail.send(user.email, "【易智】重置密码", text)
    return user


def user_for_token(token):
    """The user a valid, unexpired, unused link is for; ValidationFailed otherwise."""
    max_age = current_app.config["PASSWORD_RESET_MINUTES"] * 60
    try:
        data = _serializer().loads(token or "", max_age=max_age)
    except SignatureExpired:
        raise ValidationFailed("该重置链接已过期，请重新申请") from None
    except BadSignature:
        raise ValidationFailed(INVALID_LINK) from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or not user.active or data.get("p") != _fingerprint(user):
        raise ValidationFailed(INVALID_LINK)
    return user


def reset_password(token, new_password):
    """Set a new password through a reset link; every session and API token of the user ends, and the
    link stops working. The caller commits."""
    user = user_for_token(token)
    problem = password_problem(new_password, user.email)
    if problem:
        raise ValidationFailed("密码不符合要求", {"new_password": problem})
    user.set_password(new_password)
    user.end_sessions()
    tokens.revoke_all(user)
    throttle.forget_account(user.email)  # a locked-out owner who proved their mailbox may log in again
    return user

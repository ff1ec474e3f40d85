"""Login throttling, kept in the database (LoginAttempt rows) so that every worker process counts the same.

A failed attempt is recorded per account (the e-mail tried) and per client address. Once an account has
THROTTLE_ACCOUNT_LIMIT failures, or an address THROTTLE_ADDRESS_LIMIT, within THROTTLE_WINDOW_MINUTES,
further attempts are refused *before the password is looked at* until enough failures have aged out of the
window; refused attempts are not recorded, so the wait does not grow while someone keeps trying.
Registrations are counted per address (THROTTLE_REGISTER_LIMIT), successful or not.
An attempt is recorded in a transaction of its own, so that it counts whatever the request then does
(a failed login rolls nothing back; a caller cannot forget to commit it).
"""
import math
from datetime import timedelta

from flask import current_app

from ..extensions import db
from ..models import LoginAttempt
from ..timeutil import utcnow
from ..workflow import DomainError

LOGIN, REGISTER, RESET = "login", "register", "reset"  # RESET: 忘记密码 requests (recovery.py)


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after  # seconds


def _window():
    return timedelta(minutes=current_app.config["THROTTLE_WINDOW_MINUTES"])


def _retry_after(column, value, scope, limit, now):
    """Seconds until fewer than `limit` recent attempts remain for this account/address, or 0."""
    if value is None or limit <= 0:
        return 0
    recent = db.session.scalars(
        db.select(LoginAttempt.created_at)
        .where(column == value, LoginAttempt.scope == scope, LoginAttempt.created_at > now - _window())
        .order_by(LoginAttempt.created_at.desc()).limit(limit)).all()
    if len(recent) < limit:
        return 0
    return max(1, math.ceil((recent[-1] + _window() - now).total_seconds()))


def check(scope, address, account=None, what="登录"):
    """Raise TooManyAttempts while the account or the address is locked out for this scope."""
    config, now = current_app.config, utcnow()
    if scope == REGISTER:
        wait = _retry_after(LoginAttempt.address, address, scope, config["THROTTLE_REGISTER_LIMIT"], now)
    else:
        wait = max(_retry_after(LoginAttempt.account, account, scope, config["THROTTLE_ACCOUNT_LIMIT"], now),
                   _retry_after(LoginAttempt.address, address, scope, config["THROTTLE_ADDRESS_LIMIT"], now))
    if wait:
        raise TooManyAttempts(f"{what}尝试过多，请 {math.ceil(wait / 60)} 分钟后再试", wait)


def record(scope, address, account=None):
    """Count one attempt (a failed login, or a registration), and prune rows older than the window."""
    now, table = utcnow(), LoginAttempt.__table__
    with db.engine.begin() as connection:
        connection.execute(table.delete().where(table.c.created_at <= now - _window()))
        connection.execute(table.insert().values(scope=scope, address=address or "unknown", account=account,
                                                 created_at=now))


def forget_account(account):
    """A successful login clears the account's failures (never the address's: one's own account must not
    reset the counter of an address that is guessing others')."""
    db.session.execute(db.delete(LoginAttempt).where(LoginAttempt.scope == LOGIN, LoginAttempt.account == account))

"""The password policy (one place: registration, password change, `flask users create`, the admin's form)
and password checks that take the same time whether or not the account exists."""
import os
from functools import lru_cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

PASSWORD_MIN = 10
PASSWORD_MAX = 128
LOCAL_PART_MIN = 3  # shorter e-mail local parts ("li@...") are too common to forbid inside a password
COMMON_PASSWORDS_FILE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "common-passwords.txt")


@lru_cache(maxsize=1)
def common_passwords():
    """The shipped list of common passwords, lower-cased (lines starting with # are comments)."""
    with open(COMMON_PASSWORDS_FILE, encoding="utf-8") as f:
        return frozenset(line.strip().lower() for line in f if line.strip() and not line.startswith("#"))


def password_problem(password, email=None):
    """Why this password is refused (a Chinese message), or None when it is acceptable."""
    password = password or ""
    if len(password) < PASSWORD_MIN:
        return f"密码至少需要 {PASSWORD_MIN} 个字符"
    if len(password) > PASSWORD_MAX:
        return f"密码不能超过 {PASSWORD_MAX} 个字符"
    if password.lower() in common_passwords():
        return "该密码过于常见，容易被猜中，请换一个"
    local_part = (email or "").split("@")[0].strip().lower()
    if len(local_part) >= LOCAL_PART_MIN and local_part in password.lower():
        return "密码不能包含邮箱 @ 前面的用户名"
    return None


@lru_cache(maxsize=4)
def _dummy_hash(method):
    return generate_password_hash("not-a-real-password", method=method)


def verify_password(user, password):
    """True when password is the user's; for an unknown user (None), check it against a dummy hash of the
    same method, so that the answer takes as long as for a real account, and return False."""
    if user is None:
        check_password_hash(_dummy_hash(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")), password or "")
        return False
    return user.check_password(password or "")

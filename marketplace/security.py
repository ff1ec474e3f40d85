"""Login, roles and safe redirects."""
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user

from .extensions import db, login_manager


def init_app(app):
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"


@login_manager.user_loader
def load_user(session_id):
    """The user of a session or remember cookie, which carry "<id>:<session_version>" (User.get_id);
    a cookie from before the user's last logout or password change (older version) loads nobody."""
    from .models import User

    user_id, _, version = str(session_id).partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def role_required(*roles):
    """Pages: visitors are sent to log in; logged-in users without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_safe_next(target):
    """Only same-site relative paths are accepted as a post-login redirect."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
        and "\\" not in target


def wants_json():
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )

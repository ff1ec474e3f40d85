"""Jinja filters and globals: local time, money, labels."""
from decimal import Decimal

from flask_login import current_user
from markupsafe import Markup

from .timeutil import days_left, to_local


def fmt_datetime(dt, fmt="%Y-%m-%d %H:%M"):
    local = to_local(dt)
    return local.strftime(fmt) if local else ""


def fmt_money(value, empty="面议"):
    if value is None:
        return empty
    return f"{Decimal(value):,.2f} 万元"


def init_app(app):
    from .models.listings import FIELDS, maturity_label

    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["date"] = lambda dt: fmt_datetime(dt, "%Y-%m-%d")
    app.jinja_env.filters["money"] = fmt_money
    app.jinja_env.filters["days_left"] = days_left
    app.jinja_env.filters["maturity"] = maturity_label
    app.jinja_env.globals["FIELDS"] = FIELDS

    @app.context_processor
    def inject_unread():
        if current_user.is_authenticated:
            from .notifications.services import unread_count

            return {"unread_notifications": unread_count(current_user)}
        return {"unread_notifications": 0}

    app.jinja_env.filters["nl2br"] = lambda text: Markup("<br>").join((text or "").splitlines())

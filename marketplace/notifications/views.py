from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..forms import EmptyForm
from ..limits import db_int, page_arg
from ..models.notifications import MAIL_FREQUENCIES
from ..security import is_safe_next
from ..workflow import ValidationFailed
from . import mailing, services
from .kinds import KIND_GROUPS

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@login_required
def index():
    pagination = services.list_for(current_user, page_arg())
    return render_template("notifications/index.html", pagination=pagination,
                           groups=services.grouped_page(pagination), form=EmptyForm())


def _ids(values):
    ids = []
    for value in values:
        try:
            ids.append(db_int(value))
        except (TypeError, ValueError):
            continue
    return ids


@bp.route("/read", methods=["POST"])
@login_required
def mark_read():
    form = EmptyForm()
    if form.validate_on_submit():
        given = "id" in request.form
        count = services.mark_read(current_user, _ids(request.form.getlist("id")) if given else None)
        db.session.commit()
        if not given:
            flash(f"已全部标为已读（{count} 条）" if count else "已全部标为已读（没有未读通知）", "success")
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Which notifications also arrive by e-mail, and how often."""
    pref = mailing.preference_of(current_user)
    form = EmptyForm()
    errors = {}
    if form.validate_on_submit():
        try:
            mailing.save_preference(current_user, request.form.getlist("kinds"), request.form.get("frequency"))
        except ValidationFailed as err:
            errors = err.errors
        else:
            db.session.commit()
            flash("通知设置已保存", "success")
            return redirect(url_for("notifications.settings"))
    chosen = set(request.form.getlist("kinds")) if errors else (pref.kind_set if pref else set())
    frequency = request.form.get("frequency") if errors else (pref.frequency if pref else "immediate")
    return render_template("notifications/settings.html", form=form, groups=KIND_GROUPS, chosen=chosen,
                           frequency=frequency, frequencies=MAIL_FREQUENCIES, errors=errors)

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..limits import page_arg
from ..forms import EmptyForm
from ..security import is_safe_next
from . import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@login_required
def index():
    page = page_arg()
    return render_template("notifications/index.html", pagination=services.list_for(current_user, page),
                           form=EmptyForm())


@bp.route("/read", methods=["POST"])
@login_required
def mark_read():
    form = EmptyForm()
    if form.validate_on_submit():
        one = request.form.get("id", type=int)
        services.mark_read(current_user, one)
        db.session.commit()
        if one is None:
            flash("已全部标为已读", "success")
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("notifications.index"))

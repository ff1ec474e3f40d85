"""The admin's review of revisions to published listings (listings/revisions.py): the differences field by
field, approve or reject with a reason. Registered on the admin blueprint (admin-only)."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..extensions import db
from ..listings import revisions
from ..models.revisions import REVISION_STATES
from ..workflow import DomainError, ValidationFailed, history
from .forms import ApproveForm, RejectForm
from .views import bp


def _render(revision, approve_form=None, reject_form=None, status=200):
    listing = revisions.listing_of(revision)
    return render_template("admin/revision_detail.html", revision=revision, listing=listing,
                           changes=revisions.revision_differences(revision, listing) if listing else [],
                           events=history("listing_revision", revision.id), states=REVISION_STATES,
                           approve_form=approve_form or ApproveForm(),
                           reject_form=reject_form or RejectForm()), status


@bp.route("/admin/revisions/<int:revision_id>")
def revision_detail(revision_id):
    return _render(revisions.get_revision(revision_id))


@bp.route("/admin/revisions/<int:revision_id>/approve", methods=["POST"])
def approve_revision(revision_id):
    revision = revisions.get_revision(revision_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _render(revision, approve_form=form, status=400)
    try:
        revisions.approve_revision(revision, current_user, form.note.data or None)
    except DomainError as err:
        db.session.rollback()
        flash(f"无法通过：{err.message}", "error")
        return redirect(url_for("admin.revision_detail", revision_id=revision_id))
    db.session.commit()
    flash("修改已审核通过，公开页面已更新", "success")
    return redirect(url_for("admin.review"))


@bp.route("/admin/revisions/<int:revision_id>/reject", methods=["POST"])
def reject_revision(revision_id):
    revision = revisions.get_revision(revision_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _render(revision, reject_form=form, status=400)
    try:
        revisions.reject_revision(revision, current_user, form.reason.data)
    except ValidationFailed as err:
        db.session.rollback()
        for name, message in err.errors.items():
            getattr(form, name, form.reason).errors = [message]
        return _render(revision, reject_form=form, status=400)
    except DomainError as err:
        db.session.rollback()
        flash(f"无法驳回：{err.message}", "error")
        return redirect(url_for("admin.revision_detail", revision_id=revision_id))
    db.session.commit()
    flash("已驳回该修改，发布者会收到通知", "success")
    return redirect(url_for("admin.review"))

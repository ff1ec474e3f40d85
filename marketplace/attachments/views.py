"""Upload, download and delete attachments of any registered target (registry.py); the upload form and
list are shown by the target's own page (templates/_macros/attachments.html)."""
from flask import Blueprint, abort, flash, redirect
from flask_login import current_user, login_required

from ..extensions import db
from ..forms import EmptyForm
from ..listings.panels import panel_provider
from ..models import Attachment
from ..workflow import ValidationFailed, get_or_404
from . import pages, services
from .registry import target_for
from .forms import UploadForm

bp = Blueprint("attachments", __name__)
bp.add_app_template_filter(services.size_text, "filesize")


@bp.route("/attachments/<target_type>/<int:target_id>", methods=["POST"])
@login_required
def upload(target_type, target_id):
    spec, target = services.load_target(target_type, target_id, current_user)
    form = UploadForm()
    if not form.validate_on_submit():  # the CSRF token
        abort(400)
    try:
        attachment = services.store_attachment(current_user, target_type, target, form.file.data,
                                               kind=form.kind.data or "other")
    except ValidationFailed as err:
        db.session.rollback()
        flash(f"上传失败：{err.message}", "error")
    else:
        db.session.commit()
        flash(f"已上传附件：{attachment.original_name}", "success")
    return redirect(spec.url(target) + "#attachments")


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id):
    attachment, path = services.get_for_download(current_user, attachment_id)
    return pages.download_response(attachment, path)


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete(attachment_id):
    if not EmptyForm().validate_on_submit():
        abort(400)
    attachment = get_or_404(Attachment, attachment_id, "附件不存在")
    name = attachment.original_name
    target = services.delete_attachment(current_user, attachment)
    url = target_for(attachment.target_type).url(target)
    db.session.commit()
    flash(f"已删除附件：{name}", "success")
    return redirect(url + "#attachments")


@panel_provider
def attachments_panel(listing, user):
    data = pages.context(user, listing.kind, listing)
    return {"attachments": {"template": "attachments/_listing_panel.html", "data": data}} if data else {}

"""Attachment endpoints: list and upload (multipart, field `file`, optional `kind`) on achievements, demands,
applications and deals; download by id. The same services and rules as the pages (attachments/)."""
from flask import g, jsonify, request

from ..attachments import pages, services
from ..attachments.registry import target_for
from ..extensions import db
from . import bp
from .auth import token_required

TARGETS = {"achievements": "achievement", "demands": "demand", "applications": "application", "deals": "deal"}
TARGET_RULE = "/<any(achievements, demands, applications, deals):targets>/<int:target_id>/attachments"


def attachment_json(attachment, target_type):
    return {"id": attachment.id, "name": attachment.original_name, "kind": attachment.kind,
            "kind_label": target_for(target_type).kinds.get(attachment.kind, attachment.kind),
            "content_type": attachment.content_type, "size": attachment.size,
            "uploaded_by": attachment.uploader_id, "created_at": attachment.created_at.isoformat() + "Z",
            "url": f"/api/v1/attachments/{attachment.id}"}


@bp.route(TARGET_RULE, methods=["GET"], endpoint="attachment_list")
@token_required
def list_attachments(targets, target_id):
    target_type = TARGETS[targets]
    _spec, target = services.load_target(target_type, target_id, g.api_user)
    items = [attachment_json(a, target_type) for a in services.attachments_of(target_type, target.id)]
    return jsonify(items=items)


@bp.route(TARGET_RULE, methods=["POST"], endpoint="attachment_upload")
@token_required
def upload_attachment(targets, target_id):
    target_type = TARGETS[targets]
    _spec, target = services.load_target(target_type, target_id, g.api_user)
    attachment = services.store_attachment(g.api_user, target_type, target, request.files.get("file"),
                                           kind=request.form.get("kind") or "other")
    db.session.commit()
    return jsonify(attachment_json(attachment, target_type)), 201


@bp.route("/attachments/<int:attachment_id>", methods=["GET"], endpoint="attachment_download")
@token_required
def download_attachment(attachment_id):
    attachment, path = services.get_for_download(g.api_user, attachment_id)
    return pages.download_response(attachment, path)

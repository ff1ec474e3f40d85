"""Attachments: store, list, fetch for download, delete. The rules; views stay thin.

`store_attachment(user, target_type, target, file_storage, kind=...)` is the public entry point for any
feature that takes files (register the target first, registry.py).
"""
import os
import re
import unicodedata

from flask import current_app

from ..extensions import db
from ..models import Attachment
from ..workflow import NotFound, PermissionDenied, ValidationFailed
from . import storage
from .registry import target_for
from .sniffing import ACCEPTED_TEXT, BY_CONTENT_TYPE, sniff

NAME_MAX = 200
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def max_bytes():
    return current_app.config["ATTACHMENT_MAX_BYTES"]


def max_count():
    return current_app.config["ATTACHMENT_MAX_COUNT"]


def size_text(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(size / 1024))} KB"


def clean_filename(name):
    """A display name from the browser's file name: no directories, no control or reserved characters,
    at most NAME_MAX characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:NAME_MAX - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:NAME_MAX]
    return name or "附件"


def download_name(attachment):
    """The display name, with the extension of what the file really is (a PNG named x.exe downloads as
    x.exe.png)."""
    file_type = BY_CONTENT_TYPE.get(attachment.content_type)
    name = attachment.original_name
    if file_type is None:
        return name
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    same = ext == file_type.ext or (file_type.ext == "jpg" and ext == "jpeg")
    return name if same else f"{name}.{file_type.ext}"


# ---------------------------------------------------------------- reading

def load_target(target_type, target_id, user):
    """(spec, target) when the user may see the target's attachments; NotFound otherwise."""
    spec = target_for(target_type)
    target = spec.load(target_id)
    if target is None or not spec.can_view(user, target):
        raise NotFound("该对象不存在或您无权查看其附件")
    return spec, target


def attachments_of(target_type, target_id):
    return db.session.scalars(db.select(Attachment).where(Attachment.target_type == target_type,
                                                          Attachment.target_id == target_id)
                              .order_by(Attachment.id)).all()


def can_delete(user, attachment, spec=None, target=None):
    spec = spec or target_for(attachment.target_type)
    target = target if target is not None else spec.load(attachment.target_id)
    if target is None or not spec.can_upload(user, target):
        return False
    return attachment.uploader_id == user.id or spec.owns(user, target)


def panel(user, target_type, target):
    """What a page shows about a target's attachments for this user; None when the user may not see them."""
    spec = target_for(target_type)
    if not spec.can_view(user, target):
        return None
    items = attachments_of(target_type, target.id)
    can_upload = spec.can_upload(user, target)
    return {"target_type": target_type, "target_id": target.id, "items": items, "can_upload": can_upload,
            "deletable": {a.id for a in items if can_upload and can_delete(user, a, spec, target)},
            "kinds": spec.kinds, "full": len(items) >= max_count(), "max_count": max_count(),
            "max_size": size_text(max_bytes()), "accepted": ACCEPTED_TEXT}


def get_for_download(user, attachment_id):
    """(attachment, file path) when the user may see the attachment's target; NotFound otherwise."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("附件不存在")
    load_target(attachment.target_type, attachment.target_id, user)
    path = storage.path_of(attachment.stored_name)
    if not os.path.isfile(path):
        raise NotFound("附件文件已丢失，请联系管理员")
    return attachment, path


# ---------------------------------------------------------------- writing

def store_attachment(user, target_type, target, file_storage, kind="other"):
    """Store an uploaded file (a werkzeug FileStorage) on target; return the Attachment (the caller commits).

    The type is decided by the content (sniffing.py); the size by the bytes actually received. Raises
    PermissionDenied when the user may not add files to target now, ValidationFailed (errors on "file" or
    "kind") for a missing, empty, too large or unaccepted file, a wrong kind or a full target.
    """
    spec = target_for(target_type)
    if not spec.can_upload(user, target):
        raise PermissionDenied(f"您不能为该{spec.label}上传附件（只有相关人员在可编辑时可以上传）")
    if kind not in spec.kinds:
        raise ValidationFailed("请选择附件类别", {"kind": "请选择附件类别"})
    if file_storage is None or not file_storage.filename:
        raise ValidationFailed("请选择要上传的文件", {"file": "请选择要上传的文件"})
    if len(attachments_of(target_type, target.id)) >= max_count():
        message = f"每个{spec.label}最多 {max_count()} 个附件，请先删除不需要的附件"
        raise ValidationFailed(message, {"file": message})
    name = clean_filename(file_storage.filename)
    try:
        temp_path, size = storage.write_stream(file_storage.stream, max_bytes())
    except storage.FileTooLarge:
        message = f"文件过大：单个附件不能超过 {size_text(max_bytes())}"
        raise ValidationFailed(message, {"file": message}) from None
    if size == 0:
        storage.discard(temp_path)
        raise ValidationFailed("文件是空的", {"file": "文件是空的，请重新选择"})
    file_type = sniff(temp_path, name)
    if file_type is None:
        storage.discard(temp_path)
        message = f"不支持的文件类型（按文件内容判断）：只接受 {ACCEPTED_TEXT}"
        raise ValidationFailed(message, {"file": message})
    stored_name = storage.keep(db.session, temp_path, file_type.ext)
    attachment = Attachment(target_type=target_type, target_id=target.id, kind=kind, original_name=name,
                            stored_name=stored_name, content_type=file_type.content_type, size=size,
                            uploader_id=user.id)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def delete_attachment(user, attachment):
    """Delete an attachment (its file goes once the deletion commits): its uploader or the target's owner,
    while the target takes uploads."""
    spec = target_for(attachment.target_type)
    target = spec.load(attachment.target_id)
    if target is None or not spec.can_view(user, target):
        raise NotFound("附件不存在")
    if not can_delete(user, attachment, spec, target):
        raise PermissionDenied("只有上传者或所有者在可编辑时可以删除附件")
    storage.remove_after_commit(db.session, attachment.stored_name)
    db.session.delete(attachment)
    return target

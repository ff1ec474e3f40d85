"""Which objects can carry attachments, and who may see and add them: one registration per target type.

    register_target(AttachmentTarget(
        name="deal", label="交易", load=lambda target_id: db.session.get(Deal, target_id),
        can_view=deals_access.can_view, can_upload=..., url=lambda deal: f"/deals/{deal.id}",
        kinds={"contract": "技术合同", ...}))

`can_view(user, obj)` decides who may list and download the files, `can_upload(user, obj)` who may add
files now (and delete their own, or any when they own the object: `can_delete`). A new target type (the
vouchers programme's applications, say) is one more registration; the upload, download and delete
routes and services are generic.
"""
from dataclasses import dataclass, field
from typing import Callable

from ..workflow import NotFound


@dataclass(frozen=True)
class AttachmentTarget:
    name: str  # the Attachment.target_type value (≤ 20 characters)
    label: str
    load: Callable  # target_id -> object or None
    can_view: Callable  # (user, obj) -> bool
    can_upload: Callable  # (user, obj) -> bool
    url: Callable  # obj -> the page that shows its attachments
    kinds: dict = field(default_factory=lambda: {"other": "其他材料"})
    # (user, obj) -> bool: may delete anyone's file on it (else only one's own), while can_upload holds.
    owns: Callable = lambda user, obj: False


_targets = {}


def register_target(target):
    if len(target.name) > 20:
        raise ValueError("target type names fit in 20 characters")
    _targets[target.name] = target
    return target


def target_for(name):
    try:
        return _targets[name]
    except KeyError:
        raise NotFound("未知的附件对象") from None


def registered():
    return dict(_targets)

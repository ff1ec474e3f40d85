"""Revisions: the owner of a published listing edits it, an admin reviews the change.

The published version stays online, unchanged, until an admin approves; then the listing takes the new
values through the ORM, so the index follows by itself (matching/sync.py). One pending revision per
listing: editing again updates it (and the database refuses a second, uq_listing_revision_pending).
The listing's own state machine (services.py) is not involved: a revision has its own (pending →
approved / rejected), recorded as events of subject type `listing_revision`.
"""
from datetime import datetime
from decimal import Decimal

from markupsafe import Markup

from ..extensions import db
from ..models import ListingRevision
from ..notifications.services import notify
from ..text import SUMMARY_MAX, too_long
from ..timeutil import to_local
from ..workflow import InvalidTransition, PermissionDenied, StateMachine, ValidationFailed, get_or_404
from .cleaning import CLEANERS
from .services import can_revise, model_for

MACHINE = StateMachine("listing_revision", {
    "approve": (("pending",), "approved", "修改审核通过"),
    "reject": (("pending",), "rejected", "修改被驳回"),
})
LABELS = {
    "achievement": {"title": "成果名称", "summary": "成果简介", "description": "详细介绍", "details": "非公开详情",
                    "field": "技术领域", "type": "成果类型", "patent_no": "专利号 / 登记号", "maturity": "成熟度",
                    "modes": "交易方式", "price": "参考价格（万元）", "keywords": "关键词"},
    "demand": {"title": "需求名称", "description": "需求描述", "indicators": "技术指标", "field": "技术领域",
               "budget": "预算（万元）", "keywords": "关键词", "bounty": "悬赏金额（万元）", "deadline": "揭榜截止日期",
               "eligibility": "申报条件"},
}
HTML_FIELDS = ("description", "details")
CHALLENGE_FIELDS = ("bounty", "deadline", "eligibility")


def pending_revision(listing):
    return db.session.scalar(db.select(ListingRevision).where(
        ListingRevision.listing_kind == listing.kind, ListingRevision.listing_id == listing.id,
        ListingRevision.status == "pending"))


def listing_of(revision):
    return db.session.get(model_for(revision.listing_kind), revision.listing_id)


def get_revision(revision_id):
    return get_or_404(ListingRevision, revision_id, "该修改不存在")


def pending_revisions():
    """The admin's queue: pending revisions, oldest change first, each with its listing."""
    rows = db.session.scalars(db.select(ListingRevision).where(ListingRevision.status == "pending")
                              .order_by(ListingRevision.updated_at, ListingRevision.id)).all()
    return [(revision, listing_of(revision)) for revision in rows]


def _clean(listing, data):
    data = dict(data)
    if listing.kind == "demand":  # a revision does not turn a demand into a challenge or back
        data["is_challenge"] = bool(listing.is_challenge)
    values = CLEANERS[listing.kind](data)
    values.pop("is_challenge", None)
    if listing.kind == "demand" and not listing.is_challenge:
        for name in CHALLENGE_FIELDS:
            values.pop(name, None)
    return values


def _display(name, value):
    if value is None or value == "":
        return ""
    if name in HTML_FIELDS:
        return Markup(value).striptags()
    if isinstance(value, datetime):
        return to_local(value).strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if name in ("keywords", "modes"):
        return "、".join(v for v in str(value).split(",") if v)
    return str(value)


def differences(listing, values):
    """[{field, label, old, new}] for each field whose value the revision changes (for display)."""
    rows = []
    for name, label in LABELS[listing.kind].items():
        if name not in values:
            continue
        old, new = getattr(listing, name), values[name]
        changed = (old or "") != (new or "") if name in HTML_FIELDS else _display(name, old) != _display(name, new)
        if changed:
            rows.append({"field": name, "label": label, "old": _display(name, old), "new": _display(name, new)})
    return rows


def revision_differences(revision, listing=None):
    listing = listing or listing_of(revision)
    try:
        return differences(listing, _clean(listing, revision.data))
    except ValidationFailed:  # the rules changed since it was proposed: show the raw input
        return [{"field": key, "label": LABELS[listing.kind].get(key, key), "old": "", "new": str(value)}
                for key, value in revision.data.items() if key in LABELS[listing.kind]]


def propose_revision(listing, user, data):
    """Record the owner's change to a published listing for review (the caller commits); return the revision.

    `data` is the listing form's input (services.clean_* rules apply). Editing again while one is pending
    updates that one. ValidationFailed when the input is invalid or changes nothing.
    """
    if not can_revise(user, listing):
        raise PermissionDenied("只有所有者可以修改已发布的信息")
    values = _clean(listing, data)
    if not differences(listing, values):
        raise ValidationFailed("没有任何修改：内容与已发布的版本相同")
    revision = pending_revision(listing)
    if revision is None:
        revision = ListingRevision(listing_kind=listing.kind, listing_id=listing.id, author_id=user.id,
                                   status="pending", data=dict(data))
        db.session.add(revision)
    else:
        revision.data = dict(data)
        revision.author_id = user.id
    db.session.flush()
    return revision


def _require_admin(user):
    if not (user.is_authenticated and user.role == "admin"):
        raise PermissionDenied("只有管理员可以审核")


def approve_revision(revision, admin, note=None):
    """The listing takes the revision's values (the index follows through the ORM flush)."""
    _require_admin(admin)
    listing = listing_of(revision)
    if listing is None or listing.status != "published":
        raise InvalidTransition("该信息已不在发布状态，不能应用修改，请驳回")
    values = _clean(listing, revision.data)
    event = MACHINE.apply(revision, "approve", admin, note)
    for name, value in values.items():
        setattr(listing, name, value)
    notify(listing.owner, "revision_approved", f"您对{listing.kind_label}《{listing.title}》的修改已审核通过并生效",
           f"/{listing.kind}s/{listing.id}")
    return event


def reject_revision(revision, admin, reason):
    _require_admin(admin)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("驳回必须填写原因", {"reason": "请填写驳回原因"})
    if len(reason) > SUMMARY_MAX:
        raise ValidationFailed(too_long(reason, "驳回原因", SUMMARY_MAX), {"reason": f"不能超过 {SUMMARY_MAX} 个字符"})
    event = MACHINE.apply(revision, "reject", admin, reason)
    revision.reject_reason = reason
    listing = listing_of(revision)
    if listing is not None:
        notify(listing.owner, "revision_rejected",
               f"您对{listing.kind_label}《{listing.title}》的修改未通过审核：{reason}"[:500],
               f"/{listing.kind}s/{listing.id}")
    return event


def latest_rejection(listing):
    """The most recent revision if it was rejected (the owner sees why), else None."""
    latest = db.session.scalar(db.select(ListingRevision).where(
        ListingRevision.listing_kind == listing.kind, ListingRevision.listing_id == listing.id)
        .order_by(ListingRevision.id.desc()).limit(1))
    return latest if latest is not None and latest.status == "rejected" else None

"""Listings (achievements and demands): create, edit, the review lifecycle, visibility, browse.

One state machine per kind, on the one transition table of its status column (models/listings.py);
a challenge's moves beyond `published` are part of the demand table, used by challenges/services.py.
"""
from sqlalchemy.orm import defer, selectinload

from ..accounts.membership import can_act_for_org, membership_of
from ..extensions import db
from ..limits import MAX_PAGE
from ..models import Achievement, Demand, Organization
from ..models.listings import DEMAND_TRANSITIONS, HIDDEN_STATES, LISTING_TRANSITIONS, amount_key
from ..notifications.services import notify
from ..text import SUMMARY_MAX, too_long
from ..timeutil import utcnow
from ..workflow import NotFound, PermissionDenied, StateMachine, ValidationFailed
from . import counts, paging
from .cleaning import CLEANERS, clean_achievement, clean_demand  # noqa: F401  (the importer's entry points)

KINDS = {"achievement": Achievement, "demand": Demand}

MACHINES = {"achievement": StateMachine("achievement", LISTING_TRANSITIONS),
            "demand": StateMachine("demand", DEMAND_TRANSITIONS)}
EDITABLE_STATES = ("draft", "rejected")


def model_for(kind):
    try:
        return KINDS[kind]
    except KeyError:
        raise NotFound("未知的类型") from None


# ---------------------------------------------------------------- permissions

def can_create(user, kind):
    if not user.is_authenticated or not can_act_for_org(user):  # a pending join request posts nothing
        return False
    return user.role in (("researcher", "admin") if kind == "achievement" else ("enterprise", "admin"))


def is_owner(user, listing):
    return user.is_authenticated and listing.owner_id == user.id


def can_view(user, listing):
    if listing.is_public:
        return True
    return user.is_authenticated and (is_owner(user, listing) or user.role == "admin")


def can_edit(user, listing):
    return is_owner(user, listing) and listing.status in EDITABLE_STATES


def can_see_details(user, listing=None):
    """The confidential part of a listing (an achievement's 非公开详情, attachments): its owner and admins
    always; logged-in enterprises (approved members) and brokers."""
    if listing is not None and (is_owner(user, listing) or (user.is_authenticated and user.role == "admin")):
        return True
    return user.is_authenticated and user.role in ("enterprise", "broker", "admin") and can_act_for_org(user)


def can_revise(user, listing):
    """A published listing is changed through a revision under review (revisions.py); the online version
    stays as it is until an admin approves."""
    return is_owner(user, listing) and listing.status == "published"


def can_manage(user, listing):
    """Owner and admins see a listing's status, rejection reason, review history and actions."""
    return user.is_authenticated and (is_owner(user, listing) or user.role == "admin")


def available_actions(listing, user):
    """The actions this user may take on the listing now: edit (or revise), submit, withdraw, archive."""
    if not can_manage(user, listing):
        return []
    machine = MACHINES[listing.kind]
    owner = is_owner(user, listing)
    actions = ["edit"] if can_edit(user, listing) else ["revise"] if can_revise(user, listing) else []
    actions += [name for name in ("submit", "withdraw") if owner and machine.can(listing, name)]
    if machine.can(listing, "archive"):
        actions.append("archive")
    return actions


def get_visible(kind, listing_id, user):
    """The listing if this user may see it; 404 otherwise, so drafts are not disclosed."""
    listing = db.session.get(model_for(kind), listing_id)
    if listing is None or not can_view(user, listing):
        raise NotFound("该信息不存在或尚未发布")
    return listing


# ---------------------------------------------------------------- lifecycle

def create_listing(kind, user, data, organization=None):
    """Create a draft owned by user (the caller commits)."""
    if not can_create(user, kind):
        raise PermissionDenied("您的角色不能发布此类信息")
    values = CLEANERS[kind](data)
    org = organization or membership_of(user)
    listing = model_for(kind)(owner_id=user.id, organization_id=org.id if org else None, status="draft", **values)
    db.session.add(listing)
    db.session.flush()
    return listing


def update_listing(listing, user, data):
    if not can_edit(user, listing):
        raise PermissionDenied("只有所有者可以修改草稿或被驳回的信息")
    for key, value in CLEANERS[listing.kind](data).items():
        setattr(listing, key, value)
    return listing


def submit_listing(listing, user, note=None):
    if not is_owner(user, listing):
        raise PermissionDenied("只有所有者可以提交审核")
    return MACHINES[listing.kind].apply(listing, "submit", user, note)


def withdraw_listing(listing, user):
    if not is_owner(user, listing):
        raise PermissionDenied("只有所有者可以撤回")
    return MACHINES[listing.kind].apply(listing, "withdraw", user)


def approve_listing(listing, admin, note=None):
    if admin.role != "admin":
        raise PermissionDenied("只有管理员可以审核")
    org = listing.organization
    if org is None or not org.verified:
        raise ValidationFailed("发布单位尚未通过认证，不能审核通过")
    event = MACHINES[listing.kind].apply(listing, "approve", admin, note)
    listing.published_at = utcnow()
    listing.reject_reason = None
    notify(listing.owner, "listing_approved", f"您的{listing.kind_label}《{listing.title}》已审核通过并发布",
           _url(listing))
    return event


def reject_listing(listing, admin, reason):
    if admin.role != "admin":
        raise PermissionDenied("只有管理员可以审核")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("驳回必须填写原因", {"reason": "请填写驳回原因"})
    if len(reason) > SUMMARY_MAX:
        raise ValidationFailed(too_long(reason, "驳回原因", SUMMARY_MAX), {"reason": f"不能超过 {SUMMARY_MAX} 个字符"})
    event = MACHINES[listing.kind].apply(listing, "reject", admin, reason)
    listing.reject_reason = reason
    notify(listing.owner, "listing_rejected", f"您的{listing.kind_label}《{listing.title}》未通过审核：{reason}"[:500],
           _url(listing))
    return event


def archive_listing(listing, user):
    if not (is_owner(user, listing) or user.role == "admin"):
        raise PermissionDenied("只有所有者或管理员可以归档")
    event = MACHINES[listing.kind].apply(listing, "archive", user)
    return event


def _url(listing):
    return f"/{listing.kind}s/{listing.id}"


# ---------------------------------------------------------------- queries


SORTS = {"newest": "published_at", "price": "price", "budget": "budget", "deadline": "deadline"}


CARD_DEFERRED = {"achievement": ("description", "details", "reject_reason"),
                 "demand": ("indicators", "eligibility", "reject_reason", "close_reason")}


def _order(model, sort):
    if sort == "oldest":
        return paging.Order("oldest", model.published_at, model.id, descending=False)
    if sort in ("price", "budget") and hasattr(model, sort):
        return paging.Order(sort, amount_key(getattr(model, sort)), model.id, descending=True)  # 面议 last
    # Public listings always have published_at (approval sets it), so no NULLS LAST: the composite index
    # (status[, field], published_at, id) then serves the order without sorting every row.
    return paging.Order("newest", model.published_at, model.id, descending=True)


def browse(kind, filters, page, per_page, cards=False):
    """Published listings with the filters of the public lists; returns a Pagination.

    The organizations are loaded in one query; `cards=True` (the HTML list) loads only what a card shows.
    """
    model = model_for(kind)
    if kind == "demand":  # the same rows as status IN PUBLIC_STATES, but an index can serve the order
        query = db.select(model.id).where(model.status.not_in(HIDDEN_STATES))
    else:
        query = db.select(model.id).where(model.status == "published")
    if filters.get("q"):
        # Plain substring match until the search index takes over.
        columns = [model.title, model.description, model.keywords]
        if kind == "achievement":
            columns.append(model.summary)
        query = query.where(db.or_(*(c.contains(filters["q"], autoescape=True) for c in columns)))
    if filters.get("field"):
        query = query.where(model.field == filters["field"])
    if kind == "achievement":
        if filters.get("type"):
            query = query.where(model.type == filters["type"])
        if filters.get("maturity"):
            query = query.where(model.maturity == filters["maturity"])
        if filters.get("mode"):
            query = query.where(model.modes.contains(filters["mode"]))
    else:
        if filters.get("challenge") in ("1", "0"):
            query = query.where(model.is_challenge.is_(filters["challenge"] == "1"))
        if filters.get("budget_min") is not None:
            query = query.where(model.budget >= filters["budget_min"])
        if filters.get("budget_max") is not None:
            query = query.where(model.budget <= filters["budget_max"])
    order = _order(model, filters.get("sort"))
    query = query.order_by(*order.clauses())
    # Absurd page numbers would overflow the database's integer OFFSET.
    page = max(1, min(page, MAX_PAGE))
    # Every row shows its organization (cards and the API's JSON): one query for the page, not one per row.
    loading = [selectinload(model.organization)]
    if cards:
        loading += [defer(getattr(model, name)) for name in CARD_DEFERRED[kind]]
    list_key = (kind, counts.filters_key(filters))
    pagination = paging.paginate(query, query.with_only_columns(model).options(*loading), order,
                                 (*list_key, order.name), page, per_page)
    pagination.total = counts.cached(("browse", *list_key), lambda: counts.count_of(query))
    return pagination


def owned_by(user, kind):
    model = model_for(kind)
    return db.session.scalars(db.select(model).where(model.owner_id == user.id).order_by(model.id.desc())).all()


def pending_queue():
    items = []
    for model in KINDS.values():
        items += db.session.scalars(db.select(model).where(model.status == "pending")).all()
    return sorted(items, key=lambda listing: listing.updated_at)


def newest(kind, limit=6):
    model = model_for(kind)
    return db.session.scalars(db.select(model).where(model.status == "published")
                              .order_by(model.published_at.desc(), model.id.desc()).limit(limit)).all()


def organization_for(name, create_kind=None):
    """Look up an organization by name (importer, CLI)."""
    org = db.session.scalar(db.select(Organization).where(Organization.name == name))
    if org is None and create_kind:
        org = Organization(name=name, kind=create_kind)
        db.session.add(org)
        db.session.flush()
    return org

"""Read models for the admin area: counts for the overview, filtered lists, the review queue.

The rules themselves (approve, reject, verify, create users) stay in listings/ and accounts/.
"""
from ..extensions import db
from ..listings import services as listings
from ..models import Achievement, Demand, Organization, User
from ..models.accounts import ROLES
from ..models.listings import LISTING_STATES
from ..workflow import NotFound, history

REVIEW_KINDS = ("achievement", "demand")


def _count_by(column):
    rows = db.session.execute(db.select(column, db.func.count()).group_by(column)).all()
    return {key: count for key, count in rows}


def overview():
    by_status = {kind: _count_by(model.status) for kind, model in
                 (("achievement", Achievement), ("demand", Demand))}
    return {
        "pending": sum(by_status[k].get("pending", 0) for k in by_status),
        "unverified_orgs": db.session.scalar(db.select(db.func.count(Organization.id))
                                             .where(Organization.verified.is_(False))),
        "users_by_role": {role: _count_by(User.role).get(role, 0) for role in ROLES},
        "inactive_users": db.session.scalar(db.select(db.func.count(User.id)).where(User.active.is_(False))),
        "by_status": by_status,
        "states": _all_states(by_status),
    }


def _all_states(by_status):
    """Listing states in lifecycle order, then any challenge states that occur."""
    extra = sorted({s for counts in by_status.values() for s in counts} - set(LISTING_STATES))
    return list(LISTING_STATES) + extra


def review_queue():
    """Pending listings, oldest first, each with why it cannot be approved (or None)."""
    return [{"listing": item, "blocker": approval_blocker(item)} for item in listings.pending_queue()]


def approval_blocker(listing):
    org = listing.organization
    if org is None:
        return "该信息没有所属单位，不能审核通过"
    if not org.verified:
        return f"发布单位「{org.name}」尚未认证，需先认证单位才能审核通过"
    return None


def get_listing(kind, listing_id):
    if kind not in REVIEW_KINDS:
        raise NotFound("未知的类型")
    listing = db.session.get(listings.model_for(kind), listing_id)
    if listing is None:
        raise NotFound("该信息不存在")
    return listing


def listing_history(listing):
    return history(listing.kind, listing.id)


def organizations(verified=None, page=1, per_page=30):
    query = db.select(Organization).order_by(Organization.verified, Organization.created_at.desc(),
                                             Organization.id.desc())
    if verified is not None:
        query = query.where(Organization.verified.is_(verified))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def users(role=None, page=1, per_page=30):
    query = db.select(User).order_by(User.id.desc())
    if role in ROLES:
        query = query.where(User.role == role)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def all_organizations():
    return db.session.scalars(db.select(Organization).order_by(Organization.name)).all()

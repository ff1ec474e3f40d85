"""Read-side of deals: the broker board, the lead queues, a user's own deals."""
from collections import OrderedDict
from decimal import Decimal

from sqlalchemy import or_

from ..extensions import db
from ..models import Achievement, Deal, Enquiry, Match, Organization, User
from ..models.deals import DEAL_STAGES, OPEN_STAGES
from ..timeutil import local_today
from .access import is_admin, visible_condition


def published_achievements(limit=500):
    """The newest published achievements, for the new-deal form's choice."""
    return db.session.scalars(db.select(Achievement).where(Achievement.status == "published")
                              .order_by(Achievement.id.desc()).limit(limit)).all()


def visible_deals_query(user):
    query = db.select(Deal)
    condition = visible_condition(user)
    if condition is not None:
        query = query.where(condition)
    return query


def deals_for_user(user, limit=50):
    """Deals the user takes part in, as a party or as broker (admins: none beyond their own)."""
    if not user.is_authenticated:
        return []
    if is_admin(user):
        query = db.select(Deal).where(Deal.broker_id == user.id)
    else:
        query = visible_deals_query(user)
    return db.session.scalars(query.order_by(Deal.stage_changed_at.desc(), Deal.id.desc()).limit(limit)).all()


def board(user, filters):
    """Deals by stage for the board: {stage: {"deals": [...], "count": n, "amount": Decimal}}.

    Brokers see their own deals; admins see every deal and may filter by broker.
    filters: broker_id, field, org_id (either party's organization).
    """
    query = visible_deals_query(user) if not is_admin(user) else db.select(Deal)
    if is_admin(user) and filters.get("broker_id"):
        query = query.where(Deal.broker_id == filters["broker_id"])
    if filters.get("field"):
        query = query.where(Deal.field == filters["field"])
    if filters.get("org_id"):
        query = query.where(or_(Deal.supplier_org_id == filters["org_id"], Deal.buyer_org_id == filters["org_id"]))
    deals = db.session.scalars(query.order_by(Deal.stage_changed_at.desc(), Deal.id.desc())).all()
    columns = OrderedDict((stage, {"label": label, "deals": [], "count": 0, "amount": Decimal("0.00")})
                          for stage, label in DEAL_STAGES.items())
    for deal in deals:
        column = columns.setdefault(deal.stage, {"label": deal.stage, "deals": [], "count": 0,
                                                 "amount": Decimal("0.00")})
        column["deals"].append(deal)
        column["count"] += 1
        column["amount"] += deal.amount or Decimal("0.00")
    return columns


def shown_next_step_on(deal):
    """The next step's date the pages show: none once the deal is closed (已转化, 已终止)."""
    return deal.next_step_on if deal.stage in OPEN_STAGES else None


def is_overdue(deal, today=None):
    """A next step whose date has passed while the deal is still open."""
    return (deal.next_step_on is not None and deal.stage in OPEN_STAGES
            and deal.next_step_on < (today or local_today()))


def open_enquiries(limit=200):
    return db.session.scalars(db.select(Enquiry).where(Enquiry.status == "open")
                              .order_by(Enquiry.created_at.asc(), Enquiry.id.asc()).limit(limit)).all()


def proposed_matches(page, per_page=20):
    """The matcher's proposals, best first."""
    query = db.select(Match).where(Match.status == "proposed").order_by(Match.score.desc(), Match.id.asc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def brokers():
    return db.session.scalars(db.select(User).where(User.role == "broker", User.active.is_(True))
                              .order_by(User.name)).all()


def organizations(kind=None):
    query = db.select(Organization).order_by(Organization.name)
    if kind:
        query = query.where(Organization.kind == kind)
    return db.session.scalars(query).all()


def enquiries_for_user(user, limit=50):
    if not user.is_authenticated:
        return []
    return db.session.scalars(db.select(Enquiry).where(Enquiry.user_id == user.id)
                              .order_by(Enquiry.id.desc()).limit(limit)).all()

"""Who may see and who may work a deal.

A deal is seen by admins, its assigned broker and the two parties (approved members of the
supplier and the buyer organizations — accounts/membership.py decides who is one — plus the
achievement's owner and the enquirer).
Anyone else gets NotFound, in the pages and in the API alike, so a deal's existence
is not disclosed. Parties see but do not act: acting needs the broker or an admin.
"""
from sqlalchemy import or_

from ..accounts.membership import member_org_id
from ..extensions import db
from ..models import Achievement, Deal, Enquiry
from ..workflow import NotFound, PermissionDenied

WORKER_ROLES = ("broker", "admin")


def is_admin(user):
    return user.is_authenticated and user.role == "admin"


def is_worker(user):
    """Brokers and admins work leads and open deals."""
    return user.is_authenticated and user.role in WORKER_ROLES


def is_assigned_broker(user, deal):
    return user.is_authenticated and deal.broker_id is not None and deal.broker_id == user.id


def is_party(user, deal):
    if not user.is_authenticated:
        return False
    org_id = member_org_id(user)
    if org_id is not None and org_id in (deal.supplier_org_id, deal.buyer_org_id):
        return True
    if deal.achievement is not None and deal.achievement.owner_id == user.id:
        return True
    return deal.enquiry is not None and deal.enquiry.user_id == user.id


def can_view(user, deal):
    return is_admin(user) or is_assigned_broker(user, deal) or is_party(user, deal)


def can_manage(user, deal):
    """Move the deal, keep notes and next steps: its broker or an admin."""
    return is_admin(user) or is_assigned_broker(user, deal)


def get_visible(deal_id, user):
    deal = db.session.get(Deal, deal_id)
    if deal is None or not can_view(user, deal):
        raise NotFound("该交易不存在或您无权查看")
    return deal


def get_manageable(deal_id, user):
    deal = get_visible(deal_id, user)
    if not can_manage(user, deal):
        raise PermissionDenied("只有负责该交易的技术经纪人或管理员可以操作")
    return deal


def visible_condition(user):
    """A SQL condition selecting the deals this user may see (None: all of them)."""
    if is_admin(user):
        return None
    conditions = [Deal.broker_id == user.id,
                  Deal.achievement_id.in_(db.select(Achievement.id).where(Achievement.owner_id == user.id)),
                  Deal.enquiry_id.in_(db.select(Enquiry.id).where(Enquiry.user_id == user.id))]
    org_id = member_org_id(user)
    if org_id is not None:
        conditions += [Deal.supplier_org_id == org_id, Deal.buyer_org_id == org_id]
    return or_(*conditions)


def require_worker(user):
    if not is_worker(user):
        raise PermissionDenied("只有技术经纪人或管理员可以进行此操作")

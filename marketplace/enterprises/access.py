"""Who sees an enterprise's figures and gaps: its approved members, brokers assigned to its deals, admins.
Who changes them: its approved members and admins (and an admin's import)."""
from ..extensions import db
from ..models import Deal


def _is_member(user, org):
    return user.is_authenticated and user.organization_id == org.id


def can_edit(user, org):
    return user.is_authenticated and (user.role == "admin" or _is_member(user, org))


def can_view(user, org):
    if can_edit(user, org):
        return True
    if not user.is_authenticated or user.role != "broker":
        return False
    return db.session.scalar(db.select(db.func.count(Deal.id)).where(
        Deal.broker_id == user.id, db.or_(Deal.buyer_org_id == org.id, Deal.supplier_org_id == org.id))) > 0

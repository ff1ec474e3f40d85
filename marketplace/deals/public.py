"""成交公示: the public list of registered deals (/deals/public), and each party's opt-out.

A deal is listed once it has an 认定登记 date and is not terminated, unless either side opted out on
the deal's page. The amount is shown as a band (AMOUNT_BANDS), never exactly.
"""
from decimal import Decimal

from sqlalchemy.orm import selectinload

from ..accounts.membership import member_org_id
from ..extensions import db
from ..models import Deal
from ..workflow import PermissionDenied

PUBLIC_STAGES = ("registered", "delivering", "commercialized")
# (upper bound in 万元, exclusive; label): the first band whose bound exceeds the amount.
AMOUNT_BANDS = ((Decimal("10"), "10 万元以下"), (Decimal("50"), "10–50 万元"), (Decimal("100"), "50–100 万元"),
                (Decimal("500"), "100–500 万元"), (Decimal("1000"), "500–1000 万元"), (None, "1000 万元及以上"))
PER_PAGE = 20


def amount_band(amount):
    if amount is None:
        return "未公开"
    return next(label for bound, label in AMOUNT_BANDS if bound is None or amount < bound)


def public_condition():
    return db.and_(Deal.registered_on.is_not(None), Deal.stage.in_(PUBLIC_STAGES),
                   Deal.public_optout_supplier.is_(False), Deal.public_optout_buyer.is_(False))


def public_deals(page, per_page=PER_PAGE):
    """A Pagination of listed deals, newest registration first (ix_deal_registered_on)."""
    query = (db.select(Deal).where(public_condition())
             .options(selectinload(Deal.achievement), selectinload(Deal.supplier_org), selectinload(Deal.buyer_org))
             .order_by(Deal.registered_on.desc(), Deal.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def sides_of(user, deal):
    """Which sides of the deal this user speaks for: a subset of {"supplier", "buyer"}."""
    if not user.is_authenticated:
        return set()
    org_id, sides = member_org_id(user), set()
    if (org_id is not None and org_id == deal.supplier_org_id) or (
            deal.achievement is not None and deal.achievement.owner_id == user.id):
        sides.add("supplier")
    if (org_id is not None and org_id == deal.buyer_org_id) or (
            deal.enquiry is not None and deal.enquiry.user_id == user.id):
        sides.add("buyer")
    return sides


def opted_out(user, deal):
    """True if a side this user speaks for keeps the deal off the public page."""
    sides = sides_of(user, deal)
    return ("supplier" in sides and deal.public_optout_supplier) or ("buyer" in sides and deal.public_optout_buyer)


def is_listed(deal):
    return (deal.registered_on is not None and deal.stage in PUBLIC_STAGES
            and not deal.public_optout_supplier and not deal.public_optout_buyer)


def set_optout(user, deal, hidden):
    """A party keeps the deal off (hidden=True) or back on the public page for its own side(s)."""
    sides = sides_of(user, deal)
    if not sides:
        raise PermissionDenied("只有交易双方可以设置是否公示")
    if "supplier" in sides:
        deal.public_optout_supplier = bool(hidden)
    if "buyer" in sides:
        deal.public_optout_buyer = bool(hidden)

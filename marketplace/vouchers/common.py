"""What every voucher module shares: the state machines, the 409 error, who to notify, access checks."""
from ..extensions import db
from ..models import User
from ..notifications.services import notify, notify_many  # noqa: F401  (notify re-exported)
from ..workflow import DomainError, PermissionDenied, StateMachine

PROVIDER_MACHINE = StateMachine("service_provider", {
    "admit": (("noticed",), "admitted", "准予入库"),
    "reject": (("noticed",), "rejected", "不予入库"),
    "suspend": (("admitted",), "suspended", "暂停接券"),
})
SERVICE_MACHINE = StateMachine("service_product", {
    "submit": (("draft", "rejected"), "pending", "提交审核"),
    "approve": (("pending",), "published", "审核通过"),
    "reject": (("pending",), "rejected", "审核驳回"),
})
VOUCHER_MACHINE = StateMachine("voucher", {
    "approve": (("submitted",), "issued", "审批通过并发券"),
    "reject": (("submitted",), "rejected", "审批不通过"),
    "expire": (("issued",), "expired", "到期失效"),
})
ORDER_MACHINE = StateMachine("voucher_order", {
    "accept": (("placed",), "accepted", "接单"),
    "deliver": (("accepted", "disputed"), "delivered", "提交交付"),
    "confirm": (("delivered",), "confirmed", "确认交付"),
    "dispute": (("delivered",), "disputed", "对交付提出异议"),
})
CLAIM_MACHINE = StateMachine("voucher_claim", {
    "approve": (("submitted",), "approved", "兑付审核通过"),
    "return": (("submitted",), "returned", "退回修改"),
    "resubmit": (("returned",), "submitted", "修改后重新提交"),
    "reject": (("submitted",), "rejected", "兑付驳回"),
    "settle": (("approved",), "settled", "纳入结算批次"),
})


class Conflict(DomainError):
    """A voucher rule refused the action: 409 with a Chinese message naming the rule."""

    status = 409
    code = "conflict"


def require_admin(user):
    if getattr(user, "role", None) != "admin":
        raise PermissionDenied("只有管理员可以执行此操作")


def admins():
    return db.session.scalars(db.select(User).where(User.role == "admin", User.active.is_(True))).all()


def notify_admins(kind, message, url):
    notify_many(admins(), kind, message, url)


def notify_org(org_id, kind, message, url, roles=None):
    """Every active member of an organization (of the given roles)."""
    query = db.select(User).where(User.organization_id == org_id, User.active.is_(True))
    if roles:
        query = query.where(User.role.in_(roles))
    notify_many(db.session.scalars(query).all(), kind, message, url)



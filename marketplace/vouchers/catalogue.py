"""The service catalogue: admitted institutions publish service products, reviewed like listings
(draft → pending → published / rejected). Search goes through matching/catalogue.py."""
from ..extensions import db
from ..models import ServiceProduct
from ..models.vouchers import SERVICE_CATEGORIES
from ..workflow import PermissionDenied, get_or_404
from .common import SERVICE_MACHINE, Conflict, notify_admins, notify_org, require_admin
from .fields import done, parse_amount, parse_choice, parse_int, parse_text
from .providers import admitted_provider_of, provider_of


def _fields(data):
    errors = {}
    values = dict(
        title=parse_text(data.get("title"), "服务名称", "title", errors, 200),
        category=parse_choice(data.get("category"), "服务类别", "category", errors, SERVICE_CATEGORIES),
        description=parse_text(data.get("description"), "服务内容", "description", errors, 5000),
        price=parse_amount(data.get("price"), "价格", "price", errors, required=False, allow_zero=True),
        price_basis=parse_text(data.get("price_basis"), "计价方式", "price_basis", errors, 200, required=False),
        delivery_days=parse_int(data.get("delivery_days"), "交付周期（天）", "delivery_days", errors, 1, 3650,
                                required=False),
    )
    done(errors)
    return values


def can_manage(user, service):
    provider = provider_of(user) if getattr(user, "is_authenticated", False) else None
    return provider is not None and provider.id == service.provider_id


def is_visible(user, service):
    if service.status == "published" and service.provider.status == "admitted":
        return True
    return getattr(user, "role", None) == "admin" or can_manage(user, service)


def get_service(service_id, user):
    return get_or_404(ServiceProduct, service_id, "该服务不存在", visible=lambda s: is_visible(user, s))


def create(user, data):
    provider = admitted_provider_of(user)
    values = _fields(data)
    if values["category"] not in provider.category_list:
        raise Conflict(f"服务类别规则：本机构入库的服务类别不含“{values['category']}”")
    service = ServiceProduct(provider_id=provider.id, status="draft", **values)
    db.session.add(service)
    db.session.flush()
    return service


def submit(service, user):
    if not can_manage(user, service):
        raise PermissionDenied("只有发布机构可以提交该服务")
    admitted_provider_of(user)
    SERVICE_MACHINE.apply(service, "submit", user)
    notify_admins("voucher", f"服务产品“{service.title}”待审核", "/me")
    return service


def approve(service, admin):
    require_admin(admin)
    SERVICE_MACHINE.apply(service, "approve", admin)
    notify_org(service.provider.organization_id, "voucher", f"服务产品“{service.title}”已上架",
               f"/services/{service.id}")
    return service


def reject(service, admin, reason):
    require_admin(admin)
    errors = {}
    reason = parse_text(reason, "驳回理由", "reason", errors, 500)
    done(errors)
    SERVICE_MACHINE.apply(service, "reject", admin, note=reason)
    service.reason = reason
    notify_org(service.provider.organization_id, "voucher", f"服务产品“{service.title}”未通过审核：{reason}",
               f"/services/{service.id}")
    return service


def pending_services():
    return db.session.scalars(db.select(ServiceProduct).where(ServiceProduct.status == "pending")
                              .order_by(ServiceProduct.id)).all()


def services_of(provider):
    return db.session.scalars(db.select(ServiceProduct).where(ServiceProduct.provider_id == provider.id)
                              .order_by(ServiceProduct.id.desc())).all()

"""接券机构: a service_provider organization applies, is shown in a public notice (公示) where logged-in
users may object, and is admitted (only after the notice ends) or rejected by an admin; it can be suspended."""
from datetime import timedelta

from flask import current_app

from ..accounts import membership
from ..extensions import db
from ..models import ProviderObjection, ServiceProvider
from ..timeutil import utcnow
from ..workflow import PermissionDenied, get_or_404
from .common import PROVIDER_MACHINE, Conflict, notify_admins, notify_org, require_admin
from .fields import done, parse_categories, parse_int, parse_text


def notice_days():
    return int(current_app.config.get("VOUCHER_NOTICE_DAYS", 7))


def provider_of(user):
    """The ServiceProvider row of the user's organization, or None."""
    org_id = membership.member_org_id(user)
    if org_id is None:
        return None
    return db.session.scalar(db.select(ServiceProvider).where(ServiceProvider.organization_id == org_id))


def admitted_provider_of(user):
    provider = provider_of(user)
    if provider is None or user.role != "provider":
        raise PermissionDenied("只有已入库服务机构的工作人员可以执行此操作")
    if provider.status != "admitted":
        raise Conflict(f"本机构当前状态为“{provider.status_label}”，入库后才能执行此操作")
    return provider


def get_provider(provider_id):
    return get_or_404(ServiceProvider, provider_id, "该服务机构不存在")


def apply(user, data):
    """A member of a service_provider organization asks to join the voucher scheme."""
    org = membership.membership_of(user)
    if user.role != "provider" or org is None or org.kind != "service_provider":
        raise PermissionDenied("只有服务机构（service_provider）单位的成员可以申请成为接券机构")
    errors = {}
    categories = parse_categories(data.get("categories"), errors)
    note = parse_text(data.get("note"), "资质说明", "note", errors, 2000)
    years = parse_int(data.get("years"), "从业年限", "years", errors, 0, 200, required=False)
    contact = parse_text(data.get("contact"), "联系人", "contact", errors, 100, required=False)
    phone = parse_text(data.get("contact_phone"), "联系电话", "contact_phone", errors, 30, required=False)
    legal = parse_text(data.get("legal_representative"), "法定代表人", "legal_representative", errors, 100,
                       required=False)
    shares = parse_text(data.get("shareholdings"), "股权关联申报", "shareholdings", errors, 2000, required=False)
    done(errors)
    if provider_of(user) is not None:
        raise Conflict("本机构已提交过接券机构申请")
    provider = ServiceProvider(organization_id=org.id, applicant_id=user.id, categories=",".join(categories),
                               note=note, years=years, contact=contact, contact_phone=phone,
                               legal_representative=legal, shareholdings=shares, status="noticed",
                               notice_ends_at=utcnow() + timedelta(days=notice_days()))
    db.session.add(provider)
    db.session.flush()
    notify_admins("voucher", f"服务机构“{org.name}”申请成为接券机构，公示至 {provider.notice_ends_at:%Y-%m-%d}",
                  f"/vouchers/providers/{provider.id}")
    return provider


def object_to(provider, user, text):
    if provider.status != "noticed":
        raise Conflict("该机构不在公示期，不能提出异议")
    errors = {}
    text = parse_text(text, "异议内容", "text", errors, 1000)
    done(errors)
    objection = ProviderObjection(provider_id=provider.id, user_id=user.id, text=text)
    db.session.add(objection)
    notify_admins("voucher", f"公示中的服务机构“{provider.organization.name}”收到异议",
                  f"/vouchers/providers/{provider.id}")
    return objection


def admit(provider, admin):
    require_admin(admin)
    if provider.status == "noticed" and utcnow() < provider.notice_ends_at:
        raise Conflict(f"公示期规则：公示至 {provider.notice_ends_at:%Y-%m-%d %H:%M}（UTC）结束，公示期内不能准予入库")
    PROVIDER_MACHINE.apply(provider, "admit", admin)
    notify_org(provider.organization_id, "voucher", "贵机构已通过公示，成为创新券接券机构，可以发布服务产品",
               "/vouchers/provider")
    return provider


def reject(provider, admin, reason):
    require_admin(admin)
    errors = {}
    reason = parse_text(reason, "不予入库理由", "reason", errors, 500)
    done(errors)
    PROVIDER_MACHINE.apply(provider, "reject", admin, note=reason)
    provider.reason = reason
    notify_org(provider.organization_id, "voucher", f"贵机构的接券机构申请未通过：{reason}", "/vouchers/provider")
    return provider


def suspend(provider, admin, reason=None):
    require_admin(admin)
    PROVIDER_MACHINE.apply(provider, "suspend", admin, note=reason)
    provider.reason = reason
    notify_org(provider.organization_id, "voucher", "贵机构已被暂停接券，暂停期间不能接受新的创新券订单",
               "/vouchers/provider")
    return provider


def noticed_providers():
    """The public notice (公示) list: applications still in notice, newest first."""
    return db.session.scalars(db.select(ServiceProvider).where(ServiceProvider.status == "noticed")
                              .order_by(ServiceProvider.id.desc())).all()


def all_providers():
    return db.session.scalars(db.select(ServiceProvider).order_by(ServiceProvider.id.desc())).all()



"""Organization profiles: editing (identity changes under review), status tags, verification.

Functions take the acting user explicitly and raise DomainError subclasses; the caller commits.
"""
from ..models.accounts import ORG_TAGS
from ..notifications.services import notify_many
from ..timeutil import utcnow
from ..workflow import PermissionDenied, ValidationFailed
from . import membership
from .services import (ORG_DESCRIPTION_MAX, REGION_MAX, check_credit_code, check_org_name, org_kind_error,
                       normalize_credit_code)


def can_edit_organization(user, org):
    """Org admins edit their organization's profile; platform admins edit any."""
    return user.is_authenticated and membership.can_manage_members(user, org)


def update_organization(user, org, data):
    """Edit an organization profile; returns the pending OrganizationChange when the edit needs review.

    Description and region apply at once. A verified organization's legal identity (name, kind,
    credit code) changes only through a platform admin's review; until then it keeps its old,
    verified identity. Status tags (高新技术企业, ...) are set by platform admins only (set_org_tags).
    """
    if not can_edit_organization(user, org):
        raise PermissionDenied("只有本单位的单位管理员可以编辑单位资料")
    if "tags" in data and not membership.is_platform_admin(user):
        raise PermissionDenied("单位标签由平台管理员认定，不能自行设置")
    errors = {}
    name = (data.get("name") or "").strip()
    kind = (data.get("kind") or "").strip()
    credit_code = normalize_credit_code(data.get("credit_code"))
    region = (data.get("region") or "").strip()
    description = (data.get("description") or "").strip()
    check_org_name(name, errors, org=org)
    kind_error = org_kind_error(user.role, kind) if kind != org.kind else None
    if kind_error:
        errors["kind"] = kind_error
    check_credit_code(credit_code, errors, org=org)
    if len(region) > REGION_MAX:
        errors["region"] = f"所在地区不能超过 {REGION_MAX} 个字符"
    if len(description) > ORG_DESCRIPTION_MAX:
        errors["description"] = f"单位简介不能超过 {ORG_DESCRIPTION_MAX} 个字符（当前 {len(description)} 个）"
    if "tags" in data:
        _check_tags(data["tags"], errors)
    if errors:
        raise ValidationFailed("单位资料有误，请修改后重试", errors)
    org.region, org.description = region or None, description or None
    if "tags" in data:
        set_org_tags(user, org, data["tags"])
    identity_changed = (name, kind, credit_code) != (org.name, org.kind, org.credit_code)
    if identity_changed and org.verified and not membership.is_platform_admin(user):
        return membership.request_identity_change(user, org, name, kind, credit_code)
    org.name, org.kind, org.credit_code = name, kind, credit_code
    return None


def _check_tags(tags, errors):
    bad_tags = [t for t in (tags or []) if t and t not in ORG_TAGS]
    if bad_tags:
        errors["tags"] = f"标签无效：{'、'.join(bad_tags)}"


def set_org_tags(admin, org, tags):
    """Status tags assert something the platform checked: only platform admins set them."""
    if not membership.is_platform_admin(admin):
        raise PermissionDenied("单位标签由平台管理员认定，不能自行设置")
    errors = {}
    _check_tags(tags, errors)
    if errors:
        raise ValidationFailed("单位标签有误", errors)
    org.tags = ",".join(t for t in ORG_TAGS if t in (tags or []))
    return org


def verify_organization(admin, org, verified):
    """An admin marks an organization verified (its listings may then be approved) or not."""
    if admin.role != "admin":
        raise PermissionDenied("只有管理员可以认证单位")
    verified = bool(verified)
    if org.verified == verified:
        return org
    org.verified = verified
    org.verified_at = utcnow() if verified else None
    message = f"您的单位「{org.name}」已通过平台认证" if verified else f"您的单位「{org.name}」的认证已被撤销，请完善资料后联系管理员"
    notify_many(org.members, "org_verified" if verified else "org_unverified", message, f"/orgs/{org.id}")
    return org

"""Accounts: registration, login, passwords, operator accounts (organization profiles: organizations.py).

Every rule about users and organizations lives here; views and the CLI only call these functions.
Functions take the acting user explicitly and raise DomainError subclasses; the caller commits.
"""
import re

from ..extensions import db
from ..models import Achievement, Demand, Organization, User
from ..models.accounts import ORG_KINDS, ROLES, SELF_REGISTER_ROLES
from ..models.listings import PUBLIC_STATES
from ..timeutil import utcnow
from ..validators import is_valid_credit_code
from ..workflow import PermissionDenied, ValidationFailed, get_or_404
from . import membership
from . import throttle, tokens
from .passwords import password_problem, verify_password

NAME_MAX = 100
ORG_NAME_MAX = 200
REGION_MAX = 100
ORG_DESCRIPTION_MAX = 2000

# Which organization kinds a member of each role may belong to.
ROLE_ORG_KINDS = {
    "researcher": ("university", "institute"),
    "enterprise": ("enterprise",),
    "broker": ("broker_agency", "service_provider"),
    "admin": tuple(ORG_KINDS),
    "provider": ("service_provider",),
}
# The organization kind a CLI/admin-created account gets when none is named.
DEFAULT_ORG_KIND = {"researcher": "university", "enterprise": "enterprise", "broker": "broker_agency",
                    "admin": "service_provider", "provider": "service_provider"}

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


# ---------------------------------------------------------------- field checks

def normalize_email(email):
    return (email or "").strip().lower()


def _check_email(email, errors):
    if not email:
        errors["email"] = "请填写邮箱"
    elif len(email) > 200 or not _EMAIL_RE.match(email):
        errors["email"] = "邮箱格式不正确"
    elif find_user_by_email(email) is not None:
        errors["email"] = "该邮箱已注册"


def _check_password(password, errors, key="password", email=None):
    problem = password_problem(password, email)
    if problem:
        errors[key] = problem


def _check_name(name, errors):
    if not name:
        errors["name"] = "请填写姓名"
    elif len(name) > NAME_MAX:
        errors["name"] = f"姓名不能超过 {NAME_MAX} 个字符"


def org_kind_error(role, kind):
    if kind not in ORG_KINDS:
        return f"单位类型无效，可选：{'、'.join(ORG_KINDS)}"
    if kind not in ROLE_ORG_KINDS.get(role, ()):
        allowed = "、".join(ORG_KINDS[k] for k in ROLE_ORG_KINDS.get(role, ()))
        return f"{ROLES.get(role, role)}所在单位类型只能是：{allowed}"
    return None


def normalize_credit_code(code):
    return (code or "").strip().upper() or None


def check_credit_code(code, errors, org=None):
    if code is None:
        return
    if not is_valid_credit_code(code):
        errors["credit_code"] = "统一社会信用代码格式或校验位不正确（18 位）"
        return
    other = db.session.scalar(db.select(Organization).where(Organization.credit_code == code))
    if other is not None and other is not org:
        errors["credit_code"] = "该统一社会信用代码已被其他单位使用"


def check_org_name(name, errors, org=None, key="name"):
    if not name:
        errors[key] = "请填写单位名称"
    elif len(name) > ORG_NAME_MAX:
        errors[key] = f"单位名称不能超过 {ORG_NAME_MAX} 个字符"
    else:
        other = find_org_by_name(name)
        if other is not None and other is not org:
            errors[key] = "该单位已存在，请直接选择已有单位" if org is None else "该单位名称已被使用"


# ---------------------------------------------------------------- lookups

def find_user_by_email(email):
    return db.session.scalar(db.select(User).where(User.email == normalize_email(email)))


def find_org_by_name(name):
    return db.session.scalar(db.select(Organization).where(Organization.name == (name or "").strip()))


def get_organization(org_id):
    return get_or_404(Organization, org_id, "该单位不存在")


def get_user(user_id):
    return get_or_404(User, user_id, "该用户不存在")


def public_listings_of(org):
    """An organization's published achievements and public demands, newest first."""
    achievements = db.session.scalars(
        db.select(Achievement).where(Achievement.organization_id == org.id, Achievement.status == "published")
        .order_by(Achievement.published_at.desc(), Achievement.id.desc())).all()
    demands = db.session.scalars(
        db.select(Demand).where(Demand.organization_id == org.id, Demand.status.in_(PUBLIC_STATES))
        .order_by(Demand.published_at.desc(), Demand.id.desc())).all()
    return achievements, demands


def organizations_for_role(role):
    """Existing organizations a self-registering user of this role may join."""
    kinds = ROLE_ORG_KINDS.get(role, ())
    return db.session.scalars(db.select(Organization).where(Organization.kind.in_(kinds))
                              .order_by(Organization.name)).all()


# ---------------------------------------------------------------- registration and login

def register_user(data):
    """Self-registration of a researcher or enterprise user (the caller commits).

    data: name, email, password, role, and either org_id (join an existing organization)
    or org_name, org_kind, credit_code (create a new, unverified one).
    """
    errors, org = _check_registration(data)
    if errors:
        raise ValidationFailed("注册信息有误，请修改后重试", errors)
    user = _new_user(normalize_email(data.get("email")), (data.get("name") or "").strip(), data["role"].strip(),
                     data.get("password") or "", None)
    _join_or_found(user, org)
    return user


def registration_problems(data):
    """Every field error register_user would report for `data`, without creating anything."""
    return _check_registration(data)[0]


def _check_registration(data):
    errors = {}
    role = (data.get("role") or "").strip()
    if role not in SELF_REGISTER_ROLES:
        errors["role"] = "只能注册为科研人员、企业用户或服务机构"
    email = normalize_email(data.get("email"))
    _check_name((data.get("name") or "").strip(), errors)
    _check_email(email, errors)
    _check_password(data.get("password") or "", errors, email=email)
    org = _registration_org(data, role, errors)
    return errors, org


def choose_organization(user, data):
    """A user without an organization (e.g. after a rejected request) asks to join one or creates one.

    data as in register_user: org_id, or org_name, org_kind, credit_code. Returns the JoinRequest, or
    None when a new organization was created (the user is then its org admin)."""
    if membership.member_org_id(user) is not None or membership.pending_request_of(user) is not None:
        raise ValidationFailed("您已加入单位或已有待审核的加入申请")
    if user.role not in SELF_REGISTER_ROLES:
        raise PermissionDenied("技术经纪人和管理员的单位由平台设置")
    errors = {}
    org = _registration_org(data, user.role, errors)
    if errors:
        raise ValidationFailed("单位信息有误，请修改后重试", errors)
    return _join_or_found(user, org)


def _join_or_found(user, org):
    """An existing organization is joined by request, never claimed; a new one makes the user its org admin."""
    if org.id is not None:
        return membership.request_join(user, org)
    db.session.add(org)
    db.session.flush()
    membership.admit(user, org)
    return None


def _registration_org(data, role, errors):
    """The organization chosen or described in the registration form (not yet added if new)."""
    org_id = data.get("org_id")
    if org_id:
        org = db.session.get(Organization, int(org_id))
        if org is None:
            errors["org_id"] = "所选单位不存在"
        elif role in SELF_REGISTER_ROLES and org.kind not in ROLE_ORG_KINDS[role]:
            errors["org_id"] = org_kind_error(role, org.kind)
        return org
    org_name = (data.get("org_name") or "").strip()
    kind = (data.get("org_kind") or "").strip()
    credit_code = normalize_credit_code(data.get("credit_code"))
    check_org_name(org_name, errors, key="org_name")
    if role in SELF_REGISTER_ROLES:
        kind_error = org_kind_error(role, kind)
        if kind_error:
            errors["org_kind"] = kind_error
    check_credit_code(credit_code, errors)
    return Organization(name=org_name, kind=kind, credit_code=credit_code, verified=False, tags="")


def _new_user(email, name, role, password, org):
    """A new account; with `org`, an approved member of it (its org admin if it is the first member)."""
    user = User(email=email, name=name, role=role, active=True, is_org_admin=False)
    user.set_password(password)
    if org is not None:
        membership.admit(user, org)
    db.session.add(user)
    db.session.flush()
    return user


class AccountDisabled(PermissionDenied):
    code = "account_disabled"


DISABLED_MESSAGE = "该账号已被停用，请联系平台管理员"


def authenticate(email, password, address):
    """The active user with these credentials, for a login from `address` (the page and the API).

    Throttled per account and per address (TooManyAttempts, even for the right password); an unknown
    e-mail costs the same password check as a known one; ValidationFailed on bad credentials,
    AccountDisabled for a deactivated account. The caller commits.
    """
    account = normalize_email(email)
    throttle.check(throttle.LOGIN, address, account)
    user = find_user_by_email(account)
    if not verify_password(user, password):
        throttle.record(throttle.LOGIN, address, account)
        raise ValidationFailed("邮箱或密码错误")
    if not user.active:
        raise AccountDisabled(DISABLED_MESSAGE)
    throttle.forget_account(account)
    return user


def check_registration_allowed(address):
    """Registrations are counted per address (TooManyAttempts when too many): answering "该邮箱已注册"
    must not let anyone probe e-mails faster than failed logins would."""
    throttle.check(throttle.REGISTER, address, what="注册")
    throttle.record(throttle.REGISTER, address)


def change_password(user, old_password, new_password, address):
    """Change the password (throttled like a login); every session and API token of the user ends.
    The caller commits and logs the current session in again (its cookie carries the old session version)."""
    throttle.check(throttle.LOGIN, address, user.email, what="密码验证")
    errors = {}
    if not user.check_password(old_password or ""):
        throttle.record(throttle.LOGIN, address, user.email)
        errors["old_password"] = "原密码不正确"
    _check_password(new_password, errors, key="new_password", email=user.email)
    if not errors and old_password == new_password:
        errors["new_password"] = "新密码不能与原密码相同"
    if errors:
        raise ValidationFailed("修改密码失败", errors)
    user.set_password(new_password)
    user.end_sessions()
    tokens.revoke_all(user)
    return user


def logout_everywhere(user):
    """Logging out ends every session of the user (a captured cookie must not work after logout)."""
    user.end_sessions()


# ---------------------------------------------------------------- operator accounts (CLI, admin)

def create_user(email, role, password, name=None, org_name=None, org_kind=None, org=None):
    """Create an account of any role for the operator; a new organization named here is verified."""
    errors = {}
    email = normalize_email(email)
    if role not in ROLES:
        errors["role"] = f"角色无效，可选：{'、'.join(ROLES)}"
    _check_email(email, errors)
    _check_password(password, errors, email=email)
    name = (name or "").strip() or email.split("@")[0]
    _check_name(name, errors)
    org_name = (org_name or "").strip()
    if org is None and org_name:
        org = find_org_by_name(org_name)
        if org is None:
            org = _operator_org(org_name, role, org_kind, errors)
    elif org_kind and not org_name:
        errors["org_kind"] = "指定单位类型时需同时指定单位名称"
    if org is not None and role in ROLES and "org_kind" not in errors:
        kind_error = org_kind_error(role, org.kind)
        if kind_error:
            errors["org_kind"] = kind_error
    if errors:
        raise ValidationFailed("无法创建用户：" + "；".join(errors.values()), errors)
    if org is not None and org.id is None:
        db.session.add(org)
        db.session.flush()
    return _new_user(email, name, role, password, org)


def _operator_org(name, role, kind, errors):
    kind = (kind or "").strip() or DEFAULT_ORG_KIND.get(role, "service_provider")
    if kind not in ORG_KINDS:
        errors["org_kind"] = f"单位类型无效，可选：{'、'.join(ORG_KINDS)}"
    if len(name) > ORG_NAME_MAX:
        errors["org_name"] = f"单位名称不能超过 {ORG_NAME_MAX} 个字符"
    return Organization(name=name, kind=kind, verified=True, verified_at=utcnow(), tags="")


def set_user_active(admin, user, active):
    if admin.role != "admin":
        raise PermissionDenied("只有管理员可以管理用户")
    if user.id == admin.id and not active:
        raise ValidationFailed("不能停用自己的账号")
    if user.active and not active:
        user.end_sessions()  # its sessions stay ended even if the account is activated again
    user.active = bool(active)
    return user

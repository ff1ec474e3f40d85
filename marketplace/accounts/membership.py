"""Organization membership: who counts as a member, join requests, org admins, identity changes.

The one predicate for "does this user act for / see the inside of this organization" is
`member_org_id(user)` (and `is_member`); everything that grants rights through an organization
(deals, enquiries, applications, listings, the organization's profile) asks it. A user is a member
only once a join request is approved (or they created the organization), so a request alone
grants nothing. Functions take the acting user and raise DomainError; the caller commits.
"""
from ..extensions import db
from ..models import JoinRequest, Organization, OrganizationChange, User
from ..notifications.services import notify, notify_many
from ..timeutil import utcnow
from ..workflow import InvalidTransition, NotFound, PermissionDenied, StateMachine, ValidationFailed, get_or_404

REASON_MAX = 500
DECISIONS = {"approve": (("pending",), "approved", "通过"), "reject": (("pending",), "rejected", "驳回")}
JOIN_MACHINE = StateMachine("join_request", DECISIONS)
CHANGE_MACHINE = StateMachine("org_change", DECISIONS)
ORG_ROLES = ("researcher", "enterprise", "provider")  # roles that act only through an organization


# ---------------------------------------------------------------- the predicates

def member_org_id(user):
    """The id of the organization this user is an approved member of, or None."""
    if user is None or not user.is_authenticated:
        return None
    return user.organization_id


def membership_of(user):
    """The organization this user is an approved member of, or None."""
    return user.organization if member_org_id(user) is not None else None


def is_member(user, org_id):
    return org_id is not None and member_org_id(user) == org_id


def is_org_admin(user, org):
    """An administrator of this organization: one of its members marked as org admin."""
    return org is not None and is_member(user, org.id) and bool(user.is_org_admin)


def is_platform_admin(user):
    return user is not None and user.is_authenticated and user.role == "admin"


def can_manage_members(user, org):
    return is_platform_admin(user) or is_org_admin(user, org)


def can_act_for_org(user):
    """Researchers and enterprises act (post listings, apply, enquire) only as approved members."""
    if user is None or not user.is_authenticated:
        return False
    return user.role not in ORG_ROLES or member_org_id(user) is not None


def members_of(org_ids):
    """Active approved members of these organizations."""
    org_ids = [i for i in org_ids if i is not None]
    if not org_ids:
        return []
    return db.session.scalars(db.select(User).where(User.organization_id.in_(org_ids), User.active.is_(True))
                              .order_by(User.id)).all()


def org_admins(org):
    return [u for u in members_of([org.id]) if u.is_org_admin]


def platform_admins():
    return db.session.scalars(db.select(User).where(User.role == "admin", User.active.is_(True))).all()


# ---------------------------------------------------------------- becoming a member

def admit(user, org):
    """Make the user an approved member; the first member of an organization becomes its org admin."""
    first = db.session.scalar(db.select(db.func.count(User.id)).where(User.organization_id == org.id,
                                                                        User.id != user.id)) == 0
    user.organization_id = org.id
    user.organization = org
    user.is_org_admin = bool(user.is_org_admin or first)
    return user


def pending_request_of(user):
    return db.session.scalar(db.select(JoinRequest).where(JoinRequest.user_id == user.id,
                                                          JoinRequest.status == "pending"))


def latest_request_of(user):
    return db.session.scalar(db.select(JoinRequest).where(JoinRequest.user_id == user.id)
                             .order_by(JoinRequest.id.desc()).limit(1))


def request_join(user, org):
    """Ask to join an existing organization; its org admins (or, if it has none, the platform admins) hear."""
    if member_org_id(user) is not None:
        raise ValidationFailed("您已是单位成员，不能再申请加入其他单位")
    if pending_request_of(user) is not None:
        raise ValidationFailed("您已有一份待审核的加入申请")
    join = JoinRequest(user_id=user.id, organization_id=org.id, status="pending", created_at=utcnow())
    db.session.add(join)
    db.session.flush()
    approvers = org_admins(org) or platform_admins()
    notify_many(approvers, "join_requested", f"{user.name}（{user.email}）申请加入「{org.name}」，请审核",
                "/org/members" if org_admins(org) else f"/admin/organizations/{org.id}")
    return join


def get_join_request(request_id):
    return get_or_404(JoinRequest, request_id, "该加入申请不存在")


def decide_join(actor, join, approve, reason=None):
    """An org admin of the organization or a platform admin approves or rejects (with a reason)."""
    if not can_manage_members(actor, join.organization):
        raise NotFound("该加入申请不存在")  # do not disclose other organizations' requests
    reason = (reason or "").strip()
    if not approve:
        _check_reason(reason)
    if join.status != "pending":
        raise InvalidTransition("该申请已处理")
    if approve and member_org_id(join.user) is not None:
        raise InvalidTransition("该用户已是单位成员")
    JOIN_MACHINE.apply(join, "approve" if approve else "reject", actor, reason or None)
    join.decided_at = utcnow()
    org = join.organization
    if approve:
        admit(join.user, org)
        notify(join.user, "join_approved", f"您加入「{org.name}」的申请已通过", "/me")
    else:
        join.reason = reason
        notify(join.user, "join_rejected", f"您加入「{org.name}」的申请未通过：{reason}", "/me")
    return join


def _check_reason(reason):
    if not reason:
        raise ValidationFailed("请填写驳回原因", {"reason": "请填写驳回原因"})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"原因不能超过 {REASON_MAX} 个字符", {"reason": f"不能超过 {REASON_MAX} 个字符"})


def requests_for(org, status="pending"):
    query = db.select(JoinRequest).where(JoinRequest.organization_id == org.id).order_by(JoinRequest.id.desc())
    if status:
        query = query.where(JoinRequest.status == status)
    return db.session.scalars(query).all()


def pending_counts():
    """{org_id: number of pending join requests} and {org_id: pending identity change} for the admin list."""
    joins = dict(db.session.execute(db.select(JoinRequest.organization_id, db.func.count())
                                    .where(JoinRequest.status == "pending")
                                    .group_by(JoinRequest.organization_id)).all())
    changes = set(db.session.scalars(db.select(OrganizationChange.organization_id)
                                     .where(OrganizationChange.status == "pending")).all())
    return joins, changes


def set_org_admin(actor, user, value):
    """Platform admins promote a member to org admin (or take it back)."""
    if not is_platform_admin(actor):
        raise PermissionDenied("只有平台管理员可以设置单位管理员")
    if user.organization_id is None:
        raise ValidationFailed("该用户不是任何单位的成员")
    user.is_org_admin = bool(value)
    if value:
        notify(user, "org_admin", f"您已被设为「{user.organization.name}」的单位管理员", "/org/members")
    return user


# ---------------------------------------------------------------- legal identity changes

def pending_change_of(org):
    return db.session.scalar(db.select(OrganizationChange).where(OrganizationChange.organization_id == org.id,
                                                                 OrganizationChange.status == "pending"))


def request_identity_change(actor, org, name, kind, credit_code):
    """Store a verified organization's new identity for review (replacing an earlier pending one)."""
    change = pending_change_of(org)
    if change is None:
        change = OrganizationChange(organization_id=org.id, status="pending")
        db.session.add(change)
    change.requested_by_id, change.name, change.kind, change.credit_code = actor.id, name, kind, credit_code
    change.created_at = utcnow()
    db.session.flush()
    notify_many(platform_admins(), "org_change_requested", f"「{org.name}」申请变更单位名称/类型/信用代码，请审核",
                f"/admin/organizations/{org.id}")
    return change


def get_change(change_id):
    return get_or_404(OrganizationChange, change_id, "该变更申请不存在")


def decide_change(actor, change, approve, reason=None):
    """A platform admin applies the new identity (the organization stays verified) or rejects it."""
    if not is_platform_admin(actor):
        raise PermissionDenied("只有平台管理员可以审核单位信息变更")
    reason = (reason or "").strip()
    if not approve:
        _check_reason(reason)
    org = change.organization
    if approve:
        _check_still_free(change, org)
    CHANGE_MACHINE.apply(change, "approve" if approve else "reject", actor, reason or None)
    change.decided_at = utcnow()
    if approve:
        org.name, org.kind, org.credit_code = change.name, change.kind, change.credit_code
        message = f"单位信息变更已通过，单位名称现为「{org.name}」"
    else:
        change.reason = reason
        message = f"「{org.name}」的单位信息变更未通过：{reason}"
    notify_many(org_admins(org) + [change.requested_by], "org_change_decided", message, "/org")
    return change


def _check_still_free(change, org):
    """The name and credit code may have been taken since the request."""
    for column, value, label in ((Organization.name, change.name, "单位名称"),
                                 (Organization.credit_code, change.credit_code, "统一社会信用代码")):
        if value is None:
            continue
        other = db.session.scalar(db.select(Organization.id).where(column == value, Organization.id != org.id))
        if other is not None:
            raise ValidationFailed(f"{label}已被其他单位使用，不能通过该变更")

"""Policies pushed to the enterprises they target (主动推): targets select by tags, units, fields and pools
(any of a kind, all kinds given); each targeted enterprise gets one PolicyDelivery and its members a
notification; a member opening the policy is the enterprise's read receipt. Entering a pool pushes the
policies that target that pool and are still in force."""
from ..extensions import db
from ..models import Organization, Unit, User
from ..models.enterprises import (POOLS, EnterpriseProfile, OrganizationTag, Policy, PolicyDelivery, PoolMember,
                                  Tag)
from ..models.listings import FIELDS
from ..notifications.services import notify_many
from ..parsing import parse_date, parse_text
from ..timeutil import local_today, utcnow
from ..workflow import NotFound, PermissionDenied, ValidationFailed

TARGET_KINDS = {"tags": "标签", "units": "镇街/园区", "fields": "行业领域", "pools": "培育库"}
ACCEPTED = {"title", "body", "issuer", "effective_from", "effective_to", "deadline", "targets"}
TARGET_MAX = 50


def _require_admin(user):
    if not user.is_authenticated or user.role != "admin":
        raise PermissionDenied("只有管理员可以发布政策")


def clean_targets(value, errors):
    """{"tags": [...], "units": [...], "fields": [...], "pools": [...]}: names only, each checked against its list;
    pools by URL name (near-sme) or pool name (准科技型). Empty: every enterprise."""
    if value is None:
        return {}
    if not isinstance(value, dict) or set(value) - set(TARGET_KINDS):
        errors["targets"] = "targets 必须是对象，键为 tags、units、fields、pools"
        return {}
    targets = {}
    known = {"tags": set(db.session.scalars(db.select(Tag.name))) | set(FIELDS),
             "units": set(db.session.scalars(db.select(Unit.name))), "fields": set(FIELDS),
             "pools": set(POOLS) | set(POOLS.values())}
    for kind, names in value.items():
        if not isinstance(names, list) or len(names) > TARGET_MAX or not all(isinstance(n, str) for n in names):
            errors["targets"] = f"targets.{kind} 必须是不超过 {TARGET_MAX} 个名称的列表"
            return {}
        bad = [n for n in names if n not in known[kind]]
        if bad:
            errors["targets"] = f"未知的{TARGET_KINDS[kind]}：{'、'.join(bad)}"
            return {}
        if kind == "pools":
            names = [n if n in POOLS else {v: k for k, v in POOLS.items()}[n] for n in names]
        if names:
            targets[kind] = sorted(set(names))
    return targets


def clean_policy(data):
    errors = {}
    unknown = sorted(set(data) - ACCEPTED)
    if unknown:
        raise ValidationFailed("未知字段：" + "、".join(unknown), {k: "未知字段" for k in unknown})
    values = {"title": parse_text(data.get("title"), "标题", "title", errors, 200),
              "body": parse_text(data.get("body"), "正文", "body", errors, 20000),
              "issuer": parse_text(data.get("issuer"), "发布单位", "issuer", errors, 100, required=False),
              "targets": clean_targets(data.get("targets"), errors)}
    for key, label in (("effective_from", "生效日期"), ("effective_to", "截止生效日期"), ("deadline", "申报截止日期")):
        values[key] = parse_date(data.get(key), label, key, errors, required=False, not_after_today=False)
    if values["effective_from"] and values["effective_to"] and values["effective_to"] < values["effective_from"]:
        errors["effective_to"] = "失效日期不能早于生效日期"
    if errors:
        raise ValidationFailed("；".join(errors.values()), errors)
    return values


def targeted_query(targets):
    """The enterprises a policy's targets select."""
    query = db.select(Organization.id).where(Organization.kind == "enterprise")
    if targets.get("tags"):
        query = query.where(db.select(OrganizationTag.organization_id).join(Tag).where(
            OrganizationTag.organization_id == Organization.id, Tag.name.in_(targets["tags"])).exists())
    if targets.get("units"):
        query = query.where(Organization.unit_id.in_(db.select(Unit.id).where(Unit.name.in_(targets["units"]))))
    if targets.get("fields"):
        query = query.where(db.select(EnterpriseProfile.organization_id).where(
            EnterpriseProfile.organization_id == Organization.id,
            EnterpriseProfile.field.in_(targets["fields"])).exists())
    if targets.get("pools"):
        query = query.where(db.select(PoolMember.organization_id).where(
            PoolMember.organization_id == Organization.id, PoolMember.pool.in_(targets["pools"])).exists())
    return query


def create_policy(admin, data):
    """Record the policy and push it to every targeted enterprise; the caller commits."""
    _require_admin(admin)
    policy = Policy(created_by_id=admin.id, **clean_policy(data))
    db.session.add(policy)
    db.session.flush()
    for org_id in db.session.scalars(targeted_query(policy.targets)).all():
        deliver(policy, org_id, "targets")
    return policy


def in_force(policy, today=None):
    today = today or local_today()
    return (policy.effective_to is None or policy.effective_to >= today) and \
        (policy.deadline is None or policy.deadline >= today)


def deliver(policy, org_id, reason):
    """One delivery per enterprise (never twice) and a notification to its members."""
    exists = db.session.scalar(db.select(PolicyDelivery.id).where(PolicyDelivery.policy_id == policy.id,
                                                                  PolicyDelivery.organization_id == org_id))
    if exists:
        return None
    delivery = PolicyDelivery(policy_id=policy.id, organization_id=org_id, reason=reason)
    db.session.add(delivery)
    members = db.session.scalars(db.select(User).where(User.organization_id == org_id, User.active)).all()
    notify_many(members, "policy", f"政策推送：{policy.title}", url=f"/policies/{policy.id}")
    return delivery


def push_on_pool_entry(org, pool_key):
    """The policies in force that target `pool_key` reach an enterprise the moment it enters the pool."""
    for policy in db.session.scalars(db.select(Policy).order_by(Policy.id)).all():
        if pool_key in (policy.targets or {}).get("pools", []) and in_force(policy):
            deliver(policy, org.id, "pool")


def counts(policy):
    reached = db.session.scalar(db.select(db.func.count(PolicyDelivery.id))
                                .where(PolicyDelivery.policy_id == policy.id))
    read = db.session.scalar(db.select(db.func.count(PolicyDelivery.id)).where(
        PolicyDelivery.policy_id == policy.id, PolicyDelivery.read_at.is_not(None)))
    return {"reached": reached, "read": read}


def delivery_for(policy, user):
    if not user.is_authenticated or user.organization_id is None:
        return None
    return db.session.scalar(db.select(PolicyDelivery).where(PolicyDelivery.policy_id == policy.id,
                                                             PolicyDelivery.organization_id == user.organization_id))


def get_visible(policy_id, user):
    """Admins see every policy; a member of an enterprise it reached sees it; anyone else gets a 404."""
    policy = db.session.get(Policy, policy_id)
    if policy is None or not (user.is_authenticated and (user.role == "admin" or delivery_for(policy, user))):
        raise NotFound("政策不存在")
    return policy


def mark_read(policy, user):
    """The first member who opens a pushed policy is its enterprise's read receipt."""
    delivery = delivery_for(policy, user)
    if delivery is not None and delivery.read_at is None:
        delivery.read_at, delivery.read_by_id = utcnow(), user.id
        return True
    return False


def received_by(org_id, limit=20):
    """(delivery, policy) pairs of an enterprise, newest first."""
    return db.session.execute(db.select(PolicyDelivery, Policy).join(Policy)
                              .where(PolicyDelivery.organization_id == org_id)
                              .order_by(PolicyDelivery.id.desc()).limit(limit)).all()


def recent(limit=50):
    return db.session.scalars(db.select(Policy).order_by(Policy.id.desc()).limit(limit)).all()


def policy_json(policy, with_counts=False):
    data = {"id": policy.id, "title": policy.title, "body": policy.body, "issuer": policy.issuer,
            "effective_from": _iso(policy.effective_from), "effective_to": _iso(policy.effective_to),
            "deadline": _iso(policy.deadline), "targets": policy.targets,
            "created_at": policy.created_at.isoformat() + "Z"}
    if with_counts:
        data.update(counts(policy))
    return data


def _iso(day):
    return day.isoformat() if day else None

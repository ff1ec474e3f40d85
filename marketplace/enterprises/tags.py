"""The managed tag list and the enterprise list filtered by tags, unit and field. Computed tags are set by the
rules (services.refresh), never typed; admins add manual tags to the list and put them on enterprises."""
from ..extensions import db
from ..models import Organization
from ..models.enterprises import EnterpriseProfile, OrganizationTag, Tag
from ..parsing import parse_text
from ..workflow import PermissionDenied, ValidationFailed, get_or_404

TAG_NAME_MAX = 30


def _require_admin(user):
    if not user.is_authenticated or user.role != "admin":
        raise PermissionDenied("只有管理员可以管理标签")


def all_tags():
    return db.session.scalars(db.select(Tag).order_by(Tag.kind, Tag.sort_order, Tag.name)).all()


def manual_tags():
    return [tag for tag in all_tags() if tag.kind == "manual"]


def create_tag(admin, name, public=False):
    _require_admin(admin)
    errors = {}
    name = parse_text(name, "标签名称", "name", errors, TAG_NAME_MAX)
    if not errors and db.session.scalar(db.select(Tag.id).where(Tag.name == name)):
        errors["name"] = f"标签“{name}”已存在"
    if errors:
        raise ValidationFailed(errors["name"], errors)
    tag = Tag(name=name, kind="manual", public=bool(public), sort_order=100)
    db.session.add(tag)
    db.session.flush()
    return tag


def set_public(admin, tag_id, public):
    _require_admin(admin)
    tag = get_or_404(Tag, tag_id, "标签不存在")
    tag.public = bool(public)
    return tag


def set_manual_tags(admin, org, tag_ids):
    """Replace the enterprise's manual tags by `tag_ids` (each from the managed list, kind manual)."""
    _require_admin(admin)
    wanted = {tag.id for tag in manual_tags() if tag.id in set(tag_ids)}
    if len(wanted) != len(set(tag_ids)):
        raise ValidationFailed("只能选择标签库中的人工标签")
    current = db.session.scalars(db.select(OrganizationTag).join(Tag).where(
        OrganizationTag.organization_id == org.id, Tag.kind == "manual")).all()
    for link in current:
        if link.tag_id not in wanted:
            db.session.delete(link)
    for tag_id in wanted - {link.tag_id for link in current}:
        db.session.add(OrganizationTag(organization_id=org.id, tag_id=tag_id))


def filtered(tag_names=(), unit_id=None, field_name=None):
    """The enterprises that carry every tag in `tag_names`, in the unit and the field given; by score."""
    query = (db.select(Organization)
             .outerjoin(EnterpriseProfile, EnterpriseProfile.organization_id == Organization.id)
             .where(Organization.kind == "enterprise"))
    for name in tag_names:
        query = query.where(db.select(OrganizationTag.organization_id).join(Tag).where(
            OrganizationTag.organization_id == Organization.id, Tag.name == name).exists())
    if unit_id:
        query = query.where(Organization.unit_id == unit_id)
    if field_name:
        query = query.where(EnterpriseProfile.field == field_name)
    return query.order_by(EnterpriseProfile.score.desc().nulls_last(), Organization.name)


def profiles_by_org(org_ids):
    return {p.organization_id: p for p in db.session.scalars(
        db.select(EnterpriseProfile).where(EnterpriseProfile.organization_id.in_(org_ids)))}


def tag_names_by_org(org_ids):
    rows = db.session.execute(db.select(OrganizationTag.organization_id, Tag.name, Tag.kind).join(Tag)
                              .where(OrganizationTag.organization_id.in_(org_ids))
                              .order_by(Tag.kind, Tag.sort_order, Tag.name)).all()
    names = {}
    for org_id, name, kind in rows:
        names.setdefault(org_id, []).append((name, kind))
    return names

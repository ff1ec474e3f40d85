"""The evaluation of an enterprise, stored and acted on in the caller's transaction: the profile's score, the
computed tags, the pools (a PoolEvent per move) and the policy pushed on a pool entry. One entry point,
`refresh(org, actor)`, called by everything that changes a figure (page, API, import)."""
from ..extensions import db
from ..models.enterprises import POOLS, OrganizationTag, PoolEvent, PoolMember, Tag
from ..timeutil import local_today, utcnow
from . import figures as figures_module
from . import rules

POOL_KEYS = {name: key for key, name in POOLS.items()}  # "准科技型" -> "near-sme"
PUBLIC_BY_DEFAULT = (rules.TAG_HTE, rules.TAG_SME)


def evaluate(org, today=None):
    """The rules' Evaluation of `org` from its stored profile and figures (reads only). A 高企 counts as declared
    with both its certificate number and date."""
    profile = figures_module.profile_of(org)
    years = {row.year: {name: getattr(row, name) for name in rules.FIGURE_FIELDS}
             for row in figures_module.years_of(org.id)}
    return rules.evaluate(years, registered_on=profile.registered_on if profile else None,
                          hte_cert_on=profile.hte_cert_on if profile and profile.hte_cert_no else None,
                          field_name=profile.field if profile else None, today=today or local_today())


def refresh(org, actor=None, today=None):
    """Evaluate `org` and store the result: score, computed tags, pools. Returns the Evaluation."""
    result = evaluate(org, today)
    profile = figures_module.profile_of(org, create=True)
    profile.score, profile.qualified = result.score, result.qualified
    profile.evaluated_year, profile.evaluated_at = result.year, utcnow()
    _sync_computed_tags(org, result.tags)
    _sync_pools(org, result, actor)
    db.session.flush()
    return result


def computed_tag(name):
    tag = db.session.scalar(db.select(Tag).where(Tag.name == name))
    if tag is None:
        tag = Tag(name=name, kind="computed", public=name in PUBLIC_BY_DEFAULT,
                  sort_order=rules.COMPUTED_TAGS.index(name) if name in rules.COMPUTED_TAGS else 50)
        db.session.add(tag)
        db.session.flush()
    return tag


def _sync_computed_tags(org, names):
    current = {link.tag.name: link for link in db.session.scalars(
        db.select(OrganizationTag).join(Tag).where(OrganizationTag.organization_id == org.id, Tag.kind == "computed"))}
    for name, link in current.items():
        if name not in names:
            db.session.delete(link)
    for name in names:
        if name not in current:
            db.session.add(OrganizationTag(organization_id=org.id, tag_id=computed_tag(name).id))


def _sync_pools(org, result, actor):
    from . import policies

    wanted = {POOL_KEYS[name] for name in result.pools}
    current = {m.pool: m for m in db.session.scalars(db.select(PoolMember).where(PoolMember.organization_id == org.id))}
    for key, member in current.items():
        if key not in wanted:
            db.session.delete(member)
            db.session.add(PoolEvent(organization_id=org.id, pool=key, action="leave", score=result.score,
                                     actor_id=getattr(actor, "id", None)))
    for key in sorted(wanted - set(current)):
        db.session.add(PoolMember(organization_id=org.id, pool=key))
        db.session.add(PoolEvent(organization_id=org.id, pool=key, action="enter", score=result.score,
                                 actor_id=getattr(actor, "id", None)))
        db.session.flush()
        policies.push_on_pool_entry(org, key)


def save(org, year, data, actor, source, strict=True):
    """Clean and write `data` (a year's figures and/or profile fields), then refresh; the caller commits."""
    figures, profile = figures_module.clean(data, strict=strict)
    figures_module.apply(org, year, figures, profile, actor, source)
    return refresh(org, actor)


def tags_of(org, public_only=False):
    query = (db.select(Tag).join(OrganizationTag).where(OrganizationTag.organization_id == org.id)
             .order_by(Tag.kind, Tag.sort_order, Tag.name))
    if public_only:
        query = query.where(Tag.public)
    return db.session.scalars(query).all()


def pools_of(org):
    keys = db.session.scalars(db.select(PoolMember.pool).where(PoolMember.organization_id == org.id)).all()
    return [POOLS[key] for key in sorted(keys)]


def refresh_all(today=None):
    """Re-evaluate every enterprise that has a profile (one commit per enterprise); returns how many moved pools."""
    from ..models import Organization
    from ..models.enterprises import EnterpriseProfile

    moved = 0
    for org_id in db.session.scalars(db.select(EnterpriseProfile.organization_id)).all():
        org = db.session.get(Organization, org_id)
        before = pools_of(org)
        after = refresh(org, None, today).pools
        moved += sorted(before) != sorted(after)
        db.session.commit()
    return moved

"""The two cultivation pools (培育库) as the district sees them: members, counts by unit and field, movements
over time, the XLSX export, and publication (公布培育库: names and units only)."""
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from ..extensions import db
from ..models import Organization, Unit
from ..models.enterprises import POOLS, EnterpriseProfile, PoolEvent, PoolMember, PoolSetting
from ..timeutil import utcnow
from ..workflow import NotFound, PermissionDenied

NO_UNIT, NO_FIELD = "未填写镇街/园区", "未填写领域"


def pool_key_or_404(name):
    if name not in POOLS:
        raise NotFound("培育库不存在（near-sme 准科技型，near-hte 准高企）")
    return name


def members(key):
    """(organization, unit, profile, since) rows of a pool, by unit then name."""
    return db.session.execute(
        db.select(Organization, Unit, EnterpriseProfile, PoolMember.since)
        .join(PoolMember, PoolMember.organization_id == Organization.id)
        .outerjoin(Unit, Unit.id == Organization.unit_id)
        .outerjoin(EnterpriseProfile, EnterpriseProfile.organization_id == Organization.id)
        .where(PoolMember.pool == key)
        .order_by(Unit.sort_order, Organization.name)).all()


def counts_by_unit(key):
    rows = db.session.execute(
        db.select(Unit.name, db.func.count(PoolMember.organization_id))
        .select_from(PoolMember).join(Organization, Organization.id == PoolMember.organization_id)
        .outerjoin(Unit, Unit.id == Organization.unit_id).where(PoolMember.pool == key)
        .group_by(Unit.name, Unit.sort_order).order_by(Unit.sort_order)).all()
    return [(name or NO_UNIT, count) for name, count in rows]


def counts_by_field(key):
    rows = db.session.execute(
        db.select(EnterpriseProfile.field, db.func.count(PoolMember.organization_id))
        .select_from(PoolMember)
        .outerjoin(EnterpriseProfile, EnterpriseProfile.organization_id == PoolMember.organization_id)
        .where(PoolMember.pool == key).group_by(EnterpriseProfile.field)
        .order_by(db.func.count(PoolMember.organization_id).desc())).all()
    return [(field or NO_FIELD, count) for field, count in rows]


def movements(key, limit=50):
    return db.session.scalars(db.select(PoolEvent).where(PoolEvent.pool == key)
                              .order_by(PoolEvent.created_at.desc(), PoolEvent.id.desc()).limit(limit)).all()


def movements_by_month(key):
    """[(YYYY-MM, entered, left)] of the pool, oldest first (counted in Python over the month's events)."""
    months = {}
    for created_at, action in db.session.execute(db.select(PoolEvent.created_at, PoolEvent.action)
                                                 .where(PoolEvent.pool == key)):
        month = months.setdefault(created_at.strftime("%Y-%m"), [0, 0])
        month[0 if action == "enter" else 1] += 1
    return [(month, entered, left) for month, (entered, left) in sorted(months.items())]


def is_published(key):
    setting = db.session.get(PoolSetting, key)
    return bool(setting and setting.published)


def set_published(admin, key, published):
    if not admin.is_authenticated or admin.role != "admin":
        raise PermissionDenied("只有管理员可以公布培育库")
    setting = db.session.get(PoolSetting, key) or PoolSetting(pool=key)
    setting.published, setting.changed_at, setting.changed_by_id = bool(published), utcnow(), admin.id
    db.session.add(setting)


def public_lists():
    """{pool name: [(organization name, unit name)]} of the published pools only."""
    return {POOLS[key]: [(org.name, unit.name if unit else NO_UNIT) for org, unit, _profile, _since in members(key)]
            for key in POOLS if is_published(key)}


def to_xlsx(key):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = POOLS[key]
    header = ["企业名称", "统一社会信用代码", "镇街/园区", "行业领域", "评价得分", "入库时间"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for org, unit, profile, since in members(key):
        sheet.append([org.name, org.credit_code or "", unit.name if unit else NO_UNIT,
                      (profile.field if profile else None) or NO_FIELD, profile.score if profile else 0,
                      since.strftime("%Y-%m-%d")])
    counts = workbook.create_sheet("按镇街园区")
    counts.append(["镇街/园区", "企业数"])
    for row in counts_by_unit(key):
        counts.append(list(row))
    for letter, width in zip("ABCDEF", (32, 22, 16, 16, 10, 14)):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""Demo enterprises with three years of figures across the district's units, so that every pool, tag, gap and
pushed policy has something to show. Idempotent: an enterprise that already has figures is left alone.

Called from demo.py (seed-demo) after the demo users exist."""
import random
from datetime import date, timedelta
from decimal import Decimal

from ..extensions import db
from ..models import Organization
from ..models.enterprises import EnterpriseFigures, Policy, PoolEvent, PoolMember, PoolSetting, Tag
from ..timeutil import utcnow
from ..units import shipped_units, unit_by_name
from ..validators import uscc_check_char
from . import policies, services, tags

PREFIXES = ("禾润", "科锐", "星拓", "凯泽", "博远", "汇能", "天衡", "晶创", "瑞丰", "安捷", "中琦", "海智",
            "易联", "德信", "恒昇", "云杉", "青禾", "锐驰", "华研", "精微", "奥新", "迅达", "铭泰", "远景",
            "赛普", "诺康", "领航", "东源", "合创", "聚芯", "朗越", "思拓", "百灵", "宏图", "卓尔", "嘉禾")
KINDS = {"新材料": "新材料", "智能装备": "智能装备", "电子信息": "电子", "新能源": "新能源", "生物医药": "生物医药",
         "大数据与人工智能": "数据", "节能环保": "环保", "现代农业": "农业"}
# The shape of each demo enterprise: (科技人员 %, R&D % of sales, Ⅰ类, Ⅱ类, high-tech revenue %)
SHAPES = [(32, "6.5", 2, 3, 75), (26, "5.2", 1, 0, 66), (22, "3.3", 0, 3, 50), (18, "3.1", 0, 2, 45),
          (12, "2.2", 0, 1, 30), (28, "4.6", 1, 2, 62), (24, "4.2", 0, 4, 58), (35, "7.0", 3, 5, 80),
          (16, "3.6", 0, 3, 40), (8, "1.5", 0, 0, 20)]
# The demo users' own enterprises: a 准高企 one, a qualified one, a 准科技型 one.
OWN = {"恒拓新材料科技有限公司": ("余杭街道", "新材料", (28, "4.6", 0, 3, 55)),
       "睿视智能装备股份有限公司": ("未来科技城", "智能装备", (26, "5.2", 1, 0, 66)),
       "绿源农业科技股份有限公司": ("径山镇", "现代农业", (22, "3.3", 0, 3, 50))}
MANUAL_TAGS = (("专精特新", True), ("瞪羚企业", False), ("重点走访", False))


def _figures(rng, shape, year_index):
    staff_pct, rd_pct, class1, class2, high_pct = shape
    employees = rng.randint(40, 320)
    growth = Decimal(1) + Decimal(year_index) * Decimal("0.12")
    revenue = (Decimal(rng.randint(1200, 9000)) * growth).quantize(Decimal("0.01"))
    rd = (revenue * Decimal(rd_pct) / 100).quantize(Decimal("0.01"))
    return {"employees": employees, "tech_staff": employees * staff_pct // 100, "revenue": str(revenue),
            "rd_expense": str(rd), "total_cost": str((revenue * Decimal("0.82")).quantize(Decimal("0.01"))),
            "high_tech_revenue": str((revenue * high_pct / 100).quantize(Decimal("0.01"))),
            "total_assets": str((revenue * Decimal("1.4")).quantize(Decimal("0.01"))),
            "net_assets": str((revenue * Decimal("0.7")).quantize(Decimal("0.01"))),
            "ip_class1": max(class1 - (2 - year_index), 0), "ip_class2": class2, "standards_led": 0}


def _backdate(org_id, days):
    """Spread the pool movements over the past months (a demo has no history of its own)."""
    when = utcnow() - timedelta(days=days)
    db.session.execute(db.update(PoolEvent).where(PoolEvent.organization_id == org_id,
                                                   PoolEvent.created_at > utcnow() - timedelta(minutes=5))
                       .values(created_at=when))
    db.session.execute(db.update(PoolMember).where(PoolMember.organization_id == org_id,
                                                   PoolMember.since > utcnow() - timedelta(minutes=5))
                       .values(since=when))


def _seed_one(org, unit_name, field_name, shape, rng, admin, registered_on):
    if db.session.scalar(db.select(EnterpriseFigures.id).where(EnterpriseFigures.organization_id == org.id)):
        return 0
    org.unit_id = unit_by_name(unit_name).id
    this_year = date.today().year
    for index, year in enumerate(range(this_year - 3, this_year)):
        data = _figures(rng, shape, index)
        if index == 0:
            data.update(field=field_name, registered_on=registered_on.isoformat())
        services.save(org, year, data, admin, "import")
        _backdate(org.id, days=(2 - index) * 75 + 10)
    return 1


def seed_enterprises(users):
    """Returns the number of enterprises given figures."""
    admin = users["admin"]
    rng = random.Random(2026)
    units = [name for name, _kind, _col, _row in shipped_units()]
    fields = list(KINDS)
    added = 0
    for name, (unit_name, field_name, shape) in OWN.items():
        org = db.session.scalar(db.select(Organization).where(Organization.name == name))
        if org is not None:
            added += _seed_one(org, unit_name, field_name, shape, rng, admin, date(2017, 5, 12))
    for n, prefix in enumerate(PREFIXES):
        field_name = fields[n % len(fields)]
        name = f"杭州{prefix}{KINDS[field_name]}科技有限公司"
        org = db.session.scalar(db.select(Organization).where(Organization.name == name))
        if org is None:
            body = f"91330110MA2{n + 10:02d}7Q3K"
            org = Organization(name=name, kind="enterprise", credit_code=body + uscc_check_char(body),
                               region="浙江省杭州市", verified=True, verified_at=utcnow())
            db.session.add(org)
            db.session.flush()
        registered = date(2012 + n % 12, 1 + n % 12, 1 + n % 27)
        added += _seed_one(org, units[n % len(units)], field_name, SHAPES[n % len(SHAPES)], rng, admin, registered)
    _seed_tags_and_policies(admin)
    return added


def _seed_tags_and_policies(admin):
    for name, public in MANUAL_TAGS:
        if not db.session.scalar(db.select(Tag.id).where(Tag.name == name)):
            tags.create_tag(admin, name, public)
    special = db.session.scalar(db.select(Tag).where(Tag.name == "专精特新"))
    for org in db.session.scalars(db.select(Organization).where(Organization.name.like("杭州%科技有限公司"))
                                  .order_by(Organization.id).limit(4)):
        if special.id not in {t.id for t in services.tags_of(org)}:
            tags.set_manual_tags(admin, org, [t.id for t in services.tags_of(org) if t.kind == "manual"] + [special.id])
    if db.session.scalar(db.select(PoolSetting).where(PoolSetting.pool == "near-hte")) is None:
        db.session.add(PoolSetting(pool="near-hte", published=True, changed_at=utcnow(), changed_by_id=admin.id))
    if not db.session.scalar(db.select(Policy.id)):
        today = date.today()
        policies.create_policy(admin, {
            "title": "关于开展2027年度高新技术企业认定申报培育工作的通知", "issuer": "区科技局",
            "body": "对列入准高企培育库的企业，区科技局将组织专家上门辅导，并对首次认定的高新技术企业给予奖励。\n"
                    "请各入库企业对照认定条件自查，于申报截止日前完成材料准备。",
            "effective_from": today.isoformat(), "deadline": date(today.year + 1, 6, 30).isoformat(),
            "targets": {"pools": ["near-hte"]}})
        policies.create_policy(admin, {
            "title": "科技型中小企业研发费用补助实施细则", "issuer": "区科技局、区财政局",
            "body": "对入库的准科技型企业，按上年度研发费用增量的 10% 给予补助，单个企业最高 50 万元。",
            "effective_from": today.isoformat(), "targets": {"pools": ["near-sme"]}})
        policies.create_policy(admin, {
            "title": "新材料产业知识产权质押融资贴息政策", "issuer": "区市场监管局",
            "body": "新材料领域企业以发明专利质押融资的，按实际利息的 50% 给予贴息。",
            "effective_from": today.isoformat(), "targets": {"fields": ["新材料"]}})
    db.session.flush()


"""Demo data for monitoring (idempotent): the catalogue with yearly targets, reported figures for the last four
quarters, the demo enterprises placed in units, a liaison of 仓前街道, and four final quarterly snapshots in
which the units move up and down the league."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from ..accounts import services as accounts
from ..demo_data import DEMO_PASSWORD
from ..extensions import db
from ..models import Indicator, IndicatorTarget, Organization, ReportedValue, Snapshot
from ..timeutil import local_today
from ..units import active_units, unit_by_name
from . import periods, snapshots
from .indicators import utc_bound

# (name, source, registry key, measure, direction, weight, prorate, yearly target per unit before its factor)
CATALOGUE = (
    ("研发经费投入", "reported", None, "万元", "higher", 25, True, Decimal("8000")),
    ("新增市级以上研发平台", "reported", None, "个", "higher", 15, True, Decimal("6")),
    ("单位 GDP 能耗下降率", "reported", None, "%", "higher", 10, False, Decimal("3")),
    ("成果发布数", "computed", "achievements_listed", "项", "higher", 10, True, Decimal("4")),
    ("需求发布数", "computed", "demands_posted", "项", "higher", 10, True, Decimal("4")),
    ("揭榜挂帅成功揭榜数", "computed", "challenges_awarded", "项", "higher", 10, True, Decimal("1")),
    ("技术合同成交额", "computed", "contract_amount", "万元", "higher", 20, True, Decimal("500")),
    ("科技型中小企业数", "computed", "sme_qualified", "家", "higher", 10, False, Decimal("3")),
    ("准高企培育库入库数", "computed", "near_hte_pool", "家", "higher", 10, False, Decimal("2")),
)
PLACES = {"恒拓新材料科技有限公司": "未来科技城", "睿视智能装备股份有限公司": "仓前街道", "启明储能科技有限公司": "良渚新城"}
LIAISON = dict(email="liaison@yizhi.demo", name="仓前街道科技办", role="enterprise", unit="仓前街道")


def _factor(index):
    """Units differ in size: targets and figures scale by this (0.6 … 1.5)."""
    return Decimal(60 + (index * 37) % 91) / 100


def _quarters(today):
    """The four quarters before the current one, oldest first."""
    period = periods.containing(today, "quarter")
    found = []
    for _ in range(4):
        period = periods.previous(period)
        found.append(period)
    return list(reversed(found))


def _reported_value(base, unit_index, indicator_index, quarter_index):
    """Year-to-date figure: grows through the year; each unit's pace changes from quarter to quarter, so the
    league moves (a fixed arithmetic pattern, the same on every run)."""
    pace = Decimal(70 + ((unit_index + 3) * (quarter_index + 2) * (indicator_index + 5)) % 61) / 100
    return (base * pace).quantize(Decimal("0.01"))


def seed(today=None):
    """Returns the number of rows added (0 when the demo is already there)."""
    today = today or local_today()
    if db.session.scalar(select(Indicator.id).limit(1)) is not None:
        return 0
    added = 0
    for name, unit_name in PLACES.items():
        org = db.session.scalar(select(Organization).where(Organization.name == name))
        unit = unit_by_name(unit_name)
        if org is not None and unit is not None and org.unit_id is None:
            org.unit_id = unit.id
    if accounts.find_user_by_email(LIAISON["email"]) is None:
        user = accounts.create_user(LIAISON["email"], LIAISON["role"], DEMO_PASSWORD, name=LIAISON["name"])
        user.unit_id = unit_by_name(LIAISON["unit"]).id
        added += 1
    units, quarters = active_units(), _quarters(today)
    years = sorted({q.year for q in quarters} | {today.year})
    for order, (name, source, key, measure, direction, weight, prorate, base) in enumerate(CATALOGUE):
        indicator = Indicator(name=name, source=source, key=key, measure=measure, direction=direction,
                              weight=Decimal(weight), cap_percent=120, prorate=prorate, sort_order=order)
        db.session.add(indicator)
        db.session.flush()
        for unit_index, unit in enumerate(units):
            target = (base * _factor(unit_index)).quantize(Decimal("0.01"))
            for year in years:
                db.session.add(IndicatorTarget(indicator_id=indicator.id, unit_id=unit.id, year=year, target=target))
            if source != "reported":
                continue
            for quarter_index, quarter in enumerate(quarters):
                share = Decimal(int(quarter.name[-1])) / 4 if prorate else 1  # year-to-date share of the year
                value = _reported_value(target * share, unit_index, order, quarter_index)
                db.session.add(ReportedValue(indicator_id=indicator.id, unit_id=unit.id, period=quarter.name,
                                             value=value))
                added += 1
    db.session.flush()
    for quarter in quarters:
        if db.session.scalar(select(Snapshot.id).where(Snapshot.period == quarter.name)) is None:
            snapshots.take(quarter.name, now=utc_bound(quarter.end) + timedelta(hours=1, minutes=10))
            added += 1
    return added

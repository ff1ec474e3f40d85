"""The registry of computed indicators: one entry per figure the platform knows, in one place.

An entry is a function `(start, end) → {unit_id: Figure}` decorated with `@computed(key, label, measure,
private=...)`: one SQL query, grouped by the unit of the organization that owns the record, over the
year-to-date range [start, end) (local dates; `start`/`end` of a monitoring.periods.Period). `private=True`
marks figures of individual enterprises: the function also counts the enterprises behind each value, and a unit
cell made of fewer than 3 is suppressed (rules.MIN_ENTERPRISES).

An indicator in the catalogue (models.monitoring.Indicator, source "computed") names its entry by `key`.
To add one (e.g. 科技型企业数 or 创新券兑付), write one more decorated function here; then an admin adds it to the
catalogue on /monitoring/admin/indicators (the form offers every registry key not yet used).
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import distinct, func, select

from ..enterprises.rules import hte_issued_after
from ..extensions import db
from ..models import (Achievement, Deal, Demand, EnterpriseProfile, Event, Organization, PoolEvent, Voucher,
                      VoucherClaim)
from ..models.listings import PUBLIC_STATES
from ..timeutil import LOCAL_TZ


@dataclass(frozen=True)
class Figure:
    value: Decimal
    enterprises: int | None = None  # private figures: how many enterprises make up the value


@dataclass(frozen=True)
class Computed:
    key: str
    label: str
    measure: str
    compute: object
    private: bool = False


REGISTRY = {}


def computed(key, label, measure, private=False):
    def register(func_):
        assert key not in REGISTRY, f"computed indicator {key!r} registered twice"
        REGISTRY[key] = Computed(key, label, measure, func_, private)
        return func_

    return register


def utc_bound(day):
    """Local midnight at the start of `day`, as the naive UTC datetime the tables store."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ).astimezone(timezone.utc).replace(tzinfo=None)


def by_unit(query):
    """{unit_id: Figure} from rows (unit_id, value[, enterprises]); rows outside any unit are dropped."""
    figures = {}
    for row in db.session.execute(query):
        if row[0] is not None:
            figures[row[0]] = Figure(Decimal(row[1] or 0).quantize(Decimal("0.01")), row[2] if len(row) > 2 else None)
    return figures


def compute(key, start, end):
    return REGISTRY[key].compute(start, end)


# ---------------------------------------------------------------- the entries

@computed("achievements_listed", "成果发布数", "项")
def achievements_listed(start, end):
    """Achievements first published in the range and still public, by the unit of their organization."""
    return by_unit(select(Organization.unit_id, func.count(Achievement.id))
                   .join(Organization, Organization.id == Achievement.organization_id)
                   .where(Achievement.status.in_(PUBLIC_STATES), Achievement.published_at >= utc_bound(start),
                          Achievement.published_at < utc_bound(end))
                   .group_by(Organization.unit_id))


@computed("demands_posted", "需求发布数", "项")
def demands_posted(start, end):
    """Demands (揭榜挂帅 challenges included) first published in the range and still public."""
    return by_unit(select(Organization.unit_id, func.count(Demand.id))
                   .join(Organization, Organization.id == Demand.organization_id)
                   .where(Demand.status.in_(PUBLIC_STATES), Demand.published_at >= utc_bound(start),
                          Demand.published_at < utc_bound(end))
                   .group_by(Organization.unit_id))


@computed("challenges_awarded", "揭榜挂帅成功揭榜数", "项")
def challenges_awarded(start, end):
    """Challenges whose winner was chosen (the demand's Event to `awarded`) in the range, by the unit of the
    organization that set the challenge."""
    return by_unit(select(Organization.unit_id, func.count(distinct(Demand.id)))
                   .join(Event, (Event.subject_type == "demand") & (Event.subject_id == Demand.id))
                   .join(Organization, Organization.id == Demand.organization_id)
                   .where(Demand.is_challenge, Event.to_state == "awarded", Event.created_at >= utc_bound(start),
                          Event.created_at < utc_bound(end))
                   .group_by(Organization.unit_id))


def _deals(column, measure_expr, start, end):
    """Deals by the unit of the buying organization (技术吸纳方), dated by `column` in the range."""
    return by_unit(select(Organization.unit_id, measure_expr, func.count(distinct(Deal.buyer_org_id)))
                   .join(Organization, Organization.id == Deal.buyer_org_id)
                   .where(column >= start, column < end)
                   .group_by(Organization.unit_id))


@computed("contracts_signed", "技术合同签订数", "项", private=True)
def contracts_signed(start, end):
    return _deals(Deal.signed_on, func.count(Deal.id), start, end)


@computed("contracts_registered", "技术合同认定登记数", "项", private=True)
def contracts_registered(start, end):
    return _deals(Deal.registered_on, func.count(Deal.id), start, end)


@computed("contract_amount", "技术合同成交额", "万元", private=True)
def contract_amount(start, end):
    """The sum of the amounts of the contracts signed in the range (NUMERIC, summed in SQL)."""
    return _deals(Deal.signed_on, func.coalesce(func.sum(Deal.amount), 0), start, end)


# ---------------------------------------------------------------- enterprise stocks (#12): counts at the period's end

@computed("sme_qualified", "科技型中小企业数", "家")
def sme_qualified(start, end):
    """Enterprises whose latest evaluation qualifies them as 科技型中小企业 (the state when the snapshot is
    taken: evaluations keep no history, so take snapshots at the period's end, as the scheduled task does)."""
    return by_unit(select(Organization.unit_id, func.count(EnterpriseProfile.organization_id))
                   .join(Organization, Organization.id == EnterpriseProfile.organization_id)
                   .where(EnterpriseProfile.qualified)
                   .group_by(Organization.unit_id))


@computed("hte_count", "高新技术企业数", "家")
def hte_count(start, end):
    """Enterprises holding a 高新技术企业 certificate valid on the period's last day (issued within the
    certificate's validity before it: enterprises.rules.hte_valid)."""
    last_day = end - timedelta(days=1)
    issued_after = hte_issued_after(last_day)
    return by_unit(select(Organization.unit_id, func.count(EnterpriseProfile.organization_id))
                   .join(Organization, Organization.id == EnterpriseProfile.organization_id)
                   .where(EnterpriseProfile.hte_cert_no.is_not(None), EnterpriseProfile.hte_cert_on <= last_day,
                          EnterpriseProfile.hte_cert_on > issued_after)
                   .group_by(Organization.unit_id))


def _pool_size(pool, end):
    """Members of a cultivation pool at the period's end, from its enter/leave events (history kept)."""
    latest = (select(PoolEvent.organization_id, func.max(PoolEvent.id).label("last_id"))
              .where(PoolEvent.pool == pool, PoolEvent.created_at < utc_bound(end))
              .group_by(PoolEvent.organization_id).subquery())
    return by_unit(select(Organization.unit_id, func.count(PoolEvent.id))
                   .join(latest, latest.c.last_id == PoolEvent.id)
                   .join(Organization, Organization.id == PoolEvent.organization_id)
                   .where(PoolEvent.action == "enter")
                   .group_by(Organization.unit_id))


@computed("near_sme_pool", "准科技型企业培育库入库数", "家")
def near_sme_pool(start, end):
    return _pool_size("near-sme", end)


@computed("near_hte_pool", "准高企培育库入库数", "家")
def near_hte_pool(start, end):
    return _pool_size("near-hte", end)


# ---------------------------------------------------------------- 创新券 (#13)

@computed("vouchers_redeemed", "创新券兑付额", "万元", private=True)
def vouchers_redeemed(start, end):
    """The payable of the redemption claims approved in the range (settled later or not), by the unit of the
    enterprise holding the voucher; private: the enterprises behind each value are counted too."""
    return by_unit(select(Organization.unit_id, func.coalesce(func.sum(VoucherClaim.payable), 0),
                          func.count(distinct(Voucher.organization_id)))
                   .join(Voucher, Voucher.id == VoucherClaim.voucher_id)
                   .join(Organization, Organization.id == Voucher.organization_id)
                   .where(VoucherClaim.status.in_(("approved", "settled")),
                          VoucherClaim.approved_at >= utc_bound(start), VoucherClaim.approved_at < utc_bound(end))
                   .group_by(Organization.unit_id))

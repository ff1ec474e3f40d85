"""The enterprise stocks of the monitoring registry (#12 × #14): 科技型中小企业, 高企 and the two pools, per unit."""
from datetime import date, timedelta

from marketplace.extensions import db
from marketplace.models import PoolEvent
from marketplace.monitoring.indicators import REGISTRY, compute
from marketplace.units import unit_by_name

from .enterprise_support import NEAR, STRONG, WEAK, enterprise

END = date(2027, 1, 1)  # the year 2026's snapshot: [2026-01-01, 2027-01-01)


def values(key, end=END):
    return {unit: figure.value for unit, figure in compute(key, date(end.year - 1, 1, 1), end).items()}


def test_enterprise_counts_and_pools_by_unit(app, make):
    enterprise(make, "甲科技", STRONG, unit="百丈镇")
    enterprise(make, "乙科技", STRONG, unit="百丈镇")
    enterprise(make, "丙科技", NEAR, unit="仓前街道")
    enterprise(make, "丁科技", WEAK, unit="仓前街道")
    baizhang, cangqian = unit_by_name("百丈镇").id, unit_by_name("仓前街道").id
    assert values("sme_qualified") == {baizhang: 2}
    assert values("near_sme_pool") == {cangqian: 1}
    assert {"sme_qualified", "hte_count", "near_sme_pool", "near_hte_pool"} <= set(REGISTRY)


def test_a_pool_count_follows_its_history_not_todays_state(app, make):
    org = enterprise(make, "丙科技", NEAR, unit="仓前街道")
    cangqian = unit_by_name("仓前街道").id
    event = db.session.scalar(db.select(PoolEvent).where(PoolEvent.organization_id == org.id))
    assert event.action == "enter"
    entered = event.created_at.date()
    assert values("near_sme_pool", end=entered - timedelta(days=1)) == {}  # before it entered
    db.session.add(PoolEvent(organization_id=org.id, pool="near-sme", action="leave",
                             created_at=event.created_at + timedelta(days=40)))
    db.session.commit()
    assert values("near_sme_pool", end=entered + timedelta(days=2)) == {cangqian: 1}
    assert values("near_sme_pool", end=entered + timedelta(days=60)) == {}  # left since


def test_hte_counts_certificates_valid_on_the_last_day(app, make):
    from marketplace.enterprises import services

    org = enterprise(make, "高企科技", STRONG, unit="百丈镇")
    baizhang = unit_by_name("百丈镇").id
    services.save(org, 2025, dict(STRONG, hte_cert_no="GR202433000001", hte_cert_on="2024-12-01"), None, "page")
    db.session.commit()
    assert values("hte_count", end=date(2027, 1, 1)) == {baizhang: 1}
    assert values("hte_count", end=date(2024, 12, 1)) == {}  # issued on the day after the last day
    assert values("hte_count", end=date(2027, 12, 1)) == {baizhang: 1}  # last day 2027-11-30: still valid
    assert values("hte_count", end=date(2027, 12, 2)) == {}  # last day 2027-12-01: three years on, expired


def test_vouchers_redeemed_sums_approved_claims_by_the_enterprise_unit(app, make):
    from marketplace.units import ensure_units
    from marketplace.vouchers import orders

    from .voucher_support import claim, confirmed_order, world

    ensure_units()
    w = world(make)
    w.enterprise.organization.unit_id = unit_by_name("未来科技城").id
    db.session.commit()
    order = confirmed_order(w, amount="20.00")
    filed = claim(w, order)  # payable = min(0.5 × 20, voucher remaining 30, cap 20) = 10
    this_year = date.today().year + 1
    assert values("vouchers_redeemed", end=date(this_year, 1, 1)) == {}  # not approved yet
    orders.approve_claim(filed, w.admin)
    db.session.commit()
    [(unit, figure)] = compute("vouchers_redeemed", date(this_year - 1, 1, 1), date(this_year, 1, 1)).items()
    assert unit == unit_by_name("未来科技城").id and str(figure.value) == "10.00" and figure.enterprises == 1

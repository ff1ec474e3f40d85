"""Enterprises with figures for the enterprise tests: build through the services, as the page and API do."""
from decimal import Decimal as D

from marketplace.enterprises import services
from marketplace.extensions import db
from marketplace.units import ensure_units, unit_by_name

# 100 points, every 高企 condition met (see tests/test_enterprise_rules.py 甲)
STRONG = {"employees": 100, "tech_staff": 30, "revenue": "3000", "rd_expense": "180", "total_cost": "2500",
          "high_tech_revenue": "2000", "total_assets": "5000", "ip_class1": 1, "ip_class2": 0}
# 50 points (丙): 准科技型
NEAR = dict(STRONG, tech_staff=22, rd_expense="96", ip_class1=0, ip_class2=3)
# 42 points (乙): no pool
WEAK = dict(STRONG, tech_staff=12, rd_expense="96", ip_class1=0, ip_class2=3)


def enterprise(make, name, figures=None, unit="百丈镇", field="新材料", year=2025, registered_on="2018-03-01",
               admin=None):
    ensure_units()
    org = make.organization(name=name, kind="enterprise")
    org.unit_id = unit_by_name(unit).id if unit else None
    data = dict(figures or {}, field=field, registered_on=registered_on)
    services.save(org, year, data, admin, "page")
    db.session.commit()
    return org


def money(text):
    return D(text)

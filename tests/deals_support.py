"""Shared set-up for the deal tests: the people around one achievement, and deal helpers."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from functools import lru_cache
from itertools import count

from werkzeug.security import generate_password_hash

from marketplace.deals import services
from marketplace.extensions import db
from marketplace.models import User

from . import factories
from .factories import ORG_KIND_FOR_ROLE, PASSWORD

_seq = count(1)

SIGN = {"contract_type": "技术转让", "amount": "120.50", "signed_on": "2024-03-01"}
REGISTER = {"registration_no": "2024440100000123", "registered_on": "2024-03-15"}
DELIVER = {"note": "完成中试线交付"}
COMPLETE = {"note": "产品已量产，年产值 3000 万元"}
STAGE_DATA = {"contract_signed": SIGN, "registered": REGISTER, "delivering": DELIVER, "commercialized": COMPLETE}
PATH = ("negotiating", "contract_signed", "registered", "delivering", "commercialized")
OPEN_STAGES = PATH[:-1]


@dataclass
class World:
    researcher: object
    colleague: object  # another member of the achievement's organization
    enterprise: object
    buyer_colleague: object
    broker: object
    other_broker: object
    admin: object
    other_enterprise: object
    other_researcher: object
    achievement: object
    demand: object


@lru_cache(maxsize=1)
def _password_hash():
    # One real hash of factories.PASSWORD, shared: hashing it for each of a world's nine users
    # took most of every test's time. Logging in with PASSWORD still works.
    return generate_password_hash(PASSWORD)


def person(make, role, name, org=None):
    org = org or make.organization(kind=ORG_KIND_FOR_ROLE[role])
    user = User(email=f"deal-{role}-{next(_seq)}@example.com", name=name, role=role, organization_id=org.id,
                password_hash=_password_hash())
    db.session.add(user)
    db.session.commit()
    return user


def world(make):
    university = make.organization(name="华南理工测试大学", kind="university")
    company = make.organization(name="广州测试科技有限公司", kind="enterprise")
    researcher = person(make, "researcher", "张教授", university)
    enterprise = person(make, "enterprise", "李经理", company)
    achievement = make.achievement(owner=researcher)
    return World(
        researcher=researcher,
        colleague=person(make, "researcher", "王老师", university),
        enterprise=enterprise,
        buyer_colleague=person(make, "enterprise", "赵工", company),
        broker=person(make, "broker", "陈经纪"),
        other_broker=person(make, "broker", "周经纪"),
        admin=person(make, "admin", "管理员"),
        other_enterprise=person(make, "enterprise", "外企业"),
        other_researcher=person(make, "researcher", "外研究员"),
        achievement=achievement,
        demand=make.demand(owner=enterprise),
    )


def make_match(w, score=0.8, demand=None, achievement=None):
    return factories.match(demand or w.demand, achievement or w.achievement, score=score)


def open_deal(w, broker=None, **data):
    data.setdefault("achievement_id", w.achievement.id)
    data.setdefault("demand_id", w.demand.id)
    deal = services.create_deal(broker or w.broker, data)
    db.session.commit()
    return deal


def advance_to(deal, stage, actor):
    """Walk the deal along the main line up to `stage` with valid values."""
    for target in PATH[PATH.index(deal.stage) + 1:PATH.index(stage) + 1]:
        services.advance_deal(deal, actor, target, STAGE_DATA[target])
        db.session.commit()
    return deal


def d(text):
    return Decimal(text)


def day(text):
    return date.fromisoformat(text)

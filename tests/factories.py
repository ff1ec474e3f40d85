"""Build valid objects with sensible defaults; every factory commits."""
import itertools
from datetime import timedelta
from decimal import Decimal

from marketplace.extensions import db
from marketplace.models import Achievement, Demand, Match, Organization, User
from marketplace.timeutil import utcnow
from marketplace.validators import uscc_check_char

PASSWORD = "Secret-pass-123"
_seq = itertools.count(1)

ORG_KIND_FOR_ROLE = {"researcher": "university", "enterprise": "enterprise", "broker": "broker_agency",
                     "admin": "service_provider", "provider": "service_provider"}


def credit_code(n=None):
    n = next(_seq) if n is None else n
    body = f"91110000{n:09d}"
    return body + uscc_check_char(body)


def organization(name=None, kind="enterprise", verified=True, **kw):
    n = next(_seq)
    org = Organization(name=name or f"测试单位{n}", kind=kind, verified=verified, credit_code=credit_code(n),
                       region=kw.pop("region", "测试区"), **kw)
    db.session.add(org)
    db.session.commit()
    return org


def user(role="researcher", org=None, email=None, name=None, verified_org=True, password=PASSWORD, org_admin=None):
    """An approved member of org; of a new organization of its own (and its org admin) when org is None."""
    n = next(_seq)
    if org_admin is None:
        org_admin = org is None
    if org is None:
        org = organization(kind=ORG_KIND_FOR_ROLE[role], verified=verified_org)
    u = User(email=email or f"user{n}@example.com", name=name or f"用户{n}", role=role, organization_id=org.id,
             is_org_admin=org_admin)
    u.set_password(password)
    db.session.add(u)
    db.session.commit()
    return u


def achievement(owner=None, status="published", **kw):
    owner = owner or user("researcher")
    values = dict(title="一种石墨烯复合导热材料的制备方法", summary="本成果提供一种石墨烯复合导热材料，导热系数高。",
                  field="新材料", type="发明专利", maturity="TRL6", modes="转让,许可", price=Decimal("50.00"),
                  keywords="石墨烯,导热材料")
    values.update(kw)
    a = Achievement(owner_id=owner.id, organization_id=owner.organization_id, status=status,
                    published_at=utcnow() if status == "published" else None, **values)
    db.session.add(a)
    db.session.commit()
    return a


def demand(owner=None, status="published", challenge=False, **kw):
    owner = owner or user("enterprise")
    values = dict(title="寻求高导热石墨烯散热材料", description="<p>我公司需要用于电子设备散热的高导热材料。</p>",
                  field="新材料", indicators="导热系数≥1500 W/(m·K)", budget=Decimal("80.00"), keywords="石墨烯,散热")
    if challenge:
        values.update(is_challenge=True, bounty=Decimal("100.00"), deadline=utcnow() + timedelta(days=30),
                      eligibility="具有相关研发经验的高校院所团队")
    values.update(kw)
    d = Demand(owner_id=owner.id, organization_id=owner.organization_id, status=status,
               published_at=utcnow() if status == "published" else None, **values)
    db.session.add(d)
    db.session.commit()
    return d


def match(demand, achievement, score=0.8, terms="石墨烯,导热", status="proposed"):
    """This pair's Match with these values: published listings are paired by the matcher as soon as they are
    committed (the index follows the data), so the pair may exist already."""
    found = db.session.scalar(db.select(Match).filter_by(demand_id=demand.id, achievement_id=achievement.id))
    found = found or Match(demand_id=demand.id, achievement_id=achievement.id)
    found.score, found.terms, found.status = score, terms, status
    db.session.add(found)
    db.session.commit()
    return found

"""A voucher world built through the services (as the API would): an admin, an enterprise with an issued
voucher, an admitted provider with a published service, a scheme covering 检验检测 and 知识产权."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import current_app

from marketplace.api.auth import issue_token
from marketplace.extensions import db
from marketplace.timeutil import local_today
from marketplace.vouchers import catalogue, orders, providers, schemes

from .factories import PASSWORD


@dataclass
class World:
    admin: object
    enterprise: object
    provider_user: object
    provider: object
    service: object
    scheme: object
    voucher: object


def scheme(admin, budget="100.00", **kw):
    today = local_today()
    data = dict(year=today.year, budget=budget, ratio="0.5", cap_per_claim="20.00", cap_per_enterprise="50.00",
                validity_days=180, categories=["检验检测", "知识产权"],
                opens_on=(today - timedelta(days=30)).isoformat(), closes_on=(today + timedelta(days=300)).isoformat())
    data.update(kw)
    s = schemes.create_scheme(admin, data)
    db.session.commit()
    return s


def admitted_provider(make, admin, categories=("检验检测", "知识产权", "技术转移"), **kw):
    current_app.config["VOUCHER_NOTICE_DAYS"] = 0
    user = make.user("provider")
    data = dict(categories=list(categories), note="CMA 资质，从业十年", years=10, contact="王工",
                contact_phone="0571-88880000", legal_representative="王五")
    data.update(kw)
    p = providers.apply(user, data)
    providers.admit(p, admin)
    db.session.commit()
    return user, p


def published_service(user, admin, category="检验检测", title="材料成分检测"):
    s = catalogue.create(user, {"title": title, "category": category, "description": "按国标检测材料成分",
                                "price": "10.00", "delivery_days": 15})
    catalogue.submit(s, user)
    catalogue.approve(s, admin)
    db.session.commit()
    return s


def issued_voucher(enterprise, admin, the_scheme, amount="30.00", **kw):
    data = dict(scheme_id=the_scheme.id, amount=amount, purpose="委托检测新产品材料",
                legal_representative="赵六", contact_phone="13800000000")
    data.update(kw)
    v = schemes.apply(enterprise, data)
    db.session.commit()
    schemes.approve(v, admin)
    db.session.commit()
    return v


def world(make):
    admin = make.user("admin")
    enterprise = make.user("enterprise")
    provider_user, provider = admitted_provider(make, admin)
    service = published_service(provider_user, admin)
    the_scheme = scheme(admin)
    voucher = issued_voucher(enterprise, admin, the_scheme)
    return World(admin, enterprise, provider_user, provider, service, the_scheme, voucher)


def confirmed_order(w, amount="20.00", service=None):
    order = orders.place(w.voucher, w.enterprise, {"service_id": (service or w.service).id,
                                                    "contract_amount": amount,
                                                    "contract_date": local_today().isoformat()})
    orders.accept(order, w.provider_user)
    orders.deliver(order, w.provider_user, "检测报告已交付")
    orders.confirm(order, w.enterprise)
    db.session.commit()
    return order


def claim(w, order, invoice_no="INV-0001", amount=None):
    c = orders.file_claim(order, w.provider_user, {"invoice_no": invoice_no,
                                                   "invoice_date": local_today().isoformat(),
                                                   "invoice_amount": amount or f"{order.contract_amount:.2f}"})
    db.session.commit()
    return c


# ---------------------------------------------------------------- fixtures (imported by the voucher test modules)

@pytest.fixture
def w(make):
    return world(make)


@pytest.fixture
def auth(app):
    tokens = {}

    def headers(user):
        if user.id not in tokens:
            tokens[user.id] = issue_token(user.email, PASSWORD)
            db.session.commit()
        return {"Authorization": f"Bearer {tokens[user.id]}"}

    return headers

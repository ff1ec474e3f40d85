"""创新券 demo data (called once from demo.py): a scheme in use, two admitted institutions and one in its
public notice, published services, and vouchers, orders and claims in several states. Idempotent: nothing
is added when the demo scheme exists. Everything goes through the services, so the history is real."""
from datetime import timedelta

from ..accounts import services as accounts
from ..extensions import db
from ..models import VoucherScheme
from ..timeutil import local_today, utcnow
from ..validators import uscc_check_char
from . import catalogue, orders, providers, schemes, settlement

PROVIDERS = [
    dict(key="p1", email="provider1@yizhi.demo", name="钱思远", org="之江检测认证技术服务有限公司",
         categories=["检验检测", "成果评价"], note="CMA、CNAS 认可实验室，可开展材料、电子电气与食品检测", years=12,
         phone="0571-86001234", legal="钱立群", code17="91330106MA2CD3E41"),
    dict(key="p2", email="provider2@yizhi.demo", name="林可欣", org="明正知识产权代理有限公司",
         categories=["知识产权", "技术查新"], note="国家知识产权局备案专利代理机构，代理师 18 名", years=9,
         phone="0571-86005678", legal="林正明", code17="91330108MA2FG5H62"),
    dict(key="p3", email="provider3@yizhi.demo", name="韩宇", org="远景科技咨询有限公司",
         categories=["科技咨询", "研发设计"], note="为中小企业提供科技项目申报与研发管理咨询", years=5,
         phone="0571-86009999", legal="韩远景", code17="91330110MA2JK7L83"),
]
SERVICES = [
    ("p1", "检验检测", "新材料理化性能检测", "拉伸、硬度、导热系数等理化性能检测，出具 CMA 报告", "3.00", 10),
    ("p1", "成果评价", "科技成果第三方评价", "按团体标准对科技成果的技术成熟度与创新性进行评价", "5.00", 30),
    ("p2", "知识产权", "发明专利申请代理", "技术交底、专利检索、撰写与答复审查意见全流程代理", "1.20", 20),
    ("p2", "技术查新", "科技查新报告", "国内外文献检索，出具科技查新报告", "0.50", 7),
]


def _staff(spec):
    user = accounts.find_user_by_email(spec["email"])
    if user is None:
        user = accounts.create_user(spec["email"], "provider", "Demo-yizhi-2026", name=spec["name"],
                                    org_name=spec["org"], org_kind="service_provider")
        user.organization.credit_code = spec["code17"] + uscc_check_char(spec["code17"])
        user.organization.region = "浙江省杭州市"
    return user


def _admitted(spec, admin, in_notice=False):
    staff = _staff(spec)
    provider = providers.apply(staff, {"categories": spec["categories"], "note": spec["note"], "years": spec["years"],
                                       "contact": spec["name"], "contact_phone": spec["phone"],
                                       "legal_representative": spec["legal"]})
    if not in_notice:
        provider.notice_ends_at = utcnow() - timedelta(days=1)  # applied before the demo: its notice has ended
        providers.admit(provider, admin)
    return staff, provider


def _order(voucher, enterprise, service, amount, staff, until):
    order = orders.place(voucher, enterprise, {"service_id": service.id, "contract_amount": amount,
                                               "contract_date": voucher.issued_on.isoformat()})
    steps = [lambda: orders.accept(order, staff), lambda: orders.deliver(order, staff, "已交付报告"),
             lambda: orders.confirm(order, enterprise)]
    for step in steps[:until]:
        step()
    return order


def seed_vouchers(users):
    """The number of objects added (0 when the demo scheme is already there)."""
    today = local_today()
    title = f"{today.year} 年度科技创新券（演示）"
    if db.session.scalar(db.select(VoucherScheme.id).where(VoucherScheme.title == title)):
        return 0
    admin = users["admin"]
    p1, provider1 = _admitted(PROVIDERS[0], admin)
    p2, provider2 = _admitted(PROVIDERS[1], admin)
    _admitted(PROVIDERS[2], admin, in_notice=True)
    by_key = {"p1": p1, "p2": p2}
    services = []
    for key, category, name, description, price, days in SERVICES:
        service = catalogue.create(by_key[key], {"title": name, "category": category, "description": description,
                                                 "price": price, "delivery_days": days})
        catalogue.submit(service, by_key[key])
        catalogue.approve(service, admin)
        services.append(service)
    pending = catalogue.create(p2, {"title": "商标注册代理", "category": "知识产权", "description": "商标检索与注册申请",
                                    "price": "0.30"})
    catalogue.submit(pending, p2)
    scheme = schemes.create_scheme(admin, {
        "year": today.year, "title": title, "budget": "500.00", "ratio": "0.5", "cap_per_claim": "20.00",
        "cap_per_enterprise": "50.00", "validity_days": 180,
        "categories": ["检验检测", "知识产权", "技术查新", "成果评价", "科技咨询"],
        "opens_on": (today - timedelta(days=60)).isoformat(), "closes_on": (today + timedelta(days=240)).isoformat()})
    e1, e2, e3, e4 = (users[k] for k in ("e1", "e2", "e3", "e4"))
    v1 = schemes.apply(e1, {"scheme_id": scheme.id, "amount": "40.00", "purpose": "新型导热材料检测与专利布局"})
    v2 = schemes.apply(e2, {"scheme_id": scheme.id, "amount": "30.00", "purpose": "视觉检测设备成果评价"})
    schemes.apply(e3, {"scheme_id": scheme.id, "amount": "20.00", "purpose": "耐盐碱水稻品种科技查新"})
    v4 = schemes.apply(e4, {"scheme_id": scheme.id, "amount": "50.00", "purpose": "储能电池检测"})
    schemes.approve(v1, admin)
    schemes.approve(v2, admin, "25.00")
    schemes.reject(v4, admin, "申报材料不全，请补充近一年研发投入证明后重新申领")
    settled = _order(v1, e1, services[0], "12.00", p1, 3)
    claim = orders.file_claim(settled, p1, {"invoice_no": "33001234567890", "invoice_date": today.isoformat(),
                                            "invoice_amount": "12.00"})
    orders.approve_claim(claim, admin)
    db.session.flush()
    settlement.create_batch(admin, scheme, f"{today:%Y-%m}")
    _order(v1, e1, services[2], "6.00", p2, 2)  # delivered: the enterprise is to confirm
    waiting = _order(v2, e2, services[1], "16.00", p1, 3)
    orders.file_claim(waiting, p1, {"invoice_no": "33001234567891", "invoice_date": today.isoformat(),
                                    "invoice_amount": "16.00"})  # under the admin's audit
    _order(v2, e2, services[0], "4.00", p1, 0)  # placed: the institution is to accept
    db.session.commit()
    return 1

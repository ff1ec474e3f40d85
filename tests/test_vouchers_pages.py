"""创新券 pages: the catalogue with ?category= (linked from the enterprise evaluation), the public notice,
a voucher's history, the admin figures and exports, the 待办 on /me."""
import io

from openpyxl import load_workbook

from marketplace.extensions import db
from marketplace.timeutil import local_today
from marketplace.vouchers import orders, settlement

from .voucher_support import claim, confirmed_order, world


def test_catalogue_filters_by_category_and_query(client, make):
    w = world(make)
    page = client.get("/services?category=检验检测").get_data(as_text=True)
    assert w.service.title in page
    assert w.service.title not in client.get("/services?category=知识产权").get_data(as_text=True)
    assert w.service.title not in client.get("/services?q=专利").get_data(as_text=True)
    assert client.get(f"/services/{w.service.id}").status_code == 200


def test_notice_page_takes_objections(app, client, login, make):
    app.config["VOUCHER_NOTICE_DAYS"] = 7
    from marketplace.vouchers import providers
    staff = make.user("provider")
    p = providers.apply(staff, {"categories": ["知识产权"], "note": "专利代理"})
    db.session.commit()
    hub = client.get("/vouchers").get_data(as_text=True)
    assert staff.organization.name in hub and "公示" in hub
    login(make.user("enterprise"))
    r = client.post(f"/vouchers/providers/{p.id}/objections", data={"text": "存在违规"})
    assert r.status_code == 302
    admin = login(make.user("admin"))
    assert "存在违规" in client.get(f"/vouchers/providers/{p.id}").get_data(as_text=True)
    assert admin.role == "admin"


def test_voucher_history_figures_and_todo(client, login, make):
    w = world(make)
    c = claim(w, confirmed_order(w), invoice_no="P-1")
    login(w.admin)
    me = client.get("/me").get_data(as_text=True)
    assert "创新券待办" in me and "P-1" in me
    orders.approve_claim(c, w.admin)
    settlement.create_batch(w.admin, w.scheme, f"{local_today():%Y-%m}")
    db.session.commit()
    page = client.get(f"/vouchers/schemes/{w.scheme.id}/figures").get_data(as_text=True)
    assert "检验检测" in page and w.provider.organization.name in page
    charts = page[page.index('id="voucher-charts"'):page.index('id="voucher-charts"') + 3000]
    assert "按服务类别的兑付金额（万元）" in charts and ">检验检测</text>" in charts and ">10.00</text>" in charts
    sheet = load_workbook(io.BytesIO(client.get(f"/vouchers/schemes/{w.scheme.id}/figures.xlsx").data))
    assert sheet["总体"]["D2"].value is not None
    csv_text = client.get(f"/vouchers/schemes/{w.scheme.id}/figures.csv").data.decode("utf-8-sig")
    assert "按服务机构" in csv_text
    batch = settlement.batches(w.scheme)[0]
    rows = list(load_workbook(io.BytesIO(client.get(f"/vouchers/batches/{batch.id}.xlsx").data)).active.values)
    assert rows[1][5] == "P-1"
    login(w.enterprise)
    page = client.get(f"/vouchers/{w.voucher.id}").get_data(as_text=True)
    assert "P-1" in page and "全程记录" in page
    login(w.provider_user)
    assert client.get(f"/vouchers/{w.voucher.id}").status_code == 404
    assert client.get(f"/vouchers/schemes/{w.scheme.id}/figures").status_code == 403


def test_cli_creates_provider_and_register_offers_it(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "lab@example.com", "--role", "provider", "--password",
                                 "Very-strong-pass-77", "--org", "某检测中心", "--org-kind", "service_provider"])
    assert result.exit_code == 0, result.output
    assert "created provider" in result.output
    assert "服务机构（创新券接券机构）" in client.get("/register").get_data(as_text=True)


def test_register_as_provider(client, db):
    from marketplace.models import User

    r = client.post("/register", data={"role": "provider", "name": "检测中心王工", "email": "wang@lab.example.com",
                                       "password": "Very-strong-pass-77", "confirm": "Very-strong-pass-77",
                                       "org_mode": "new",
                                       "org_name": "某某检测技术有限公司", "org_kind": "service_provider",
                                       "credit_code": ""})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    user = db.session.scalar(db.select(User).where(User.email == "wang@lab.example.com"))
    assert user.role == "provider" and user.organization.kind == "service_provider"
    assert client.get("/vouchers/provider").status_code == 200


def test_whoever_acts_next_is_notified(make):
    from marketplace.models import Notification
    from marketplace.vouchers import schemes

    from .voucher_support import scheme as new_scheme

    w = world(make)

    def latest(user):
        return db.session.scalar(db.select(Notification.message).where(Notification.user_id == user.id)
                                 .order_by(Notification.id.desc()).limit(1))

    schemes.apply(make.user("enterprise"), {"scheme_id": new_scheme(w.admin).id, "amount": "5", "purpose": "查新"})
    db.session.commit()
    assert "待审批" in latest(w.admin)
    assert "创新券已发放" in latest(w.enterprise)
    order = orders.place(w.voucher, w.enterprise, {"service_id": w.service.id, "contract_amount": "8",
                                                   "contract_date": local_today().isoformat()})
    db.session.commit()
    assert "请确认接单" in latest(w.provider_user)
    orders.accept(order, w.provider_user)
    orders.deliver(order, w.provider_user, "报告")
    db.session.commit()
    assert "请确认" in latest(w.enterprise)
    orders.confirm(order, w.enterprise)
    db.session.commit()
    assert "可以申请兑付" in latest(w.provider_user)
    claim(w, order, invoice_no="N-1")
    assert "兑付申请待审核" in latest(w.admin)


def test_returned_claim_is_corrected_and_resubmitted(client, login, make):
    from marketplace.models import VoucherClaim

    w = world(make)
    c = claim(w, confirmed_order(w, amount="20.00"), invoice_no="R-1", amount="20.00")
    login(w.admin)
    client.post(f"/voucher-claims/{c.id}/return", data={"reason": "发票金额与合同不符"})
    assert db.session.get(VoucherClaim, c.id).status == "returned"
    login(w.provider_user)
    assert "修改后重新提交" in client.get("/vouchers/provider").get_data(as_text=True)
    client.post(f"/voucher-claims/{c.id}/resubmit", data={"invoice_no": "R-1", "invoice_date": local_today().isoformat(),
                                                        "invoice_amount": "16.00"})
    db.session.expire_all()
    again = db.session.get(VoucherClaim, c.id)
    assert (again.status, f"{again.payable:.2f}") == ("submitted", "8.00")
    assert client.application.test_cli_runner().invoke(args=["vouchers", "check"]).exit_code == 0


def test_order_page_holds_the_contract_report_and_payment_files_of_both_sides(client, login, make):
    from marketplace.models import Attachment

    from .attachment_support import PDF, PNG, upload

    w = world(make)
    order = confirmed_order(w)
    login(w.enterprise)
    page = client.get(f"/voucher-orders/{order.id}").get_data(as_text=True)
    assert "订单材料" in page and order.service.title in page
    upload(client, "voucher_order", order.id, PDF, "技术服务合同.pdf", kind="contract")
    upload(client, "voucher_order", order.id, PNG, "付款凭证.png", kind="payment")
    login(w.provider_user)
    upload(client, "voucher_order", order.id, PDF, "检测报告.pdf", kind="report")
    rows = db.session.scalars(db.select(Attachment).where(Attachment.target_type == "voucher_order")
                              .order_by(Attachment.id)).all()
    assert [r.kind for r in rows] == ["contract", "payment", "report"]
    page = client.get(f"/voucher-orders/{order.id}").get_data(as_text=True)
    assert "技术服务合同.pdf" in page and "检测报告.pdf" in page
    assert client.get(f"/attachments/{rows[0].id}").status_code == 200
    stranger = make.user("enterprise")
    login(stranger)
    assert client.get(f"/voucher-orders/{order.id}").status_code == 404
    assert client.get(f"/attachments/{rows[0].id}").status_code == 404
    assert upload(client, "voucher_order", order.id, PDF, "x.pdf", follow=False).status_code == 404
    login(w.admin)
    assert client.get(f"/attachments/{rows[2].id}").status_code == 200

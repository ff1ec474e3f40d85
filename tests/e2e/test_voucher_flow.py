"""创新券 in a real browser: an enterprise applies, the admin issues, the enterprise orders a catalogue
service, the institution accepts and delivers, the enterprise confirms, the institution files a claim whose
payable is computed, and the admin approves it."""
import re

from playwright.sync_api import expect

from marketplace.timeutil import local_today

from ..factories import PASSWORD
from ..voucher_support import admitted_provider, published_service, scheme
from ..attachment_support import PDF
from .browser_support import log_out, shoot


def _login(page, user, next_url):
    page.goto(f"/login?next={next_url}")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def test_voucher_from_application_to_approved_claim(page, live_server, app, make):
    admin = make.user("admin", name="平台管理员")
    enterprise = make.user("enterprise", name="恒拓新材料")
    staff, provider = admitted_provider(make, admin)
    published_service(staff, admin, title="新材料理化性能检测")
    the_scheme = scheme(admin, title="演示年度创新券")

    # The enterprise applies through the form.
    _login(page, enterprise, "/vouchers/apply")
    page.fill("#amount", "30")
    page.fill("#purpose", "新产品材料检测")
    page.get_by_role("button", name="提交申领").click()
    expect(page.locator("#voucher-status")).to_have_text("待审批")
    voucher_url = re.sub(r"^https?://[^/]+", "", page.url)
    log_out(page)

    # The admin issues a lower amount.
    _login(page, admin, voucher_url)
    page.get_by_placeholder("批准金额（万元，默认为申领金额）").fill("20")
    page.get_by_role("button", name="批准发券").click()
    expect(page.locator("#voucher-status")).to_have_text("已发放")
    expect(page.locator("#voucher-remaining")).to_contain_text("20.00")
    log_out(page)

    # The enterprise orders the service with its voucher.
    _login(page, enterprise, voucher_url)
    page.select_option("#service_id", label=f"新材料理化性能检测（检验检测 · {provider.organization.name}）")
    page.fill("#contract_amount", "20")
    page.fill("#contract_date", local_today().isoformat())
    page.get_by_role("button", name="提交订单").click()
    expect(page.locator(".alert-success")).to_contain_text("订单已提交")
    log_out(page)

    # The enterprise opens the order's page and attaches the signed contract.
    _login(page, enterprise, voucher_url)
    page.get_by_role("link", name=re.compile(r"^#\d+$")).first.click()
    panel = page.locator("#attachments")
    expect(panel).to_contain_text("暂无附件")
    page.select_option("#kind", "contract")
    page.set_input_files("#file", {"name": "技术服务合同.pdf", "mimeType": "application/pdf", "buffer": PDF})
    panel.get_by_role("button", name="上传").click()
    expect(page.locator(".alert-success")).to_contain_text("已上传附件：技术服务合同.pdf")
    expect(panel).to_contain_text("技术服务合同")
    shoot(page, "voucher-order")
    log_out(page)

    # The institution accepts and delivers.
    _login(page, staff, "/vouchers/provider")
    page.get_by_role("button", name="接单").click()
    expect(page.locator(".alert-success")).to_contain_text("已接单")
    page.get_by_placeholder("交付说明（报告编号等）").fill("检测报告 BG-2026-001")
    page.get_by_role("button", name="提交交付").click()
    expect(page.locator(".alert-success")).to_contain_text("已提交交付")
    log_out(page)

    # The enterprise confirms the delivery.
    _login(page, enterprise, voucher_url)
    page.get_by_role("button", name="确认交付").click()
    expect(page.locator(".alert-success")).to_contain_text("已确认交付")
    log_out(page)

    # The institution files the claim: 0.5 × 20 = 10, under the voucher's 20 and the 20 cap.
    _login(page, staff, "/vouchers/provider")
    page.get_by_placeholder("发票号码").fill("33001234500001")
    page.get_by_placeholder("发票金额（万元）").fill("20")
    page.get_by_role("button", name="申请兑付").click()
    expect(page.locator(".alert-success")).to_contain_text("兑付申请已提交")
    expect(page.locator("[data-order]")).to_contain_text("核定 10.00")
    log_out(page)

    # The admin approves it; the voucher's page shows the claim approved and the remaining amount.
    _login(page, admin, voucher_url)
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".alert-success")).to_contain_text("兑付审核通过")
    expect(page.locator("#voucher-claims")).to_contain_text("已通过")
    expect(page.locator("#voucher-remaining")).to_contain_text("10.00")
    page.goto(f"/vouchers/schemes/{the_scheme.id}/figures")
    expect(page.locator("#chart-voucher-by-category")).to_contain_text("检验检测")
    shoot(page, "voucher-figures")

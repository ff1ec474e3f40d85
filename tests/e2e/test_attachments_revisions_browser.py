"""In Chromium: an owner uploads the certificate a rejection asked for (and a disguised file is refused), and
an owner revises a published achievement that an admin approves (issue #11, items 3 and 5).
Screenshots at 1366 and 390 px wide are saved under tests/e2e/screenshots/."""
from pathlib import Path

from playwright.sync_api import expect

from marketplace.extensions import db

from ..attachment_support import HTML, PDF
from ..factories import PASSWORD
from ..matching_support import new_achievement
from .browser_support import log_out, shoot


def log_in(page, email):
    log_out(page)
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("欢迎回来")


def test_owner_uploads_a_certificate_on_a_rejected_listing_and_downloads_it(page, live_server, make):
    owner = make.user("researcher")
    listing = make.achievement(owner=owner, status="rejected", reject_reason="请上传专利受理通知书")
    log_in(page, owner.email)
    page.goto(f"/achievements/{listing.id}")
    panel = page.locator("#attachments")
    expect(panel).to_contain_text("暂无附件")
    page.select_option("#kind", "certificate")
    page.set_input_files("#file", {"name": "专利受理通知书.pdf", "mimeType": "application/pdf", "buffer": PDF})
    panel.get_by_role("button", name="上传").click()
    expect(page.locator(".alert-success")).to_contain_text("已上传附件：专利受理通知书.pdf")
    expect(panel.locator(".attachment-row")).to_have_count(1)
    expect(panel).to_contain_text("专利证书 / 受理通知书")
    shoot(page, "attachments-listing")
    with page.expect_download() as download:
        panel.get_by_role("link", name="专利受理通知书.pdf").click()
    assert download.value.suggested_filename == "专利受理通知书.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    # HTML disguised as a PDF is refused, by content, with a Chinese message
    page.set_input_files("#file", {"name": "报告.pdf", "mimeType": "application/pdf", "buffer": HTML})
    panel.get_by_role("button", name="上传").click()
    expect(page.locator(".alert-danger.alert-dismissible")).to_contain_text("不支持的文件类型（按文件内容判断）")
    expect(panel.locator(".attachment-row")).to_have_count(1)

    # the edit page offers the same list and form; delete asks first
    page.goto(f"/achievements/{listing.id}/edit")
    panel = page.locator("#attachments")
    expect(panel.locator(".attachment-row")).to_have_count(1)
    panel.get_by_role("button", name="删除").click()
    expect(page.locator(".alert-success")).to_contain_text("已删除附件：专利受理通知书.pdf")
    expect(page.locator("#attachments")).to_contain_text("暂无附件")


def test_owner_revises_a_published_achievement_and_admin_approves(page, live_server, make):
    listing = new_achievement(title="钙钛矿太阳能电池封装工艺")
    owner, admin = listing.owner, make.user("admin")
    db.session.commit()
    log_in(page, owner.email)
    page.goto(f"/achievements/{listing.id}")
    page.locator("#revise-link").click()
    expect(page.locator("#revision-notice")).to_be_visible()
    page.fill("#title", "柔性有机发光器件封装工艺")
    page.get_by_role("button", name="提交修改审核").click()
    expect(page.locator(".alert-success")).to_contain_text("修改已提交审核")
    expect(page.locator("#pending-revision")).to_be_visible()
    expect(page.locator("#listing-title")).to_have_text("钙钛矿太阳能电池封装工艺")

    log_out(page)
    page.goto(f"/achievements/{listing.id}")
    expect(page.locator("#listing-title")).to_have_text("钙钛矿太阳能电池封装工艺")

    log_in(page, admin.email)
    page.goto("/admin/review")
    page.locator("#revision-queue").get_by_role("link", name="查看差异并审核").click()
    row = page.locator("#revision-changes tr[data-field=title]")
    expect(row.locator(".revision-old")).to_have_text("钙钛矿太阳能电池封装工艺")
    expect(row.locator(".revision-new")).to_have_text("柔性有机发光器件封装工艺")
    shoot(page, "revision-review")
    page.get_by_role("button", name="通过，应用修改").click()
    expect(page.locator(".alert-success")).to_contain_text("修改已审核通过")

    log_out(page)
    page.goto(f"/achievements/{listing.id}")
    expect(page.locator("#listing-title")).to_have_text("柔性有机发光器件封装工艺")
    page.goto("/search?q=有机发光")
    expect(page.locator("main")).to_contain_text("柔性有机发光器件封装工艺")


def test_broker_uploads_the_contract_on_a_deal_and_a_party_sees_it(page, live_server, make):
    from .. import deals_support as ds
    from ..attachment_support import DOCX

    w = ds.world(make)
    deal = ds.open_deal(w)
    log_in(page, w.broker.email)
    page.goto(f"/deals/{deal.id}")
    panel = page.locator("#attachments")
    page.select_option("#kind", "contract")
    page.set_input_files("#file", {"name": "技术转让合同.docx", "mimeType": "application/octet-stream",
                                   "buffer": DOCX})
    panel.get_by_role("button", name="上传").click()
    expect(page.locator(".alert-success")).to_contain_text("已上传附件：技术转让合同.docx")
    shoot(page, "attachments-deal")
    log_in(page, w.enterprise.email)
    page.goto(f"/deals/{deal.id}")
    expect(page.locator("#attachments .attachment-row")).to_contain_text("技术转让合同.docx")
    expect(page.locator("#attachments")).to_contain_text("技术合同")

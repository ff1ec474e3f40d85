"""The admin's glossary page (/admin/glossary, issue #10) in Chromium: add a concept through the form (CSRF on),
find it with the filters, search with it, edit and delete it. Screenshots at 1366 and 390 px wide are saved under
tests/e2e/screenshots/; at 390 px nothing may scroll sideways."""
import re

from playwright.sync_api import expect

from ..factories import PASSWORD
from ..matching_support import new_achievement
from .browser_support import log_out, shoot


def test_admin_adds_finds_edits_and_deletes_a_concept(page, make):
    listing = new_achievement(title="某新材料词散热片", summary="采用某新材料词制成", keywords="某新材料词")
    admin = make.user("admin", name="词表管理员")
    log_out(page)
    page.goto("/login")
    page.fill("#email", admin.email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me")

    page.goto("/admin/")
    page.locator("ul.nav-tabs").get_by_role("link", name="领域词表").click()
    page.wait_for_url("**/admin/glossary")
    expect(page.locator("#glossary-table")).to_contain_text("内置")

    page.locator("#glossary-form button[type=submit]").click()  # empty: errors in Chinese, nothing saved
    expect(page.locator("#glossary-form")).to_contain_text("请选择技术领域")
    page.select_option("#field", "新材料")
    page.fill("#chinese", "某新材料词")
    page.fill("#english", "some new term\nSNT material")
    page.fill("#note", "企业常用的英文说法")
    page.locator("#glossary-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/glossary$"))
    expect(page.locator(".alert-success")).to_contain_text("词条已保存")
    row = page.locator("#glossary-table tr[data-concept-id]")
    expect(row).to_contain_text("some new term")
    expect(row).to_contain_text("词表管理员")
    shoot(page, "glossary-list")

    page.fill("#glossary-filter input[name=q]", "SNT")
    page.select_option("#glossary-filter select[name=field]", "新材料")
    page.locator("#glossary-filter button").click()
    expect(page.locator("#glossary-table tbody tr")).to_have_count(1)
    shoot(page, "glossary-filtered")

    page.goto("/search?q=some+new+term")
    expect(page.locator("main")).to_contain_text(listing.title)

    page.goto("/admin/glossary")
    page.locator("#glossary-table tr[data-concept-id]").get_by_role("link", name="编辑").click()
    expect(page.locator("#chinese")).to_have_value("某新材料词")
    expect(page.locator("#glossary-audit")).to_contain_text("词表管理员 添加于")
    shoot(page, "glossary-edit")
    page.fill("#chinese", "某新材料词\n石墨烯")  # a built-in concept's name: saved, with a warning
    page.locator("#glossary-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/glossary$"))
    expect(page.locator(".alert-warning")).to_contain_text("也属于内置概念")

    page.locator("#glossary-table tr[data-concept-id]").get_by_role("button", name="删除").click()
    expect(page.locator(".alert-success")).to_contain_text("词条已删除")
    expect(page.locator("#glossary-table tr[data-concept-id]")).to_have_count(0)
    assert page.dialogs == ["确定删除这个词条？"]

"""The enterprise profile and the admin pool page in Chromium: a member changes one figure and the score, gap
list and pool change on the next page; the admin sees the pool's counts, publishes it, and a visitor reads the
published list (names and units only). Both pages at phone width keep their content inside the viewport."""
from playwright.sync_api import expect

from tests.deals_support import person
from tests.enterprise_support import WEAK, enterprise
from tests.factories import PASSWORD

from .browser_support import log_in, log_out


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_member_moves_a_figure_and_sees_the_new_score_gaps_and_pool(page, make):
    org = enterprise(make, "浏览器科技有限公司", WEAK)
    member = person(make, "enterprise", "浏览器成员", org)
    member.set_password(PASSWORD)
    from marketplace.extensions import db

    db.session.commit()
    log_in(page, member)
    page.goto(f"/enterprises/{org.id}")
    expect(page.locator("#sme-score .display-5")).to_contain_text("42")
    expect(page.locator("#gap-list")).to_contain_text("研发投入占比 3.2%，距 4% 差 0.8 个百分点，约 24 万元")
    expect(page.locator("#recommendations")).to_contain_text("知识产权")
    page.fill("#f-tech_staff", "22")
    page.click("#figures-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("2025 年度数据已保存")
    expect(page.locator("#sme-score .display-5")).to_contain_text("50")
    expect(page.locator("#sme-score")).to_contain_text("准科技型培育库")
    expect(page.locator("#change-log")).to_contain_text("科技人员数")
    page.fill("#f-tech_staff", "200")
    page.click("#figures-form button[type=submit]")
    expect(page.locator("#figures-form .invalid-feedback")).to_contain_text("不能超过职工总数")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/enterprises/{org.id}")
    assert _fits(page)


def test_admin_pool_page_counts_and_publication(page, make):
    enterprise(make, "入库一号科技", dict(WEAK, tech_staff=22), unit="百丈镇")
    enterprise(make, "入库二号科技", dict(WEAK, tech_staff=22), unit="径山镇", field="生物医药")
    admin = person(make, "admin", "浏览器管理员")
    admin.set_password(PASSWORD)
    from marketplace.extensions import db

    db.session.commit()
    log_in(page, admin)
    page.goto("/admin/pools/near-sme")
    expect(page.locator("h1")).to_contain_text("共 2 家")
    expect(page.locator("#by-unit")).to_contain_text("百丈镇")
    expect(page.locator("#by-field")).to_contain_text("生物医药")
    expect(page.locator("#pool-events")).to_contain_text("入库一号科技")
    with page.expect_download() as download:
        page.click("text=导出 XLSX")
    assert download.value.suggested_filename == "near-sme.xlsx"
    page.click("#publish-form button")
    expect(page.locator(".alert-success")).to_contain_text("已公布")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/admin/pools/near-sme")
    assert _fits(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_out(page)
    page.goto("/pools")
    expect(page.locator("#public-pool-1")).to_contain_text("入库二号科技")
    expect(page.locator("#public-pool-1")).to_contain_text("径山镇")

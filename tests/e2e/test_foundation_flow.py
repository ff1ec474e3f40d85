"""The foundation's promise end to end in Chromium: register → list an achievement → admin verifies and
approves → a visitor finds it. Every step goes through the real pages and forms (CSRF on)."""
import re

from playwright.sync_api import expect

from ..factories import PASSWORD
from .browser_support import log_out

TITLE = "一种低成本钠离子电池正极材料"
SUMMARY = "本成果提供一种层状氧化物正极材料，循环寿命超过三千次。"
ORG = "江南测试理工大学"


def _register_researcher(page):
    page.goto("/register")
    expect(page.locator("h1")).to_have_text("注册")
    page.get_by_label("科研人员（高校、科研院所）").check()
    page.fill("#name", "钱研究员")
    page.fill("#email", "qian@example.edu.cn")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.get_by_label("新建单位").check()
    page.fill("#org_name", ORG)
    page.select_option("#org_kind", "university")
    page.get_by_role("button", name="注册", exact=True).click()
    page.wait_for_url(re.compile(r"/me$"))
    expect(page.locator(".alert-success")).to_contain_text("注册成功，欢迎加入易智")


def _create_and_submit_achievement(page):
    page.goto("/achievements/new")
    expect(page.locator("h1")).to_have_text("发布科技成果")
    page.fill("#title", TITLE)
    page.fill("#summary", SUMMARY)
    page.select_option("#field", "新能源")
    page.select_option("#type", "技术秘密")
    page.select_option("#maturity", label="TRL 6 · 中试")
    page.get_by_label("许可").check()
    page.fill("#price", "120")
    page.fill("#keywords", "钠离子电池、正极材料")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".alert-success")).to_contain_text("草稿已保存")
    expect(page.locator("main")).to_contain_text("草稿")
    detail_url = page.url
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".alert-success")).to_contain_text("已提交审核，请等待管理员审核")
    expect(page.locator("main")).to_contain_text("待审核")
    return detail_url


def _login(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("欢迎回来")


def test_register_list_verify_approve_and_visitor_sees_it(page, live_server, browser, make):
    admin_email = make.user("admin", name="平台管理员").email

    # 1. A new researcher registers with a new organization, lists an achievement and submits it.
    _register_researcher(page)
    detail_url = _create_and_submit_achievement(page)
    listing_path = re.search(r"/achievements/\d+$", detail_url).group(0)

    # Meanwhile, visitors do not see the pending listing.
    visitor = browser.new_context(locale="zh-CN", base_url=live_server.url)
    visitor_page = visitor.new_page()
    assert visitor_page.goto(listing_path).status == 404
    expect(visitor_page.locator("main")).to_contain_text("该信息不存在或尚未发布")
    log_out(page)

    # 2. The admin logs in, verifies the new organization, then approves the listing on its review page.
    _login(page, admin_email)
    page.goto("/admin/organizations?status=unverified")
    row = page.locator("tr", has_text=ORG)
    expect(row).to_contain_text("未认证")
    row.get_by_role("button", name="认证").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已认证：{ORG}")
    page.goto("/admin/organizations")
    expect(page.locator("tr", has_text=ORG)).to_contain_text("已认证")

    page.goto("/admin/review")
    expect(page.locator("main")).to_contain_text("信息审核")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("main")).to_contain_text(ORG)
    page.get_by_role("button", name="审核通过并发布").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已审核通过：{TITLE}")
    expect(page.locator("main")).to_contain_text("暂无待审核信息")

    # 3. A visitor (a fresh browser context) finds it on /achievements and opens its page.
    visitor_page.goto("/achievements")
    card = visitor_page.get_by_role("link", name=TITLE)
    expect(card).to_be_visible()
    card.click()
    visitor_page.wait_for_url(re.compile(re.escape(listing_path) + "$"))
    expect(visitor_page.locator("h1")).to_contain_text(TITLE)
    expect(visitor_page.locator("main")).to_contain_text(SUMMARY)
    expect(visitor_page.locator("main")).to_contain_text(ORG)
    expect(visitor_page.locator("main")).to_contain_text("钠离子电池")
    visitor.close()
    assert page.dialogs == []

"""Helpers shared by the browser tests."""
from playwright.sync_api import expect


def log_out(page):
    """Log out through the nav's POST form (there is no GET /logout); nothing to do for a visitor."""
    if not page.url.startswith("http"):
        page.goto("/")
    button = page.locator("#logout-form button")
    if button.count():
        button.click()
        expect(page.locator(".alert-info")).to_contain_text("您已退出登录")

"""Helpers shared by the browser tests."""
from playwright.sync_api import expect

from ..factories import PASSWORD


def log_out(page):
    """Log out through the nav's POST form (there is no GET /logout); nothing to do for a visitor."""
    if not page.url.startswith("http"):
        page.goto("/")
    button = page.locator("#logout-form button")
    if button.count():
        button.click()
        expect(page.locator(".alert-info")).to_contain_text("您已退出登录")


def log_in(page, who, password=PASSWORD):
    """Log in through the login form as `who` (a User or an e-mail address), after logging out whoever was in."""
    log_out(page)
    page.goto("/login")
    page.fill("#email", getattr(who, "email", who))
    page.fill("#password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)

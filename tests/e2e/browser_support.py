"""Helpers shared by the browser tests."""
from pathlib import Path

from playwright.sync_api import expect

from ..factories import PASSWORD

SHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def shoot(page, name):
    """Screenshots at desktop and phone width (tests/e2e/screenshots/NAME-desktop.png, -phone.png, to look at);
    at neither width may the page scroll sideways."""
    SHOTS.mkdir(exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1366, "height": 900})


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

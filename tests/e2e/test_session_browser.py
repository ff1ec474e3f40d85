"""Sessions in a real browser: the login lock's message, and logging out with the nav's button (a POST with
its CSRF token) which ends the session for good."""
from playwright.sync_api import expect

from ..factories import PASSWORD


def _submit_login(page, email, password):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_login_lock_message_then_the_right_password_is_refused(page, make):
    user = make.user(email="li@example.com")
    for _ in range(5):
        _submit_login(page, user.email, "wrong-password-x")
        expect(page.locator(".invalid-feedback")).to_contain_text("邮箱或密码错误")
    _submit_login(page, user.email, PASSWORD)
    expect(page.locator(".invalid-feedback")).to_contain_text("登录尝试过多，请 15 分钟后再试")
    page.goto("/me")
    assert "/login" in page.url  # not logged in


def test_logout_with_the_nav_button_ends_the_session(page, make):
    user = make.user(email="li@example.com", name="李老师")
    _submit_login(page, user.email, PASSWORD)
    expect(page.locator("nav")).to_contain_text("李老师")
    cookies = page.context.cookies()
    page.locator("#logout-form button").click()
    expect(page.locator(".alert-info")).to_contain_text("您已退出登录")
    expect(page.locator("nav")).not_to_contain_text("李老师")
    # The session cookie from before the logout, put back, does not log anyone in.
    page.context.clear_cookies()
    page.context.add_cookies(cookies)
    page.goto("/me")
    assert "/login" in page.url
    expect(page.locator("nav")).not_to_contain_text("李老师")

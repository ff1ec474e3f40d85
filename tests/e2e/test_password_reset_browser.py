"""忘记密码 in a real browser: the login page's link, the request, the mail received by a real SMTP server
(aiosmtpd), the link opened, a new password set and used. Also the notification settings page, the grouped
message list and the admin's outbox, with screenshots at 1366 and 390 px under tests/e2e/screenshots/."""
import re

from playwright.sync_api import expect

from marketplace import mail
from marketplace.extensions import db
from marketplace.notifications import services as notifications

from ..factories import PASSWORD
from ..mail_support import body_of, smtp_inbox  # noqa: F401  (fixture)
from .browser_support import shoot

NEW_PASSWORD = "Reset-by-mail-2026"


def _log_in(page, email, password):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main form button[type=submit]").click()


def test_forgot_password_by_mail_then_log_in_with_the_new_one(page, live_server, make, smtp_inbox):
    user = make.user(email="sun.li@example.com", name="孙丽")
    page.goto("/login")
    shoot(page, "mail-login")
    page.get_by_role("link", name="忘记密码？").click()
    expect(page.locator("h1")).to_have_text("忘记密码")
    shoot(page, "mail-forgot")
    page.fill("#email", "sun.li@example.com")
    page.get_by_role("button", name="发送重置链接").click()
    expect(page.locator(".alert-info")).to_contain_text("如果该邮箱已注册，重置密码的链接已发送到该邮箱")
    [message] = smtp_inbox.messages
    link = re.search(r"http://\S+/password/reset/\S+", body_of(message)).group(0)
    assert link.startswith(live_server.url)

    page.goto(link)
    expect(page.locator("main")).to_contain_text("为 sun.li@example.com 设置新密码")
    shoot(page, "mail-reset")
    page.fill("#new_password", "short")
    page.fill("#confirm", "short")
    page.get_by_role("button", name="设置新密码").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("密码至少需要 10 个字符")
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.get_by_role("button", name="设置新密码").click()
    expect(page.locator(".alert-success")).to_contain_text("密码已重置")

    page.goto(link)  # used once: gone
    expect(page.locator(".alert-warning")).to_contain_text("该重置链接无效、已过期或已使用")
    _log_in(page, user.email, PASSWORD)
    expect(page.locator(".invalid-feedback")).to_contain_text("邮箱或密码错误")
    _log_in(page, user.email, NEW_PASSWORD)
    page.wait_for_url("**/me")
    expect(page.locator("nav")).to_contain_text("孙丽")


def test_notification_settings_and_the_grouped_list(page, make, smtp_inbox):
    user = make.user(email="zhou@example.com", name="周明")
    for i in range(3):
        notifications.notify(user, "match_push", f"新的匹配推荐：《导热膜》与需求 {i} 匹配度 6{i}%",
                             "/achievements/1/matches")
    notifications.notify(user, "deal_stage", "交易进展：已签约", "/deals/1")
    db.session.commit()
    _log_in(page, user.email, PASSWORD)
    page.goto("/notifications/")
    expect(page.locator(".notification-count")).to_have_text("3 条新的匹配推荐")
    shoot(page, "mail-notifications")
    page.get_by_role("link", name="通知设置").click()
    page.check("#kind-match_push")
    page.check("#frequency-immediate")
    shoot(page, "mail-settings")
    page.get_by_role("button", name="保存设置").click()
    expect(page.locator(".alert-success")).to_contain_text("通知设置已保存")
    expect(page.locator("#kind-match_push")).to_be_checked()
    expect(page.locator("#kind-deal_stage")).not_to_be_checked()
    notifications.notify(user, "match_push", "又一条匹配推荐", "/achievements/1/matches")
    db.session.commit()
    [message] = smtp_inbox.messages
    assert message["To"] == "zhou@example.com" and "又一条匹配推荐" in body_of(message)


def test_admin_outbox_shows_mail_text_not_html(page, app, make):
    admin = make.user(role="admin", email="admin@example.com")
    with app.app_context():
        mail.send("wu@example.com", "【易智】重置密码", "吴老师，您好：\n<img src=x>\n链接：http://localhost/x")
    _log_in(page, admin.email, PASSWORD)
    page.goto("/admin/outbox")
    expect(page.locator("#outbox")).to_contain_text("wu@example.com")
    shoot(page, "mail-outbox")
    page.get_by_role("link", name="【易智】重置密码").click()
    expect(page.locator("#mail-body")).to_contain_text("<img src=x>")  # shown as text
    assert page.locator("#mail-body img").count() == 0
    shoot(page, "mail-outbox-message")

"""揭榜挂帅 in a real browser: researcher applies through the pages, enterprise selects, researcher sees 已挂帅."""
import re

from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Application

from ..factories import PASSWORD
from .browser_support import log_out


def _login(page, user, next_url):
    page.goto(f"/login?next={next_url}")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def _logout(page):
    log_out(page)


def test_researcher_applies_and_enterprise_selects(page, live_server, app, make):
    owner = make.user("enterprise", name="华东散热科技")
    challenge = make.demand(owner=owner, challenge=True, title="高导热石墨烯散热膜揭榜")
    researcher = make.user("researcher", name="李研究员")
    challenge_id = challenge.id

    # The researcher finds the challenge on /challenges, logs in through the real form and applies.
    page.goto("/challenges")
    card = page.locator(".challenge-card", has_text="高导热石墨烯散热膜揭榜")
    expect(card).to_contain_text("100.00 万元")
    expect(card.locator(".applicant-count")).to_have_text("0")
    _login(page, researcher, f"/demands/{challenge_id}")
    page.get_by_role("link", name="我要揭榜").click()
    page.fill("#proposal", "采用 CVD 法制备大面积石墨烯薄膜<script>alert(1)</script>")
    page.fill("#team", "李研究员团队，8 人")
    page.fill("#plan", "3 个月小试，6 个月中试")
    page.fill("#quote", "85")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#application-status")).to_contain_text("已提交")
    expect(page.locator(".alert-success")).to_contain_text("揭榜申请已提交")
    _logout(page)

    # The enterprise closes applications early and selects the researcher (confirm dialogs are accepted).
    _login(page, owner, f"/challenges/{challenge_id}/manage")
    expect(page.locator("#applications")).to_contain_text("李研究员")
    page.get_by_role("button", name="提前截止").click()
    expect(page.locator("#challenge-status")).to_contain_text("评审中")
    page.get_by_role("button", name="选定挂帅").click()
    expect(page.locator(".alert-success")).to_contain_text("已选定揭榜方")
    expect(page.locator("#challenge-status")).to_contain_text("已挂帅")
    _logout(page)

    # The researcher sees 已挂帅 on the application and a notification.
    with app.app_context():
        app_id = db.session.scalar(db.select(Application.id).where(Application.demand_id == challenge_id))
    _login(page, researcher, f"/applications/{app_id}")
    expect(page.locator("#application-status")).to_contain_text("已挂帅")
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text("被选定挂帅")
    assert page.dialogs == ["确定提前截止征集？", "确定选定该团队挂帅？其余未处理的申请将被告知未入选。"]

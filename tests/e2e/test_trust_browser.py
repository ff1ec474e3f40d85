"""Trust and contact (#11) in Chromium: 我有相关成果 from a demand's page to the owner and the broker's leads,
收藏, the contact card, the home page's figures and 通知公告, and 成交公示 — with screenshots at 1366 and
390 px wide under tests/e2e/screenshots/ and no sideways scrolling on a phone."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Announcement, DemandResponse, Notification
from marketplace.timeutil import local_today

from .. import deals_support as ds
from .browser_support import log_in, shoot


def test_respond_to_a_demand_then_owner_and_broker_see_it(page, live_server, app, make):
    w = ds.world(make)
    w.achievement.contact_name, w.achievement.contact_phone = "张教授", "0571-88889999"
    db.session.commit()
    demand_url = f"/demands/{w.demand.id}"

    page.goto(f"/achievements/{w.achievement.id}")  # a visitor: no contact details
    expect(page.locator("#contact-card")).to_contain_text("登录后查看联系方式")

    log_in(page, w.researcher)
    page.goto(demand_url)
    page.locator("#respond-button").click()
    page.select_option("#achievement_id", str(w.achievement.id))
    page.fill("#message", "该成果导热系数达 1500 W/(m·K)，可提供样品")
    page.get_by_role("button", name="提交响应").click()
    page.wait_for_url(re.compile(rf"{demand_url}(#.*)?$"))
    expect(page.locator(".alert-success")).to_contain_text("已提交响应")
    expect(page.locator("#response-list")).to_contain_text(w.achievement.title)

    page.goto("/")  # a second response with the same achievement shows the first
    page.goto(f"{demand_url}/respond")
    page.select_option("#achievement_id", str(w.achievement.id))
    page.fill("#message", "再次提交")
    page.get_by_role("button", name="提交响应").click()
    page.wait_for_url(re.compile(rf"{demand_url}(#.*)?$"))
    expect(page.locator(".alert-info")).to_contain_text("已响应过该需求")
    db.session.expire_all()
    response = db.session.scalar(db.select(DemandResponse))
    assert db.session.query(DemandResponse).count() == 1

    log_in(page, w.enterprise)  # the owner: a notification and the response on the demand's page
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text(f"响应了您的需求《{w.demand.title}》")
    page.goto(demand_url)
    expect(page.locator(f"#response-{response.id}")).to_contain_text("可提供样品")
    shoot(page, "trust-demand-responses")
    page.goto(f"/achievements/{w.achievement.id}")
    expect(page.locator("#contact-card")).to_contain_text("0571-88889999")
    page.locator("#favourite-form button").click()
    expect(page.locator("#favourite-form button")).to_contain_text("已收藏")
    shoot(page, "trust-achievement")

    log_in(page, w.broker)  # the broker's lead queue
    page.goto("/deals/leads")
    lead = page.locator(f'[data-response="{response.id}"]')
    expect(lead).to_contain_text(w.demand.title)
    lead.get_by_role("button", name="关闭").click()
    expect(page.locator(".alert-success")).to_contain_text("响应已关闭")
    assert Notification.query.filter_by(user_id=w.researcher.id, kind="demand_response_closed").count() == 1


def test_home_page_and_public_deals(page, live_server, app, make):
    app.config.update(HOME_FIGURES_CACHE_SECONDS=0, OPERATOR_NAME="某区科技创新服务中心",
                      OPERATOR_PHONE="0571-88886666", ICP_NUMBER="浙ICP备12345678号-1")
    w = ds.world(make)
    make.demand(owner=w.enterprise, challenge=True, title="高导热散热膜揭榜挂帅")
    deal = ds.advance_to(ds.open_deal(w), "registered", w.broker)
    deal.signed_on = local_today() - timedelta(days=3)
    db.session.add(Announcement(title="关于开展 2026 年度技术合同认定登记工作的通知", body="请按时提交。",
                                published_on=local_today()))
    db.session.commit()

    page.goto("/")
    expect(page.locator("#figure-achievements")).to_have_text("1")
    expect(page.locator("#figure-bounty")).to_contain_text("100.00 万元")
    expect(page.locator("#figure-deals")).to_have_text("1")
    expect(page.locator("#home-announcements")).to_contain_text("技术合同认定登记")
    expect(page.locator("#site-footer")).to_contain_text("浙ICP备12345678号-1")
    shoot(page, "trust-home")
    page.locator("#home-announcements a", has_text="技术合同认定登记").click()
    expect(page.locator("#announcement")).to_contain_text("请按时提交")

    page.goto("/deals/public")
    expect(page.locator("#public-deals")).to_contain_text(w.achievement.title)
    expect(page.locator("#public-deals")).to_contain_text("100–500 万元")
    shoot(page, "trust-public-deals")

    log_in(page, w.researcher)  # the supplier opts out: the deal leaves the public page
    page.goto(f"/deals/{deal.id}")
    page.locator("#public-optout input[type=checkbox]").check()
    page.locator("#public-optout").get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("不在成交公示中展示")
    page.goto("/deals/public")
    expect(page.locator("#public-deals-empty")).to_be_visible()

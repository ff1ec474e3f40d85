"""A deal from an enterprise's enquiry to commercialized, through the real pages in Chromium."""
from marketplace.extensions import db
from marketplace.models import Deal, Enquiry, Notification

from ..deals_support import world
from .browser_support import log_in


def submit_stage(page, fields, button_text):
    for selector, value in fields.items():
        if selector.startswith("select"):
            page.select_option(selector.split(":", 1)[1], value)
        else:
            page.fill(selector, value)
    page.get_by_role("button", name=button_text).click()
    page.wait_for_load_state()


def test_enquiry_to_commercialized_through_the_pages(page, live_server, app, make):
    w = world(make)
    achievement_url = f"/achievements/{w.achievement.id}"

    # The enterprise sends its enquiry from the achievement's page.
    log_in(page, w.enterprise)
    page.goto(achievement_url)
    page.get_by_role("link", name="提交合作意向").click()
    page.select_option("#mode", "合作开发")
    page.fill("#message", "我公司希望联合开发散热模组<script>alert(1)</script>")
    page.get_by_role("button", name="提交意向").click()
    page.wait_for_url(f"**{achievement_url}")
    assert "合作意向已提交" in page.content()
    db.session.expire_all()
    enquiry = db.session.scalar(db.select(Enquiry))
    assert enquiry.status == "open"
    assert Notification.query.filter_by(user_id=w.researcher.id, kind="enquiry_received").count() == 1

    # The broker picks the lead from the queue and opens the deal.
    log_in(page, w.broker)
    page.goto("/deals/leads")
    lead = page.locator(f'[data-enquiry="{enquiry.id}"]')
    assert "<script>" in lead.inner_text()  # shown as text, not run
    lead.get_by_role("link", name="立项").click()
    page.get_by_role("button", name="确认立项").click()
    page.wait_for_url("**/deals/*")
    assert page.locator("#deal-stage").inner_text().strip() == "洽谈中"
    deal_url = page.url

    # A stage asks for its values: an empty submit re-renders with errors in Chinese.
    page.get_by_role("button", name="确认进入「已签约」").click()
    assert "请填写合同金额" in page.content() and "请选择合同类型" in page.content()
    submit_stage(page, {"select:#contract_type": "技术开发", "#amount": "88.80", "#signed_on": "2024-03-01"},
                 "确认进入「已签约」")
    assert page.locator("#deal-stage").inner_text().strip() == "已签约"
    assert "88.80 万元" in page.locator("#deal-amount").inner_text()
    submit_stage(page, {"#registration_no": "2024440100000777", "#registered_on": "2024-03-20"},
                 "确认进入「已认定登记」")
    submit_stage(page, {"#note": "样机与工艺文件已交付"}, "确认进入「交付中」")
    submit_stage(page, {"#note": "散热模组已量产"}, "确认进入「已转化」")
    assert page.locator("#deal-stage").inner_text().strip() == "已转化"
    assert page.locator("#advance").count() == 0 and page.locator("#terminate").count() == 0

    # The buyer sees the deal on its own page and the whole timeline.
    log_in(page, w.buyer_colleague)
    assert page.locator(f'#my-deals a[href$="{deal_url.rsplit("/", 1)[1]}"]').count() == 1
    page.goto(deal_url)
    assert page.locator("#timeline li").count() == 5
    assert "已转化" in page.locator("#timeline").inner_text()
    assert page.dialogs == []

    db.session.expire_all()
    deal = db.session.scalar(db.select(Deal))
    assert (deal.stage, str(deal.amount), deal.enquiry_id) == ("commercialized", "88.80", enquiry.id)
    assert db.session.get(Enquiry, enquiry.id).status == "converted"

    # Someone unrelated gets a 404.
    log_in(page, w.other_enterprise)
    assert page.goto(deal_url).status == 404

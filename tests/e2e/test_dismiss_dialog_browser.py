"""Dismissing a proposal in Chromium (issue #15): the pairings page's rows carry only a link; with JavaScript it
opens the page's one <dialog> (static/js/dismiss.js), without it the link leads to the dismiss page. Screenshots at
1366 and 390 px wide are saved under tests/e2e/screenshots/; at 390 px nothing may scroll sideways."""

from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Match

from .browser_support import log_in, shoot

DISMISSED = "已忽略该推荐，今后不再推荐此配对"


def pairings(make):
    """A demand with two proposals, 散热成果甲 first (stronger), 散热成果乙 second."""
    need = make.demand(title="寻求电子设备散热方案")
    first = make.match(need, make.achievement(title="散热成果甲：石墨烯导热膜"), score=0.97)
    second = make.match(need, make.achievement(title="散热成果乙：均热板模组"), score=0.96)
    return need, first, second


def status(match):
    db.session.expire_all()
    return db.session.get(Match, match.id).status


def test_the_dialog_dismisses_the_clicked_row_and_cancel_posts_nothing(page, make):
    need, first, second = pairings(make)
    log_in(page, make.user("broker"))
    page.goto(f"/demands/{need.id}/matches")
    rows = page.locator("#proposals .list-group-item")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("散热成果乙")
    dialog = page.locator("#dismiss-dialog")
    expect(dialog).to_be_hidden()

    # 取消 closes the dialog; nothing is posted
    rows.nth(1).get_by_role("link", name="不感兴趣").click()
    expect(dialog).to_be_visible()
    page.select_option("#dismiss-reason", "条件不符")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    assert page.url.endswith(f"/demands/{need.id}/matches")
    assert (status(first), status(second)) == ("proposed", "proposed")

    # the dialog opens afresh (the reason chosen before is gone) and posts to the clicked row's proposal
    rows.nth(1).get_by_role("link", name="不感兴趣").click()
    expect(dialog).to_be_visible()
    expect(page.locator("#dismiss-reason")).to_have_value("")
    expect(dialog.locator("[data-dismiss-subject]")).to_have_text("散热成果乙：均热板模组")
    assert page.locator("#dismiss-dialog form").get_attribute("action") == f"/matches/{second.id}/dismiss"
    page.select_option("#dismiss-reason", "其他")  # a note is then required before the browser submits
    expect(page.locator("#dismiss-note")).to_have_attribute("required", "")
    page.select_option("#dismiss-reason", "不相关")
    expect(page.locator("#dismiss-note")).not_to_have_attribute("required", "")
    shoot(page, "dismiss-dialog")
    dialog.get_by_role("button", name="确定").click()

    expect(page.locator(".alert-success")).to_contain_text(DISMISSED)
    assert page.url.endswith(f"/demands/{need.id}/matches")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("散热成果甲")
    assert (status(first), status(second)) == ("proposed", "dismissed")
    assert db.session.get(Match, second.id).dismiss_reason == "不相关"


def test_without_javascript_the_link_opens_the_dismiss_page(browser, live_server, make):
    need, first, second = pairings(make)
    owner = need.owner
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10000)
    try:
        log_in(page, owner)
        page.goto(f"/demands/{need.id}/matches")
        page.locator("#proposals .list-group-item").nth(1).get_by_role("link", name="不感兴趣").click()
        page.wait_for_url(lambda url: f"/matches/{second.id}/dismiss?next=" in url)
        expect(page.locator("h1")).to_have_text("忽略推荐")
        expect(page.locator("#dismiss-proposal")).to_contain_text("散热成果乙")
        shoot(page, "dismiss-page")
        page.select_option("#dismiss-reason", "已合作")
        page.fill("#dismiss-note", "已在洽谈")
        page.get_by_role("button", name="确定忽略").click()
        page.wait_for_url(f"**/demands/{need.id}/matches")
        expect(page.locator(".alert-success")).to_contain_text(DISMISSED)
        expect(page.locator("#proposals .list-group-item")).to_have_count(1)
        assert (status(first), status(second)) == ("proposed", "dismissed")

        page.goto(f"/matches/{second.id}/dismiss")  # once dismissed: a message, no form
        expect(page.locator("#dismiss-closed")).to_contain_text("该推荐已被忽略")
        expect(page.locator("form[data-dismiss-form]")).to_have_count(0)
    finally:
        context.close()


def test_the_workbench_dialog_names_both_sides_and_returns_to_the_same_page(page, make):
    need, first, second = pairings(make)
    log_in(page, make.user("broker"))
    page.goto("/matching/workbench?page=1")
    row = page.locator("#workbench tbody tr", has_text="散热成果乙")
    row.get_by_role("link", name="忽略").click()
    dialog = page.locator("#dismiss-dialog")
    expect(dialog.locator("[data-dismiss-subject]")).to_have_text("寻求电子设备散热方案 ↔ 散热成果乙：均热板模组")
    page.select_option("#dismiss-reason", "条件不符")
    dialog.get_by_role("button", name="确定").click()
    expect(page.locator(".alert-success")).to_contain_text(DISMISSED)
    assert page.url.endswith("/matching/workbench?page=1")
    expect(page.locator("#workbench tbody tr", has_text="散热成果乙")).to_have_count(0)
    expect(page.locator("#workbench tbody tr", has_text="散热成果甲")).to_have_count(1)
    assert (status(first), status(second)) == ("proposed", "dismissed")

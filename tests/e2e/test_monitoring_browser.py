"""Monitoring in Chromium on the demo's four quarters: the report with its 五色图 tile map, the league with its
arrows, a unit's rank chart; a liaison sees the league and their own unit only. Screenshots at 1366 and 390 px
go to $MONITORING_SHOTS when set (looked at by hand)."""
import os

from playwright.sync_api import expect

from marketplace.monitoring import demo, snapshots
from marketplace.units import ensure_units, unit_by_name
from .browser_support import log_in

SHOTS = os.environ.get("MONITORING_SHOTS")


def shoot(page, name):
    if SHOTS:
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})


def test_report_map_league_and_liaison(page, app, make, db):
    ensure_units()
    demo.seed()
    db.session.commit()
    latest = snapshots.all_snapshots("quarter")[0]
    report = snapshots.report(latest)
    first = report["units"][0]
    log_in(page, make.user("admin").email)

    page.goto(f"/monitoring/reports/{latest.period}")
    tiles = page.locator("svg.mon-map a.mon-tile")
    expect(tiles).to_have_count(14)
    tile = page.locator(f"svg.mon-map a[data-unit='{first['unit']}']")
    assert f"第 {first['rank']} 名" in tile.locator("title").text_content()
    assert tile.get_attribute("data-colour") == first["colour"]
    tile.focus()
    page.keyboard.press("Enter")  # keyboard or tap: jump to the unit's figures in the list beside the map
    page.wait_for_url(f"**#unit-{first['unit_id']}")
    expect(page.locator(f"#unit-{first['unit_id']}")).to_contain_text(first["level"])
    expect(page.locator("#legend li")).to_have_count(5)
    expect(page.locator("#report-table tbody tr")).to_have_count(14)
    expect(page.locator("#report-table tbody tr").first).to_contain_text(first["unit"])
    assert page.locator("#report-table .mon-up").count() + page.locator("#report-table .mon-down").count() > 0
    shoot(page, "report")

    page.select_option("#rule", "bands")
    page.click("#five-colour form button[type=submit]")
    expect(page.locator("#legend")).to_contain_text("总完成率")

    page.goto("/monitoring/league")
    expect(page.locator("#league-table tbody tr")).to_have_count(14)
    expect(page.locator("#league-table")).to_contain_text("进")
    shoot(page, "league")

    cangqian = unit_by_name("仓前街道")
    page.goto(f"/monitoring/units/{cangqian.id}")
    expect(page.locator(".mon-chart circle")).to_have_count(4)
    expect(page.locator("#rank-series tbody tr")).to_have_count(4)
    shoot(page, "unit")

    page.goto("/monitoring/admin/indicators")
    page.click("#indicator-list a >> nth=0")
    page.fill(f"#target-{cangqian.id}", "abc")
    page.click("#save-targets")
    expect(page.locator("#target-table .invalid-feedback")).to_contain_text("必须是数字")
    expect(page.locator("#f-name")).to_have_value("研发经费投入")  # the indicator's own form keeps its values
    shoot(page, "indicator")
    page.goto(f"/monitoring/admin/reported?period={latest.period}")
    expect(page.locator("#reported-grid tbody tr")).to_have_count(14)
    shoot(page, "reported")

    log_in(page, "liaison@yizhi.demo", "Demo-yizhi-2026")  # logs the admin out first
    page.click("text=创新监测")
    expect(page.locator("#league-table .badge")).to_have_text("本单位")
    page.click("#league-table tr.table-primary a")
    expect(page.locator("#unit-indicators tbody tr")).to_have_count(len(demo.CATALOGUE))
    response = page.goto(f"/monitoring/reports/{latest.period}")
    assert response.status == 403

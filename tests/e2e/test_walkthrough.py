"""A walkthrough of every role over the demo data (`flask seed-demo`), in Chromium at 1366 px and 390 px.

Each role logs in through the real form and opens its main pages. On every page: no server error, no raw
English identifier in the visible text (TELL_TALES), no horizontal overflow of the document. A full-page
screenshot of each page at both widths is saved under tests/e2e/screenshots/walkthrough/ (the folder the
browser tests write to; it is git-ignored and stays in the CI workspace after `make test`).
"""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Achievement, Deal, Demand, User

from .browser_support import log_out

SHOTS = Path(__file__).parent / "screenshots" / "walkthrough"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
DEMO_PASSWORD = "Demo-yizhi-2026"
# Raw identifiers that leak when a template prints a state, a Python value or a JS value instead of its label.
TELL_TALES = ("in_progress", "submitted", "shortlisted", "selected", "declined", "withdrawn", "draft", "pending",
              "published", "rejected", "archived", "reviewing", "awarded", "completed", "unclaimed", "cancelled",
              "negotiating", "contract_signed", "registered", "delivering", "commercialized", "terminated",
              "planned", "accepted", "proposed", "dismissed", "converted", "succeeded", "failed", "queued",
              "None", "True", "False", "null", "undefined", "NaN", "Traceback", "KeyError")
TELL_TALE = re.compile(r"(?<![\w@.-])(" + "|".join(TELL_TALES) + r")(?![\w@-])")


def _first(model, *where):
    return db.session.scalars(db.select(model).where(*where).order_by(model.id)).first()


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    user = {u.email.split("@")[0]: u for u in db.session.scalars(db.select(User)).all()}
    researcher, enterprise = user["researcher1"], user["enterprise1"]
    achievement = _first(Achievement, Achievement.status == "published")
    own_achievement = _first(Achievement, Achievement.owner_id == researcher.id, Achievement.status == "published")
    challenge = _first(Demand, Demand.is_challenge.is_(True), Demand.status == "published")
    own_challenge = _first(Demand, Demand.is_challenge.is_(True), Demand.owner_id == enterprise.id)
    demand = _first(Demand, Demand.is_challenge.is_(False), Demand.status == "published")
    deal = _first(Deal, Deal.broker_id == user["broker"].id)
    return {
        "visitor": (None, ["/", "/achievements", "/demands", "/challenges", "/search?q=电池",
                           f"/achievements/{achievement.id}", f"/demands/{challenge.id}", f"/demands/{demand.id}",
                           "/login", "/register"]),
        "researcher": (researcher.email, ["/me", "/notifications/", "/achievements/new",
                                          f"/achievements/{own_achievement.id}",
                                          f"/achievements/{own_achievement.id}/matches",
                                          f"/challenges/{challenge.id}/apply"]),
        "enterprise": (enterprise.email, ["/me", "/notifications/", "/demands/new",
                                          f"/challenges/{own_challenge.id}/manage",
                                          f"/achievements/{achievement.id}"]),
        "broker": (user["broker"].email, ["/me", "/deals/board", "/deals/leads", "/matching/workbench",
                                          f"/deals/{deal.id}", "/challenges/admin"]),
        "admin": (user["admin"].email, ["/me", "/admin/", "/admin/review", "/admin/organizations", "/admin/users",
                                        "/admin/import", "/challenges/admin", f"/challenges/admin/{challenge.id}",
                                        "/deals/figures", "/deals/board"]),
    }


def _log_in(page, email):
    log_out(page)
    if email is None:
        return
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me")


def _overflow(page):
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def _shot_name(role, url, label):
    slug = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
    return SHOTS / f"{role}-{slug}-{label}.png"


def test_every_role_walks_its_main_pages_at_desktop_and_phone_width(page, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for role, (email, urls) in demo.items():
        page.set_viewport_size({"width": 1366, "height": 900})
        _log_in(page, email)
        for url in urls:
            page.set_viewport_size({"width": 1366, "height": 900})
            response = page.goto(url)
            if response.status >= 400:
                problems.append(f"{role} {url}: HTTP {response.status}")
                continue
            text = page.locator("body").inner_text()
            leaked = sorted(set(TELL_TALE.findall(text)))
            if leaked:
                problems.append(f"{role} {url}: English identifiers {leaked}")
            for label, (width, height) in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                if _overflow(page) > 1:
                    problems.append(f"{role} {url} at {width}px: {_overflow(page)}px of horizontal overflow")
                page.screenshot(path=str(_shot_name(role, url, label)), full_page=True)
    assert problems == []


def test_deal_board_shows_every_stage_without_clipping(page, live_server, demo):
    _log_in(page, demo["broker"][0])
    page.goto("/deals/board")
    for width, height in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": height})
        columns = page.locator(".kanban-col")
        expect(columns).to_have_count(6)
        boxes = [columns.nth(i).bounding_box() for i in range(6)]
        assert all(box["x"] >= 0 and box["x"] + box["width"] <= width + 1 for box in boxes), (width, boxes)
        if width < 576:  # a phone: one column under another, and the stage buttons jump to each
            assert len({round(box["x"]) for box in boxes}) == 1
            page.locator(".kanban-stages a[href='#stage-terminated']").click()
            expect(page.locator("#stage-terminated")).to_be_in_viewport()
        else:  # a desktop: every stage side by side
            assert len({round(box["y"]) for box in boxes}) == 1


def test_pages_use_the_chinese_font_stack(page, live_server):
    page.goto("/")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith('"PingFang SC"') and "WenQuanYi Micro Hei" in family


def test_figures_labels_are_readable_on_a_phone(page, live_server, demo):
    _log_in(page, demo["admin"][0])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/deals/figures")
    heights = page.evaluate("Array.from(document.querySelectorAll('.bar-chart svg text'))"
                            ".map(t => t.getBoundingClientRect().height)")
    assert heights and min(heights) >= 11  # px; the old 620-unit drawing squeezed 13-unit labels to ~7 px
    captions = page.locator(".bar-chart figcaption").all_inner_texts()
    assert all(re.search(r"（(笔|万元|天)）$", c) for c in captions) and len(captions) == 5
    months = page.evaluate("Array.from(document.querySelectorAll('#chart-by-month g.bar text:first-child'))"
                           ".map(t => t.textContent)")
    assert months and months == sorted(months)

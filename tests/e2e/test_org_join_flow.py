"""Joining an organization through the real pages in Chromium: register into an existing university,
wait (no deal visible), the university's org admin approves on /org/members, then the member sees the deal.

Screenshots at 1366 and 390 px wide are saved under tests/e2e/screenshots/.
"""

from marketplace.extensions import db
from marketplace.models import User

from .. import deals_support as ds
from .browser_support import log_in, shoot
from ..factories import PASSWORD

NEW_PASSWORD = "long-enough-1"


def test_register_into_an_org_then_its_admin_approves_then_the_deal_is_visible(page, live_server, app, make):
    w = ds.world(make)
    w.researcher.is_org_admin = True
    db.session.commit()
    deal = ds.advance_to(ds.open_deal(w), "contract_signed", w.broker)
    university = w.researcher.organization

    # A newcomer registers into the existing university: a request, nothing more.
    page.goto("/register")
    page.check("input[name=role][value=researcher]")
    page.fill("#name", "郑新")
    page.fill("#email", "newcomer@example.com")
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.check("input[name=org_mode][value=existing]")
    page.select_option("#org_id", str(university.id))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me")
    assert "加入申请待审核" in page.locator("#join-state").inner_text()
    shoot(page, "org-join-1-pending")
    response = page.goto(f"/deals/{deal.id}")
    assert response.status == 404

    # The university's org admin approves on /org/members.
    log_in(page, w.researcher.email, PASSWORD)
    page.get_by_role("link", name="成员管理").click()
    page.wait_for_url("**/org/members")
    request_box = page.locator(".join-request", has_text="newcomer@example.com")
    assert request_box.count() == 1
    shoot(page, "org-join-2-org-admin")
    request_box.get_by_role("button", name="通过").click()
    page.wait_for_url("**/org/members")
    assert "已通过 郑新 的加入申请" in page.content()

    # Now a member: the deal and its amount show.
    log_in(page, "newcomer@example.com", NEW_PASSWORD)
    assert page.locator("#join-state").count() == 0
    page.goto(f"/deals/{deal.id}")
    assert "120.50 万元" in page.locator("#deal-amount").inner_text()
    shoot(page, "org-join-3-member-sees-deal")
    assert page.dialogs == []

    db.session.expire_all()
    joiner = db.session.scalar(db.select(User).where(User.email == "newcomer@example.com"))
    assert joiner.organization_id == university.id

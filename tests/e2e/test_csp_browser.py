"""The Content-Security-Policy in Chromium: every role's main pages load without a single violation (the
`page` fixture fails a test on any "Content Security Policy" console message), and the behaviours that
used to be inline script (confirm prompts, the registration form's organisation list) still work."""
from playwright.sync_api import expect

from marketplace.models import User

from ..deals_support import make_match, open_deal, world
from ..factories import PASSWORD

PUBLIC = ["/", "/achievements", "/demands", "/challenges", "/search?q=石墨烯", "/login", "/register"]
MINE = ["/me", "/notifications/", "/matching/subscriptions", "/org", "/account/password"]


def _login(page, user):
    page.context.clear_cookies()  # a fresh session for each user
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(lambda url: "/login" not in url)


def _visit_all(page, urls):
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        assert response.headers["content-security-policy"].startswith("default-src 'self'"), url
        page.wait_for_load_state("load")
    assert page.csp_violations == []


def test_main_pages_of_every_role_load_without_csp_violations(page, make):
    w = world(make)
    challenge = make.demand(owner=w.enterprise, challenge=True, title="石墨烯散热膜揭榜")
    pending = make.achievement(owner=w.researcher, status="pending")
    draft = make.achievement(owner=w.researcher, status="draft")
    match = make_match(w)
    deal = open_deal(w)
    listing = f"/achievements/{w.achievement.id}"

    _visit_all(page, PUBLIC + [listing, f"/demands/{w.demand.id}", f"/demands/{challenge.id}",
                               f"/orgs/{w.researcher.organization_id}"])
    _login(page, w.researcher)
    _visit_all(page, MINE + [listing, f"/achievements/{draft.id}/edit", f"{listing}/matches", "/achievements/new",
                             f"/challenges/{challenge.id}/apply"])
    _login(page, w.enterprise)
    _visit_all(page, MINE + [f"/challenges/{challenge.id}/manage", f"/demands/{w.demand.id}/matches",
                             "/demands/new", f"/achievements/{w.achievement.id}/enquire", f"/deals/{deal.id}"])
    _login(page, w.broker)
    _visit_all(page, ["/deals/board", "/deals/leads", f"/deals/{deal.id}",
                      "/matching/workbench", f"/deals/new?match_id={match.id}"])
    _login(page, w.admin)
    _visit_all(page, ["/admin/", "/admin/review", f"/admin/review/achievement/{pending.id}",
                      "/admin/organizations", "/admin/users", "/admin/import", "/challenges/admin",
                      f"/challenges/admin/{challenge.id}", "/deals/figures"])
    # The navbar's collapse (Bootstrap's JS) works under the policy too.
    page.set_viewport_size({"width": 500, "height": 800})
    page.locator(".navbar-toggler").click()
    expect(page.locator("#nav")).to_be_visible()


def test_the_listener_sees_a_violation(page, live_server):
    """The guard itself: an inline script added to a page is refused and reported."""
    page.goto("/")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("""() => { const s = document.createElement('script');
                                 s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }""")
    assert page.evaluate("() => window.__ran === undefined")
    assert len(page.csp_violations) == 1
    page.csp_violations.clear()


def test_confirm_prompt_guards_a_form_and_cancel_keeps_the_state(browser, live_server, make, db):
    admin = make.user("admin")
    target = make.user("researcher", name="待停用用户")
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    answers, prompts = [False, True], []

    def answer(dialog):
        prompts.append(dialog.message)
        dialog.accept() if answers.pop(0) else dialog.dismiss()

    page.on("dialog", answer)
    _login(page, admin)
    page.goto("/admin/users")
    row = page.locator("tr", has_text="待停用用户")
    row.get_by_role("button", name="停用").click()  # dismissed: nothing is sent
    page.goto("/admin/users")
    db.session.expire_all()
    assert db.session.get(User, target.id).active
    row.get_by_role("button", name="停用").click()  # accepted
    expect(page.locator("tr", has_text="待停用用户")).to_contain_text("已停用")
    db.session.expire_all()
    assert not db.session.get(User, target.id).active
    assert prompts == ["确定停用该账号？", "确定停用该账号？"]
    context.close()


def test_register_form_lists_the_organisations_of_the_chosen_role(page, make):
    make.organization(name="测试大学", kind="university")
    make.organization(name="测试企业", kind="enterprise")
    page.goto("/register")
    page.check("input[name=role][value=researcher]")
    expect(page.locator("#org_id")).to_contain_text("测试大学")
    expect(page.locator("#org_id")).not_to_contain_text("测试企业")
    page.check("input[name=role][value=enterprise]")
    expect(page.locator("#org_id")).to_contain_text("测试企业")
    expect(page.locator("#org_id")).not_to_contain_text("测试大学")
    expect(page.locator("#org-new")).to_be_hidden()
    page.check("input[name=org_mode][value=new]")
    expect(page.locator("#org-new")).to_be_visible()
    expect(page.locator("#org-existing")).to_be_hidden()
    assert page.csp_violations == []

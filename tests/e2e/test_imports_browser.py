"""The admin import page in Chromium: the XHR upload, the streamed progress bar and the report."""
from tests.factories import PASSWORD

from marketplace.models import Achievement

SCRIPT = "<script>alert(1)</script>"


def log_in(page, user):
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_import_page_streams_progress_and_reports(page, make, db, tmp_path):
    log_in(page, make.user("admin"))
    good = tmp_path / "good.csv"
    good.write_text("成果名称,成果简介\n" + "".join(f"成果{i},简介{i}\n" for i in range(300)), encoding="utf-8-sig")
    page.goto("/admin/import")
    page.set_input_files("#file", str(good))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-result .alert-success")
    assert "已导入 300 条" in page.inner_text("#import-result")
    assert page.get_attribute("#import-bar", "style") == "width: 100%;"
    assert db.session.query(Achievement).filter_by(status="pending").count() == 300

    bad = tmp_path / "bad.csv"
    bad.write_text(f'title,summary,modes\n"{SCRIPT}",简介,"{SCRIPT}"\n', encoding="utf-8")
    page.set_input_files("#file", str(bad))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-result table")
    assert page.inner_text("#import-result td:nth-child(3)") == f"交易方式无效：{SCRIPT}；可选：转让、许可、作价入股、合作开发、技术服务"
    assert page.locator("#import-result script").count() == 0 and page.dialogs == []
    assert db.session.query(Achievement).count() == 300

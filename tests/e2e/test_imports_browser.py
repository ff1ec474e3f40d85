"""The admin import page in Chromium: the upload becomes a queued job, the job page polls its status URL while
a real worker (`flask worker`) runs it, and the report appears; hostile cells stay text."""
from playwright.sync_api import expect

from marketplace.models import Achievement, ImportJob
from tests.queue_support import running_worker, use_real_queue
from .browser_support import log_in

SCRIPT = "<script>alert(1)</script>"
WAIT = 120_000  # ms: generous for a loaded machine; expect() returns as soon as the state is there


def submit(page, path):
    page.goto("/admin/import")
    page.set_input_files("#file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_url("**/admin/import/jobs/*")


def test_import_job_page_polls_until_the_report_shows(page, app, make, db, tmp_path):
    use_real_queue(app, tmp_path / "huey.db")
    log_in(page, make.user("admin"))
    good = tmp_path / "good.csv"
    good.write_text("成果名称,成果简介\n" + "".join(f"成果{i},简介{i}\n" for i in range(300)), encoding="utf-8-sig")
    submit(page, good)
    expect(page.locator("#import-phase")).to_contain_text("排队中")  # no worker yet: the page polls a queued job
    assert page.locator("#import-refresh a").count() == 1

    with running_worker(app, tmp_path / "worker.log"):
        expect(page.locator("#import-result .alert-success")).to_contain_text("已导入 300 条", timeout=WAIT)
        assert page.get_attribute("#import-job", "data-finished") == "true"
        assert page.eval_on_selector("#import-bar", "bar => bar.value === bar.max")
        assert page.locator("#import-refresh").count() == 0
        assert db.session.query(Achievement).filter_by(status="pending").count() == 300

        bad = tmp_path / "bad.csv"
        bad.write_text(f'title,summary,modes\n"{SCRIPT}",简介,"{SCRIPT}"\n', encoding="utf-8")
        submit(page, bad)
        expect(page.locator("#import-result table")).to_be_visible(timeout=WAIT)
    assert page.inner_text("#import-result td:nth-child(3)") == \
        f"交易方式无效：{SCRIPT}；可选：转让、许可、作价入股、合作开发、技术服务"
    assert "1 处错误，未导入任何数据（共 1 行）" in page.inner_text("#import-result .alert-danger")
    assert page.locator("#import-result script").count() == 0 and page.dialogs == []
    db.session.expire_all()
    assert db.session.query(Achievement).count() == 300
    assert [j.status for j in db.session.query(ImportJob).order_by(ImportJob.id)] == ["succeeded", "failed"]

    page.goto("/admin/import")  # the recent jobs, newest first
    expect(page.locator("#import-jobs tbody tr")).to_have_count(2)
    assert page.inner_text("#import-jobs tbody tr:first-child td:nth-child(4)") == "失败"

"""/admin/import: authorization per role, the job it creates (run at once: Huey's immediate mode under
TESTING), the job page and its JSON status, duplicate files, hostile cells."""
import io
import re
from datetime import timedelta

import pytest

from marketplace.imports.jobs import run_job, settle_stale_jobs
from marketplace.matching import index
from marketplace.models import Achievement, Demand, ImportJob, IndexOutbox
from marketplace.timeutil import utcnow

URL = "/admin/import"
ACHIEVEMENTS = "成果名称,成果简介,技术领域\n成果一,简介一,新材料\n成果二,简介二,新能源\n".encode("utf-8-sig")


def upload(client, data, name="a.csv", kind="achievements", publish=False, org="", confirm=False, follow=True):
    form = {"kind": kind, "file": (io.BytesIO(data), name), "org": org}
    if publish:
        form["publish"] = "y"
    if confirm:
        form["confirm_duplicate"] = "y"
    return client.post(URL, data=form, content_type="multipart/form-data", follow_redirects=follow)


def latest_job(db):
    db.session.expire_all()
    return db.session.query(ImportJob).order_by(ImportJob.id.desc()).first()


def test_visitor_is_sent_to_login(client):
    for response in (client.get(URL), upload(client, b"title,summary\na,b\n", follow=False),
                     client.get(f"{URL}/jobs/1"), client.get(f"{URL}/jobs/1/status")):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["researcher", "enterprise", "broker"])
def test_other_roles_are_forbidden(client, db, make, login, role):
    login(make.user(role))
    assert client.get(URL).status_code == 403
    assert upload(client, b"title,summary\na,b\n").status_code == 403
    assert client.get(f"{URL}/jobs/1").status_code == 403 and client.get(f"{URL}/jobs/1/status").status_code == 403
    assert db.session.query(Achievement).count() == 0 and db.session.query(ImportJob).count() == 0


def test_admin_sees_the_form_with_both_header_sets(client, make, login):
    login(make.user("admin"))
    response = client.get(URL)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page and "imports.js" in page and "还没有导入记录" in page
    assert "成果名称" in page and "<code>patent_no</code>" in page and "悬赏金额(万元)" in page


def test_upload_creates_a_job_that_imports_and_reports(client, db, make, login):
    admin = login(make.user("admin"))
    response = upload(client, ACHIEVEMENTS, publish=True, org="上海交通大学", follow=False)
    job = latest_job(db)
    assert response.status_code == 303 and response.headers["Location"] == f"{URL}/jobs/{job.id}"
    assert (job.status, job.phase, job.done, job.total, job.created_by_id) == ("succeeded", "done", 2, 2, admin.id)
    assert job.upload is None and job.finished_at is not None and len(job.checksum) == 64
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已导入 2 条，均已发布" in page and 'data-finished="true"' in page and "刷新" not in page
    items = db.session.query(Achievement).all()
    assert {(a.status, a.owner_id, a.organization.name) for a in items} == {("published", admin.id, "上海交通大学")}
    # The follow-up work ran on the queue too: the index has them, nothing is left in the outbox.
    assert db.session.query(IndexOutbox).count() == 0
    with index.get_index().searcher() as searcher:
        assert {f["key"] for f in searcher.all_stored_fields()} == {f"achievement:{a.id}" for a in items}
    listed = client.get(URL).get_data(as_text=True)
    assert f'href="/admin/import/jobs/{job.id}">#{job.id}</a>' in listed and "已完成" in listed


def test_status_json_shape(client, db, make, login):
    login(make.user("admin"))
    upload(client, ACHIEVEMENTS)
    job = latest_job(db)
    response = client.get(f"{URL}/jobs/{job.id}/status")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    state = response.json["job"]
    assert {k: state[k] for k in ("id", "kind", "filename", "publish", "status", "status_label", "phase", "done",
                                  "total", "finished", "message")} == {
        "id": job.id, "kind": "achievement", "filename": "a.csv", "publish": False, "status": "succeeded",
        "status_label": "已完成", "phase": "done", "done": 2, "total": 2, "finished": True, "message": None}
    assert state["report"] == {"kind": "achievement", "total": 2, "created": 2, "published": False,
                               "new_organizations": [], "errors": []}
    assert state["created_at"].endswith("Z") and state["finished_at"].endswith("Z")
    assert client.get(f"{URL}/jobs/999999/status").status_code == 404
    assert client.get(f"{URL}/jobs/999999").status_code == 404


def test_bad_rows_fail_the_job_with_row_numbered_errors_and_write_nothing(client, db, make, login):
    login(make.user("admin"))
    data = "需求名称,需求描述,是否揭榜挂帅\n好需求,描述,否\n,描述,否\n揭榜,描述,是\n".encode()
    page = upload(client, data, kind="demands").get_data(as_text=True)
    assert "3 处错误，未导入任何数据（共 3 行）" in page
    assert "<td>3</td><td>需求名称 / title</td><td>请填写需求名称</td>" in page
    assert "<td>4</td><td>悬赏金额(万元) / bounty</td><td>揭榜挂帅需填写悬赏金额</td>" in page
    job = latest_job(db)
    assert (job.status, job.phase, job.done, job.total) == ("failed", "validate", 3, 3)
    errors = client.get(f"{URL}/jobs/{job.id}/status").json["job"]["report"]["errors"]
    assert errors[0] == {"row": 3, "column": "需求名称 / title", "message": "请填写需求名称"}
    assert db.session.query(Demand).count() == 0


def test_form_errors_rerender_in_chinese(client, db, make, login):
    login(make.user("admin"))
    response = client.post(URL, data={"kind": "achievements"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "请选择要上传的文件" in response.get_data(as_text=True)
    response = upload(client, b"x", name="a.xls")
    assert response.status_code == 400 and "只支持 .csv 和 .xlsx 文件" in response.get_data(as_text=True)
    assert db.session.query(ImportJob).count() == 0


def test_file_level_error_fails_the_job_with_its_message(client, db, make, login):
    login(make.user("admin"))
    page = upload(client, "名称,简介\n甲,乙\n".encode()).get_data(as_text=True)
    assert "缺少必需的列：成果名称 / title" in page
    job = latest_job(db)
    assert job.status == "failed" and job.phase == "read" and "缺少必需的列" in job.message


def test_the_same_file_again_is_refused_unless_confirmed(client, db, make, login):
    login(make.user("admin"))
    upload(client, ACHIEVEMENTS)
    first = latest_job(db)
    response = upload(client, ACHIEVEMENTS, name="renamed.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f"这个文件已经导入过：任务 #{first.id}（a.csv，" in page and "已完成，导入 2 条" in page
    assert 'name="confirm_duplicate"' in page
    assert db.session.query(ImportJob).count() == 1 and db.session.query(Achievement).count() == 2
    page = upload(client, ACHIEVEMENTS, name="renamed.csv", confirm=True).get_data(as_text=True)
    assert "已导入 2 条" in page and db.session.query(Achievement).count() == 4
    assert latest_job(db).checksum == first.checksum


def test_a_failed_file_may_be_uploaded_again(client, db, make, login):
    login(make.user("admin"))
    bad = "title,summary\n甲,\n".encode()
    upload(client, bad)
    response = upload(client, bad)
    assert response.status_code == 200 and db.session.query(ImportJob).filter_by(status="failed").count() == 2


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(client, db, make, login):
    login(make.user("admin"))
    upload(client, ACHIEVEMENTS)
    job = latest_job(db)
    run_job(job.id)
    assert db.session.query(Achievement).count() == 2


def test_a_job_left_running_by_a_stopped_worker_is_settled(app, db, make):
    admin = make.user("admin")
    old = utcnow() - timedelta(hours=2)
    jobs = [ImportJob(kind="achievement", filename=f"{phase}.csv", checksum="0" * 64, created_by_id=admin.id,
                      status="running", phase=phase, report={"created": 1}) for phase in ("validate", "index")]
    db.session.add_all(jobs)
    db.session.commit()
    db.session.execute(db.update(ImportJob).values(updated_at=old))
    db.session.commit()
    assert settle_stale_jobs() == 2
    db.session.expire_all()
    assert [(j.status, j.phase) for j in jobs] == [("failed", "validate"), ("succeeded", "done")]
    assert "任务中断" in jobs[0].message


def test_hostile_cells_come_back_escaped_on_the_report(client, db, make, login):
    login(make.user("admin"))
    script = "<script>alert(1)</script>"
    data = (f'title,summary,modes\n"{script}","<img src=x onerror=alert(1)>","{script}"\n').encode()
    page = upload(client, data).get_data(as_text=True)
    assert "交易方式无效：&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    data = f'title,summary,organization\n"{script}",简介,"<img src=x onerror=alert(1)>研究所"\n'.encode()
    page = upload(client, data).get_data(as_text=True)
    assert "新建已认证单位：&lt;img src=x onerror=alert(1)&gt;研究所" in page
    assert "<img src=x" not in page and not re.search(r"<script>alert", page)
    assert db.session.query(Achievement).one().title == script

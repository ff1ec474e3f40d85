"""The task queue for real: `flask worker` (a Huey consumer in its own process, SqliteHuey storage in a temp
dir) picks up an upload of /admin/import and runs it — import, index, proposals, push — to the end."""
import io

import pytest

from marketplace import create_app, tasks
from marketplace.extensions import db
from marketplace.models import Achievement, ImportJob, IndexOutbox, Match, Notification

from . import factories
from .databases import discard, fresh_uri
from .matching_support import index_keys, new_demand
from .queue_support import running_worker, wait_until

DEADLINE = 120  # seconds: a generous bound for a loaded machine; the loop ends as soon as the job does


@pytest.fixture
def queued_app(tmp_path):
    uri = fresh_uri(tmp_path)
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "testing",
                      "SQLALCHEMY_DATABASE_URI": uri, "INDEX_DIR": str(tmp_path / "index"),
                      "TASK_QUEUE_IMMEDIATE": False, "HUEY_FILE": str(tmp_path / "huey.db")})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()
    discard(uri)


def wait_for_job(job_id, worker, log_path):
    def finished():
        db.session.expire_all()
        return db.session.get(ImportJob, job_id).finished

    wait_until(finished, worker, log_path, DEADLINE)
    return db.session.get(ImportJob, job_id)


def test_a_real_consumer_imports_an_upload(queued_app, tmp_path):
    app = queued_app
    assert not tasks.huey.immediate and tasks.huey.storage.filename == app.config["HUEY_FILE"]
    admin = factories.user("admin")
    need = new_demand(title="寻求石墨烯散热膜", description="<p>电子设备需要高导热石墨烯散热膜</p>")
    rows = ["石墨烯导热膜,高导热石墨烯散热膜，用于电子设备散热,石墨烯、散热"] + \
           [f"成果{i},一种新型材料的制备方法{i},材料" for i in range(200)]
    data = ("title,summary,keywords\n" + "\n".join(rows) + "\n").encode()

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = admin.get_id(), True
    response = client.post("/admin/import", data={"kind": "achievements", "publish": "y",
                                                  "file": (io.BytesIO(data), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    job = db.session.get(ImportJob, job_id)
    assert job.status == "queued" and job.upload == data  # nothing ran in the request: no worker yet
    assert client.get(f"/admin/import/jobs/{job_id}/status").json["job"]["status"] == "queued"
    assert "刷新查看最新状态" in client.get(f"/admin/import/jobs/{job_id}").get_data(as_text=True)

    log_path = tmp_path / "worker.log"
    with running_worker(app, log_path) as worker:
        job = wait_for_job(job_id, worker, log_path)
    assert (job.status, job.report["created"], job.upload, job.message) == ("succeeded", 201, None, None)
    state = client.get(f"/admin/import/jobs/{job_id}/status").json["job"]
    assert state["finished"] and state["phase"] == "done" and state["done"] == state["total"] == 201
    items = db.session.query(Achievement).filter_by(status="published").all()
    assert len(items) == 201 and db.session.query(IndexOutbox).count() == 0
    assert {f"achievement:{a.id}" for a in items} <= index_keys()
    graphene = next(a for a in items if a.title == "石墨烯导热膜")
    assert db.session.query(Match).filter_by(demand_id=need.id, achievement_id=graphene.id).count() == 1
    assert db.session.query(Notification).filter_by(user_id=need.owner_id, kind="match_push").count() >= 1


def test_the_worker_refuses_immediate_mode(app):
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 1 and "立即执行模式" in result.output

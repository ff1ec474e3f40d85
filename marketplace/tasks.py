"""The background task queue: one Huey instance, configured from the Flask app, and every task.

Web requests never do long work themselves: they record what is to be done and enqueue a task here;
`flask --app wsgi worker` (started by `make run` next to the web server) runs the Huey consumer.

Storage (chosen by `init_app` from the app config, so the module can be imported before any app):
- default: SQLite, a file under instance/ (`HUEY_FILE`, env MARKETPLACE_HUEY_FILE) — no extra service;
- `TASK_QUEUE_URL=redis://...` (env MARKETPLACE_TASK_QUEUE_URL): Redis (needs `pip install redis`);
- `TASK_QUEUE_IMMEDIATE` (default: on when TESTING): tasks run at once in the caller's thread.

Every task runs in an app context of its own (its own DB session): the caller's app when enqueued in
immediate mode from a request, otherwise the app the worker was started with.
"""
import functools
import logging
import os

import click
from flask import current_app, has_app_context
from flask.cli import with_appcontext
from huey import Huey, RedisHuey, SqliteHuey, crontab

log = logging.getLogger(__name__)

# Immediate mode until init_app configures it: in-memory storage, nothing opened at import time.
# No result store: every outcome worth keeping is in the database (ImportJob), and periodic tasks' return
# values would otherwise pile up in the queue's storage.
huey = Huey("yizhi", immediate=True, results=False)
_app = None
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def init_app(app):
    """Point the queue at this app's storage; the app that the worker runs tasks in is the last one."""
    global _app
    config = app.config
    url = config.get("TASK_QUEUE_URL") or ""
    immediate = config.get("TASK_QUEUE_IMMEDIATE")
    config.setdefault("HUEY_WORKERS", 2)
    if url.startswith(REDIS_SCHEMES):
        huey.storage_class, huey.storage_kwargs = RedisHuey.storage_class, {"url": url}
    elif url:
        raise RuntimeError(f"TASK_QUEUE_URL must be a redis:// URL (or unset for SQLite), got {url!r}")
    else:
        filename = config.get("HUEY_FILE") or os.path.join(app.instance_path, "huey.db")
        huey.storage_class, huey.storage_kwargs = SqliteHuey.storage_class, {"filename": filename}
    huey._immediate = bool(app.testing if immediate is None else immediate)
    huey.storage = huey.create_storage()
    app.extensions["huey"] = huey
    _app = app


def _in_app_context(func):
    @functools.wraps(func)
    def run(*args, **kwargs):
        app = current_app._get_current_object() if has_app_context() else _app
        with app.app_context():
            return func(*args, **kwargs)

    return run


# ---------------------------------------------------------------- tasks

@huey.task()
@_in_app_context
def run_import(job_id):
    """Import an uploaded file (ImportJob): validate, insert all or nothing, then index and proposals."""
    from .imports.jobs import run_job

    run_job(job_id)


@huey.periodic_task(crontab(minute="0"))
@_in_app_context
def expire_challenges():
    """Hourly: record the close of applications of challenges past their deadline (reads show it already)."""
    from .challenges.services import expire_due_challenges

    moved = expire_due_challenges()
    if moved:
        log.info("closed %d challenges past their deadline", moved)
    return moved


@huey.task()
@_in_app_context
def apply_index_changes():
    """Right after a commit that queued index changes: index them, then proposals, push, notices."""
    from .matching import index

    return index.apply_outbox()


@huey.periodic_task(crontab(minute="*/5"))
@_in_app_context
def apply_index_outbox():
    """Every 5 minutes: apply index changes left over (a crash, a failed apply), then settle import jobs
    that a stopped worker left running."""
    from .imports.jobs import settle_stale_jobs
    from .matching import index

    applied = index.apply_outbox()
    settled = settle_stale_jobs()
    return applied, settled


# ---------------------------------------------------------------- the consumer

@click.command("worker")
@click.option("--workers", type=int, default=None, help="工作线程数（默认 HUEY_WORKERS，2）")
@with_appcontext
def worker(workers):
    """Run the task queue's consumer (imports, periodic duties) until stopped (Ctrl-C / SIGTERM)."""
    if huey.immediate:
        raise click.ClickException("任务队列处于立即执行模式（TASK_QUEUE_IMMEDIATE），无需后台进程")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    consumer = huey.create_consumer(workers=workers or current_app.config["HUEY_WORKERS"],
                                    worker_type="thread", periodic=True)
    consumer.run()

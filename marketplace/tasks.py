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


@huey.task()
@_in_app_context
def recompute_proposals(run_id):
    """Recompute every published listing's proposals (a ProposalRun queued from the admin page)."""
    from .matching.repairing import execute_run

    return execute_run(run_id)


@huey.periodic_task(crontab(minute="0"))
@_in_app_context
def expire_challenges():
    """Hourly: record the close of applications of challenges past their deadline (reads show it already)."""
    from .challenges.services import expire_due_challenges

    moved = expire_due_challenges()
    if moved:
        log.info("closed %d challenges past their deadline", moved)
    return moved


@huey.periodic_task(crontab(minute="5"))
@_in_app_context
def expire_vouchers():
    """Hourly: expire 创新券 past their redeem-by date, returning unspent amounts to the budget."""
    from .vouchers.schemes import expire_due

    moved = expire_due()
    if moved:
        log.info("expired %d vouchers", moved)
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


MAIL_RETRIES, MAIL_RETRY_DELAY = 3, 60


@huey.task(retries=MAIL_RETRIES, retry_delay=MAIL_RETRY_DELAY)
@_in_app_context
def send_mail(to, subject, text):
    """Deliver one mail (mail.py); a failure is logged and retried, the last one logged as given up."""
    from . import mail

    try:
        return mail.deliver(to, subject, text)
    except Exception:
        log.exception("mail to %s (%s) failed", to, subject)
        raise


@huey.task()
@_in_app_context
def mail_notification(notification_id):
    """Right after a commit that created a notification whose kind its user receives by mail at once."""
    from .notifications import mailing

    return mailing.mail_one(notification_id)


@huey.periodic_task(crontab(minute="3"))
@_in_app_context
def send_digests():
    """Hourly: at DIGEST_HOUR (local time), mail each daily-digest user their unread notifications."""
    from .notifications import mailing

    return mailing.send_due_digests()


@huey.periodic_task(crontab(hour="17", minute="10"))
@_in_app_context
def take_monitoring_snapshots():
    """Daily at 01:10 Beijing time (17:10 UTC): the final monitoring snapshots of the month and the quarter just
    ended, unless already final (a missed day is caught up the next)."""
    from .monitoring.snapshots import take_due

    taken = take_due()
    if taken:
        log.info("monitoring snapshots taken: %s", ", ".join(taken))
    return taken


@huey.periodic_task(crontab(hour="2", minute="15"))
@_in_app_context
def refresh_enterprise_evaluations():
    """Nightly: re-evaluate every enterprise with figures, for the rules that depend on the date (a year since
    registration by the next 高企 window, a 高企 certificate's three years); figures themselves refresh at once."""
    from .enterprises.services import refresh_all

    return refresh_all()


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

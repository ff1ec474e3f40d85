"""Re-pairing every published listing (after a rebuild or a bulk import): fast enough for 100,000 listings.

Proposals are computed a batch of listings at a time (`services._store_proposals_many`: one ranking pass
over the index for the whole batch, a few statements per batch), with one RepairRun per process keeping
the term statistics and the scored postings of the popular terms across batches, and on several processes
(fork; each opens its own database connections and index files) when asked. The results are exactly those
of `propose_for` one listing at a time (tests/test_repairing.py).
"""
import multiprocessing
import os
import time

from flask import current_app

from ..extensions import db
from ..timeutil import utcnow
from ..workflow import InvalidTransition
from . import index, ranking
from .documents import KIND_MODELS

BATCH = 128
POSTING_CACHE_BYTES = 512 * 1024 * 1024


class RepairRun:
    """What one process keeps across the batches of a re-pairing run (one searcher generation, no edits
    expected meanwhile): term statistics, the scored postings of the terms met so far, and the words of the
    counterparts explained so far."""

    COUNTERPARTS_MAX = 20000

    def __init__(self):
        self.frequencies = {}
        self.postings = ranking.PostingCache(current_app.config.get("REPAIR_CACHE_BYTES", POSTING_CACHE_BYTES))
        self.counterparts = {}

    def forget_counterparts_if_full(self):
        if len(self.counterparts) > self.COUNTERPARTS_MAX:
            self.counterparts.clear()


def published_batches(kind):
    """[ids]: every published listing of a kind, BATCH ids at a time, in id order."""
    model = KIND_MODELS[kind]
    ids = db.session.scalars(db.select(model.id).where(model.status == "published").order_by(model.id)).all()
    return [ids[start:start + BATCH] for start in range(0, len(ids), BATCH)]


def recompute_all(progress=None, workers=1):
    """Recompute the proposals of every published listing (no push); returns the count.

    Kind after kind (achievements, then demands): a Match row belongs to one listing of each kind, so the
    batches of one kind touch disjoint rows and may run in any order or at once, and the result is the
    same as `propose_for` on each listing in id order. `progress(n)` is called as listings are done;
    `workers` > 1 shares each kind's batches among that many processes (each batch commits on its own, so
    an interrupted run keeps what it finished)."""
    total = 0
    for kind in KIND_MODELS:
        batches = [(kind, ids) for ids in published_batches(kind)]
        total += sum(len(ids) for _, ids in batches)
        if min(workers, len(batches)) <= 1:
            _run(batches, progress)
        else:
            _run_in_processes(batches, min(workers, len(batches)), progress)
    return total


def _run_in_processes(batches, workers, progress):
    db.session.commit()
    db.session.remove()
    app = current_app._get_current_object()
    context = multiprocessing.get_context("fork")
    done = context.Value("q", 0)
    children = [context.Process(target=_child, args=(app, batches[number::workers], done), daemon=True)
                for number in range(workers)]
    for child in children:
        child.start()
    reported = 0
    while any(child.is_alive() for child in children) or reported < done.value:
        for child in children:
            child.join(timeout=0.5 / workers)
        with done.get_lock():
            current = done.value
        if progress and current > reported:
            progress(current - reported)
        reported = current
    failed = [child.exitcode for child in children if child.exitcode != 0]
    if failed:
        raise RuntimeError(f"re-pairing worker processes failed (exit codes {failed})")


def _run(batches, progress=None, report=None):
    from .services import _store_proposals_many

    run = RepairRun()
    for kind, ids in batches:
        model = KIND_MODELS[kind]
        listings = db.session.scalars(db.select(model).where(model.id.in_(ids)).order_by(model.id)).all()
        _store_proposals_many(kind, listings, push=False, run=run)
        db.session.commit()
        db.session.expunge_all()
        if progress:
            progress(len(ids))
        if report:
            report(len(ids))


def _child(app, batches, done):
    """A forked worker: fresh connections and index files (never the parent's), then its share."""
    def report(count):
        with done.get_lock():
            done.value += count

    try:
        with app.app_context():
            db.engine.dispose(close=False)  # the parent's pooled connections stay the parent's
            index.forget_open_files()
            _run(batches, report=report)
            db.session.remove()
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


# ---------------------------------------------------------------- in the background (admin page, after a reindex)

PROGRESS_EVERY = 2.0  # seconds between progress writes


def start_run(user):
    """Queue a background re-pairing (tasks.recompute_proposals); one at a time. Returns the ProposalRun."""
    from .. import tasks
    from ..models import ProposalRun

    running = db.session.scalar(db.select(ProposalRun).where(ProposalRun.status.in_(("queued", "running"))))
    if running is not None:
        raise InvalidTransition(f"已有一次匹配推荐重算{running.status_label}（{running.done}/{running.total}）")
    run = ProposalRun(requested_by_id=user.id if user is not None else None)
    db.session.add(run)
    db.session.commit()
    tasks.recompute_proposals(run.id)
    return run


def latest_run():
    from ..models import ProposalRun

    return db.session.scalar(db.select(ProposalRun).order_by(ProposalRun.id.desc()).limit(1))


def execute_run(run_id, workers=None):
    """The task's body: recompute everything, writing the progress to the ProposalRun row."""
    from ..models import ProposalRun

    run = db.session.get(ProposalRun, run_id)
    if run is None or run.status != "queued":
        return None
    run.status, run.started_at = "running", utcnow()
    run.total = sum(db.session.scalar(db.select(db.func.count()).select_from(model).where(model.status == "published"))
                    for model in KIND_MODELS.values())
    db.session.commit()
    state = {"done": 0, "written": time.monotonic()}

    def progress(count):
        state["done"] += count
        if time.monotonic() - state["written"] >= PROGRESS_EVERY:
            _update(run_id, done=state["done"])
            state["written"] = time.monotonic()

    try:
        count = recompute_all(progress=progress, workers=workers or current_app.config.get("REPAIR_WORKERS")
                              or os.cpu_count() or 1)
    except Exception as err:
        db.session.rollback()
        _update(run_id, status="failed", done=state["done"], finished_at=utcnow(), message=str(err)[:500])
        raise
    _update(run_id, status="succeeded", done=count, total=max(count, state["done"]), finished_at=utcnow())
    return count


def _update(run_id, **values):
    from ..models import ProposalRun

    db.session.execute(db.update(ProposalRun).where(ProposalRun.id == run_id).values(**values))
    db.session.commit()

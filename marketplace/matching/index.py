"""The search index's public interface (the only module, with its siblings, that knows Whoosh).

DB is the truth, the index is derived:

- Index changes are queued by one flush hook (matching/sync.py): an IndexOutbox row in the
  changing transaction, for any change a document shows. Services never queue by hand.
- After that transaction commits, the task `apply_index_changes` is enqueued (SQLAlchemy
  `after_commit`); the worker runs `apply_outbox()` (in immediate mode, as in tests, it runs
  at once in the committing thread, in a fresh app context with its own session).
- Pending rows left by a crash are applied lazily by the first request of a new process
  (in a background thread: `create_app` stays cheap), by the periodic task, by any later
  apply, or by `reindex`.
- One writer at a time across processes: an fcntl lock file in INDEX_DIR, waited for (never
  Whoosh's LockError). Outbox rows are deleted only after the index commit *and* their
  follow-up work (the `on_indexed` listeners: proposals, push, subscription notices).
- The live index is the directory that INDEX_DIR/current names. `rebuild()` writes a new
  directory beside it and swaps the pointer atomically (os.replace): searches never see a
  half-built or empty index, and a crashed rebuild leaves the old one live.
"""
import contextlib
import fcntl
import logging
import os
import threading
import time

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index

from ..extensions import db
from ..models import IndexOutbox
from . import generations, pool, sync  # noqa: F401  (registers the flush hook that queues index changes)
from .codec import IndexCodec
from .documents import KIND_MODELS, is_indexed, make_schema, parse_key, select_rows, to_document

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
LOCK_TIMEOUT = 300.0
rebuild_progress_step = 500  # rebuild() reports progress every this many listings
_listeners = []
_indexes = {}
_local = threading.local()
_startup_lock = threading.Lock()


class IndexBusy(RuntimeError):
    """The writer lock could not be taken in time."""


# ---------------------------------------------------------------- setup and hooks

def init_app(app):
    """Register hooks only; no index or DB work here (create_app must stay cheap)."""
    app.config.setdefault("INDEX_PROCS", min(os.cpu_count() or 1, 4))
    app.config.setdefault("INDEX_LIMITMB", 256)
    app.extensions["matching_index"] = {"startup_checked": False, "thread": None}

    @app.before_request
    def _apply_leftovers_once():
        state = app.extensions["matching_index"]
        if state["startup_checked"]:
            return
        with _startup_lock:
            if state["startup_checked"]:
                return
            state["startup_checked"] = True
        if pending_count():
            thread = threading.Thread(target=_apply_in_context, args=(app,), name="index-outbox", daemon=True)
            state["thread"] = thread
            thread.start()


def join_background(app, timeout=None):
    """Wait for the start-up apply thread of this app, if one was started (tests, shutdown)."""
    thread = app.extensions["matching_index"]["thread"]
    if thread is not None:
        thread.join(timeout)


def on_indexed(listener):
    """Register listener(keys) to run after an applied batch (in an app context; it may write the DB)."""
    _listeners.append(listener)
    return listener


@contextlib.contextmanager
def deferred(apply=True):
    """Bulk work: commits inside the block don't apply the outbox; one apply runs at the end
    (none with apply=False: the rows wait for the next apply, as after a crash)."""
    previous = getattr(_local, "deferred", False)
    _local.deferred = True
    try:
        yield
    finally:
        _local.deferred = previous
    if apply and not previous:
        apply_outbox()


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if not session.info.pop("index_pending", False):
        return
    if getattr(_local, "deferred", False) or getattr(_local, "applying", False):
        return
    if not has_app_context():  # no app context: the next apply picks the rows up
        return
    from .. import tasks

    try:  # the worker applies (in immediate mode, as in tests, it runs right here, in its own app context)
        tasks.apply_index_changes()
    except Exception:  # the queue is unreachable: the periodic apply (or the next commit's) retries
        log.exception("could not enqueue the index apply")


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    session.info.pop("index_pending", None)


def _apply_in_context(app):
    """Apply in a fresh app context: its own session, whatever the caller's session is doing."""
    try:
        with app.app_context():
            apply_outbox()
    except Exception:  # the rows stay queued; a later apply or `reindex` retries them
        log.exception("applying the index outbox failed")


# ---------------------------------------------------------------- storage

def index_dir():
    return current_app.config["INDEX_DIR"]


def live_dir():
    """The live index's directory (INDEX_DIR/current names it)."""
    return generations.live_dir(index_dir())


@contextlib.contextmanager
def writer_lock(timeout=LOCK_TIMEOUT):
    """The one-writer-at-a-time lock across processes (fcntl; released if the process dies).

    Re-entrant within a thread (flock would deadlock against our own second descriptor).
    """
    directory = index_dir()
    held = getattr(_local, "held", None)
    if held is None:
        held = _local.held = set()
    if directory in held:
        yield
        return
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, generations.LOCK_FILE), "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexBusy("索引正被其他进程写入，请稍后重试") from None
                time.sleep(0.02)
        held.add(directory)
        previous = getattr(_local, "applying", False)
        _local.applying = True
        try:
            yield
        finally:
            _local.applying = previous
            held.discard(directory)
            fcntl.flock(handle, fcntl.LOCK_UN)


def get_index():
    """The live index of this app (created empty, under the writer lock, if there is none)."""
    live = generations.live_dir(index_dir())
    ix = _indexes.get(live)
    if ix is not None:
        return ix
    if not whoosh_index.exists_in(live):
        with writer_lock():
            live = generations.live_dir(index_dir())
            if not whoosh_index.exists_in(live):
                live = generations.swap_in(index_dir(), make_schema(), lambda ix: None)
    ix = whoosh_index.open_dir(live)
    if any(name not in ix.schema for name in make_schema().names()):
        with writer_lock():
            _add_new_fields(ix)
        ix = whoosh_index.open_dir(live)
    _indexes[live] = ix
    return ix


def _add_new_fields(ix):
    """Fields the schema gained since this index was built (an upgrade, before its `flask reindex`), added
    empty, so that writes go on: a listing gets them when it is next written, all listings at the rebuild
    (`flask index-check` lists the others as stale meanwhile)."""
    writer = ix.writer()
    try:
        for name, field_type in make_schema().items():
            if name not in writer.schema:
                writer.add_field(name, field_type)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def searcher():
    """This thread's long-lived searcher, reopened only if the index changed or a rebuild swapped it."""
    cache = getattr(_local, "searchers", None)
    if cache is None:
        cache = _local.searchers = {}
    live = generations.live_dir(index_dir())
    for other in [d for d in cache if d != live]:  # a swapped-out generation, or tests switching dirs
        cache.pop(other).close()
        _indexes.pop(other, None)
    current = cache.get(live)
    try:
        fresh = current is not None and current.up_to_date()
    except OSError:  # swapped and removed between reading the pointer and now
        fresh = False
    if not fresh:
        # Not Searcher.refresh(): it reuses segment readers by segment id and so keeps
        # serving documents deleted since (their deletion set is per generation).
        if current is not None:
            current.close()
        current = cache[live] = get_index().searcher()
    return current


def forget_open_files():
    """In a forked child: drop the parent's open indexes and searchers without closing them (their file
    offsets are shared with the parent); the next searcher() opens the index files afresh."""
    _indexes.clear()
    _local.searchers = {}


def _forget(directory):
    _indexes.pop(directory, None)
    cache = getattr(_local, "searchers", None) or {}
    old = cache.pop(directory, None)
    if old is not None:
        old.close()


# ---------------------------------------------------------------- applying the outbox

def pending_count():
    return db.session.scalar(db.select(db.func.count(IndexOutbox.id)))


def apply_outbox(batch_size=BATCH_SIZE):
    """Apply every pending IndexOutbox row now, in batches (one writer per batch).

    Each batch, under the writer lock: read rows, read the listings' current DB state, update
    or delete their documents, commit the index, run the `on_indexed` listeners (proposals,
    push, subscription notices; they commit their own work), then delete exactly the rows read
    whose listeners succeeded. A row whose listener failed stays queued and is retried by the
    next apply. Returns the number of rows applied.
    """
    applied = 0
    held_back = []
    while True:
        with writer_lock():
            query = db.select(IndexOutbox.id, IndexOutbox.key).order_by(IndexOutbox.id).limit(batch_size)
            if held_back:
                query = query.where(IndexOutbox.id.not_in(held_back))
            rows = db.session.execute(query).all()
            if not rows:
                break
            keys = list(dict.fromkeys(key for _, key in rows))
            _write_keys(keys)
            failed = _run_listeners(keys)
            done = [row_id for row_id, key in rows if key not in failed]
            held_back += [row_id for row_id, key in rows if key in failed]
            if done:
                db.session.execute(db.delete(IndexOutbox).where(IndexOutbox.id.in_(done)))
                db.session.commit()
        applied += len(done)
        if len(rows) < batch_size:
            break
    return applied


def _write_keys(keys):
    by_kind = {}
    for key in keys:
        kind, listing_id = parse_key(key)
        if kind:
            by_kind.setdefault(kind, []).append(listing_id)
    writer = get_index().writer(limitmb=current_app.config["INDEX_LIMITMB"], codec=IndexCodec())
    try:
        for kind, ids in by_kind.items():
            found = {row.id: row for row in db.session.execute(select_rows(kind, ids))}
            for listing_id in ids:
                row = found.get(listing_id)
                if is_indexed(kind, row):
                    writer.update_document(**_clean(to_document(kind, row)))
                else:
                    writer.delete_by_term("key", f"{kind}:{listing_id}")
        for key in keys:
            if parse_key(key)[0] is None:
                writer.delete_by_term("key", key)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _clean(doc):
    return {name: value for name, value in doc.items() if value is not None}


def _run_listeners(keys):
    """Run every listener on keys; returns the keys whose follow-up work failed (rolled back).

    All keys at once first; if that fails, key by key, so that one bad listing holds back only itself.
    Listeners are idempotent (proposals are upserts, notices are sent once), so a rerun is safe.
    """
    try:
        _call_listeners(keys)
        return set()
    except Exception:
        db.session.rollback()
        log.exception("index listeners failed for a batch of %d keys; retrying key by key", len(keys))
    failed = set()
    for key in keys:
        try:
            _call_listeners([key])
        except Exception:
            db.session.rollback()
            log.exception("index listeners failed for %s; it stays queued", key)
            failed.add(key)
    return failed


def _call_listeners(keys):
    for listener in _listeners:
        listener(keys)
    db.session.commit()


# ---------------------------------------------------------------- rebuild and drift

def rebuild(progress=None, procs=None):
    """Rebuild the whole index from the DB into a new directory and swap it in; returns the count.

    Searches go on against the old index meanwhile; if the rebuild fails (or the process dies)
    the old index stays live. `progress(n)` is called with the number of listings just added
    (click.progressbar's `update`). Multi-process writer (pool.writer), one segment per process (no final
    merge). Outbox rows are left alone: changes queued meanwhile are applied by the next
    `apply_outbox` (the reindex command runs one), with their follow-up work. Proposals are not
    recomputed here (see repairing.recompute_all).
    """
    procs = procs or current_app.config["INDEX_PROCS"]
    written = 0

    def fill(ix):
        nonlocal written
        writer = pool.writer(ix, procs, codec=IndexCodec())
        try:
            for kind in KIND_MODELS:
                result = db.session.execute(select_rows(kind, indexed_only=True).execution_options(yield_per=2000))
                for row in result:
                    writer.add_document(**_clean(to_document(kind, row)))
                    written += 1
                    if progress and written % rebuild_progress_step == 0:
                        progress(rebuild_progress_step)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if progress:
            progress(written % rebuild_progress_step)

    with writer_lock():
        old = generations.live_dir(index_dir())
        generations.swap_in(index_dir(), make_schema(), fill)
        db.session.commit()  # end the long read transaction
        _forget(old)
    return written


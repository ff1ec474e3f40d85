"""The search index's public interface (the only module, with its siblings, that knows Whoosh).

DB is the truth, the index is derived:

- `enqueue(listing)` adds an IndexOutbox row in the listing's own transaction.
- After that transaction commits, `apply_outbox()` runs (SQLAlchemy `after_commit`, in a
  fresh app context with its own session), so a change is searchable within the request.
- Pending rows left by a crash are applied lazily by the first request of a new process
  (in a background thread: `create_app` stays cheap), by any later apply, or by `reindex`.
- One writer at a time across processes: an fcntl lock file in the index directory, waited
  for (never Whoosh's LockError). Outbox rows are deleted only after the index commit.

Listeners registered with `on_indexed` (the matcher's proposals and push) run after each
applied batch with the keys that were (re)indexed.
"""
import contextlib
import fcntl
import logging
import os
import threading
import time

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index

from ..extensions import db
from ..models import IndexOutbox
from ..timeutil import utcnow
from .codec import IndexCodec
from .documents import KIND_MODELS, is_indexed, make_schema, parse_key, select_rows, to_document

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
LOCK_TIMEOUT = 300.0
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


def enqueue(listing):
    """Queue an index update for this listing in the current transaction; applied after commit."""
    db.session.add(IndexOutbox(key=listing.index_key))
    db.session.info["index_pending"] = True


@contextlib.contextmanager
def deferred():
    """Bulk work: commits inside the block don't apply the outbox; one apply runs at the end."""
    previous = getattr(_local, "deferred", False)
    _local.deferred = True
    try:
        yield
    finally:
        _local.deferred = previous
    if not previous:
        apply_outbox()


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if not session.info.pop("index_pending", False):
        return
    if getattr(_local, "deferred", False) or getattr(_local, "applying", False):
        return
    try:
        app = current_app._get_current_object()
    except RuntimeError:  # no app context: the next apply picks the rows up
        return
    _apply_in_context(app)


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
    with open(os.path.join(directory, "yizhi-writer.lock"), "a+") as handle:
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
    """The index of this app (created empty, under the writer lock, if missing)."""
    directory = index_dir()
    ix = _indexes.get(directory)
    if ix is not None:
        return ix
    if not whoosh_index.exists_in(directory):
        with writer_lock():
            if not whoosh_index.exists_in(directory):
                whoosh_index.create_in(directory, make_schema())
    ix = _indexes[directory] = whoosh_index.open_dir(directory)
    return ix


def searcher():
    """This thread's long-lived searcher, reopened on each call only if the index changed."""
    cache = getattr(_local, "searchers", None)
    if cache is None:
        cache = _local.searchers = {}
    directory = index_dir()
    for other in [d for d in cache if d != directory]:  # one index per process; tests switch dirs
        cache.pop(other).close()
    current = cache.get(directory)
    if current is None or not current.up_to_date():
        # Not Searcher.refresh(): it reuses segment readers by segment id and so keeps
        # serving documents deleted since (their deletion set is per generation).
        if current is not None:
            current.close()
        current = cache[directory] = get_index().searcher()
    return current


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

    Each batch: under the writer lock, read rows, read the listings' current DB state,
    update or delete their documents, commit the index, then delete those rows. Then the
    `on_indexed` listeners (proposals, push) run. Returns the number of rows applied.
    """
    applied = 0
    while True:
        with writer_lock():
            rows = db.session.execute(db.select(IndexOutbox.id, IndexOutbox.key)
                                      .order_by(IndexOutbox.id).limit(batch_size)).all()
            if not rows:
                break
            keys = list(dict.fromkeys(key for _, key in rows))
            _write_keys(keys)
            db.session.execute(db.delete(IndexOutbox).where(IndexOutbox.id.in_([row_id for row_id, _ in rows])))
            db.session.commit()
        applied += len(rows)
        _run_listeners(keys)
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
    for listener in _listeners:
        try:
            listener(keys)
        except Exception:  # the index is right; proposals can be recomputed by `reindex`
            db.session.rollback()
            log.exception("index listener %r failed", listener)


# ---------------------------------------------------------------- rebuild and drift

def rebuild(progress=None, procs=None):
    """Rebuild the whole index from the DB; returns the number of documents written.

    `progress(n)` is called with the number of listings just added (click.progressbar's
    `update`). Multi-process writer, one segment per process (no final merge), outbox rows
    that existed when the rebuild started are deleted after the commit. Proposals are not
    recomputed here (see services.recompute_all).
    """
    procs = procs or current_app.config["INDEX_PROCS"]
    directory = index_dir()
    with writer_lock():
        last_outbox = db.session.scalar(db.select(db.func.max(IndexOutbox.id))) or 0
        _forget(directory)
        ix = whoosh_index.create_in(directory, make_schema())
        options = {"limitmb": current_app.config["INDEX_LIMITMB"], "codec": IndexCodec()}
        if procs > 1:
            options.update(procs=procs, multisegment=True)
        writer = ix.writer(**options)
        written = 0
        try:
            for kind in KIND_MODELS:
                result = db.session.execute(select_rows(kind, indexed_only=True).execution_options(yield_per=2000))
                for row in result:
                    writer.add_document(**_clean(to_document(kind, row)))
                    written += 1
                    if progress and written % 500 == 0:
                        progress(500)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if progress:
            progress(written % 500)
        db.session.execute(db.delete(IndexOutbox).where(IndexOutbox.id <= last_outbox))
        db.session.commit()
        _forget(directory)
    return written


def check():
    """Drift between DB and index: {"missing": [...], "stale": [...], "extra": [...]} of keys."""
    indexed = {}
    with get_index().searcher() as s:
        for fields in s.all_stored_fields():
            indexed[fields["key"]] = fields.get("version", "")
    missing, stale = [], []
    for kind in KIND_MODELS:
        for row in db.session.execute(select_rows(kind, indexed_only=True)):
            key = f"{kind}:{row.id}"
            version = indexed.pop(key, None)
            if version is None:
                missing.append(key)
            elif version != to_document(kind, row)["version"]:
                stale.append(key)
    return {"missing": missing, "stale": stale, "extra": sorted(indexed)}


def health():
    """"ok", or a short reason: the index can't be opened or changes wait too long in the outbox."""
    try:
        searcher().doc_count()
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    oldest = db.session.scalar(db.select(db.func.min(IndexOutbox.created_at)))
    if oldest is not None and (utcnow() - oldest).total_seconds() > 60:
        return f"error: {pending_count()} pending index changes"
    return "ok"

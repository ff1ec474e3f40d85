"""The index follows the data by itself: the one place where index changes are queued.

A SQLAlchemy `after_flush` hook (as microblog's SearchableMixin, but into the durable
IndexOutbox table, in the flushing transaction) looks at every flushed Achievement, Demand
and Organization:

- a listing whose status changed, or that is in an indexed state and whose indexed columns
  changed (any column that documents.select_rows reads: title, organization_id, ...), or
  that was added or deleted, queues its key;
- a state transition of a listing (an Event of subject_type achievement/demand: workflow's
  StateMachine moves states with a compare-and-set UPDATE, not through the ORM, and records
  every move as an Event) queues the listing's key: review, archive, challenge moves alike;
- an organization whose name changed queues the keys of its indexed listings (the name is
  in their documents).

Services never queue by hand. Other Core statements on listings (`db.update(Demand)`) bypass
the ORM and so this hook: change listings through the ORM or a StateMachine.
After the transaction commits, matching.index applies the queued rows.
"""
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..models import Event, IndexOutbox, Organization
from ..timeutil import utcnow
from .documents import INDEXED_STATES, KIND_MODELS, select_rows

_watched = {}


def watched_attributes(kind):
    """The listing's own columns that its index document is built from (derived from select_rows)."""
    names = _watched.get(kind)
    if names is None:
        table = KIND_MODELS[kind].__table__
        names = _watched[kind] = frozenset(
            {col.key for col in select_rows(kind).selected_columns if getattr(col, "table", None) is table}
            - {"id", "updated_at"} | {"organization_id"})
    return names


def _listing_key(obj, whole=False, deleted=False):
    """obj's index key if this flush changes its document (whole: a new row), else None."""
    kind = getattr(obj, "kind", None)
    if kind not in KIND_MODELS or not isinstance(obj, KIND_MODELS[kind]):
        return None
    if deleted:
        return obj.index_key  # removing a key that is not in the index is harmless
    if whole:
        return obj.index_key if obj.status in INDEXED_STATES[kind] else None
    state = inspect(obj)
    changed = {name for name in watched_attributes(kind) if state.attrs[name].history.has_changes()}
    if not changed:
        return None
    if "status" in changed or "status" in state.unloaded:  # (an expired old value is unknown: queue it)
        return obj.index_key
    # Not in the index and not entering it (drafts, pending, rejected...): nothing to do.
    return obj.index_key if obj.status in INDEXED_STATES[kind] else None


def _organization_keys(session, org):
    if not inspect(org).attrs.name.history.has_changes():
        return []
    keys = []
    for kind, model in KIND_MODELS.items():
        ids = session.connection().execute(select(model.id).where(model.organization_id == org.id,
                                                     model.status.in_(INDEXED_STATES[kind]))).scalars()
        keys += [f"{kind}:{listing_id}" for listing_id in ids]
    return keys


@event.listens_for(Session, "after_flush")
def _queue_index_changes(session, _flush_context):
    keys = []
    for obj in session.new:
        if isinstance(obj, Event):
            if obj.subject_type in KIND_MODELS and obj.from_state != obj.to_state:
                keys.append(f"{obj.subject_type}:{obj.subject_id}")
            continue
        key = _listing_key(obj, whole=True)
        if key:
            keys.append(key)
    for obj in session.dirty:
        if isinstance(obj, Organization):
            keys += _organization_keys(session, obj)
        else:
            key = _listing_key(obj)
            if key:
                keys.append(key)
    for obj in session.deleted:
        key = _listing_key(obj, deleted=True)
        if key:
            keys.append(key)
    keys = list(dict.fromkeys(keys))
    if not keys:
        return
    # Core insert on the flush's connection: the same transaction; session.add is not allowed mid-flush.
    now = utcnow()
    session.connection().execute(IndexOutbox.__table__.insert(), [{"key": key, "created_at": now} for key in keys])
    session.info["index_pending"] = True

"""Is the search index consistent with the database? `check()` lists every difference (`flask index-check`),
`health()` is /healthz's cheap answer."""
from ..extensions import db
from ..listings import counts
from ..models import IndexOutbox
from ..timeutil import utcnow
from . import index
from .documents import KIND_MODELS, count_indexed, select_rows, to_document


def check():
    """Drift between DB and index: {"missing": [...], "stale": [...], "extra": [...]} of keys."""
    indexed = {}
    with index.get_index().searcher() as s:
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
    """"ok"; "drift" when the index's document count differs from the DB's count of indexable
    listings while nothing is queued (fix: `flask reindex`); or "error: ..." when the index can't
    be opened or changes wait too long in the outbox."""
    try:
        documents = index.searcher().doc_count()
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    oldest = db.session.scalar(db.select(db.func.min(IndexOutbox.created_at)))
    if oldest is not None and (utcnow() - oldest).total_seconds() > 60:
        return f"error: {index.pending_count()} pending index changes"
    # the listing count is a COUNT over every listing: a probe polled every few seconds reuses it briefly
    if oldest is None and documents != counts.cached(("indexed",), count_indexed):
        return "drift"
    return "ok"

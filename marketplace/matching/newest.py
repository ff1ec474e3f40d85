"""The empty search: the newest published listings of both kinds, straight from the database.

Each kind's list is read in index order (published_at DESC, id DESC: the composite list indexes) up to the
end of the requested page and the two are merged, so a page costs O(page × per_page) index entries and the
total is a COUNT, instead of visiting every document of the search index on each request.
"""
import heapq

from ..extensions import db
from ..listings import counts
from ..models.listings import HIDDEN_STATES
from .documents import KIND_MODELS


def _conditions(kind, filters):
    """The WHERE of one kind under the search filters, or None when the filters exclude the kind."""
    model = KIND_MODELS[kind]
    if filters.get("kind") not in (None, kind):
        return None
    if kind == "achievement":
        if filters.get("is_challenge") is True:
            return None
        conditions = [model.status == "published"]
        conditions += [getattr(model, name) == filters[name] for name in ("type", "maturity") if filters.get(name)]
    else:
        if filters.get("type") or filters.get("maturity"):
            return None
        conditions = [model.status.not_in(HIDDEN_STATES)]  # = PUBLIC_STATES, the indexed demands
        if filters.get("is_challenge") is not None:
            conditions.append(model.is_challenge.is_(bool(filters["is_challenge"])))
    if filters.get("field"):
        conditions.append(model.field == filters["field"])
    return conditions


def newest(filters, page, per_page):
    """([(key, score)] of one page, newest first; total) for cleaned search filters."""
    end = page * per_page
    streams, total = [], 0
    for kind, model in KIND_MODELS.items():
        conditions = _conditions(kind, filters)
        if conditions is None:
            continue
        total += counts.cached(("newest", kind, counts.filters_key(filters)), lambda: db.session.scalar(
            db.select(db.func.count()).select_from(model).where(*conditions)))
        rows = db.session.execute(db.select(model.published_at, model.id).where(*conditions)
                                  .order_by(model.published_at.desc(), model.id.desc()).limit(end)).all()
        streams.append([(published_at, listing_id, kind) for published_at, listing_id in rows])
    merged = heapq.merge(*streams, key=lambda row: (row[0], row[1]), reverse=True)
    page_rows = list(merged)[(page - 1) * per_page:end]
    return [(f"{kind}:{listing_id}", 1.0) for _, listing_id, kind in page_rows], total

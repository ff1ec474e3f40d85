"""Pages of the public lists: a deep page seeks to the nearest anchor of the list's order, then skips a few rows.

An OFFSET reads every row it skips: page 2,000 of the achievements read 24,000 rows (or index entries) per
request (issue #15). Each process keeps, per list (kind, filters, order) and for LIST_COUNT_SECONDS like the
totals, the sort key of every ANCHOR_ROWS-th row, found in one pass over the list's index. A page past the first
ANCHOR_ROWS rows starts after the nearest anchor before it (a keyset condition an index serves) and skips fewer
than ANCHOR_ROWS rows, so every page costs about what page 1 does. While the map is kept, a listing published or
withdrawn meanwhile moves the rows of pages before its place but not of pages after it, as if one had paged a
moment earlier.
"""
import operator
from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination

from ..extensions import db
from . import counts

# Rows between two anchors: a page skips fewer than this many rows. A multiple of the page sizes in use (12 on the
# HTML lists, 10/20/30 in the API), so that their pages start on an anchor and skip nothing.
ANCHOR_ROWS = 60


@dataclass(frozen=True)
class Order:
    """A list order: by `key` (never NULL: an index must serve it), then id, in the same direction."""
    name: str
    key: object
    id: object
    descending: bool

    def clauses(self):
        if self.descending:
            return [self.key.desc(), self.id.desc()]
        return [self.key.asc(), self.id.asc()]

    def after(self, anchor):
        """Rows that come after the row whose sort key is anchor = (value, id)."""
        value, row_id = anchor
        value = db.literal(value, self.key.type)
        beyond, reached = (operator.lt, operator.le) if self.descending else (operator.gt, operator.ge)
        # The row value comparison is the condition; the bound on the key alone lets an index on an expression
        # (coalesce(price, -1)) start its scan there too, as it does for a plain column.
        return db.and_(reached(self.key, value),
                       beyond(db.tuple_(self.key, self.id), db.tuple_(value, db.literal(row_id, self.id.type))))


def anchors(query, order, key):
    """The sort keys of rows ANCHOR_ROWS, 2 × ANCHOR_ROWS, … of query (kept like the list's total)."""
    def compute():
        number = db.func.row_number().over(order_by=order.clauses()).label("number")
        numbered = query.with_only_columns(order.key, order.id, number).order_by(None).subquery()
        value, row_id, number = numbered.c
        rows = db.session.execute(db.select(number, value, row_id).where(number % ANCHOR_ROWS == 0)).all()
        return [(value, row_id) for _, value, row_id in sorted(rows)]  # sorted here: no sort node in SQL
    return counts.cached(("anchors", *key), compute)


class AnchoredPagination(Pagination):
    """A page's rows: after the nearest anchor, skipping the rest of the offset (made by `paginate`)."""

    def _query_items(self):
        skip = self._query_offset - self._query_args["skipped"]
        return list(db.session.scalars(self._query_args["select"].limit(self.per_page).offset(skip)))


def paginate(query, rows, order, key, page, per_page):
    """A Pagination (without its total) of `rows`, the select of query's rows with their loading options;
    query selects the list's ids with its filters, ordered by order; key names the list for its anchors."""
    offset = (page - 1) * per_page
    marks = anchors(query, order, key) if offset >= ANCHOR_ROWS else []
    block = min(offset // ANCHOR_ROWS, len(marks))
    if block:
        rows = rows.where(order.after(marks[block - 1]))
    return AnchoredPagination(page=page, per_page=per_page, max_per_page=None, error_out=False, count=False,
                              select=rows, skipped=block * ANCHOR_ROWS)

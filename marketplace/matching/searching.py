"""Full-text search over published listings (the /search page, the API's `q`)."""
import math
from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..listings.cleaning import normalize_maturity
from ..models.listings import ACHIEVEMENT_TYPES, FIELDS
from ..text import SEARCH_QUERY_MAX, html_to_text
from ..workflow import ValidationFailed
from . import index, matcher
from .documents import KIND_MODELS, INDEXED_STATES, parse_key
from .highlight import highlight, snippet
from .newest import newest

MAX_PAGE = 500
MAX_PER_PAGE = 100


@dataclass
class SearchHit:
    kind: str
    id: int
    score: float
    listing: object
    title_html: Markup
    snippet_html: Markup

    @property
    def key(self):
        return f"{self.kind}:{self.id}"

    @property
    def url(self):
        return f"/{self.kind}s/{self.id}"


class SearchPage:
    """One page of hits with the attributes of a Flask-SQLAlchemy Pagination (for render_pagination)."""

    def __init__(self, items, total, page, per_page, terms=()):
        self.items, self.total, self.page, self.per_page = items, total, page, per_page
        self.terms = list(terms)
        self.pages = max(1, math.ceil(total / per_page)) if total else 0

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1 if self.has_prev else None)
    next_num = property(lambda self: self.page + 1 if self.has_next else None)

    # Flask-SQLAlchemy's own page links: they yield the three runs shown, where a walk over every page number
    # cost 1.7 ms a request at 100,000 listings (8,334 pages, nine walks a page).
    iter_pages = Pagination.iter_pages


def clean_filters(raw):
    """Keep only known filter values (anything else is ignored, never an error)."""
    raw = raw or {}
    filters = {}
    if raw.get("kind") in KIND_MODELS:
        filters["kind"] = raw["kind"]
    for name, choices in (("field", FIELDS), ("type", ACHIEVEMENT_TYPES)):
        if raw.get(name) in choices:
            filters[name] = raw[name]
    if normalize_maturity(raw.get("maturity")):  # TRL5, or an older name such as 小试
        filters["maturity"] = normalize_maturity(raw["maturity"])
    challenge = raw.get("is_challenge", raw.get("challenge"))
    if challenge in (True, "1", "true", "yes"):
        filters["is_challenge"] = True
    elif challenge in (False, "0", "false", "no"):
        filters["is_challenge"] = False
    return filters


def search(q, filters=None, page=1, per_page=12):
    """Search published listings. Any text up to SEARCH_QUERY_MAX characters is accepted (a longer one is
    refused with ValidationFailed); an unusable query gives no hits.

    `filters`: kind (achievement|demand), field, type, maturity, is_challenge (bool or "1"/"0").
    Returns a SearchPage: `.items` (SearchHit: kind, id, score, listing, title_html,
    snippet_html — both escaped, matches in <mark>), `.total`, `.page`, `.pages`.
    An empty query lists the newest published listings.
    """
    filters = clean_filters(filters)
    page = min(max(int(page or 1), 1), MAX_PAGE)
    per_page = min(max(int(per_page or 12), 1), MAX_PER_PAGE)
    text = str(q or "")
    if len(text) > SEARCH_QUERY_MAX:
        message = f"搜索内容不能超过 {SEARCH_QUERY_MAX} 个字符（当前 {len(text)} 个）"
        raise ValidationFailed(message, {"q": message})
    weighted = matcher.search_weighted(text)
    terms = [term for term, _ in weighted]
    if not terms and text.strip():
        return SearchPage([], 0, page, per_page)
    if terms:
        ranked, total = matcher.ranked(index.searcher(), matcher.search_clauses(weighted),
                                       matcher.filter_terms(filters), limit=page * per_page,
                                       offset=(page - 1) * per_page)
        hits = [(stored["key"], score) for stored, score in ranked]
    else:  # the newest published listings, from the database's list indexes (no scan of every document)
        hits, total = newest(filters, page, per_page)
    return SearchPage(_build_hits(hits, terms), total, page, per_page, terms)


def empty_page():
    """A page with no hits (what a refused query shows)."""
    return SearchPage([], 0, 1, 1)


def search_ids(kind, q, filters=None, page=1, per_page=20):
    """(ids best first, total) of published listings of one kind matching q (for the JSON API)."""
    result = search(q, dict(filters or {}, kind=kind), page, per_page)
    return [hit.id for hit in result.items], result.total


def _build_hits(hits, terms):
    wanted = {}
    for key, _ in hits:
        kind, listing_id = parse_key(key)
        if kind:
            wanted.setdefault(kind, []).append(listing_id)
    loaded = {}
    for kind, ids in wanted.items():
        model = KIND_MODELS[kind]
        rows = db.session.scalars(db.select(model).where(model.id.in_(ids), model.status.in_(INDEXED_STATES[kind]))
                                  .options(selectinload(model.organization)))  # the page shows it: no N+1
        loaded.update({f"{kind}:{row.id}": row for row in rows})
    items = []
    for key, score in hits:
        listing = loaded.get(key)
        if listing is None:  # unpublished since the index was written: not shown
            continue
        items.append(SearchHit(listing.kind, listing.id, score, listing, highlight(listing.title, terms),
                               snippet(_plain_body(listing), terms)))
    return items


def _plain_body(listing):
    if listing.kind == "achievement":
        return listing.summary
    return html_to_text(listing.description)

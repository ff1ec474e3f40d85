"""Queries against the index, always built as query objects (never Whoosh's query parser).

- `search_query(text)`: untrusted user text -> analyzed like the index, a bounded number of
  distinct terms, an Or of Term queries over title^3, keywords^2, body, organization.
- `pair(searcher, kind, listing_id, doc, limit)`: the counterparts of one listing. The query
  is the listing's title and keyword terms plus its description's most distinctive terms
  (highest tf*idf), searched among published listings of the other kind.

Pairing scores are normalised to 0..1: the BM25 score of a counterpart divided by the score
the listing's own document gets for the same query (its "perfect match"), capped at 1. So
0.4 means "the counterpart scores 40% of what the listing itself scores on its key terms".
"""
import math
from collections import Counter
from dataclasses import dataclass, field

from whoosh.query import And, Or, Term
from whoosh.scoring import bm25

from . import ranking
from .analysis import terms as analyze
from .documents import OTHER_KIND

SEARCH_FIELDS = (("title", 3.0), ("keywords", 2.0), ("body", 1.0), ("organization", 1.0))
# Tuned on the CSL evaluation split (bench/): unit field weights and a same-field bonus
# (technology field agreement is a strong, general signal) beat heavier title boosts.
PAIR_FIELDS = (("title", 1.0), ("keywords", 1.0), ("body", 1.0))
SAME_FIELD_BONUS = 0.5
MAX_SEARCH_TERMS = 16
MAX_SEARCH_CHARS = 4000
MAX_PAIR_TERMS = 32
MAX_DOC_SHARE = 0.1  # terms in more than this share of documents explain nothing and cost most
MAX_EXPLAIN_TERMS = 6
B, K1 = 0.75, 1.2  # whoosh's BM25F defaults, used by the searcher and by `_self_score`


def search_terms(text):
    """The distinct analyzed terms of user text, at most MAX_SEARCH_TERMS, in order."""
    text = str(text or "")[:MAX_SEARCH_CHARS]
    return list(dict.fromkeys(analyze(text)))[:MAX_SEARCH_TERMS]


def or_query(terms, fields):
    """Or of Term queries; pre-loaded (term-at-a-time) matching, much faster for long queries."""
    query = Or([Term(name, term, boost=boost) for term in terms for name, boost in fields])
    query.matcher_type = Or.ARRAY_MATCHER
    return query


def search_query(text):
    """An Or query for user text, or None when no term survives analysis."""
    terms = search_terms(text)
    return or_query(terms, SEARCH_FIELDS) if terms else None


def filter_terms(filters):
    """The (field, value) pairs of exact-match filters, in filter_query's order."""
    pairs = [(name, str(filters[name])) for name in ("kind", "field", "type", "maturity", "status")
             if filters.get(name)]
    if filters.get("is_challenge") is not None:
        pairs.append(("is_challenge", bool(filters["is_challenge"])))
    return pairs


def ranked(searcher, terms, fields, filters=(), limit=10, offset=0):
    """([(stored fields, score)] best first, total) for an Or of terms over fields (see ranking).

    Hits ranked offset..limit are returned; total counts every matching document.
    """
    clauses = [(name, term, boost) for term in terms for name, boost in fields]
    top, total = ranking.top_docs(searcher, clauses, filters, limit)
    return [(searcher.stored_fields(docnum), score) for score, docnum in top[offset:]], total


def filter_query(filters):
    """An And of exact-match filters (kind, field, type, maturity, is_challenge) or None."""
    parts = []
    for name in ("kind", "field", "type", "maturity", "status"):
        value = filters.get(name)
        if value:
            parts.append(Term(name, str(value)))
    if filters.get("is_challenge") is not None:
        parts.append(Term("is_challenge", bool(filters["is_challenge"])))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


@dataclass
class Pairing:
    key: str
    listing_id: int
    raw: float
    score: float
    terms: list = field(default_factory=list)


def pair_terms(searcher, doc):
    """The bounded, weighted term list for one listing's document (dict from documents.to_document).

    Title and keyword terms always count; the body adds its highest tf*idf terms up to the
    bound. Returns [(term, idf)] best first.
    """
    idf = _idf_function(searcher)
    key_terms = dict.fromkeys(analyze(doc["title"]) + analyze(doc["keywords"]))
    body_counts = Counter(analyze(doc["body"]))
    ranked = sorted(body_counts, key=lambda t: (-(1 + math.log(body_counts[t])) * idf(t), t))
    # The idf of a term in MAX_DOC_SHARE of the documents; small indexes keep every term.
    common = math.log(1 + (1 - MAX_DOC_SHARE) / MAX_DOC_SHARE) if searcher.doc_count_all() >= 1000 else -1.0
    chosen = [t for t in key_terms if idf(t) > common]
    for term in ranked:
        if len(chosen) >= MAX_PAIR_TERMS:
            break
        if term not in key_terms and idf(term) > common:
            chosen.append(term)
    chosen = chosen[:MAX_PAIR_TERMS]
    return sorted(((t, idf(t)) for t in chosen), key=lambda item: -item[1])


def _idf_function(searcher):
    total = max(searcher.doc_count_all(), 1)

    def idf(term):
        freq = searcher.doc_frequency("body", term) + searcher.doc_frequency("title", term)
        return math.log(1 + (total - freq + 0.5) / (freq + 0.5))

    return idf


def pair(searcher, kind, doc, limit, exclude_ids=(), weighted=None):
    """Best counterparts (published, other kind) for one listing's document, best first.

    Returns Pairing objects without terms (see `shared_terms`), with raw and 0..1 scores.
    """
    weighted = pair_terms(searcher, doc) if weighted is None else weighted
    if not weighted:
        return []
    terms = [t for t, _ in weighted]
    scope = (("kind", OTHER_KIND[kind]), ("status", "published"))
    fetch = 2 * (limit + len(exclude_ids)) + 10  # re-ranked with the field bonus below
    results, _ = ranked(searcher, terms, PAIR_FIELDS, scope, fetch)
    bonus = 1.0 + SAME_FIELD_BONUS
    reference = (_self_score(searcher, doc, terms) or (results[0][1] if results else 1.0)) * bonus
    pairings = []
    for hit, score in results:
        if hit["lid"] in exclude_ids:
            continue
        adjusted = score * (bonus if doc.get("field") and hit.get("field") == doc["field"] else 1.0)
        pairings.append(Pairing(hit["key"], hit["lid"], adjusted, min(1.0, adjusted / reference)))
    pairings.sort(key=lambda p: (-p.raw, p.listing_id))
    return pairings[:limit]


def shared_terms(weighted_terms, doc, limit=MAX_EXPLAIN_TERMS):
    """The query terms (best idf first) that a counterpart's document also contains."""
    present = set(analyze(doc["title"])) | set(analyze(doc["keywords"])) | set(analyze(doc["body"]))
    return [t for t, _ in weighted_terms if t in present][:limit]


def _self_score(searcher, doc, terms):
    """The BM25F score the listing's own text would get for its query: the 0..1 reference.

    Computed from the text (same formula as the searcher) so it works before the listing
    is indexed and costs no second search.
    """
    total = 0.0
    for name, boost in PAIR_FIELDS:
        counts = Counter(analyze(doc[name]))
        length = sum(counts.values())
        if not length:
            continue
        avg = searcher.avg_field_length(name, 1) or 1
        for term in terms:
            if counts.get(term):
                total += boost * bm25(searcher.idf(name, term), counts[term], length, avg, B, K1)
    return total

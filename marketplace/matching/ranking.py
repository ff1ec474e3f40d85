"""BM25F ranking over the Whoosh index: the same scores as Whoosh's, many times faster.

Whoosh's Or matchers walk every posting through several Python method calls (id, weight,
score, field-length column lookup, next), and `len(results)` walks them all a second time
to count. Here each clause's postings are decoded a block at a time into numpy arrays, kept
per process (`PostingStore`: a segment's postings never change, only its deleted set), and
scored clause by clause in numpy, with per-segment caches of the quantised field lengths
(one byte per document) and of the filter masks (kind/status/...), keyed by segment id so
they survive searcher reopening. A broad query's cost is then a few array operations over
its postings, not a Python loop. The count of matching documents comes for free.

Scores equal Whoosh's BM25F (the searcher's idf and average field length, term boosts
multiplied in, the same float operations in the same order), ties broken by document number
as Whoosh does, deleted documents excluded.
"""
import threading
import weakref
from collections import OrderedDict

from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

_CACHE_LIMIT = 512
_lengths = {}
_masks = {}
_lock = threading.Lock()


def top_docs(searcher, clauses, filters=(), limit=10):
    """([(score, docnum)] best first, total matching) for an OR of (field, term, boost) clauses.

    `filters`: (field, value) pairs every counted document must have (an AND of exact terms).
    """
    import numpy as np

    filters = tuple(filters)
    weighted, norms = [], {}
    frequencies = _frequencies(searcher)
    for fieldname, text, boost in clauses:
        if frequencies(fieldname, text):
            if fieldname not in norms:
                b, k1 = bm25_constants(searcher.weighting, fieldname)
                norms[fieldname] = (np.array(_norm_table(searcher.avg_field_length(fieldname) or 1, b, k1)), k1 + 1)
            weighted.append((fieldname, text, searcher.idf(fieldname, text), boost, *norms[fieldname]))
    if not weighted:
        return [], 0
    best, total = [], 0
    leaves = list(searcher.reader().leaf_readers())
    _forget_other_segments({_segment_key(reader) for reader, _ in leaves})
    for reader, offset in leaves:
        docs, scores = _score_segment(reader, weighted, filters)
        total += len(docs)
        best.extend((float(score), offset + int(d)) for d, score in _best(docs, scores, limit))
    best.sort(key=lambda item: (-item[0], item[1]))
    return best[:limit], total


def _score_segment(reader, weighted, filters):
    """(docnums, scores) of this segment's live matching documents, in numpy (clause by clause, in order)."""
    import numpy as np

    count = reader.doc_count_all()
    mask = np.frombuffer(_mask(reader, filters), dtype=np.uint8).astype(bool) if filters else None
    if count == 0 or (mask is not None and not mask.any()):
        return np.empty(0, dtype=np.int64), np.empty(0)
    scores = np.zeros(count, dtype=np.float64)
    hit = np.zeros(count, dtype=bool)
    for fieldname, text, idf, boost, norm, k1p in weighted:  # the arithmetic of whoosh.scoring.bm25, in its order
        found = _scored_postings(reader, fieldname, text, idf, norm, k1p, mask)
        if found is not None:
            ids, component = found
            scores[ids] += component * boost  # a term's docnums are distinct
            hit[ids] = True
    if reader.has_deletions():
        hit[_deleted(reader, count)] = False
    docs = np.flatnonzero(hit)
    return docs, scores[docs]


def _best(docs, scores, limit):
    """The `limit` best (docnum, score) pairs, ties by docnum (docs ascending)."""
    import numpy as np

    if len(docs) > limit:
        keep = scores >= _at_most_kth_best(scores, limit)
        docs, scores = docs[keep], scores[keep]
    order = np.lexsort((docs, -scores))[:limit]
    return zip(docs[order], scores[order])


def _at_most_kth_best(scores, k, chunk=64):
    """A score ≤ the k-th best of scores, and close to it: the k-th best of the maxima of chunks of 64 scores
    (those k maxima are k scores at least that high). Far cheaper than a partition of every score, and what
    passes it is a few times k scores at most (then sorted exactly)."""
    import numpy as np

    whole = len(scores) // chunk * chunk
    if whole // chunk < k:
        return np.partition(scores, len(scores) - k)[len(scores) - k]  # the k-th best itself
    maxima = scores[:whole].reshape(-1, chunk).max(axis=1)
    return np.partition(maxima, len(maxima) - k)[len(maxima) - k]


_searcher_frequencies = weakref.WeakKeyDictionary()


def _frequencies(searcher):
    """doc_frequency(field, term) of this searcher, remembered while it lives (a thread's searcher lives until
    the index changes): looking a term up in the term tables costs more than scoring a rare term."""
    known = _searcher_frequencies.get(searcher)
    if known is None:
        known = _searcher_frequencies[searcher] = {}

    def frequency(fieldname, text):
        key = (fieldname, text)
        found = known.get(key)
        if found is None:
            if len(known) >= 100_000:  # a long-lived searcher and endless new words: start over
                known.clear()
            found = known[key] = searcher.doc_frequency(fieldname, text)
        return found
    return frequency


def _deleted(reader, count):
    import numpy as np

    deleted = getattr(reader, "deleted_docs_set", None)
    deleted = sorted(deleted) if deleted is not None else [d for d in range(count) if reader.is_deleted(d)]
    return np.asarray(deleted, dtype=np.int64)


def bm25_constants(weighting, fieldname):
    """(B, K1) of the searcher's BM25F weighting object for this field (its per-field B where one is set)."""
    return weighting._field_B.get(fieldname, weighting.B), weighting.K1


def _norm_table(avg, b, k1):
    """K1 * ((1 - B) + B * length / avg) for each of the 256 quantised lengths."""
    norm = [k1 * ((1 - b) + b * byte_to_length(n) / avg) for n in range(256)]
    norm[0] = k1 * ((1 - b) + b / avg)  # no length recorded: Whoosh's default of 1
    return norm


def _blocks(reader, fieldname, text):
    """(ids, weights) a posting block at a time, deleted documents included."""
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:  # not in this segment
        return
    matcher = getattr(matcher, "child", matcher)  # unwrap the deletion filter (handled by the caller)
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):  # W3LeafMatcher
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            yield matcher._ids, matcher._weights
            matcher._next_block()
        return
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


def _cached(cache, key, build):
    value = cache.get(key)
    if value is None:
        value = build()
        with _lock:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[key] = value
    return value


def _forget_other_segments(live):
    """Drop cached entries of segments merged away (kept while few: tests switch indexes)."""
    for cache in (_lengths, _masks):
        if len(cache) > 32:
            with _lock:
                for key in [key for key in cache if key[0] not in live]:
                    cache.pop(key, None)


def _segment_key(reader):
    segment = reader.segment()
    return segment.segment_id() if segment is not None else id(reader)


def _field_lengths(reader, fieldname):
    """One byte per document: the quantised length of `fieldname` (Whoosh's length column)."""
    def build():
        count = reader.doc_count_all()
        column = _length_column(reader, fieldname)
        if column is None:
            return bytes(length_to_byte(reader.doc_field_length(i, fieldname, 0) or 0) for i in range(count))
        try:  # the column file is the bytes themselves (fixed width 1), trailing zeros omitted
            raw = column._dbfile.get(column._basepos, column._count)
        except AttributeError:
            raw = bytes(column[i] for i in range(count))
        return bytes(raw[:count]) + bytes(max(0, count - len(raw)))
    return _cached(_lengths, (_segment_key(reader), fieldname), build)


def _length_column(reader, fieldname):
    """The W3 codec's per-document length column reader, or None (no lengths, other codec)."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return None
    return perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)


def _mask(reader, filters):
    """A bytearray: 1 for the documents of this segment having every (field, value) of filters."""
    def build():
        mask = None
        for fieldname, value in filters:
            docs = bytearray(reader.doc_count_all())
            for ids, _ in _blocks(reader, fieldname, value):
                for d in ids:
                    docs[d] = 1
            mask = docs if mask is None else bytearray(a & b for a, b in zip(mask, docs))
        return bytes(mask)
    return _cached(_masks, (_segment_key(reader), filters), build)


# ---------------------------------------------------------------- many queries at once (re-pairing)

class PostingCache:
    """Scored postings kept across batches of one searcher: {(segment, field, term, filters): (ids, parts)}.

    Filled until `budget` bytes are held (then only read); owned by one re-pairing run, never shared."""

    def __init__(self, budget=512 * 1024 * 1024):
        self.budget, self.used, self.entries = budget, 0, {}
        self.idf = {}  # (field, term) -> idf, or None when no document has the term
        self.self_idf = {}  # (field, term) -> idf, for the listing's own score (matcher._self_score)

    def get(self, key):
        return self.entries.get(key, False)

    def put(self, key, value):
        size = 0 if value is None else value[0].nbytes + value[1].nbytes
        if self.used + size <= self.budget:
            self.entries[key] = value
            self.used += size


def top_docs_many(searcher, clause_lists, filters=(), limit=10, cache=None):
    """top_docs for several OR queries at once: [([(score, docnum)] best first, total)], one per query.

    Each distinct (field, term) posting list is read and scored once for all queries of the batch (and,
    with a PostingCache, once for all batches), in numpy, instead of once per query: re-pairing every
    listing reads the popular terms' postings thousands of times otherwise. Per document the same BM25F
    terms are added as in `top_docs` (clause by clause, in each query's clause order, the same float
    operations), so the results are top_docs' own; ties are broken by docnum.
    """
    import numpy as np

    filters = tuple(filters)
    by_term, norms = {}, {}
    for q, clauses in enumerate(clause_lists):
        for position, (fieldname, text, boost) in enumerate(clauses):
            by_term.setdefault((fieldname, text), []).append((q, position, boost))
    stats = {}
    known = cache.idf if cache is not None else {}
    for key in by_term:
        idf = known.get(key, False)
        if idf is False:
            idf = known[key] = searcher.idf(*key) if searcher.doc_frequency(*key) else None
        if idf is not None:
            if key[0] not in norms:
                b, k1 = bm25_constants(searcher.weighting, key[0])
                norms[key[0]] = (np.array(_norm_table(searcher.avg_field_length(key[0]) or 1, b, k1)), k1 + 1)
            stats[key] = idf
    results = [([], 0) for _ in clause_lists]
    if not stats:
        return results
    # Add in each query's own clause order: order the (term, query) additions by the query's clause position.
    additions = sorted(((position, q, key, boost) for key, uses in by_term.items() if key in stats
                        for q, position, boost in uses), key=lambda item: (item[0], item[1]))
    leaves = list(searcher.reader().leaf_readers())
    _forget_other_segments({_segment_key(reader) for reader, _ in leaves})
    best = [[] for _ in clause_lists]
    totals = [0] * len(clause_lists)
    for reader, offset in leaves:
        count = reader.doc_count_all()
        mask = np.frombuffer(_mask(reader, filters), dtype=np.uint8).astype(bool) if filters else None
        if mask is not None and not mask.any():
            continue
        components = {}
        segment = _segment_key(reader)
        for (fieldname, text), idf in stats.items():
            key = (segment, fieldname, text, filters)
            found = cache.get(key) if cache is not None else False
            if found is False:
                found = _scored_postings(reader, fieldname, text, idf, *norms[fieldname], mask)
                if cache is not None:
                    cache.put(key, found)
            if found is not None:
                components[(fieldname, text)] = found
        if not components:
            continue
        scores = np.zeros((len(clause_lists), count), dtype=np.float64)
        hit = np.zeros((len(clause_lists), count), dtype=bool)
        for _, q, key, boost in additions:
            found = components.get(key)
            if found is not None:
                ids, component = found
                scores[q, ids] += component * boost
                hit[q, ids] = True
        if reader.has_deletions():
            hit[:, _deleted(reader, count)] = False
        for q in range(len(clause_lists)):
            docs = np.flatnonzero(hit[q])
            totals[q] += len(docs)
            best[q].extend((float(score), offset + int(d)) for d, score in _best(docs, scores[q, docs], limit))
    for q, items in enumerate(best):
        items.sort(key=lambda item: (-item[0], item[1]))
        results[q] = (items[:limit], totals[q])
    return results


def _scored_postings(reader, fieldname, text, idf, norm, k1p, mask):
    """(docnums, BM25 part without boost) of one term in one segment, inside the filter mask; or None."""
    import numpy as np

    found = _postings.get(reader, fieldname, text)
    if found is None:
        return None
    ids, weights = found
    if mask is not None:
        keep = mask[ids]
        ids, weights = ids[keep], weights[keep]
    if not len(ids):
        return None
    lengths = np.frombuffer(_field_lengths(reader, fieldname), dtype=np.uint8)
    return ids, idf * ((weights * k1p) / (weights + norm[lengths[ids]]))


class PostingStore:
    """Decoded postings of the process, {(segment, field, term): (docnums int32, weights float64)}, least
    recently used dropped past `budget` bytes. A segment's postings never change (deletions are applied by
    the reader), so an entry stays right until its segment is merged away; a broad term of a 100,000-listing
    index (47,000 postings, ≈ 0.6 MB) is then decoded once per process instead of once per search."""

    def __init__(self, budget=96 * 1024 * 1024):
        self.budget, self.used = budget, 0
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, reader, fieldname, text):
        key = (_segment_key(reader), fieldname, text)
        with self.lock:
            found = self.entries.get(key, False)
            if found is not False:
                self.entries.move_to_end(key)
                return found
        found = _decode(reader, fieldname, text)
        size = 0 if found is None else found[0].nbytes + found[1].nbytes
        if size <= self.budget:
            with self.lock:
                if key not in self.entries:
                    self.entries[key] = found
                    self.used += size
                while self.used > self.budget:
                    _, dropped = self.entries.popitem(last=False)
                    self.used -= 0 if dropped is None else dropped[0].nbytes + dropped[1].nbytes
        return found


def _decode(reader, fieldname, text):
    import numpy as np

    chunks = list(_blocks(reader, fieldname, text))
    if not chunks:
        return None
    ids = np.concatenate([np.asarray(ids, dtype=np.int32) for ids, _ in chunks])
    weights = np.concatenate([np.asarray(w, dtype=np.float64) for _, w in chunks])
    return ids, weights


_postings = PostingStore()

"""Queries against the index, always built as clause lists (never Whoosh's query parser).

Search (`search_clauses(text)`): untrusted user text -> its whole words (weight 1), their
sub-words (电池 of 锂电池) and the glossary's other names for the concepts it names
(graphene <-> 石墨烯), each an OR clause over title^3, keywords^2, body, organization and the
field label (`topic`), plus the sub-word field `parts` at half weight: whole-word matches
rank above partial ones, exact ones above translated ones.

Pairing (`pair_terms`, `pair`): the counterparts of one listing, by one OR over
- its whole words (title, keywords, body), each weighted by how often the listing uses it
  (1 + log tf) and kept when it discriminates in the pool (highest weight x idf first, no
  field boosts: enterprises and authors do not put the same words in the same places);
- the same words in the other side's sub-word field (电池 finds 锂电池);
- its character bigrams in the `grams` field (catches 导热膜 ~ 导热薄膜, partial overlaps);
- its characters in the other side's `chars` field (title and keywords only): two words for one thing
  often share a character and nothing else (移栽 ~ 移植, 胸围 ~ 胸径), as enterprises and authors do;
- glossary expansions (the other names of the concepts it mentions);
with a bonus for the same technology field. Scores are normalised to 0..1: the counterpart's
score divided by the score the listing's own text gets for the same query, capped at 1.
`calibration.strength` turns that into the 0-100 % strength users see.
"""
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from whoosh.query import And, Term
from whoosh.scoring import bm25

from . import ranking
from .analysis import PIECES, STOP, bigrams, characters, part_terms, whole_terms
from .documents import OTHER_KIND
from .glossary import glossary

SEARCH_FIELDS = (("title", 3.0), ("keywords", 2.0), ("body", 1.0), ("organization", 1.0), ("topic", 1.0))
SEARCH_PARTS_WEIGHT = 0.5  # the sub-word field, relative to the word fields
SUBWORD_WEIGHT = 0.5  # a query's own sub-words, relative to its whole words
EXPANSION_WEIGHT = 0.2  # glossary names the text does not itself use: exact matches rank first
PAIR_FIELDS = (("title", 1.0), ("keywords", 1.0), ("body", 1.0))
# Pairing knobs, tuned on the main dev split and the enterprise-language set (bench/tune.py).
PAIR_PARTS_WEIGHT = 1.0
PAIR_GRAMS_WEIGHT = 1.0
PAIR_CHARS_WEIGHT = 1.0  # chosen on the main split alone: bench.tune --grid (README, "Single characters")
PAIR_EXPANSION_WEIGHT = 1.0
SAME_FIELD_BONUS = 0.5
TF_WEIGHTING = True  # a term's weight is 1 + log of how often the listing uses it
MAX_SEARCH_TERMS = 16
MAX_SEARCH_CHARS = 4000
MAX_PAIR_TERMS = 80
MAX_PAIR_GRAMS = 128
MAX_PAIR_CHARS = 32
MAX_PAIR_EXPANSIONS = 24
MAX_DOC_SHARE = 0.2  # terms in more than this share of documents cost most and discriminate least
MAX_EXPLAIN_TERMS = 6
B, K1 = 0.75, 1.2  # whoosh's BM25F defaults, used by the searcher and by `_self_score`


# ---------------------------------------------------------------- search

def search_weighted(text):
    """[(term, weight)] for user text: whole words, then sub-words, then glossary names."""
    text = str(text or "")[:MAX_SEARCH_CHARS]
    words = list(dict.fromkeys(whole_terms(text)))[:MAX_SEARCH_TERMS]
    weighted = dict.fromkeys(words, 1.0)
    for term in part_terms(text):
        weighted.setdefault(term, SUBWORD_WEIGHT)
    if words:
        for term in glossary().expansions(text, weighted):
            weighted.setdefault(term, EXPANSION_WEIGHT)
    return list(weighted.items())


def search_terms(text):
    """The distinct terms a query searches for (and highlights), whole words first."""
    return [term for term, _ in search_weighted(text)]


def search_clauses(weighted):
    """(field, term, boost) clauses of a search over [(term, weight)]."""
    clauses = [(name, term, boost * weight) for term, weight in weighted for name, boost in SEARCH_FIELDS]
    clauses += [("parts", term, SEARCH_PARTS_WEIGHT * weight) for term, weight in weighted]
    return clauses


def filter_terms(filters):
    """The (field, value) pairs of exact-match filters, in filter_query's order."""
    pairs = [(name, str(filters[name])) for name in ("kind", "field", "type", "maturity", "status")
             if filters.get(name)]
    if filters.get("is_challenge") is not None:
        pairs.append(("is_challenge", bool(filters["is_challenge"])))
    return pairs


def ranked(searcher, clauses, filters=(), limit=10, offset=0):
    """([(stored fields, score)] best first, total) for an OR of (field, term, boost) clauses.

    Hits ranked offset..limit are returned; total counts every matching document.
    """
    top, total = ranking.top_docs(searcher, clauses, filters, limit)
    return [(searcher.stored_fields(docnum), score) for score, docnum in top[offset:]], total


def filter_query(filters):
    """An And of exact-match filters (kind, field, type, maturity, is_challenge) or None."""
    parts = [Term(name, value) for name, value in filter_terms(filters)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


# ---------------------------------------------------------------- pairing

@dataclass
class Pairing:
    key: str
    listing_id: int
    raw: float
    score: float
    terms: list = field(default_factory=list)


@dataclass
class PairQuery:
    """What one listing looks for: [(term, weight)] words, bigrams, glossary names and characters."""
    words: list
    grams: list
    expansions: list
    chars: list = field(default_factory=list)

    def clauses(self):
        out = [(name, term, boost * weight) for term, weight in self.words for name, boost in PAIR_FIELDS]
        out += [("parts", term, PAIR_PARTS_WEIGHT * weight) for term, weight in self.words if PAIR_PARTS_WEIGHT]
        out += [("grams", gram, PAIR_GRAMS_WEIGHT * weight) for gram, weight in self.grams if PAIR_GRAMS_WEIGHT]
        out += [(name, term, boost * PAIR_EXPANSION_WEIGHT * weight) for term, weight in self.expansions
                for name, boost in PAIR_FIELDS if PAIR_EXPANSION_WEIGHT]
        out += [("chars", char, PAIR_CHARS_WEIGHT * weight) for char, weight in self.chars if PAIR_CHARS_WEIGHT]
        return out

    def __bool__(self):
        return bool(self.words or self.grams)


def _text(doc):
    return PIECES.join((doc["title"], doc["keywords"], doc["body"]))


def _top_weighted(counts, idf, limit, common):
    """[(term, 1 + log tf)] of the `limit` terms with the highest (1 + log tf) * idf above `common`."""
    scored = [(term, 1 + math.log(count) if TF_WEIGHTING else 1.0, idf(term)) for term, count in counts.items()]
    scored = [item for item in scored if item[2] > common]
    scored.sort(key=lambda item: (-item[1] * item[2], item[0]))
    return [(term, weight) for term, weight, _ in scored[:limit]]


def pair_terms(searcher, doc, frequencies=None):
    """The bounded, weighted PairQuery of one listing's document (dict from documents.to_document).

    `frequencies`: an optional dict kept across the listings of one re-pairing run (same searcher), so each
    term's document frequency is read from the index once per run rather than once per listing."""
    total = max(searcher.doc_count_all(), 1)
    # Terms in more than MAX_DOC_SHARE of the documents are left out (small indexes keep all).
    common = _idf(total, MAX_DOC_SHARE * total) if total >= 1000 else -1.0
    text = _text(doc)
    word_counts = Counter(whole_terms(text))
    cache = {} if frequencies is None else frequencies

    def frequency(fieldname, term):
        found = cache.get((fieldname, term))
        if found is None:
            found = cache[(fieldname, term)] = searcher.doc_frequency(fieldname, term)
        return found

    def word_idf(term):
        return _idf(total, frequency("body", term) + frequency("title", term))

    words = _top_weighted(word_counts, word_idf, MAX_PAIR_TERMS, common)
    grams = []
    if PAIR_GRAMS_WEIGHT:
        grams = _top_weighted(Counter(bigrams(doc["grams"])), lambda g: _idf(total, frequency("grams", g)),
                              MAX_PAIR_GRAMS, common)
    expansions = []
    if PAIR_EXPANSION_WEIGHT:
        names = [(t, word_idf(t)) for t in glossary().expansions(text, word_counts)]
        names = sorted((item for item in names if item[1] > common), key=lambda item: -item[1])
        expansions = [(t, 1.0) for t, _ in names[:MAX_PAIR_EXPANSIONS]]
    chars = []
    if PAIR_CHARS_WEIGHT:  # from the whole text: the counterpart's title and keywords are what it is about
        chars = _top_weighted(Counter(characters(text)), lambda c: _idf(total, frequency("chars", c)),
                              MAX_PAIR_CHARS, common)
    return PairQuery(words, grams, expansions, chars)


def _idf(total, freq):
    return math.log(1 + (total - freq + 0.5) / (freq + 0.5))


def pair(searcher, kind, doc, limit, exclude_ids=(), query=None):
    """Best counterparts (published, other kind) for one listing's document, best first.

    Returns Pairing objects without terms (see `shared_terms`), with raw and 0..1 scores.
    """
    query = pair_terms(searcher, doc) if query is None else query
    return pair_many(searcher, kind, [doc], limit, [exclude_ids], [query])[0]


def pair_many(searcher, kind, docs, limit, excludes, queries, cache=None):
    """`pair` for several documents of one kind at once (one ranking pass: ranking.top_docs_many), with the
    same results as one by one. `excludes` and `queries` are parallel to `docs`; `cache` an optional
    ranking.PostingCache kept across the batches of one re-pairing run."""
    fetches = [2 * (limit + len(exclude)) + 10 for exclude in excludes]  # re-ranked with the field bonus
    clause_lists = [query.clauses() if query else [] for query in queries]
    scope = (("kind", OTHER_KIND[kind]), ("status", "published"))
    ranked_many = ranking.top_docs_many(searcher, clause_lists, scope, max(fetches, default=0), cache)
    out = []
    for doc, exclude, clauses, fetch, (top, _) in zip(docs, excludes, clause_lists, fetches, ranked_many):
        results = [(searcher.stored_fields(docnum), score) for score, docnum in top[:fetch]] if clauses else []
        out.append(_pairings(searcher, doc, clauses, results, limit, exclude,
                             cache.self_idf if cache is not None else None))
    return out


def _pairings(searcher, doc, clauses, results, limit, exclude_ids, idf_memo=None):
    """Pairing objects of one document from its ranked hits: excluded ids out, the same-field bonus in,
    normalised by the document's own score."""
    if not clauses:
        return []
    bonus = 1.0 + SAME_FIELD_BONUS
    reference = (_self_score(searcher, doc, clauses, idf_memo) or (results[0][1] if results else 1.0)) * bonus
    pairings = []
    for hit, score in results:
        if hit["lid"] in exclude_ids:
            continue
        adjusted = score * (bonus if doc.get("field") and hit.get("field") == doc["field"] else 1.0)
        pairings.append(Pairing(hit["key"], hit["lid"], adjusted, min(1.0, adjusted / reference)))
    pairings.sort(key=lambda p: (-p.raw, p.listing_id))
    return pairings[:limit]


def _self_score(searcher, doc, clauses, idf_memo=None):
    """The BM25F score the listing's own text would get for its query: the 0..1 reference.

    Computed from the text (same formula as the searcher) so it works before the listing
    is indexed and costs no second search. `idf_memo`: a dict kept across a re-pairing run.
    """
    memo = {} if idf_memo is None else idf_memo
    text = _text(doc)
    analyzed = {name: Counter(whole_terms(doc[name])) for name, _ in PAIR_FIELDS}
    analyzed["parts"] = Counter(part_terms(text))
    analyzed["grams"] = Counter(bigrams(doc["grams"]))
    analyzed["chars"] = Counter(characters(doc["chars"]))
    total = 0.0
    for name, term, boost in clauses:
        counts = analyzed[name]
        if counts.get(term):
            avg = searcher.avg_field_length(name, 1) or 1
            idf = memo.get((name, term))
            if idf is None:
                idf = memo[(name, term)] = searcher.idf(name, term)
            total += boost * bm25(idf, counts[term], sum(counts.values()), avg, B, K1)
    return total


# ---------------------------------------------------------------- explanations

_NOT_A_REASON = re.compile(r"^(?:[0-9.+\-_%]+[a-z]{0,3}|[a-z]{1,2}|[0-9]+[a-z0-9]*)$")
UNITS = frozenset("""
mm cm km nm um μm kg mg g ml l kw w kwh mw gw v kv mv a ma mah hz khz mhz ghz db pa kpa mpa gpa
℃ °c k s ms min h rpm ppm ppb mol wt vol
% ‰ 个 只 台 套 件 米 厘米 毫米 公里 千克 公斤 克 吨 升 毫升 瓦 千瓦 伏 安 赫兹 小时 分钟 秒 天 年 月 度 倍 次 元 万元 亿元
""".split())
GENERIC = frozenset("""
厚度 系数 连续 提高 降低 提升 增加 减少 达到 以上 以下 左右 大于 小于 不低于 不高于 不超过 至少 目前 现有 存在 解决
产品 企业 生产 使用 应用 要求 指标 性能 效果 情况 过程 影响 作用 条件 因素 方式 能力 水平 问题 工作 研究 发现
希望 寻找 合作 需要 我们 一种 一个 具有 显著 良好 较好 较高 较低 明显 稳定 快速 成本 目标 项目 领域
""".split())


def is_reason(term):
    """Whether a shared term can explain a pairing: no numbers, units, lone letters, stop or filler words."""
    return (len(term) > 1 and term not in STOP and term not in UNITS and term not in GENERIC
            and not _NOT_A_REASON.match(term))


def explainable(doc):
    """(keywords, title words, all words) of a counterpart's document: what `shared_terms` looks in."""
    keywords = frozenset(whole_terms(doc["keywords"]))
    title = frozenset(whole_terms(doc["title"]))
    return keywords, title, keywords | title | frozenset(whole_terms(doc["body"]))


def shared_terms(query, doc, limit=MAX_EXPLAIN_TERMS, words_of=None):
    """The meaningful concepts a counterpart's document shares with the query, best first.

    The counterpart's keywords first, then its title's words, then its body's, each by idf;
    a word inside a longer chosen one (石墨 in 石墨烯) is not repeated. `words_of`: `explainable(doc)` if
    already known (a re-pairing run keeps it per counterpart).
    """
    words = dict(query.words)
    words.update((t, w) for t, w in query.expansions if t not in words)
    keywords, title, present = words_of or explainable(doc)
    order = {term: rank for rank, term in enumerate(words)}  # pair_terms: best tf*idf first
    candidates = [t for t in words if t in present and is_reason(t)]
    candidates.sort(key=lambda t: (0 if t in keywords else 1 if t in title else 2, order[t]))
    chosen = []
    for term in candidates:
        if any(term in other for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) >= limit:
            break
    return chosen

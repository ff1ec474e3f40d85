"""The term-at-a-time ranking gives Whoosh's own BM25F results, over several segments and deletions."""
from whoosh import index as whoosh_index
from whoosh.query import And, Or, Term

from marketplace.matching import ranking
from marketplace.matching.documents import make_schema

TEXTS = ["石墨烯 导热 薄膜 制备", "石墨烯 电池 负极材料", "导热 硅胶 垫片", "锂离子电池 回收 工艺",
         "石墨烯 导热 涂层 散热", "污水处理 膜 生物反应器", "导热 石墨烯 复合材料 导热"]


def _doc(i, text, kind):
    return {"key": f"{kind}:{i}", "kind": kind, "lid": i, "title": text.split()[0], "keywords": text.split()[-1],
            "body": text, "parts": text, "grams": text, "status": "published", "field": "新材料", "version": "1"}


def _build(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    for start in (0, 4):  # two segments (no merge), then deletions kept in the first one
        writer = ix.writer()
        for i, text in enumerate(TEXTS[start:start + 4], start):
            writer.add_document(**_doc(i, text, "achievement" if i % 3 else "demand"))
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("key", "achievement:1")
    writer.commit(merge=False)
    return ix


def _whoosh(searcher, clauses, filters, limit):
    query = Or([Term(f, t, boost=b) for f, t, b in clauses])
    flt = And([Term(f, v) for f, v in filters]) if filters else None
    results = searcher.search(query, filter=flt, limit=limit)
    return [(round(hit.score, 9), hit.docnum) for hit in results], len(results)


def test_same_hits_scores_and_count_as_whoosh(tmp_path):
    ix = _build(tmp_path)
    with ix.searcher() as searcher:
        assert len(list(searcher.reader().leaf_readers())) == 2
        assert searcher.reader().has_deletions()
        cases = [
            ([("title", "石墨烯", 3.0), ("body", "导热", 1.0), ("keywords", "散热", 2.0)], ()),
            ([("body", "石墨烯", 1.0), ("body", "电池", 1.0)], (("kind", "achievement"), ("status", "published"))),
            ([("body", "导热", 1.0)], (("kind", "demand"),)),
            ([("body", "不存在的词", 1.0)], ()),
            ([("grams", "导热", 0.7), ("parts", "电池", 0.5), ("body", "石墨烯", 1.0)], (("status", "published"),)),
        ]
        for clauses, filters in cases:
            for limit in (1, 2, 10):
                top, total = ranking.top_docs(searcher, clauses, filters, limit)
                assert ([(round(score, 9), doc) for score, doc in top], total) == _whoosh(searcher, clauses, filters, limit)


def test_deleted_documents_are_neither_ranked_nor_counted(tmp_path):
    ix = _build(tmp_path)
    with ix.searcher() as searcher:
        top, total = ranking.top_docs(searcher, [("body", "石墨烯", 1.0)], (), 10)
        keys = {searcher.stored_fields(doc)["key"] for _, doc in top}
        assert keys == {"demand:0", "achievement:4", "demand:6"} and total == 3


def test_the_bm25_constants_come_from_the_searchers_weighting(tmp_path):
    from whoosh.scoring import BM25F

    ix = _build(tmp_path)
    weighting = BM25F(B=0.3, K1=2.5, body_B=0.9)
    clauses = [("title", "石墨烯", 3.0), ("body", "导热", 1.0), ("body", "石墨烯", 1.0)]
    with ix.searcher(weighting=weighting) as searcher:
        assert ranking.bm25_constants(searcher.weighting, "body") == (0.9, 2.5)
        assert ranking.bm25_constants(searcher.weighting, "title") == (0.3, 2.5)
        top, total = ranking.top_docs(searcher, clauses, (), 10)
        assert ([(round(score, 9), doc) for score, doc in top], total) == _whoosh(searcher, clauses, (), 10)
    with ix.searcher() as default:  # and the constants matter: other weights, other scores
        assert [score for score, _ in ranking.top_docs(default, clauses, (), 10)[0]] != [score for score, _ in top]


def test_only_the_matching_package_imports_whoosh():
    """DESIGN: the search module is one door; the rest of the app goes through marketplace.matching."""
    import re
    from pathlib import Path

    root = Path(ranking.__file__).parents[1]
    importers = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                       if re.search(r"^\s*(from|import)\s+whoosh\b", path.read_text(encoding="utf-8"), re.M))
    assert importers and all(name.startswith("matching/") for name in importers), importers


def _long_postings_index(tmp_path, count=700):
    """One segment in which 石墨烯 has `count` postings (over five 128-posting blocks), of varied lengths and
    weights, and a few deletions."""
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = ix.writer()
    for i in range(count):
        text = " ".join(["石墨烯"] * (1 + i % 4) + ["导热"] * (i % 3) + ["填充"] * (i % 11))
        writer.add_document(**_doc(i, text, "achievement" if i % 5 else "demand"))
    writer.commit()
    writer = ix.writer()
    for i in (3, 201, 556):
        writer.delete_by_term("key", f"achievement:{i}")
    writer.commit(merge=False)
    return ix


def test_each_private_read_takes_its_fast_path_on_long_postings(tmp_path):
    """ranking.py reads Whoosh internals for speed; each read falls back quietly when a Whoosh upgrade renames
    what it uses, so each is checked here: this test fails if any fast path is not taken."""
    import math

    from whoosh.util.numeric import length_to_byte

    ix = _long_postings_index(tmp_path)
    with ix.searcher() as searcher:
        [(reader, _)] = list(searcher.reader().leaf_readers())
        assert reader.has_deletions()
        # postings a block at a time (W3LeafMatcher._read_ids/_read_weights/_next_block, under the deletion filter)
        blocks = list(ranking._blocks(reader, "body", "石墨烯"))
        assert len(blocks) == math.ceil(700 / 128) and all(len(ids) <= 128 for ids, _ in blocks)
        assert [d for ids, _ in blocks for d in ids] == list(range(700))  # deleted ones included, by design
        # the length column read as bytes (perdoc._cached_reader, column._dbfile/_basepos/_count)
        column = ranking._length_column(reader, "body")
        assert column is not None
        raw = column._dbfile.get(column._basepos, column._count)
        slow = bytes(length_to_byte(reader.doc_field_length(i, "body", 0) or 0) for i in range(700))
        assert ranking._field_lengths(reader, "body") == slow and bytes(raw[:700]) == slow[:len(raw)]
        # the deleted set (SegmentReader.deleted_docs_set)
        assert len(reader.deleted_docs_set) == 3
        for clauses, filters in [([("body", "石墨烯", 1.0)], ()),
                                 ([("body", "石墨烯", 1.0), ("body", "导热", 2.0), ("body", "填充", 0.5)],
                                  (("kind", "achievement"),))]:
            for limit in (5, 50):
                top, total = ranking.top_docs(searcher, clauses, filters, limit)
                assert ([(round(score, 9), doc) for score, doc in top], total) == _whoosh(searcher, clauses, filters,
                                                                                          limit)


def test_kept_postings_follow_index_changes(tmp_path):
    """Decoded postings are kept per process (PostingStore); a change to the index (a deletion in a kept
    segment, a new segment) still gives Whoosh's own results on the next search."""
    ix = _build(tmp_path)
    clauses = [("body", "石墨烯", 1.0), ("body", "导热", 1.0)]
    with ix.searcher() as searcher:
        assert ranking.top_docs(searcher, clauses, (), 10) == ranking.top_docs(searcher, clauses, (), 10)
    writer = ix.writer()
    writer.delete_by_term("key", "demand:0")
    writer.add_document(**_doc(20, "石墨烯 导热 新品", "achievement"))
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        top, total = ranking.top_docs(searcher, clauses, (), 10)
        assert ([(round(score, 9), doc) for score, doc in top], total) == _whoosh(searcher, clauses, (), 10)
        keys = {searcher.stored_fields(doc)["key"] for _, doc in top}
        assert "achievement:20" in keys and "demand:0" not in keys


def test_the_posting_store_decodes_once_and_keeps_to_its_budget(tmp_path):
    ix = _long_postings_index(tmp_path)
    with ix.searcher() as searcher:
        [(reader, _)] = list(searcher.reader().leaf_readers())
        store = ranking.PostingStore()
        first = store.get(reader, "body", "石墨烯")
        assert store.get(reader, "body", "石墨烯") is first  # decoded once, then served from the store
        assert list(first[0]) == list(range(700)) and store.get(reader, "body", "不存在的词") is None
        sizes = {term: sum(a.nbytes for a in store.get(reader, "body", term)) for term in ("石墨烯", "导热", "填充")}
        small = ranking.PostingStore(budget=sizes["石墨烯"] + sizes["导热"] + sizes["填充"] - 1)
        for term in ("石墨烯", "导热", "填充"):
            small.get(reader, "body", term)
        assert [key[2] for key in small.entries] == ["导热", "填充"]  # the least recently used went first
        assert small.used == sizes["导热"] + sizes["填充"]


def test_the_best_k_are_those_of_a_full_sort_ties_by_document():
    """ranking._best keeps only the scores at or above a bound from chunk maxima: the same k as sorting all."""
    import numpy as np

    rng = np.random.default_rng(7)
    for size, k in [(5, 10), (100, 3), (640, 10), (5000, 12), (5000, 100), (20000, 1)]:
        scores = np.round(rng.random(size) * 50) / 10  # many ties
        docs = np.sort(rng.choice(size * 3, size, replace=False))
        expected = sorted(zip(docs.tolist(), scores.tolist()), key=lambda item: (-item[1], item[0]))[:k]
        assert [(int(d), float(s)) for d, s in ranking._best(docs, scores, k)] == expected

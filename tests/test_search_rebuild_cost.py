"""The cheaper rebuild writes the same index: counted text fields, the codec, the bigram field's extent."""
from types import SimpleNamespace

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import TEXT
from whoosh.query import Term

from marketplace.matching import matcher
from marketplace.matching.analysis import BigramTokenizer, ChineseAnalyzer, SubwordTokenizer, bigrams
from marketplace.matching.codec import IndexCodec
from marketplace.matching.documents import GRAMS_BODY_CHARS, CountedText, make_schema, to_document

pytestmark = pytest.mark.engine_neutral  # no database

TEXTS = (
    "一种石墨烯复合导热材料的制备方法，导热系数提高了30%，石墨烯分散均匀。",
    "Lithium-ion battery recycling: 锂离子电池正极材料回收工艺，回收率达到95%以上。",
    "面向工业机器人的机器视觉缺陷检测系统，深度学习模型在边缘计算设备上实时运行。",
    "",
)


def _row(i, title, keywords, summary):
    return SimpleNamespace(id=i, title=title, keywords=keywords, field="新材料", status="published",
                           updated_at=None, published_at=None, organization="某某大学", summary=summary,
                           description="", type="", maturity="")


@pytest.mark.parametrize("analyzer", [ChineseAnalyzer(), SubwordTokenizer(), BigramTokenizer()],
                         ids=["words", "parts", "grams"])
@pytest.mark.parametrize("text", TEXTS)
def test_counted_text_gives_the_postings_of_a_positionless_text_field(analyzer, text):
    assert sorted(CountedText(analyzer).index(text)) == sorted(TEXT(analyzer=analyzer, phrase=False).index(text))


def _write(directory, codec, docs):
    ix = whoosh_index.create_in(str(directory), make_schema())
    writer = ix.writer(codec=codec)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return ix


def _segment_file(ix, ext):
    """The bytes of one file of the index's only segment (inside its compound file)."""
    [segment] = ix._segments()
    storage = segment.open_compound_file(ix.storage) if segment.is_compound() else ix.storage
    return bytes(storage.open_file(segment.make_filename(ext)).read())


def _dump(ix):
    """Every posting with its weight and the stored field length, per field, and every field length."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        postings = []
        for fieldname, text in reader.all_terms():
            matcher_ = reader.postings(fieldname, text)
            while matcher_.is_active():
                postings.append((fieldname, text, matcher_.id(), matcher_.weight()))
                matcher_.next()
        lengths = [(name, n, reader.doc_field_length(n, name)) for name in ("title", "body", "parts", "grams")
                   for n in range(reader.doc_count_all())]
        return postings, lengths


def test_index_codec_writes_what_the_default_codec_writes(tmp_path):
    docs = [to_document("achievement", _row(i, text[:12], "石墨烯,导热", text * 3)) for i, text in enumerate(TEXTS, 1)]
    (tmp_path / "ours").mkdir()
    (tmp_path / "default").mkdir()
    ours = _write(tmp_path / "ours", IndexCodec(), docs)
    default = _write(tmp_path / "default", W3Codec(), docs)
    assert _dump(ours) == _dump(default)
    with ours.searcher() as searcher:
        assert [hit["lid"] for hit in searcher.search(Term("body", "石墨烯"))] == [1]


def test_grams_cover_title_keywords_and_the_opening_of_the_body(tmp_path):
    tail = "钙钛矿太阳能"
    body = "一" * GRAMS_BODY_CHARS + tail  # the tail lies beyond the indexed opening
    doc = to_document("achievement", _row(1, "高效光伏组件", "光伏,组件", body))
    ix = _write(tmp_path, IndexCodec(), [doc])
    with ix.searcher() as searcher:
        assert searcher.doc_frequency("grams", "光伏") == 1
        assert searcher.doc_frequency("grams", "钛矿") == 0
        assert searcher.doc_frequency("body", "钙钛矿") == 1  # the words still cover the whole body
        query = matcher.pair_terms(searcher, doc)
        assert "钛矿" not in dict(query.grams)  # the pairing query takes its bigrams from the same text
        assert set(dict(query.grams)) <= set(bigrams(doc["grams"]))


def _docs(count):
    return [to_document("achievement", _row(i, TEXTS[i % 4][:12] + str(i), "石墨烯,导热", TEXTS[i % 3] * (1 + i % 3)))
            for i in range(1, count + 1)]


@pytest.mark.parametrize("procs", [1, 2])
def test_the_term_pool_writer_writes_what_whooshs_writer_writes(tmp_path, procs):
    from marketplace.matching import pool

    docs = _docs(300)
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "pool").mkdir()
    reference = _write(tmp_path / "whoosh", IndexCodec(), docs)
    ix = whoosh_index.create_in(str(tmp_path / "pool"), make_schema())
    writer = pool.writer(ix, procs, codec=IndexCodec())
    assert isinstance(writer.pool, pool.TermPool)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    if procs == 1:
        assert _dump(ix) == _dump(reference)
    else:  # one segment per process: documents are numbered per segment, compare them by key
        def by_key(index):
            with index.searcher() as searcher:
                keys = {n: fields["key"] for n, fields in enumerate(searcher.reader().all_stored_fields())}
            postings, _ = _dump(index)
            return sorted((field, text, keys[n], weight) for field, text, n, weight in postings)
        assert len(ix._segments()) == 2
        assert by_key(ix) == by_key(reference)


def test_term_lists_are_written_as_whoosh_writes_them_posting_by_posting(tmp_path, monkeypatch):
    """codec._FieldWriter writes the TermPool's lists a block at a time; the files are those of Whoosh's own
    per-posting add_postings over the same postings, byte for byte (blocks, their statistics, values, inline
    lists, the term table)."""
    from marketplace.matching import pool

    def build(name):
        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), make_schema())
        writer = pool.writer(ix, 1, codec=IndexCodec())
        for doc in _docs(300):
            writer.add_document(**doc)
        writer.commit()
        return ix

    by_term = build("by_term")
    sorted_postings = pool.TermPool.iter_postings
    monkeypatch.setattr(pool.TermPool, "iter_postings", lambda self: iter(sorted_postings(self)))  # no by_term
    per_posting = build("per_posting")
    assert _dump(by_term) == _dump(per_posting)
    for ext in (".pst", ".trm"):
        assert _segment_file(by_term, ext) == _segment_file(per_posting, ext), ext


def test_the_term_pool_hands_out_postings_sorted_by_field_term_and_document():
    from marketplace.matching.pool import TermPool

    items = [("title", b"b", 0, 1.0, b"\x01"), ("body", b"z", 0, 2.0, b"\x02"), ("title", b"a", 0, 1.0, b"\x01"),
             ("title", b"b", 1, 1.0, b"\x01"), ("body", b"z", 2, 1.0, b"\x01"), ("title", b"a", 3, 3.0, b"\x03")]
    pool = TermPool()
    for item in items:
        pool.add(item)
    assert list(pool.iter_postings()) == sorted(items)
    assert pool.fieldnames == {"title", "body"}

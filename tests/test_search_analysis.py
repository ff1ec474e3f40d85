"""The analyzer: Chinese technical terms, mixed Chinese/English, stop words, positions."""
import pytest
from whoosh import index as whoosh_index
from whoosh.query import Phrase, Term

from marketplace.matching.analysis import ChineseTokenizer, SubwordTokenizer, bigrams, part_terms, terms, whole_terms
from marketplace.matching.documents import make_schema

pytestmark = pytest.mark.engine_neutral  # no database


def test_domain_terms_stay_whole():
    words = whole_terms("一种石墨烯复合导热材料和高熵合金的制备方法")
    assert "石墨烯" in words
    assert "高熵合金" in words
    assert "石墨" not in words and "烯" not in words
    assert "熵" not in words


def test_words_are_indexed_at_every_granularity():
    assert part_terms("锂电池极片") == ["锂电", "电池"]
    assert "电池" in part_terms("锂离子电池") and "锂离子电池" in whole_terms("锂离子电池")
    assert {"人工智能", "大数据"} <= set(whole_terms("大数据与人工智能"))
    words = terms("固态锂电池")
    assert words.index("锂电池") < words.index("电池")  # a word before its parts
    # sub-words share their word's position; the whole-word field keeps phrases working
    tokens = [(t.text, t.pos) for t in SubwordTokenizer()("导热锂电池", positions=True)]
    assert tokens == [("锂电", 1), ("电池", 1)]


def test_bigrams_of_chinese_runs():
    assert bigrams("导热膜，AI芯片") == ["导热", "热膜", "芯片"]


def test_english_is_lowercased_and_stemmed():
    assert terms("Lithium Batteries") == terms("lithium battery")
    assert "batteri" in terms("高能量密度 Batteries 电池")


def test_stop_words_and_punctuation_are_dropped():
    words = terms("我们的 the 电池，。！ and 材料")
    assert words == ["电池", "材料"]


def test_positions_are_sequential_over_kept_tokens():
    # Whoosh reuses one Token object: read each one as it comes.
    tokens = [(t.text, t.pos, t.startchar, t.endchar)
              for t in ChineseTokenizer()("的石墨烯 and 导热", positions=True, chars=True)]
    assert tokens == [("石墨烯", 0, 1, 4), ("导热", 1, 9, 11)]


def test_phrase_query_matches_in_the_index(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = ix.writer()
    writer.add_document(key="achievement:1", kind="achievement", lid=1, title="高导热石墨烯散热膜", body="x")
    writer.add_document(key="achievement:2", kind="achievement", lid=2, title="散热膜与石墨烯", body="x")
    writer.commit()
    with ix.searcher() as searcher:
        hits = searcher.search(Phrase("title", whole_terms("石墨烯散热膜")))
        assert [hit["key"] for hit in hits] == ["achievement:1"]
        assert len(searcher.search(Term("title", "石墨烯"))) == 2

"""The pairing's character view (#10): a demand that names the same thing in other words, sharing no word and no
bigram with the achievement, still finds it through the characters of the achievement's title and keywords; an
index built before the `chars` field existed keeps working until its rebuild."""
from whoosh import index as whoosh_index

from marketplace.extensions import db
from marketplace.matching import consistency, documents, generations, index, matcher
from marketplace.matching.analysis import bigrams, characters, whole_terms
from marketplace.matching.documents import select_rows, to_document

from .matching_support import index_keys, new_achievement, new_demand

CLEAN = {"missing": [], "stale": [], "extra": []}
# The author's words and the enterprise's words for one thing: rust on steel beams.
AUTHOR = dict(title="钢结构锈蚀防护涂层", keywords="锈蚀,防护涂层,钢结构",
              summary="适用于海洋大气环境，耐盐雾3000小时。", field="新材料")
ENTERPRISE = dict(title="车间钢梁生锈求办法", keywords="", indicators="", field="新材料",
                  description="我厂车间钢梁多处生锈掉皮，需要能长期防锈的处理方案，最好不停产施工。")


def _proposed(demand):
    doc = to_document("demand", db.session.execute(select_rows("demand", [demand.id])).one())
    return [p.listing_id for p in matcher.pair(index.searcher(), "demand", doc, 10)]


def test_the_two_wordings_share_no_word_and_no_bigram_only_characters():
    author = " ".join((AUTHOR["title"], AUTHOR["keywords"], AUTHOR["summary"]))
    enterprise = " ".join((ENTERPRISE["title"], ENTERPRISE["description"]))
    assert not set(whole_terms(author)) & set(whole_terms(enterprise))
    assert not set(bigrams(author)) & set(bigrams(enterprise))
    assert {"钢", "锈", "防"} <= set(characters(author)) & set(characters(enterprise))


def test_a_demand_in_other_words_finds_the_achievement_by_its_characters(make, monkeypatch):
    target = new_achievement(**AUTHOR)
    for title, keywords in (("厂房屋面光伏支架", "光伏,支架"), ("锂电池极片涂布工艺", "涂布,极片"),
                            ("车间粉尘在线监测", "粉尘,监测")):
        new_achievement(title=title, keywords=keywords, summary=title + "的成套技术。", field="新材料")
    demand = new_demand(**ENTERPRISE)
    assert target.id in _proposed(demand)
    monkeypatch.setattr(matcher, "PAIR_CHARS_WEIGHT", 0.0)
    assert target.id not in _proposed(demand)  # the characters are what found it


def test_characters_come_from_the_title_and_keywords_but_the_query_reads_the_whole_text(make):
    listing = new_achievement(title="钢结构防护", keywords="涂层", summary="耐盐雾三千小时")
    searcher = index.searcher()
    assert searcher.doc_frequency("chars", "钢") == 1 and searcher.doc_frequency("chars", "涂") == 1
    assert searcher.doc_frequency("chars", "盐") == 0  # the body's characters are not indexed
    doc = to_document("achievement", db.session.execute(select_rows("achievement", [listing.id])).one())
    assert "盐" in dict(matcher.pair_terms(searcher, doc).chars)


def _build_without_chars(directory):
    """A live index as the previous release wrote it: the schema without `chars`, versions hashed without it."""
    old_schema = documents.make_schema()
    old_schema.remove("chars")

    def fill(ix):
        writer = ix.writer()
        for kind in documents.KIND_MODELS:
            for row in db.session.execute(select_rows(kind, indexed_only=True)):
                doc = to_document(kind, row)
                del doc["chars"], doc["version"]
                writer.add_document(**{k: v for k, v in doc.items() if v is not None},
                                    version=documents.version_of(doc))
        writer.commit()

    generations.swap_in(directory, old_schema, fill)
    index.forget_open_files()


def test_an_index_without_the_chars_field_gets_it_and_keeps_taking_writes(app, make):
    old = new_achievement(**AUTHOR)
    _build_without_chars(index.index_dir())
    assert "chars" not in whoosh_index.open_dir(generations.live_dir(index.index_dir())).schema
    assert consistency.check() == {"missing": [], "stale": [old.index_key], "extra": []}
    assert "chars" in index.get_index().schema  # added, empty, on opening
    demand = new_demand(**ENTERPRISE)  # written with its characters: no unknown-field error
    assert {old.index_key, demand.index_key} <= index_keys()
    assert old.id not in _proposed(demand)  # the old document has no characters yet
    result = app.test_cli_runner().invoke(args=["reindex", "--no-proposals"])
    assert result.exit_code == 0, result.output
    assert consistency.check() == CLEAN
    assert old.id in _proposed(demand)

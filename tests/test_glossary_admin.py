"""Issue #10: admins extend the bilingual glossary (/admin/glossary); every process expands with it at once."""
import pytest
from sqlalchemy import event

from marketplace import create_app, tasks
from marketplace.extensions import db
from marketplace.matching import analysis, glossary_admin, index, matcher, services
from marketplace.matching.glossary import GlossaryError, file_path, glossary, parse, shipped
from marketplace.models import GlossaryConcept, Match
from marketplace.workflow import ValidationFailed

from . import factories
from .matching_support import new_achievement, new_demand
from .queue_support import running_worker, wait_until
from .test_imports_queue import DEADLINE, queued_app  # noqa: F401  (a fixture)

NEW = {"field": "新材料", "chinese": "某新材料词", "english": "some new term"}


@pytest.fixture
def admin(make, login):
    return login(make.user("admin", name="词表管理员"))


def keys(q):
    return {hit.key for hit in services.search(q).items}


def test_an_added_concept_expands_searches_through_the_real_index_at_once(client, admin):
    listing = new_achievement(title="某新材料词的制备工艺", summary="采用某新材料词制成散热片", keywords="某新材料词")
    assert listing.index_key not in keys("some new term")

    response = client.post("/admin/glossary", data=NEW)
    assert response.status_code == 302
    assert listing.index_key in keys("some new term")
    page = client.get("/search", query_string={"q": "some new term"}).get_data(as_text=True)
    assert f"/achievements/{listing.id}" in page

    row = db.session.scalar(db.select(GlossaryConcept))
    assert client.post(f"/admin/glossary/{row.id}/delete").status_code == 302
    assert listing.index_key not in keys("some new term")


def test_pairing_uses_an_added_concept(client, admin):
    demand = new_demand(title="Looking for some new term suppliers", description="<p>some new term for heat sinks</p>",
                        keywords="some new term")
    expected = set(analysis.whole_terms("某新材料词"))
    document = services._document("demand", demand.id)
    assert not expected & {t for t, _ in matcher.pair_terms(index.searcher(), document).expansions}
    client.post("/admin/glossary", data=NEW)
    assert expected <= {t for t, _ in matcher.pair_terms(index.searcher(), document).expansions}


def test_added_names_never_change_how_text_is_cut(client, admin):
    """Admin concepts do not join the segmenter's dictionary: the listing indexed before the concept and the
    one indexed after are cut alike, and every query that found the first still finds it (and the second)."""
    segmenter = analysis.segmenter()
    before_cut = analysis.whole_terms("某新材料词的制备工艺")
    old = new_achievement(title="某新材料词的制备工艺", summary="某新材料词散热片", keywords="某新材料词")
    queries = ("某新材料词", "材料", "某新", "词", "某新材料词 散热片")
    found_before = {q: old.index_key in keys(q) for q in queries}
    assert all(found_before.values())

    client.post("/admin/glossary", data=NEW)
    new = new_achievement(title="某新材料词的制备工艺（二）", summary="某新材料词散热片", keywords="某新材料词")
    assert analysis.segmenter() is segmenter and analysis.whole_terms("某新材料词的制备工艺") == before_cut
    for q in queries:
        assert {old.index_key, new.index_key} <= keys(q), q
    assert "某新材料词" in glossary().chinese_terms() and "某新材料词" not in shipped().chinese_terms()


def test_another_process_sees_the_change_and_checks_at_most_every_n_seconds(app, client, admin):
    other = create_app({key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI",
                                                          "INDEX_DIR", "MAIL_DIR", "UPLOAD_DIR")}
                       | {"GLOSSARY_CHECK_SECONDS": 3600})
    with other.app_context():
        assert glossary() is shipped()  # no admin concepts: the shipped glossary itself
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        for _ in range(20):
            glossary().expansions("graphene")
        assert statements == []  # within GLOSSARY_CHECK_SECONDS: no query at all
    client.post("/admin/glossary", data=NEW)
    with other.app_context():
        assert "某新" not in glossary().expansions("some new term")  # this process checks again within the hour
        other.config["GLOSSARY_CHECK_SECONDS"] = 0
        assert {"某新", "材料"} <= set(glossary().expansions("some new term"))
        db.session.remove()
        db.engine.dispose()


def test_the_running_queue_worker_pairs_with_a_concept_added_after_it_started(queued_app, tmp_path, monkeypatch):
    assert not tasks.huey.immediate  # (no `app` fixture here: it would switch the queue to immediate mode)
    monkeypatch.setenv("MARKETPLACE_GLOSSARY_CHECK_SECONDS", "0")  # the worker's own setting (not TESTING)
    log_path = tmp_path / "worker.log"
    achievement = new_achievement(title="某新材料词的制备工艺", summary="采用某新材料词制成散热片", keywords="某新材料词")

    def english_demand(title):
        return new_demand(title=title, description="<p>some new term for heat sinks</p>", keywords="some new term")

    def paired(demand):
        return db.session.scalar(db.select(Match.id).where(Match.demand_id == demand.id,
                                                           Match.achievement_id == achievement.id))

    def applied():
        db.session.rollback()
        return index.pending_count() == 0

    with running_worker(queued_app, log_path) as worker:
        before = english_demand("Looking for some new term suppliers")
        wait_until(applied, worker, log_path, DEADLINE)
        assert paired(before) is None  # the worker paired it with the shipped glossary: nothing in common
        glossary_admin.save(factories.user("admin"), NEW)
        db.session.commit()
        after = english_demand("Some new term wanted")
        wait_until(applied, worker, log_path, DEADLINE)
        assert paired(after) is not None, log_path.read_text(errors="replace")


def test_the_rules_are_the_files_and_errors_are_shown_in_chinese(client, admin, make):
    page = client.post("/admin/glossary", data={"field": "新材料", "chinese": "孤单词", "english": ""})
    assert page.status_code == 400 and "一个概念至少需要两个名称" in page.get_data(as_text=True)
    page = client.post("/admin/glossary", data={"field": "新材料", "chinese": "甲|乙", "english": "x y"})
    assert page.status_code == 400 and "不能含有 |" in page.get_data(as_text=True)
    page = client.post("/admin/glossary", data={"field": "新材料", "chinese": "长" * 61, "english": "long"})
    assert "每个名称不能超过 60 个字符（当前 61 个）" in page.get_data(as_text=True)
    page = client.post("/admin/glossary", data={"field": "火星", "chinese": "某词", "english": "some word"})
    assert "领域“火星”无效" in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(GlossaryConcept.id))) == 0
    with pytest.raises(GlossaryError, match="glossary:1: 领域“火星”无效"):
        parse(["火星\t某词\tsome word"])

    # names are trimmed, blank lines dropped, duplicates kept once
    client.post("/admin/glossary", data={"field": "新材料", "chinese": "  某新材料词 \n\n某新材料词\n", "english": " x1 "})
    row = db.session.scalar(db.select(GlossaryConcept))
    assert (row.chinese, row.english, row.created_by.name) == ("某新材料词", "x1", "词表管理员")
    # a name of another admin concept: refused; of a shipped one: saved, with a warning
    page = client.post("/admin/glossary", data={"field": "新材料", "chinese": "另一个词", "english": "X1"})
    assert page.status_code == 400 and "已属于另一个管理员添加的概念" in page.get_data(as_text=True)
    page = client.post("/admin/glossary", data={"field": "新材料", "chinese": "石墨烯", "english": "graphene sheet"},
                       follow_redirects=True)
    assert "也属于内置概念（石墨烯 / graphene）" in page.get_data(as_text=True)
    assert "graphen" in glossary().expansions("graphene sheet") and "sheet" in glossary().expansions("石墨烯")
    with pytest.raises(ValidationFailed):
        glossary_admin.save(make.user("admin"), {"field": "新材料", "chinese": ["a\tb"], "english": ["c"]})


def test_edit_keeps_who_added_and_records_who_changed(client, admin, make, login):
    client.post("/admin/glossary", data=NEW)
    row = db.session.scalar(db.select(GlossaryConcept))
    other = login(make.user("admin", name="另一位管理员"))
    form = client.get(f"/admin/glossary/{row.id}/edit").get_data(as_text=True)
    assert "某新材料词" in form and "词表管理员 添加于" in form
    response = client.post(f"/admin/glossary/{row.id}/edit", data=dict(NEW, english="some new term\nnew term alias",
                                                                        note="测试用"))
    assert response.status_code == 302
    db.session.refresh(row)
    assert (row.english_names, row.note, row.created_by.name, row.updated_by_id) == (
        ("some new term", "new term alias"), "测试用", "词表管理员", other.id)
    assert "某新" in glossary().expansions("new term alias")
    assert client.get("/admin/glossary/999999/edit").status_code == 404


def table(response):
    return response.get_data(as_text=True).split('id="glossary-table"')[1]


def test_list_filters_paginates_and_labels_builtin_concepts(client, admin):
    client.post("/admin/glossary", data=dict(NEW, note="客户常用说法"))
    page = client.get("/admin/glossary").get_data(as_text=True)
    assert 'href="/admin/glossary">领域词表</a>' in page  # the admin tab bar
    rows = table(client.get("/admin/glossary"))
    assert "内置" in rows and "某新材料词" in rows and "下一页" in rows
    assert rows.count("data-concept-id=") == 1  # only the admin concept has edit and delete buttons
    rows = table(client.get("/admin/glossary", query_string={"q": "GRAPHENE"}))
    assert "石墨烯" in rows and "某新材料词" not in rows and "下一页" not in rows
    page = client.get("/admin/glossary", query_string={"q": "客户常用"}).get_data(as_text=True)
    assert "某新材料词" in page.split('id="glossary-table"')[1] and "（1 个）" in page
    rows = table(client.get("/admin/glossary", query_string={"field": "现代农业"}))
    assert "某新材料词" not in rows and "石墨烯" not in rows and "节水灌溉" in rows
    total = len(shipped()) + 1
    last = -(-total // glossary_admin.PER_PAGE)
    page = client.get("/admin/glossary", query_string={"page": 9999}).get_data(as_text=True)
    assert f"（{total} 个）" in page
    assert f'<li class="page-item active"><a class="page-link" href="/admin/glossary?page={last}">' in page


def test_download_is_the_effective_glossary_in_the_files_format(client, admin):
    client.post("/admin/glossary", data=NEW)
    response = client.get("/admin/glossary.tsv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    concepts = parse(response.get_data(as_text=True).splitlines())
    assert [c.names for c in concepts] == [c.names for c in shipped().concepts] + [("某新材料词", "some new term")]


def test_the_readmes_variable_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "g.tsv"
    path.write_text("电子信息\t芯片|集成电路\tchip\n", encoding="utf-8")
    monkeypatch.setenv("MARKETPLACE_GLOSSARY_PATH", str(path))
    monkeypatch.setenv("GLOSSARY_PATH", "/nonexistent")
    assert file_path() == str(path) and len(shipped()) == 1
    monkeypatch.delenv("MARKETPLACE_GLOSSARY_PATH")
    assert file_path() == "/nonexistent"  # the older name still works

"""Issue #10 walkthrough on the demo data: multi-granularity search, the glossary, explanations, strength."""
import re

import pytest

from marketplace.api.auth import issue_token
from marketplace.deals.queries import proposed_matches
from marketplace.matching import calibration, matcher, services
from marketplace.matching.glossary import GlossaryError, glossary, load, parse
from marketplace.models import Achievement, Demand, Match, User

from . import factories


@pytest.fixture
def demo(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return db


def _published(db, model, word):
    return {f"{model.__name__.lower()}:{row.id}" for row in db.session.scalars(
        db.select(model).where(model.status == "published"))
        if word in " ".join((row.title, row.keywords or "", getattr(row, "summary", "") or "",
                             row.description or "", row.field or ""))}


def test_a_query_finds_its_words_at_every_granularity(demo):
    containing = _published(demo, Achievement, "电池") | _published(demo, Demand, "电池")
    assert len(containing) >= 4
    result = services.search("电池", per_page=100)
    assert {hit.key for hit in result.items} >= containing  # 锂电池, 锂离子电池, 动力电池 ... too
    assert result.total == len(result.items)  # counts stay exact
    assert all("<mark>" in hit.title_html for hit in result.items if "电池" in hit.listing.title)
    lithium = _published(demo, Achievement, "锂电") | _published(demo, Demand, "锂电")
    assert {hit.key for hit in services.search("锂电", per_page=100).items} >= lithium and len(lithium) >= 2


def test_field_names_and_english_find_listings(demo):
    ai_field = {f"{m.__name__.lower()}:{r.id}" for m in (Achievement, Demand) for r in demo.session.scalars(
        demo.select(m).where(m.status == "published", m.field == "大数据与人工智能"))}
    assert ai_field and {hit.key for hit in services.search("人工智能", per_page=100).items} >= ai_field
    graphene = _published(demo, Achievement, "石墨烯") | _published(demo, Demand, "石墨烯")
    assert graphene and {hit.key for hit in services.search("graphene", per_page=100).items} >= graphene


def test_exact_and_whole_words_rank_first(make):
    from .matching_support import new_achievement
    whole = new_achievement(title="电池管理系统", summary="电池 电池组 均衡")
    part = new_achievement(title="锂离子电池极片涂布", summary="极片 涂布 工艺")
    translated = new_achievement(title="Battery pack cooling", summary="battery thermal design")
    keys = [hit.key for hit in services.search("电池").items]
    assert keys[0] == whole.index_key and set(keys) == {whole.index_key, part.index_key, translated.index_key}
    assert [hit.key for hit in services.search("battery").items][0] == translated.index_key


def test_demand_explanations_name_concepts_not_numbers(demo):
    demand = demo.session.get(Demand, 1)
    assert "石墨烯" in demand.title
    proposals = services.proposals_for(demand)
    assert proposals, "the graphene demand has recommendations"
    best = proposals[0]
    assert "石墨烯" in best.term_list
    for match in proposals:
        for term in match.term_list:
            assert matcher.is_reason(term), term
            assert not re.fullmatch(r"[0-9.]+[a-z]*|[a-z]", term), term


def test_no_weak_proposals_anywhere(demo, app):
    floor = app.config["MATCH_MIN_STRENGTH"]
    matches = demo.session.scalars(demo.select(Match)).all()
    assert matches and all(m.strength >= floor for m in matches)
    leads = proposed_matches(1, per_page=100)
    assert leads.total == demo.session.scalar(demo.select(demo.func.count(Match.id)).where(Match.status == "proposed"))
    assert all(m.strength >= floor for m in leads.items)
    strengths = [m.strength for m in leads.items]
    assert strengths == sorted(strengths, reverse=True)  # the order agrees with the numbers shown


def test_is_reason_refuses_numbers_units_letters_and_stop_words():
    for bad in ("25", "3.5", "k", "w", "kw", "mm", "℃", "的", "厚度", "10mm", "5g2"):
        assert not matcher.is_reason(bad), bad
    for good in ("石墨烯", "导热膜", "graphen", "5g"):
        assert matcher.is_reason(good) or good == "5g"


def test_strength_is_one_calibrated_scale():
    assert calibration.strength(0) <= calibration.strength(0.1) <= calibration.strength(1.0) == 100
    for s in (0, 20, 50, 90):
        assert calibration.strength(calibration.min_score(s)) >= s
    assert calibration.min_score(101) > 1


def test_strength_in_api_items_and_pages(client, login, demo):
    broker = demo.session.scalars(demo.select(User).where(User.role == "broker")).first()
    match = demo.session.scalars(demo.select(Match).join(Demand, Demand.id == Match.demand_id)
                                 .where(Match.status == "proposed", Demand.status == "published")
                                 .order_by(Match.score.desc())).first()
    headers = {"Authorization": f"Bearer {issue_token(broker.email, 'Demo-yizhi-2026')}"}
    for kind, lid in (("demands", match.demand_id), ("achievements", match.achievement_id)):
        response = client.get(f"/api/v1/{kind}/{lid}/matches", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        items = response.get_json()["items"]
        assert all(isinstance(item["strength"], int) and 0 <= item["strength"] <= 100 for item in items)
        assert any(item["match_id"] == match.id and item["strength"] == match.strength for item in items)
    login(broker)
    badge = f'data-strength="{match.strength}"'
    for url in ("/deals/leads", f"/demands/{match.demand_id}/matches", f"/achievements/{match.achievement_id}/matches"):
        page = client.get(url).get_data(as_text=True)
        assert badge in page and f"{match.strength}%" in page, url
    workbench = client.get("/matching/workbench").get_data(as_text=True)
    shown = [int(s) for s in re.findall(r'data-strength="(\d+)"', workbench)]
    assert shown == sorted(shown, reverse=True)


def test_glossary_ships_hundreds_of_concepts_in_every_field():
    g = glossary()
    assert len(g) >= 300
    assert {c.field for c in g.concepts} >= {"生物医药", "智能装备", "电子信息", "新能源", "新材料", "大数据与人工智能",
                                            "节能环保", "现代农业"}
    assert "石墨烯" in g.expansions("graphene") and "graphen" in g.expansions("石墨烯")
    assert "锂电池" in g.expansions("Lithium Batteries") and "机器视觉" in g.expansions("machine vision")
    assert "ai" in g.expansions("人工智能")
    assert g.expansions("石墨烯", present={"graphen", "石墨烯"}) == []


def test_glossary_file_errors_name_the_line(tmp_path):
    assert [c.names for c in parse(["# comment", "", "新材料\t石墨烯\tgraphene"])] == [("石墨烯", "graphene")]
    with pytest.raises(GlossaryError, match="glossary:2"):
        parse(["新材料\t石墨烯\tgraphene", "新材料\t石墨烯"])
    with pytest.raises(GlossaryError, match="至少需要两个名称"):
        parse(["新材料\t石墨烯\t"])
    path = tmp_path / "g.tsv"
    path.write_text("电子信息\t芯片|集成电路\tchip\n", encoding="utf-8")
    assert load(str(path)).expansions("chip", present={"chip"}) == ["芯片", "集成电路"]

"""/search and services.search: published only, filters, escaping, hostile text never errors."""
import pytest

from marketplace.matching import services
from marketplace.workflow import ValidationFailed

from .matching_support import new_achievement, new_demand

# Hostile text and what it finds among the `listings` below: G = graphene + the battery demand, ALL = every
# published listing (a blank query lists the newest), nothing otherwise. Longer than 500 characters: refused.
G, NOTHING = ("achievement:graphene", "demand:need"), ()
HOSTILE = {
    '"': NOTHING, "'": NOTHING, '"石墨烯': G, "(((": NOTHING, ")": NOTHING, "[电池": G, "{电池 TO }": G,
    "AND OR": NOTHING, "OR": NOTHING, "NOT": NOTHING, "a AND": NOTHING, "title:": NOTHING, "foo:bar": NOTHING,
    "unknown:石墨烯": G, "*": NOTHING, "?": NOTHING, "~": NOTHING, "^2": NOTHING, "石墨烯^": G,
    "\\": NOTHING, "\x00": NOTHING, "&&||!": NOTHING, "<script>alert(1)</script>": NOTHING, "🔋🔋": NOTHING,
    "\u202e": NOTHING, "  ": ("achievement:graphene", "achievement:alloy", "demand:need"), "%": NOTHING,
    "'; DROP TABLE achievement; --": NOTHING,
}
TOO_LONG = ["(" * 2000 + ")" * 2000, "[" * 2000, "石墨烯" * 700, "x" * 2000, "a " * 1000, "电池 " * 1000]


@pytest.fixture
def listings(make):
    graphene = new_achievement(title="石墨烯导热膜", summary="石墨烯 Batteries 散热", keywords="石墨烯,散热")
    alloy = new_achievement(title="高熵合金涂层", summary="耐磨耐腐蚀高熵合金", field="新材料", maturity="TRL5",
                            keywords="高熵合金")
    need = new_demand(title="寻求电池散热方案", description="<p>电池包散热需要石墨烯材料</p>", field="新能源")
    draft = make.achievement(status="draft", title="石墨烯草稿成果", summary="石墨烯草稿")
    return graphene, alloy, need, draft


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_error(client, listings, q):
    names = dict(zip(("graphene", "alloy", "need"), listings))
    expected = {names[name.split(":")[1]].index_key for name in HOSTILE[q]}
    result = services.search(q)
    assert ({hit.key for hit in result.items}, result.total) == (expected, len(expected))
    response = client.get("/search", query_string={"q": q, "page": "abc", "kind": "x:y"})
    assert response.status_code == 200
    assert f"共找到 {len(expected)} 条结果" in response.get_data(as_text=True)


@pytest.mark.parametrize("q", TOO_LONG)
def test_queries_over_the_limit_are_refused_never_cut(client, listings, q):
    with pytest.raises(ValidationFailed) as refused:
        services.search(q)
    assert refused.value.errors == {"q": f"搜索内容不能超过 500 个字符（当前 {len(q)} 个）"}
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 400
    assert f"搜索内容不能超过 500 个字符（当前 {len(q)} 个）" in response.get_data(as_text=True)


def test_search_finds_published_and_not_draft(listings):
    graphene, _, need, draft = listings
    result = services.search("石墨烯")
    keys = {hit.key for hit in result.items}
    assert graphene.index_key in keys and need.index_key in keys
    assert draft.index_key not in keys
    assert result.total == 2


def test_english_stemming_matches(listings):
    graphene, _, need, _ = listings
    # "Batteries" in English ranks first; the demand that says 电池 is found through the glossary
    assert [hit.key for hit in services.search("battery").items] == [graphene.index_key, need.index_key]


def test_filters_by_kind_field_and_maturity(listings):
    graphene, alloy, need, _ = listings
    assert [h.key for h in services.search("石墨烯", {"kind": "demand"}).items] == [need.index_key]
    assert [h.key for h in services.search("", {"maturity": "小试"}).items] == [alloy.index_key]
    assert {h.key for h in services.search("", {"field": "新能源"}).items} == {need.index_key}
    assert services.search("", {"is_challenge": "1"}).total == 0
    assert services.search("", {}).total == 3


def test_snippets_escape_user_text_and_mark_terms(make):
    new_achievement(title="<script>alert(1)</script>石墨烯", summary="<img src=x onerror=alert(1)> 石墨烯 导热")
    hit = services.search("石墨烯").items[0]
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<mark>石墨烯</mark>" in hit.title_html
    assert "<img" not in hit.snippet_html and "&lt;img" in hit.snippet_html


def test_search_page_shows_counts_highlights_and_escapes(client, listings):
    body = client.get("/search", query_string={"q": "<b>石墨烯</b>"}).get_data(as_text=True)
    assert "共找到 2 条结果" in body
    assert "<mark>石墨烯</mark>" in body
    assert "<b>石墨烯</b>" not in body


def test_pagination(make):
    for n in range(5):
        new_achievement(title=f"石墨烯成果{n}", summary="石墨烯")
    first = services.search("石墨烯", page=1, per_page=2)
    third = services.search("石墨烯", page=3, per_page=2)
    assert first.total == 5 and first.pages == 3 and len(first.items) == 2
    assert len(third.items) == 1
    assert not {h.id for h in first.items} & {h.id for h in third.items}
    assert services.search("石墨烯", page=99, per_page=2).items == []


def test_search_page_links_are_those_shown_not_every_page():
    from marketplace.matching.searching import SearchPage

    page = SearchPage([], 100_000, 2000, 12)
    assert page.pages == 8334
    assert list(page.iter_pages()) == [1, 2, None, *range(1998, 2005), None, 8333, 8334]
    assert list(SearchPage([], 30, 1, 12).iter_pages()) == [1, 2, 3]

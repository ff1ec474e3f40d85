"""The pages of issue #15's table outside the public lists (a listing's pairings, HTML and JSON; the API list):
the number of SQL statements a page runs does not grow with the number of rows it shows."""
import pytest

from marketplace.api.auth import issue_token
from marketplace.extensions import db as _db
from marketplace.matching import calibration
from marketplace.models import Demand

from .factories import PASSWORD
from .test_list_queries import _statements_for


def _pair(make, demand_id, n):
    """n more achievements proposed for the demand (each by a new user of a new organization); a title shown."""
    score = max(0.95, calibration.min_score(0) + 0.01)
    demand = _db.session.get(Demand, demand_id)
    for i in range(n):
        make.match(demand, make.achievement(title=f"配对成果{n}-{i}"), score=score)
    return f"配对成果{n}-{n - 1}"


def _shows(client, url, headers, title):
    response = client.get(url, headers=headers or {})
    if headers is None:
        return title in response.get_data(as_text=True)
    return title in [item["title"] for item in response.get_json()["items"]]


def _count(client, url, headers=None):
    if headers is None:
        return _statements_for(client, url)
    from .test_list_queries import Statements

    _db.session.expunge_all()
    with Statements() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(statements.executed)


@pytest.mark.parametrize("api", [False, True])
def test_statements_of_a_pairings_page_do_not_grow_with_its_rows(client, login, make, api):
    broker = login(make.user("broker"))
    demand_id = make.demand(title="配对需求").id
    url = f"/api/v1/demands/{demand_id}/matches" if api else f"/demands/{demand_id}/matches"
    headers = {"Authorization": f"Bearer {issue_token(broker.email, PASSWORD)}"} if api else None
    shown = _pair(make, demand_id, 2)
    assert _shows(client, url, headers, shown)
    with_two = _count(client, url, headers)
    shown = _pair(make, demand_id, 10)
    assert _shows(client, url, headers, shown)
    with_twelve = _count(client, url, headers)
    assert with_twelve <= with_two, (url, with_two, with_twelve)


@pytest.mark.parametrize("kind", ["achievement", "demand"])
def test_statements_of_an_api_list_page_do_not_grow_with_its_items(client, make, kind):
    user = make.user("researcher")
    headers = {"Authorization": f"Bearer {issue_token(user.email, PASSWORD)}"}
    url = f"/api/v1/{kind}s"
    for i in range(2):
        getattr(make, kind)(title=f"接口列表{i}")
    assert _shows(client, url, headers, "接口列表1")
    with_two = _count(client, url, headers)
    for i in range(2, 12):
        getattr(make, kind)(title=f"接口列表{i}")
    assert _shows(client, url, headers, "接口列表11")
    with_twelve = _count(client, url, headers)
    assert with_twelve <= with_two, (url, with_two, with_twelve)


def _counts(client, url, headers=None):
    from .test_list_queries import Statements

    _db.session.expunge_all()
    with Statements() as statements:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, url
    return sum("count(" in statement.lower() for statement, _ in statements.executed)


@pytest.mark.parametrize("url, other", [
    ("/achievements", "/achievements?field=电子信息"),
    ("/demands?field=新材料", "/demands?field=电子信息"),
    ("/search?q=", "/search?q=&kind=demand"),
    ("/api/v1/achievements", "/api/v1/achievements?field=电子信息"),
])
def test_a_lists_total_is_counted_once_per_filter_within_list_count_seconds(app, client, make, url, other):
    make.achievement(title="计数成果", field="新材料")
    make.demand(title="计数需求", field="新材料")
    app.config["LIST_COUNT_SECONDS"] = 60
    assert _counts(client, url) >= 1
    assert _counts(client, url) == 0  # the same filters again: the kept total
    assert _counts(client, url + ("&" if "?" in url else "?") + "page=2") == 0  # any page of them
    assert _counts(client, other) >= 1  # other filters: their own total


def test_the_kept_total_is_the_lists_total(app, client, make):
    app.config["LIST_COUNT_SECONDS"] = 60
    for i in range(3):
        make.achievement(title=f"总数成果{i}")
    first = client.get("/api/v1/achievements?per_page=2").get_json()
    assert first["total"] == 3 and len(first["items"]) == 2
    again = client.get("/api/v1/achievements?per_page=2&page=2").get_json()
    assert again["total"] == 3 and [item["title"] for item in again["items"]] == ["总数成果0"]


def test_the_workbench_keeps_its_conversion_counts_within_list_count_seconds(app, client, login, make):
    login(make.user("broker"))
    _pair(make, make.demand(title="转化需求").id, 2)
    app.config["LIST_COUNT_SECONDS"] = 60
    assert _counts(client, "/matching/workbench") >= 8  # the conversion figures: four counts, ever and 30 days

    from .test_list_queries import Statements

    _db.session.expunge_all()
    with Statements() as statements:
        assert client.get("/matching/workbench").status_code == 200
    over_proposals = [s for s, _ in statements.executed if 'count("match".id)' in s or "JOIN enquiry" in s]
    assert over_proposals == []

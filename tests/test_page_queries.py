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

"""U+0000 in input: PostgreSQL cannot store it (SQLite can), so it is refused with a 400 everywhere, never a
500 at the INSERT, whatever the database. The importer drops it from spreadsheet cells."""
import pytest

from marketplace.imports.services import import_file
from marketplace.models import Achievement, Demand, Organization, Subscription

NUL = "氮化\x00镓"


@pytest.mark.parametrize("url, data, model", [
    ("/demands/new", {"title": NUL, "description": "描述", "field": "新材料", "keywords": NUL}, Demand),
    ("/org", {"name": NUL, "kind": "enterprise", "region": "上海"}, Organization),
    ("/matching/subscriptions", {"keywords": NUL}, Subscription),
])
def test_a_form_with_nul_is_refused_and_stores_nothing(client, db, make, login, url, data, model):
    login(make.user("enterprise"))
    before = db.session.query(model).count()
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "空字符" in response.get_data(as_text=True)
    assert db.session.query(model).count() == before


def test_login_with_nul_is_refused(client, make):
    make.user("researcher", email="a@example.com")
    response = client.post("/login", data={"email": "a\x00@example.com", "password": "x\x00"})
    assert response.status_code == 400 and "空字符" in response.get_data(as_text=True)


# A NUL in a query string's filter is a value that matches no choice: pages ignore the filter (the list is shown),
# the API refuses an unknown field with its message; never a 500, on either database.
@pytest.mark.parametrize("url, expected", [("/achievements", 200), ("/demands", 200), ("/challenges", 200),
                                           ("/search", 200), ("/api/v1/achievements", 400)])
def test_a_query_string_with_nul_only_filters(client, url, expected):
    response = client.get(url, query_string={"q": NUL, "field": NUL, "maturity": NUL, "kind": NUL})
    assert response.status_code == expected
    if expected == 400:
        assert response.get_json()["error"]["fields"] == {"field": "无效的技术领域"}


def test_api_json_with_nul_answers_400_json(client, db, make):
    make.user("researcher", email="r@example.com")
    response = client.post("/api/v1/tokens", json={"email": "r@example.com\x00", "password": "x"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"
    assert "空字符" in response.get_json()["error"]["message"]
    token = client.post("/api/v1/tokens", json={"email": "r@example.com", "password": make.PASSWORD}).get_json()["token"]
    response = client.post("/api/v1/achievements", json={"title": "标题", "summary": "简介", "keywords": [NUL]},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid"
    assert db.session.query(Achievement).count() == 0


def test_import_drops_nul_from_cells(db, make):
    admin = make.user("admin")
    data = "成果名称,成果简介\n钙钛\x00矿电池,一种\x00制备方法\n".encode("utf-8")
    report = import_file("achievements", admin, "a.csv", data)
    db.session.commit()
    assert report.ok, report.errors
    item = db.session.get(Achievement, report.created_ids[0])
    assert (item.title, item.summary) == ("钙钛矿电池", "一种制备方法")

"""Bounded work per request and bad input never a 500 (issue #8): body size, JSON depth and text, text
lengths before sanitizing, keyword limits, integer ranges, ids, dates and types. One test per attack."""
import io
from datetime import timedelta

import pytest

from marketplace.deals import enquiries
from marketplace.limits import DB_INT_MAX
from marketplace.models import Achievement, Deal, Demand, Enquiry
from marketplace.timeutil import local_today

from .factories import PASSWORD

HUGE = "99999999999999999999"  # > 2⁶³


@pytest.fixture
def token(client):
    def issue(user):
        response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
        return {"Authorization": f"Bearer {response.json['token']}"}

    return issue


def assert_json_error(response, status, code=None, field=None):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["message"] and (code is None or error["code"] == code)
    if field:
        assert field in error["fields"], error
    return error


ACHIEVEMENT = {"title": "一种石墨烯导热膜", "summary": "高导热石墨烯膜的制备方法"}


# ---------------------------------------------------------------- body size

def test_big_json_body_to_tokens_is_413_before_parsing(client):
    body = "[" + ",".join(["[[0]]"] * 200_000) + "]"  # ~1.2 MB of the attack's shape
    response = client.post("/api/v1/tokens", data=body, content_type="application/json")
    error = assert_json_error(response, 413, "too_large")
    assert "KB" in error["message"]


def test_big_json_body_without_content_length_is_cut_off_at_the_limit(client):
    body = b'{"email": "' + b"a" * 2_000_000 + b'"}'
    response = client.post("/api/v1/tokens", input_stream=io.BytesIO(body), content_type="application/json",
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413 and response.get_json()["error"]


def test_big_form_post_to_a_page_is_an_error_page(client):
    response = client.post("/login", data={"email": "a@example.com", "password": "x" * 600_000})
    assert response.status_code == 413
    assert "<html" in response.get_data(as_text=True) and "过大" in response.get_data(as_text=True)


def test_import_upload_keeps_its_larger_limit(client, make, login):
    login(make.user("admin"))
    rows = "成果名称,成果简介\n" + "".join(f"成果{i},简介{i}\n" for i in range(40_000))  # ~0.8 MB
    response = client.post("/admin/import", data={"kind": "achievements",
                                                  "file": (io.BytesIO(rows.encode()), "a.csv")})
    assert response.status_code != 413
    too_big = client.post("/admin/import", data={"kind": "achievements",
                                                 "file": (io.BytesIO(b"x" * (11 * 1024 * 1024)), "a.csv")})
    assert too_big.status_code == 413


# ---------------------------------------------------------------- JSON depth and text

@pytest.mark.parametrize("depth", [21, 500, 100_000])
def test_deep_json_is_400_on_the_api(client, depth):
    body = "[" * depth + "]" * depth
    error = assert_json_error(client.post("/api/v1/tokens", data=body, content_type="application/json"), 400)
    assert "嵌套" in error["message"]


def test_deep_json_as_the_body_of_the_home_page_is_400_not_500(client):
    response = client.get("/", data="{\"a\":" * 5000 + "1" + "}" * 5000, content_type="application/json")
    assert response.status_code == 400


def test_json_depth_counts_brackets_outside_strings_only(client, make, token):
    headers = token(make.user("researcher"))
    nested = {"x": 1}
    for _ in range(18):
        nested = {"x": nested}  # depth 19, plus the body's own object: 20, the limit
    body = {**ACHIEVEMENT, "summary": "[[[[[[[[[[[[[[[[[[[[[[[[[[[ \\\" {{{{{{{{{{{{{{{{{{{{{{{{", "extra": nested}
    response = client.post("/api/v1/achievements", json=body, headers=headers)
    assert response.status_code == 201, response.json


def test_lone_surrogate_in_json_is_400(client, make, token):
    headers = token(make.user("researcher"))
    response = client.post("/api/v1/achievements", data='{"title": "\\ud800", "summary": "x"}',
                           content_type="application/json", headers=headers)
    error = assert_json_error(response, 400, "invalid")
    assert "Unicode" in error["message"]
    raw_surrogate = '{"title": "'.encode() + b"\xed\xa0\x80" + '", "summary": "x"}'.encode()
    assert_json_error(client.post("/api/v1/achievements", data=raw_surrogate, content_type="application/json",
                                  headers=headers), 400)
    ok = client.post("/api/v1/achievements", data='{"title": "\\ud83d\\ude00 表情", "summary": "成对的代理项"}',
                     content_type="application/json", headers=headers)
    assert ok.status_code == 201 and ok.json["title"] == "\U0001F600 表情"


def test_nul_escape_deep_inside_json_is_still_refused(client, make, token):
    headers = token(make.user("researcher"))
    body = '{"title": "t", "summary": "s", "x": [[[{"k\\u0000": 1}]]]}'
    error = assert_json_error(client.post("/api/v1/achievements", data=body, content_type="application/json",
                                          headers=headers), 400)
    assert "空字符" in error["message"]


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "5", "null"])
def test_non_object_json_body_is_400(client, make, token, body):
    for url, role in (("/api/v1/tokens", None), ("/api/v1/achievements", "researcher"), ("/api/v1/deals", "broker")):
        headers = token(make.user(role)) if role else {}
        response = client.post(url, data=body, content_type="application/json", headers=headers)
        assert_json_error(response, 400, "invalid")


# ---------------------------------------------------------------- text lengths and keywords

def test_forty_thousand_keywords_are_refused_not_deduplicated(client, make, token, db):
    headers = token(make.user("researcher"))
    keywords = " ".join(f"词{i}" for i in range(40_000))
    response = client.post("/api/v1/achievements", json={**ACHIEVEMENT, "keywords": keywords}, headers=headers)
    assert_json_error(response, 400, "invalid", field="keywords")
    response = client.post("/api/v1/achievements", json={**ACHIEVEMENT, "keywords": keywords.split()[:10_000]},
                           headers=headers)
    assert_json_error(response, 400, "invalid", field="keywords")
    assert db.session.query(Achievement).count() == 0


def test_keyword_limits_are_refused_with_a_message_never_cut(client, make, token, db):
    headers = token(make.user("researcher"))
    cases = {"最多 30 个": [f"词{i}" for i in range(31)], "不能超过 50 个字符": ["长" * 51],
             "文本或文本列表": {}, "文本或文本列表 ": [1, 2]}
    for message, keywords in cases.items():
        response = client.post("/api/v1/achievements", json={**ACHIEVEMENT, "keywords": keywords}, headers=headers)
        error = assert_json_error(response, 400, field="keywords")
        assert message.strip() in error["fields"]["keywords"]
    exact = [f"关键词{i:02d}" for i in range(30)]
    response = client.post("/api/v1/achievements", json={**ACHIEVEMENT, "keywords": exact + exact[:5]},
                           headers=headers)
    assert response.status_code == 400  # 35 given: refused even though 5 are duplicates
    response = client.post("/api/v1/achievements", json={**ACHIEVEMENT, "keywords": "、".join(exact + ["长" * 50])},
                           headers=headers)
    assert response.status_code == 400  # 31 distinct
    response = client.post("/api/v1/achievements", json={**ACHIEVEMENT, "keywords": "、".join(exact)}, headers=headers)
    assert response.status_code == 201 and response.json["keywords"] == exact


def test_import_row_with_too_many_keywords_is_reported_not_cut(db, make):
    from marketplace.imports.services import import_file

    admin = make.user("admin")
    words = "、".join(f"词{i}" for i in range(31))
    report = import_file("achievements", admin, "a.csv", f"成果名称,成果简介,关键词\n标题,简介,{words}\n".encode())
    assert not report.ok and report.errors[0].row == 2 and "最多 30 个" in report.errors[0].message
    assert db.session.query(Achievement).count() == 0


def test_huge_description_is_refused_before_sanitizing(client, make, token, db):
    headers = token(make.user("researcher"))
    over_body = client.post("/api/v1/achievements", json={**ACHIEVEMENT, "description": "<b>x</b>" * 131_072},
                            headers=headers)  # 1 MB
    assert_json_error(over_body, 413, "too_large")
    over_limit = client.post("/api/v1/achievements", json={**ACHIEVEMENT, "description": "<b>x</b>" * 2501},
                             headers=headers)  # 20,008 characters: fits the body, not the field
    error = assert_json_error(over_limit, 400, "invalid", field="description")
    assert "不能超过 20000 个字符（当前 20008 个）" in error["fields"]["description"]
    proposal = client.post("/api/v1/achievements", json={**ACHIEVEMENT, "details": "<i>y</i>" * 2501},
                           headers=headers)
    assert_json_error(proposal, 400, field="details")
    assert db.session.query(Achievement).count() == 0


def test_challenge_proposal_is_checked_before_sanitizing(client, make, token):
    challenge = make.demand(challenge=True)
    headers = token(make.user("researcher"))
    response = client.post(f"/api/v1/demands/{challenge.id}/applications",
                           json={"proposal": "<b>x</b>" * 2501, "quote": "10"}, headers=headers)
    error = assert_json_error(response, 400, field="proposal")
    assert "当前 20008 个" in error["fields"]["proposal"]


@pytest.mark.parametrize("kind, field, limit", [
    ("achievements", "title", 200), ("achievements", "summary", 2000), ("achievements", "description", 20000),
    ("achievements", "details", 20000), ("achievements", "keywords", 1000), ("demands", "indicators", 20000),
    ("demands", "eligibility", 2000), ("demands", "description", 20000)])
def test_page_forms_refuse_overlong_fields_in_chinese(client, make, login, db, kind, field, limit):
    login(make.user("researcher" if kind == "achievements" else "enterprise"))
    base = ({"title": "标题", "summary": "简介", "field": "新材料", "type": "其他"} if kind == "achievements"
            else {"title": "标题", "description": "描述", "field": "新材料"})
    response = client.post(f"/{kind}/new", data={**base, field: "字" * (limit + 1), "save": "1"})
    assert response.status_code == 200
    assert f"不能超过 {limit} 个字符（当前 {limit + 1} 个）" in response.get_data(as_text=True)
    assert db.session.query(Achievement if kind == "achievements" else Demand).count() == 0


def test_enquiry_close_note_over_500_is_refused_not_cut(client, make, login, db):
    achievement = make.achievement()
    enquiry = enquiries.create_enquiry(make.user("enterprise"), achievement.id, {"mode": "转让", "message": "想谈"})
    db.session.commit()
    login(make.user("broker"))
    response = client.post(f"/deals/enquiries/{enquiry.id}/close", data={"note": "说" * 501}, follow_redirects=True)
    assert "不能超过 500 个字符" in response.get_data(as_text=True)
    assert db.session.get(Enquiry, enquiry.id).status == "open"
    client.post(f"/deals/enquiries/{enquiry.id}/close", data={"note": "说" * 500})
    db.session.expire_all()
    assert db.session.get(Enquiry, enquiry.id).status == "closed"


# ---------------------------------------------------------------- integers

def _int_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if type(conv).__name__ == "BoundedIntConverter"]
        if ints:
            yield rule, ints


def _path(rule, ints, value):
    """The rule's URL with value for every int argument (the first choice for any(...), "x" for strings)."""
    values = dict(rule.defaults or {})
    for name, converter in rule._converters.items():
        values[name] = value if name in ints else sorted(getattr(converter, "items", ["x"]))[0]
    return rule.build(values, append_unknown=False)[1]


def test_every_int_route_answers_404_for_ids_beyond_the_id_columns(app, client, make, login):
    """A probe over app.url_map: any route with an <int:...> argument, now or added later."""
    login(make.user("admin"))
    rules = list(_int_rules(app))
    assert len(rules) >= 19
    for rule, ints in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for value in (str(DB_INT_MAX + 1), HUGE, "9" * 4000):
                response = client.open(_path(rule, ints, value), method=method)
                assert response.status_code == 404, (rule.rule, method, response.status_code)
            edge = client.open(_path(rule, ints, DB_INT_MAX), method=method)
            assert edge.status_code < 500, (rule.rule, method, edge.status_code)


def test_huge_query_string_integers_never_500(app, client, make, login):
    """Every GET page and API list, with huge page, per_page and ids in the query string."""
    login(make.user("admin"))
    query = {name: HUGE for name in ("page", "per_page", "id", "match_id", "enquiry_id", "broker", "org",
                                     "achievement_id", "demand_id", "budget_min", "budget_max")}
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments - set(rule.defaults or {}) and rule.endpoint != "static":
            response = client.get(rule.rule, query_string=query)
            assert response.status_code < 500, (rule.rule, response.status_code)
    assert client.get("/challenges", query_string={"page": HUGE}).status_code == 200
    assert client.get("/achievements", query_string={"page": HUGE}).status_code == 200
    assert_json_error(client.get("/api/v1/achievements", query_string={"page": HUGE}), 400)
    assert_json_error(client.get("/api/v1/demands", query_string={"page": "100001"}), 400)


@pytest.mark.parametrize("value", [1.7, 1e30, HUGE, int(HUGE), True, [1], {"id": 1}, "1.0", "-3"])
def test_deal_ids_must_be_real_integers_in_range(client, make, token, db, value):
    achievement = make.achievement()
    headers = token(make.user("broker"))
    response = client.post("/api/v1/deals", json={"achievement_id": value}, headers=headers)
    assert_json_error(response, 400, "invalid", field="achievement_id")
    assert db.session.query(Deal).count() == 0
    buyer = make.organization()
    ok = client.post("/api/v1/deals", json={"achievement_id": str(achievement.id), "buyer_org_id": str(buyer.id)},
                     headers=headers)
    assert ok.status_code == 201  # a string of digits is documented as accepted


# ---------------------------------------------------------------- types, dates, money

@pytest.mark.parametrize("change, field", [
    ({"indicators": 5}, "indicators"), ({"keywords": {}}, "keywords"), ({"title": ["x"]}, "title"),
    ({"deadline": "9999-12-31"}, "deadline"), ({"budget": "9" * 40}, "budget"), ({"bounty": [1]}, "bounty")])
def test_wrong_types_and_absurd_values_are_400(client, make, token, db, change, field):
    headers = token(make.user("enterprise"))
    day = (local_today() + timedelta(days=30)).isoformat()
    body = {"title": "求一种散热材料", "description": "描述", "is_challenge": True, "bounty": "100", "deadline": day}
    response = client.post("/api/v1/demands", json={**body, **change}, headers=headers)
    assert_json_error(response, 400, "invalid", field=field)
    assert db.session.query(Demand).count() == 0
    assert client.post("/api/v1/demands", json=body, headers=headers).status_code == 201


def test_deadline_a_few_years_ahead_is_fine_further_is_refused(client, make, token):
    headers = token(make.user("enterprise"))
    body = {"title": "求一种散热材料", "description": "描述", "is_challenge": True, "bounty": "100"}
    soon = client.post("/api/v1/demands", json={**body, "deadline": f"{local_today().year + 4}-06-30"}, headers=headers)
    assert soon.status_code == 201
    late = client.post("/api/v1/demands", json={**body, "deadline": f"{local_today().year + 6}-01-01"}, headers=headers)
    assert "截止日期不能晚于" in assert_json_error(late, 400, field="deadline")["fields"]["deadline"]

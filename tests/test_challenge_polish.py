"""Issue #11 item 11 (the rest): milestones can be deleted before work starts; maturity on one scale (TRL 1–9
with Chinese stage names, older names still accepted); a quote above the bounty warns the applicant and is
shown to the challenge's owner."""
import re

import pytest

from marketplace.challenges import milestones as ms
from marketplace.imports.services import import_file
from marketplace.listings.cleaning import normalize_maturity
from marketplace.models import Achievement, Application, Milestone
from marketplace.models.listings import MATURITY_LABELS, maturity_label

from .challenge_support import PROPOSAL, notices, reload
from .factories import PASSWORD


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


# ---------------------------------------------------------------- milestones can be deleted

def test_owner_deletes_a_milestone_before_work_starts(db, client, login, make):
    challenge = make.demand(challenge=True)
    login(challenge.owner)
    for title, share in (("小试", "30"), ("中试", "40"), ("验收", "30")):
        client.post(f"/challenges/{challenge.id}/milestones", data={"title": title, "share_percent": share})
    first, middle, last = reload(challenge).milestones
    page = client.get(f"/challenges/{challenge.id}/manage").get_data(as_text=True)
    assert f"/milestones/{middle.id}/delete" in page
    response = client.post(f"/challenges/{challenge.id}/milestones/{middle.id}/delete", follow_redirects=True)
    assert "里程碑已删除" in text_of(response)
    remaining = reload(challenge).milestones
    assert [(m.title, m.position) for m in remaining] == [("小试", 1), ("验收", 2)]
    assert db.session.get(Milestone, middle.id) is None
    # the freed share can be given again
    client.post(f"/challenges/{challenge.id}/milestones", data={"title": "中试二期", "share_percent": "40"})
    assert sum(m.share_percent for m in reload(challenge).milestones) == 100


def test_milestones_cannot_be_deleted_once_work_started_or_by_others(db, client, login, make):
    challenge = make.demand(challenge=True)
    milestone = ms.add_milestone(challenge, challenge.owner, {"title": "小试", "share_percent": "50"})
    db.session.commit()
    other = make.user("enterprise")
    login(other)
    assert client.post(f"/challenges/{challenge.id}/milestones/{milestone.id}/delete").status_code in (403, 404)
    challenge.status = "in_progress"
    db.session.commit()
    login(challenge.owner)
    assert f"/milestones/{milestone.id}/delete" not in client.get(f"/challenges/{challenge.id}/manage").get_data(
        as_text=True)
    refused = client.post(f"/challenges/{challenge.id}/milestones/{milestone.id}/delete", follow_redirects=True)
    assert "攻关开始后不能再删除里程碑" in text_of(refused)
    assert db.session.get(Milestone, milestone.id) is not None


# ---------------------------------------------------------------- maturity: one scale

def test_maturity_is_one_trl_scale_with_chinese_stage_names(client, login, make):
    researcher = make.user("researcher")
    login(researcher)
    form = client.get("/achievements/new").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="(TRL\d|[^"]*)"[^>]*>([^<]*)</option>',
                         form.split('name="maturity"')[1].split("</select>")[0])
    assert [label for value, label in options if value] == list(MATURITY_LABELS.values())
    assert "TRL 5 · 小试" in form and ">实验室<" not in form and ">产业化<" not in form


@pytest.mark.parametrize("given, stored", [("实验室", "TRL4"), ("小试", "TRL5"), ("中试", "TRL6"),
                                           ("小批量生产", "TRL8"), ("产业化", "TRL9"), ("TRL3", "TRL3"),
                                           ("trl 7", "TRL7"), ("TRL 2 · 技术概念", "TRL2")])
def test_older_and_new_maturity_values_are_accepted(given, stored):
    assert normalize_maturity(given) == stored


def test_csv_import_keeps_accepting_the_older_names(db, make):
    admin = make.user("admin")
    data = ("成果名称,成果简介,成熟度\n甲成果,简介甲,小试\n乙成果,简介乙,TRL7\n丙成果,简介丙,\n").encode()
    report = import_file("achievements", admin, "a.csv", data)
    db.session.commit()
    assert report.ok, report.errors
    stored = [db.session.get(Achievement, i).maturity for i in report.created_ids]
    assert stored == ["TRL5", "TRL7", None]
    bad = import_file("achievements", admin, "a.csv", "成果名称,成果简介,成熟度\n丁,简介,半成品\n".encode())
    assert not bad.ok and "成熟度无效" in str(bad.errors)


def test_pages_show_the_stage_name_and_an_older_stored_value_too(client, login, make):
    new = make.achievement(title="新刻度成果", maturity="TRL5")
    old = make.achievement(title="旧数据成果", maturity="中试")  # stored before the migration
    assert "TRL 5 · 小试" in text_of(client.get(f"/achievements/{new.id}"))
    assert "TRL 6 · 中试" in text_of(client.get(f"/achievements/{old.id}"))
    assert maturity_label("产业化") == "TRL 9 · 产业化"
    draft = make.achievement(title="旧数据草稿", maturity="中试", status="draft")
    login(draft.owner)
    edit = client.get(f"/achievements/{draft.id}/edit").get_data(as_text=True)
    assert '<option selected value="TRL6">' in edit  # editing does not lose an older value
    login(None)
    listed = text_of(client.get("/achievements?maturity=小试"))  # an older name in a bookmarked URL still filters
    assert "新刻度成果" in listed and "旧数据成果" not in listed


# ---------------------------------------------------------------- a quote above the bounty

def test_quote_above_bounty_warns_the_applicant_on_the_form(db, client, login, make):
    challenge = make.demand(challenge=True)  # bounty 100.00 万元
    researcher = make.user("researcher")
    login(researcher)
    data = {**PROPOSAL, "quote": "150"}
    warned = client.post(f"/challenges/{challenge.id}/apply", data=data)
    page = text_of(warned)
    assert warned.status_code == 200 and "高于本榜悬赏 100.00 万元" in page
    assert 'name="confirm_over_bounty"' in warned.get_data(as_text=True)
    assert db.session.query(Application).count() == 0
    done = client.post(f"/challenges/{challenge.id}/apply", data={**data, "confirm_over_bounty": "y"})
    assert done.status_code == 302
    application = db.session.query(Application).one()
    assert str(application.quote) == "150.00"
    assert any("报价高于悬赏" in n.message for n in notices(challenge.owner))


def test_quote_within_bounty_needs_no_confirmation(db, client, login, make):
    challenge = make.demand(challenge=True)
    login(make.user("researcher"))
    assert client.post(f"/challenges/{challenge.id}/apply", data={**PROPOSAL, "quote": "100"}).status_code == 302


def test_owner_sees_quote_above_bounty(db, client, login, make):
    challenge = make.demand(challenge=True)
    researcher = make.user("researcher")
    login(researcher)
    client.post(f"/challenges/{challenge.id}/apply", data={**PROPOSAL, "quote": "150", "confirm_over_bounty": "y"})
    client.post(f"/challenges/{challenge.id}/apply", data={**PROPOSAL, "quote": "150", "confirm_over_bounty": "y"})
    application = db.session.query(Application).one()
    login(challenge.owner)
    token = client.post("/api/v1/tokens", json={"email": challenge.owner.email, "password": PASSWORD}).get_json()
    api = client.get(f"/api/v1/applications/{application.id}", headers={"Authorization": f"Bearer {token['token']}"})
    assert api.status_code == 200 and api.get_json()["quote_above_bounty"] is True
    manage = text_of(client.get(f"/challenges/{challenge.id}/manage"))
    assert manage.count("报价高于悬赏") == 1
    assert "报价高于悬赏" in text_of(client.get(f"/applications/{application.id}"))


def test_editing_to_a_quote_above_bounty_warns_too(db, client, login, make):
    challenge = make.demand(challenge=True)
    researcher = make.user("researcher")
    login(researcher)
    client.post(f"/challenges/{challenge.id}/apply", data={**PROPOSAL, "quote": "80"})
    application = db.session.query(Application).one()
    warned = client.post(f"/applications/{application.id}", data={**PROPOSAL, "quote": "120"})
    assert "高于本榜悬赏" in text_of(warned) and str(reload(application).quote) == "80.00"
    client.post(f"/applications/{application.id}", data={**PROPOSAL, "quote": "120", "confirm_over_bounty": "y"})
    assert str(reload(application).quote) == "120.00"


def test_migration_stores_older_maturity_names_as_their_trl(tmp_path):
    """The data migration (d7a3e5b90c21): older names become codes, and the search index is told."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.extensions import db as _db

    from .databases import discard, fresh_uri

    uri = fresh_uri(tmp_path, "maturity", schema=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "INDEX_DIR": str(tmp_path / "index"), "TESTING": True})
    try:
        with app.app_context():
            upgrade(revision="d7a3e5b90c21-1")  # just before the conversion
            with _db.engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO \"user\" (id, email, name, password_hash, role, active, created_at) "
                    "VALUES (1, 'r@example.com', '研究员', 'x', 'researcher', :yes, '2026-01-01 00:00:00')"),
                    {"yes": True})
                for i, maturity in enumerate(("小试", "产业化", "TRL3", None), start=1):
                    connection.execute(sa.text(
                        "INSERT INTO achievement (id, title, summary, type, field, status, created_at, updated_at, "
                        "owner_id, maturity) VALUES (:id, '成果', '简介', '其他', '其他', 'published', "
                        "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1, :maturity)"), {"id": i, "maturity": maturity})
            upgrade()
            with _db.engine.connect() as connection:
                stored = connection.execute(sa.text("SELECT maturity FROM achievement ORDER BY id")).scalars().all()
                queued = connection.execute(sa.text("SELECT key FROM index_outbox ORDER BY key")).scalars().all()
            _db.engine.dispose()
    finally:
        discard(uri)
    assert stored == ["TRL5", "TRL9", "TRL3", None]
    assert queued == ["achievement:1", "achievement:2"]

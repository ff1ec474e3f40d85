"""DB -> index consistency: outbox replay after a crash, concurrent writers, drift check, reindex."""
import itertools
import multiprocessing

from marketplace import create_app
from marketplace.extensions import db
from marketplace.listings.services import archive_listing
from marketplace.matching import consistency, index, services
from marketplace.models import IndexOutbox

from . import factories
from .matching_support import index_keys, new_achievement, new_demand, publish


def _config(app):
    return {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "INDEX_DIR")}


def test_publishing_indexes_within_the_commit_and_empties_the_outbox(make):
    listing = new_achievement(title="氮化镓功率器件")
    assert listing.index_key in index_keys()
    assert index.pending_count() == 0
    assert [hit.id for hit in services.search("氮化镓").items] == [listing.id]


def test_archived_listing_leaves_the_index_and_its_proposals(make):
    achievement = new_achievement()
    need = new_demand()
    assert services.proposals_for(need)
    archive_listing(achievement, achievement.owner)
    db.session.commit()
    assert achievement.index_key not in index_keys()
    assert services.search("石墨烯", {"kind": "achievement"}).total == 0
    assert services.proposals_for(need) == []


def test_outbox_rows_left_by_a_crash_are_applied_by_a_fresh_app(app, make):
    with index.deferred(apply=False):  # the crash: committed with its outbox row, never applied
        listing = make.achievement(title="钙钛矿太阳能电池")
    assert listing.index_key not in index_keys()
    assert index.pending_count() == 1
    fresh = create_app(_config(app))
    with fresh.app_context():
        fresh.test_client().get("/healthz")
        index.join_background(fresh, timeout=30)
        assert listing.index_key in index_keys()
        assert index.pending_count() == 0


def _publish_many(config, prefix, count, seq_start):
    factories._seq = itertools.count(seq_start)  # unique names/credit codes across processes
    app = create_app(config)
    with app.app_context():
        owner = factories.user("researcher")
        for n in range(count):
            publish(factories.achievement(owner=owner, status="pending", title=f"{prefix}成果{n}"))
        db.session.remove()


def test_two_processes_writing_at_once_lose_no_update(app):
    config = _config(app)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_publish_many, args=(config, prefix, 8, start))
               for prefix, start in (("甲", 10000), ("乙", 20000))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    keys = index_keys()
    published = db.session.scalars(db.select(factories.Achievement)).all()
    assert len(published) == 16
    assert {a.index_key for a in published} <= keys
    assert consistency.check() == {"missing": [], "stale": [], "extra": []}


def test_index_check_reports_drift_and_reindex_repairs_it(app, make):
    runner = app.test_cli_runner()
    indexed = new_achievement()
    assert runner.invoke(args=["index-check"]).exit_code == 0
    with index.deferred(apply=False):  # committed, outbox rows never applied
        hidden = make.achievement(title="未入索引")
        indexed.title = "改过的标题"
        db.session.commit()
    result = runner.invoke(args=["index-check"])
    assert result.exit_code == 1
    assert hidden.index_key in result.output and indexed.index_key in result.output
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "已写入索引 2 条" in result.output
    assert index.pending_count() == 0  # the reindex applied the queued rows too (with their proposals)
    assert runner.invoke(args=["index-check"]).exit_code == 0
    assert services.search("未入索引").total == 1


def test_deferred_applies_once_for_a_batch(make):
    owner = make.user("researcher")
    with index.deferred():
        listings = [make.achievement(owner=owner, status="published", title=f"批量{n}") for n in range(5)]
        for listing in listings:
            assert listing.index_key not in index_keys()
    assert {listing.index_key for listing in listings} <= index_keys()
    assert index.pending_count() == 0


def test_healthz_reports_the_index(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["index"] == "ok"

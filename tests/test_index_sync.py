"""The index follows the data by itself (issue #9): challenge moves, org renames, seed-demo, atomic
rebuilds, no follow-up work lost after commit."""
import os
import threading

import pytest

from marketplace import tasks
from marketplace.challenges.services import cancel_challenge
from marketplace.extensions import db
from marketplace.matching import consistency, index, services
from marketplace.models import IndexOutbox, Match, Notification

from .matching_support import index_keys, new_achievement, new_demand
from .queue_support import running_worker, wait_until
from .test_imports_queue import DEADLINE, queued_app  # noqa: F401  (a fixture)

CLEAN = {"missing": [], "stale": [], "extra": []}


def _pushes(user):
    return db.session.scalars(db.select(Notification).where(Notification.user_id == user.id,
                                                            Notification.kind == "match_push")).all()


def test_cancelled_challenge_leaves_the_index_and_is_never_paired(make):
    challenge = new_demand(challenge=True)
    assert challenge.index_key in index_keys()
    cancel_challenge(challenge, challenge.owner, "经费调整，取消榜单")
    db.session.commit()
    assert consistency.check() == CLEAN  # was: extra demand:N
    assert challenge.index_key not in index_keys()
    assert services.search("石墨烯", {"kind": "demand"}).total == 0
    achievement = new_achievement()  # same topic: it would have been paired with the cancelled challenge
    assert challenge.id not in {m.demand_id for m in db.session.scalars(db.select(Match))}
    assert _pushes(challenge.owner) == []
    assert services.proposals_for(achievement) == []


def test_org_rename_reaches_its_listings_documents(make):
    listing = new_achievement(title="高导热氮化硼薄膜")
    org = listing.organization
    with index.deferred(apply=False):  # committed, not yet applied
        org.name = "翠微新材料研究院"
        db.session.commit()
    assert consistency.check()["stale"] == [listing.index_key]  # the version is the content's hash, not updated_at
    assert index.pending_count() == 1
    index.apply_outbox()
    assert consistency.check() == CLEAN
    assert [hit.id for hit in services.search("翠微新材料研究院").items] == [listing.id]


def test_editing_a_draft_queues_nothing(make):
    with index.deferred(apply=False):
        draft = make.achievement(status="draft")
        draft.title = "草稿的新标题"
        db.session.commit()
    assert db.session.scalar(db.select(db.func.count(IndexOutbox.id))) == 0


def test_seed_demo_leaves_a_clean_index(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["index-check"])
    assert result.exit_code == 0, result.output
    assert index.pending_count() == 0


# ---------------------------------------------------------------- rebuild beside the live index

def _corpus(make, count):
    owner = make.user("researcher")
    with index.deferred():
        listings = [make.achievement(owner=owner, title=f"石墨烯散热膜{n}") for n in range(count)]
    return listings


def test_searches_during_a_rebuild_see_the_old_index(app, make, monkeypatch):
    monkeypatch.setattr(index, "rebuild_progress_step", 10)
    _corpus(make, 30)
    seen, checked, errors = [], threading.Event(), []

    def search_elsewhere():
        try:
            with app.app_context():  # another thread: its own session and searcher
                seen.append(index.searcher().doc_count())
                seen.append(services.search("石墨烯散热膜").total)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            checked.set()

    def progress(n):
        if not checked.is_set() and n:  # mid-rebuild: let the other thread search, wait until it has
            threading.Thread(target=search_elsewhere).start()
            assert checked.wait(30)

    assert index.rebuild(progress=progress, procs=1) == 30
    assert not errors and seen == [30, 30]
    assert index.searcher().doc_count() == 30
    assert consistency.check() == CLEAN


def test_a_crashed_rebuild_leaves_the_old_index_serving(app, make, monkeypatch):
    monkeypatch.setattr(index, "rebuild_progress_step", 10)
    listings = _corpus(make, 20)
    before = index.live_dir()

    def crash(n):
        raise RuntimeError("rebuild died")

    with pytest.raises(RuntimeError):
        index.rebuild(progress=crash, procs=1)
    assert index.live_dir() == before
    assert index.searcher().doc_count() == 20
    assert services.search("石墨烯散热膜").total == 20
    assert consistency.check() == CLEAN
    assert app.test_client().get("/healthz").json["index"] == "ok"
    # and the next rebuild swaps in a new directory; the old one is gone
    assert index.rebuild(procs=1) == 20
    assert index.live_dir() != before
    assert len([d for d in os.listdir(app.config["INDEX_DIR"]) if d.startswith("gen-")]) == 1
    assert {listing.index_key for listing in listings} == index_keys()


def test_healthz_reports_drift(app, make):
    _corpus(make, 3)
    with index.deferred(apply=False):
        make.achievement(title="未入索引")
    db.session.execute(db.delete(IndexOutbox))  # the lost change: nothing queued, index behind
    db.session.commit()
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json["index"] == "drift"
    index.rebuild(procs=1)
    assert app.test_client().get("/healthz").json["index"] == "ok"


# ---------------------------------------------------------------- no follow-up work lost

def test_a_failing_listener_leaves_its_row_queued_for_the_next_apply(make, monkeypatch):
    calls = []

    def flaky(keys):
        calls.append(list(keys))
        if len(calls) <= 2:  # the batch, then the key on its own
            raise RuntimeError("push service down")

    monkeypatch.setattr(index, "_listeners", [*index._listeners, flaky])
    need = new_demand()  # first apply: the listener fails, the row stays
    assert index.pending_count() == 1
    assert need.index_key in index_keys()  # the index itself is written
    assert index.apply_outbox() == 1  # retried: now it goes through, with the proposals and notices
    assert index.pending_count() == 0
    assert calls[-1] == [need.index_key]


def test_a_pair_stored_meanwhile_is_tolerated(make):
    achievement = new_achievement()
    need = new_demand()
    pair = {"demand_id": need.id, "achievement_id": achievement.id}
    assert db.session.scalar(db.select(Match).filter_by(**pair)) is not None  # stored by the apply
    row = {**pair, "score": 0.5, "terms": "石墨烯"}
    assert services._insert_matches([row]) == []  # another worker's insert: no error, nothing inserted
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Match.id)).filter_by(**pair)) == 1


# ---------------------------------------------------------------- applied by the worker

def test_a_commit_hands_the_apply_to_the_worker(queued_app, tmp_path):
    assert not tasks.huey.immediate
    listing = new_achievement(title="柔性钙钛矿组件")  # committed: queued, not applied in the caller
    assert index.pending_count() == 1 and listing.index_key not in index_keys()
    assert tasks.huey.pending_count() == 1
    log_path = tmp_path / "worker.log"
    with running_worker(queued_app, log_path) as worker:
        def applied():
            db.session.rollback()
            return index.pending_count() == 0

        wait_until(applied, worker, log_path, DEADLINE)
    assert index.pending_count() == 0, log_path.read_text(errors="replace")
    assert listing.index_key in index_keys()

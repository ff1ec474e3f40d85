"""Re-pairing every listing in batches, on one or two processes, gives exactly propose_for's proposals."""
import os

import pytest

from marketplace.extensions import db
from marketplace.imports.services import import_file
from marketplace.matching import index, matcher, ranking, repairing
from marketplace.matching.documents import KIND_MODELS
from marketplace.matching.services import _document, propose_for
from marketplace.models import Match

from . import factories

SHARED_DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
ROWS = 70


def _head(name, rows):
    with open(os.path.join(SHARED_DATA, name), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    return ("\n".join(lines[:rows + 1]) + "\n").encode("utf-8")  # header + rows (no embedded newlines here)


@pytest.fixture
def corpus(app):
    admin = factories.user("admin")
    for kind, name in (("achievements", "achievements.csv"), ("demands", "demands.csv")):
        report = import_file(kind, admin, name, _head(name, ROWS), publish=True)
        assert report.errors == []
    db.session.commit()
    return admin


def proposals():
    return sorted(db.session.execute(db.select(Match.demand_id, Match.achievement_id, Match.score, Match.terms)
                                     .where(Match.status == "proposed")).all())


def one_by_one():
    db.session.execute(db.delete(Match))
    for kind, model in KIND_MODELS.items():
        for listing_id in db.session.scalars(db.select(model.id).where(model.status == "published").order_by(model.id)):
            propose_for(db.session.get(model, listing_id))
    db.session.commit()
    return proposals()


def test_batches_on_one_and_two_processes_equal_one_by_one(corpus, monkeypatch):
    monkeypatch.setattr(repairing, "BATCH", 16)  # several batches per kind, shared between the processes
    expected = one_by_one()
    assert len(expected) >= ROWS  # about one proposal or more per demand above the floor
    for workers in (1, 2):
        db.session.execute(db.delete(Match))
        db.session.commit()
        assert repairing.recompute_all(workers=workers) == 2 * ROWS
        db.session.expire_all()
        assert proposals() == expected, f"{workers} worker(s)"


def test_the_progress_adds_up_and_a_rerun_changes_nothing(corpus):
    seen = []
    assert repairing.recompute_all(progress=seen.append, workers=2) == 2 * ROWS
    assert sum(seen) == 2 * ROWS
    before = proposals()
    repairing.recompute_all(workers=1)
    assert proposals() == before


def test_many_queries_at_once_rank_exactly_as_one_at_a_time(corpus):
    searcher = index.searcher()
    docs = [_document("demand", i) for i in range(1, 25)]
    clause_lists = [matcher.pair_terms(searcher, doc).clauses() for doc in docs if doc]
    scope = (("kind", "achievement"), ("status", "published"))
    single = [ranking.top_docs(searcher, clauses, scope, 15) for clauses in clause_lists]
    cache = ranking.PostingCache()
    assert ranking.top_docs_many(searcher, clause_lists, scope, 15, cache) == single
    assert cache.used > 0
    assert ranking.top_docs_many(searcher, clause_lists, scope, 15, cache) == single  # from the cache
    unfiltered = [ranking.top_docs(searcher, clauses, (), 5) for clauses in clause_lists[:3]]
    assert ranking.top_docs_many(searcher, clause_lists[:3], (), 5) == unfiltered


def test_the_cli_recomputes_with_a_progress_bar(corpus, app):
    db.session.execute(db.delete(Match))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["recompute-proposals", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert f"已计算 {2 * ROWS} 条信息的匹配推荐" in result.output
    assert len(proposals()) >= ROWS


def test_admin_starts_a_background_run_and_sees_its_progress(corpus, client, login):
    from marketplace.models import ProposalRun

    db.session.execute(db.delete(Match))
    db.session.commit()
    login(corpus)
    page = client.get("/admin/").get_data(as_text=True)
    assert "尚未在后台重算过全部匹配推荐" in page
    response = client.post("/admin/proposals/recompute", follow_redirects=True)  # immediate mode: runs here
    page = response.get_data(as_text=True)
    assert "已开始在后台重新计算全部匹配推荐" in page
    run = db.session.scalar(db.select(ProposalRun))
    assert (run.status, run.done, run.total) == ("succeeded", 2 * ROWS, 2 * ROWS)
    assert "已完成" in page and f"{2 * ROWS} / {2 * ROWS} 条（100%）" in page
    assert len(proposals()) >= ROWS


def test_one_run_at_a_time(corpus, client, login):
    from marketplace.models import ProposalRun

    db.session.add(ProposalRun(status="running", done=5, total=140))
    db.session.commit()
    login(corpus)
    page = client.post("/admin/proposals/recompute", follow_redirects=True).get_data(as_text=True)
    assert "已有一次匹配推荐重算进行中（5/140）" in page
    assert db.session.scalar(db.select(db.func.count(ProposalRun.id))) == 1

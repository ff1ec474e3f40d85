"""One winner: two owners' select requests racing on the same SQLite file; exactly one wins."""
import threading

from marketplace.challenges import applications as apps
from marketplace.extensions import db
from marketplace.models import Application, Demand, User
from marketplace.workflow import InvalidTransition

from .challenge_support import application, events


def _select_in_own_session(app, app_id, owner_id, barrier, results):
    """A request of its own: own app context, own session, own connection."""
    with app.app_context():
        try:
            application_row = db.session.get(Application, app_id)
            owner = db.session.get(User, owner_id)
            assert application_row.demand.status == "reviewing"  # both read the same state first...
            barrier.wait(timeout=10)  # ...then race on the compare-and-set
            apps.select_application(application_row, owner)
            db.session.commit()
            results.append(("ok", app_id))
        except InvalidTransition as err:
            db.session.rollback()
            results.append(("refused", err.message))
        except Exception as err:  # reported, so the assertion below shows it
            db.session.rollback()
            results.append(("error", repr(err)))
        finally:
            db.session.remove()


def test_two_concurrent_selects_produce_exactly_one_winner(app, make):
    owner = make.user("enterprise")
    demand = make.demand(owner=owner, challenge=True, status="reviewing")
    first, second = application(demand, make=make), application(demand, make=make)
    ids, owner_id, demand_id = (first.id, second.id), owner.id, demand.id
    db.session.remove()

    barrier, results = threading.Barrier(2), []
    threads = [threading.Thread(target=_select_in_own_session, args=(app, i, owner_id, barrier, results))
               for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["ok", "refused"], results
    winner_id = next(r[1] for r in results if r[0] == "ok")
    # Both passed the state check in Python; the loser was stopped by the compare-and-set UPDATE.
    assert next(r[1] for r in results if r[0] == "refused") == "该记录已被他人更新，请刷新后重试"
    db.session.expire_all()
    statuses = dict(db.session.execute(db.select(Application.id, Application.status)
                                       .where(Application.demand_id == demand_id)).all())
    assert list(statuses.values()).count("selected") == 1
    assert statuses[winner_id] == "selected"
    assert db.session.get(Demand, demand_id).status == "awarded"
    assert [e.action for e in events("demand", demand_id)] == ["select"]  # the loser left no event behind

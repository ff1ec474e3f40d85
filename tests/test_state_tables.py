"""One transition table per status column (in the module that owns the model), and the database holds
each column to that table's states: a CHECK per column and one selected application per challenge, both
on the models' schema and on the migrated one."""
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from marketplace import create_app
from marketplace.deals import services as deals
from marketplace.extensions import db
from marketplace.models import Achievement, Application, Deal, Demand, Enquiry, ImportJob, Match, Milestone
from marketplace.models import challenges as challenge_models
from marketplace.models import deals as deal_models
from marketplace.models import jobs as job_models
from marketplace.models import listings as listing_models
from marketplace.models import matching as matching_models
from marketplace.workflow import StateMachine

from . import factories
from .challenge_support import application, events
from .databases import discard, fresh_uri

# model, column, its one transition table (None: moved by the import job, not a machine), its states' labels
COLUMNS = [
    (Achievement, "status", listing_models.LISTING_TRANSITIONS, listing_models.LISTING_STATES),
    (Demand, "status", listing_models.DEMAND_TRANSITIONS,
     {**listing_models.LISTING_STATES, **listing_models.CHALLENGE_STATES}),
    (Match, "status", matching_models.MATCH_TRANSITIONS, matching_models.MATCH_STATES),
    (Enquiry, "status", deal_models.ENQUIRY_TRANSITIONS, deal_models.ENQUIRY_STATES),
    (Deal, "stage", deal_models.DEAL_TRANSITIONS, deal_models.DEAL_STAGES),
    (Application, "status", challenge_models.APPLICATION_TRANSITIONS, challenge_models.APPLICATION_STATES),
    (Milestone, "status", challenge_models.MILESTONE_TRANSITIONS, challenge_models.MILESTONE_STATES),
    (ImportJob, "status", None, job_models.JOB_STATES),
]
IDS = [f"{model.__tablename__}.{column}" for model, column, _, _ in COLUMNS]


def _checked_values(model, column):
    checks = [c for c in model.__table__.constraints if c.name == f"ck_{model.__tablename__}_{column}"]
    assert len(checks) == 1, "exactly one CHECK on the column"
    return set(re.findall(r"'([^']+)'", str(checks[0].sqltext)))


@pytest.mark.parametrize("model, column, table, labels", COLUMNS, ids=IDS)
def test_the_check_allows_exactly_the_states_of_the_columns_table(model, column, table, labels):
    default = getattr(model, column).default.arg
    states = set(labels)
    if table is not None:
        reached = {default} | {target for _, target, _ in table.values()}
        reached |= {source for sources, _, _ in table.values() for source in sources}
        assert reached == states  # every state is reachable, and every move lands on a labelled state
    assert _checked_values(model, column) == states


def test_a_challenges_moves_are_part_of_the_one_demand_table():
    table = listing_models.DEMAND_TRANSITIONS
    assert set(listing_models.LISTING_TRANSITIONS) < set(table)
    assert listing_models.CHALLENGE_ACTIONS == ("expire", "close", "select", "start", "accept", "fail",
                                                "unclaimed", "cancel")
    # the challenge package moves demands with the listings' demand machine, not a machine of its own
    from marketplace.challenges import services as challenges
    from marketplace.listings import services as listings
    assert challenges.CHALLENGE_MACHINE is listings.MACHINES["demand"]
    assert listings.MACHINES["achievement"].transitions["archive"].sources == ("published",)


def test_the_deal_stage_order_is_the_tables_main_line():
    table = deal_models.DEAL_TRANSITIONS
    line = [table["open"][1]] + [table[action][1] for action in deals.FORWARD_ACTIONS]
    assert tuple(line) == deal_models.STAGE_ORDER
    assert table["terminate"][0] == deal_models.OPEN_STAGES == deal_models.STAGE_ORDER[:-1]


def test_a_new_deal_is_opened_through_the_machine(app, make):
    broker = make.user("broker")
    achievement = make.achievement()
    deal = deals.create_deal(broker, {"achievement_id": achievement.id,
                                      "buyer_org_id": make.organization().id})
    db.session.commit()
    [opened] = events("deal", deal.id)
    assert (deal.stage, opened.action, opened.from_state, opened.to_state, opened.actor_id) == (
        "negotiating", "open", None, "negotiating", broker.id)
    assert opened.note == "经纪人直接立项"


def test_begin_refuses_a_move_between_states(app):
    with pytest.raises(ValueError):
        StateMachine("deal", deal_models.DEAL_TRANSITIONS, attr="stage").begin(Deal(title="x"), "sign", None)


# ---------------------------------------------------------------- what the database refuses

def _rows(make):
    """One committed row of every model with a status column."""
    owner = make.user("enterprise")
    challenge = make.demand(owner=owner, challenge=True, status="reviewing")
    achievement = make.achievement()
    rows = {
        Achievement: achievement,
        Demand: challenge,
        Match: make.match(make.demand(), achievement),
        Enquiry: Enquiry(achievement_id=achievement.id, user_id=owner.id, mode="转让", message="意向"),
        Deal: Deal(title="一笔交易"),
        Application: application(challenge, make=make),
        Milestone: Milestone(demand_id=challenge.id, title="小试"),
        ImportJob: ImportJob(kind="achievement", filename="a.xlsx", checksum="0" * 64, created_by_id=owner.id),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


def _refuses_bad_states_and_a_second_winner(make):
    rows = _rows(make)
    for model, column, _, _ in COLUMNS:
        with pytest.raises(IntegrityError):
            db.session.execute(update(model).where(model.id == rows[model].id).values({column: "bogus"}))
            db.session.flush()
        db.session.rollback()

    challenge = rows[Demand]
    first, second = rows[Application], application(challenge, make=make)
    other = application(make.demand(challenge=True, status="reviewing"), make=make)
    db.session.execute(update(Application).where(Application.id.in_([first.id, other.id])).values(status="selected"))
    db.session.commit()  # one winner on each of two challenges is fine
    with pytest.raises(IntegrityError):
        db.session.execute(update(Application).where(Application.id == second.id).values(status="selected"))
        db.session.flush()
    db.session.rollback()
    db.session.execute(update(Application).where(Application.id == second.id).values(status="declined"))
    db.session.commit()  # losers are not limited


def test_the_database_refuses_a_bad_status_and_a_second_selected_application(app, make):
    _refuses_bad_states_and_a_second_winner(make)


def test_the_migrated_database_refuses_them_too(tmp_path):
    uri = fresh_uri(tmp_path, "migrated", schema=False)
    migrated = create_app({"SQLALCHEMY_DATABASE_URI": uri, "INDEX_DIR": str(tmp_path / "index"), "TESTING": True,
                           "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    try:
        with migrated.app_context():
            upgrade()
            _refuses_bad_states_and_a_second_winner(factories)
            db.session.remove()
            db.engine.dispose()
    finally:
        discard(uri)

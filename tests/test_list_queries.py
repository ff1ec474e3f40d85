"""The public lists at scale: an index serves their order (no sort of every row), and the number of SQL
statements a list page runs does not grow with the number of items on it."""
import pytest
from sqlalchemy import event

from marketplace.extensions import db as _db
from marketplace.listings import services
from marketplace.models.listings import CHALLENGE_STATES, HIDDEN_STATES, LISTING_STATES, PUBLIC_STATES

from .databases import ON_POSTGRES


class Statements:
    """The SQL statements run on db.engine inside the block."""

    def __init__(self):
        self.executed = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.executed.append((statement, parameters))

    def __enter__(self):
        event.listen(_db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(_db.engine, "before_cursor_execute", self._record)


def _list_statement(kind, filters):
    with Statements() as statements:
        services.browse(kind, filters, 3, 20, cards=True)
    return next((s, p) for s, p in statements.executed if "ORDER BY" in s)


def _plan(statement, params):
    connection = _db.session.connection()
    if ON_POSTGRES:
        # Tiny test tables: forbid the seq scan and the sort so that the plan shows whether an index can serve
        # the order at all (with a Sort node left, it cannot).
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        rows = connection.exec_driver_sql("EXPLAIN " + statement, params).all()
    else:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
    return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("kind, filters, index", [
    ("achievement", {}, "ix_achievement_status_published"),
    ("achievement", {"field": "新材料"}, "ix_achievement_status_field_published"),
    ("demand", {}, "ix_demand_published_at"),
    ("demand", {"field": "新材料"}, "ix_demand_field_published"),
    ("demand", {"challenge": "1"}, "ix_demand_challenge_published"),
])
def test_an_index_serves_the_list_order(app, kind, filters, index):
    plan = _plan(*_list_statement(kind, filters))
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_hidden_states_are_the_complement_of_the_public_ones():
    every = set(LISTING_STATES) | set(CHALLENGE_STATES)
    assert set(HIDDEN_STATES) == every - set(PUBLIC_STATES) and not set(HIDDEN_STATES) & set(PUBLIC_STATES)

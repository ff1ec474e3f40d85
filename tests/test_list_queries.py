"""The public lists at scale: an index serves their order (no sort of every row), and the number of SQL
statements a list page runs does not grow with the number of items on it."""
import pytest
from sqlalchemy import event

from marketplace.extensions import db as _db
from marketplace.listings import paging, services
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


def _list_statements(kind, filters, page, per_page):
    """The page's statements that order rows: the anchors' pass (on a deep page) and the page's own."""
    with Statements() as statements:
        services.browse(kind, filters, page, per_page, cards=True)
    return [(s, p) for s, p in statements.executed if "ORDER BY" in s]


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
    ("demand", {}, "ix_demand_published"),
    ("demand", {"field": "新材料"}, "ix_demand_field_published"),
    ("demand", {"challenge": "1"}, "ix_demand_challenge_published"),
    ("achievement", {"type": "发明专利"}, "ix_achievement_status_type_published"),
    ("achievement", {"maturity": "TRL6"}, "ix_achievement_status_maturity_published"),
    ("achievement", {"sort": "price"}, "ix_achievement_status_price"),
    ("achievement", {"sort": "oldest"}, "ix_achievement_status_published"),
    ("demand", {"sort": "budget"}, "ix_demand_budget"),
])
@pytest.mark.parametrize("deep", [False, True])
def test_an_index_serves_the_list_order(app, make, monkeypatch, kind, filters, index, deep):
    if deep:  # page 3 of one-row pages, after the anchor of row 2: the anchors' pass, then the page
        for _ in range(3):
            make.achievement() if kind == "achievement" else make.demand(challenge=True)
        monkeypatch.setattr(paging, "ANCHOR_ROWS", 1)
    statements = _list_statements(kind, filters, 3, 1 if deep else 20)
    assert len(statements) == (2 if deep else 1), statements
    if deep:
        after = statements[1][0].split("WHERE", 1)[1]  # the keyset condition
        assert "row_number" in statements[0][0].lower() and ("<" in after or ">" in after), statements
    for statement in statements:
        _assert_an_index_serves(_plan(*statement), kind, index)


def _assert_an_index_serves(plan, kind, index):
    if ON_POSTGRES:
        # On empty tables PostgreSQL's costs for the composite list indexes are nearly equal, and it may take the
        # shorter one with a filter: what must hold is that one of them serves the order (no Sort node).
        # bench/web.py measures the filtered list at 100,000 rows on PostgreSQL.
        assert f"using ix_{kind}_" in plan, plan
    else:
        assert index in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_hidden_states_are_the_complement_of_the_public_ones():
    every = set(LISTING_STATES) | set(CHALLENGE_STATES)
    assert set(HIDDEN_STATES) == every - set(PUBLIC_STATES) and not set(HIDDEN_STATES) & set(PUBLIC_STATES)


# ---------------------------------------------------------------- statements per list page

def _statements_for(client, url):
    _db.session.expunge_all()  # as in production, the request starts with an empty session (no cached rows)
    with Statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements.executed)


# Each fill adds n items (each by a new user of a new organization) and returns a title the page then shows.

def _achievements(make, n):
    for i in range(n):
        make.achievement(title=f"列表成果{n}-{i}")
    return f"列表成果{n}-{n - 1}"


def _demands(make, n):
    for i in range(n):
        make.demand(title=f"列表需求{n}-{i}")
    return f"列表需求{n}-{n - 1}"


def _challenges(make, n):
    for i in range(n):
        make.demand(title=f"列表榜单{n}-{i}", challenge=True)
    return f"列表榜单{n}-{n - 1}"


def _matches(make, n):
    from marketplace.matching import calibration

    score = max(0.95, calibration.min_score(0) + 0.01)
    for i in range(n):
        make.match(make.demand(title=f"撮合需求{n}-{i}"), make.achievement(title=f"撮合成果{n}-{i}"), score=score)
    return f"撮合成果{n}-{n - 1}"


def _deals(make, n, broker):
    from marketplace.deals import services as deals

    for i in range(n):
        achievement, demand = make.achievement(title=f"交易成果{n}-{i}"), make.demand(title=f"交易需求{n}-{i}")
        deals.create_deal(broker, {"achievement_id": achievement.id, "demand_id": demand.id})
        _db.session.commit()
    return f"交易成果{n}-{n - 1}"


@pytest.mark.parametrize("url, fill, role", [
    ("/achievements", _achievements, None),
    ("/demands", _demands, None),
    ("/challenges", _challenges, None),
    ("/search?q=", _achievements, None),
    ("/search?q=", _demands, None),
    ("/matching/workbench", _matches, "broker"),
    ("/deals/", _deals, "broker"),
])
def test_statements_per_list_page_do_not_grow_with_its_items(client, login, make, url, fill, role):
    user = make.user(role) if role else None
    login(user)
    more = {"broker": user} if fill is _deals else {}
    shown = fill(make, 2, **more)
    assert shown in client.get(url).get_data(as_text=True)
    with_two = _statements_for(client, url)
    shown = fill(make, 10, **more)
    assert shown in client.get(url).get_data(as_text=True)
    with_twelve = _statements_for(client, url)
    assert with_twelve <= with_two, (url, with_two, with_twelve)


# ---------------------------------------------------------------- the empty search

def test_empty_search_lists_the_published_listings_newest_first(make):
    from datetime import timedelta

    from marketplace.matching import services as matching
    from marketplace.models import Achievement, Demand
    from marketplace.timeutil import utcnow

    now = utcnow()
    listings = []
    for i in range(7):
        listings.append(make.achievement(title=f"成果{i}", field="新材料" if i % 2 else "生物医药"))
        listings.append(make.demand(title=f"需求{i}", challenge=i == 3))
    for status in ("draft", "pending", "archived"):
        make.achievement(status=status)
        make.demand(status=status)
    reviewing = make.demand(title="评审中的榜单", challenge=True, status="reviewing")
    listings.append(reviewing)
    for minutes, listing in enumerate(reversed(listings)):  # distinct times, in no kind order
        listing.published_at = now - timedelta(minutes=minutes * 7 % 31, seconds=minutes)
    _db.session.commit()

    def expected(keep=lambda listing: True):
        rows = [(row.published_at, row.id, row.kind) for model in (Achievement, Demand)
                for row in _db.session.scalars(db_select_public(model)) if keep(row)]
        return [f"{kind}:{listing_id}" for _, listing_id, kind in sorted(rows, reverse=True)]

    def db_select_public(model):
        states = ("published",) if model is Achievement else PUBLIC_STATES
        return _db.select(model).where(model.status.in_(states))

    every = expected()
    assert len(every) == 15 and "demand:%d" % reviewing.id in every
    pages = [matching.search("", {}, page, 4) for page in (1, 2, 3, 4)]
    assert [hit.key for result in pages for hit in result.items] == every
    assert all(result.total == 15 for result in pages) and pages[0].pages == 4
    field = matching.search("", {"field": "新材料"}, 1, 20)
    assert [hit.key for hit in field.items] == expected(lambda row: row.field == "新材料")
    assert field.total == len(field.items)
    challenges = matching.search("", {"is_challenge": True}, 1, 20)
    assert [hit.key for hit in challenges.items] == expected(lambda row: getattr(row, "is_challenge", False))
    assert challenges.total == 2
    only = matching.search("", {"kind": "demand", "is_challenge": False}, 2, 3)
    assert [hit.key for hit in only.items] == expected(lambda row: row.kind == "demand" and not row.is_challenge)[3:6]
    typed = matching.search("", {"type": "发明专利"}, 1, 20)
    assert [hit.key for hit in typed.items] == expected(lambda row: row.kind == "achievement")


def test_empty_search_does_not_visit_the_search_index(client, make, monkeypatch):
    from marketplace.matching import index

    make.achievement(title="最新成果甲")

    def no_index():
        raise AssertionError("the empty search must not scan the search index")

    monkeypatch.setattr(index, "searcher", no_index)
    page = client.get("/search?q=").get_data(as_text=True)
    assert "最新成果甲" in page


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's plan; PostgreSQL's depends on its statistics")
def test_the_workbench_reads_matches_in_index_order(app):
    from marketplace.matching import services as matching

    with app.test_request_context(), Statements() as statements:
        matching.workbench(1)
    for statement, params in statements.executed:
        plan = _plan(statement, params)
        assert "ix_match_status_score" in plan and "TEMP B-TREE" not in plan, plan


def test_the_detail_pages_proposal_panel_reads_its_counterparts_with_the_proposals(client, login, make):
    """A broker's view of a demand lists its proposals; each row shows the counterpart achievement, loaded with
    the proposals in one query (not one per row)."""
    from marketplace.matching import calibration

    score = max(0.95, calibration.min_score(0) + 0.01)
    login(make.user("broker"))
    counts = []
    for n in (1, 4):
        demand = make.demand(title=f"面板需求{n}")
        for i in range(n):
            make.match(demand, make.achievement(title=f"面板成果{n}-{i}"), score=score)
        url = f"/demands/{demand.id}"
        page = client.get(url).get_data(as_text=True)
        assert all(f"面板成果{n}-{i}" in page for i in range(n))
        counts.append(_statements_for(client, url))
    assert counts[1] <= counts[0], counts


# ---------------------------------------------------------------- deep pages from anchors (paging.py)

def _listed(kind, filters, page, per_page):
    return [listing.id for listing in services.browse(kind, filters, page, per_page, cards=True).items]


def test_pages_after_anchors_show_the_rows_of_the_plain_offset_in_every_order(app, make, monkeypatch):
    from datetime import timedelta

    from marketplace.timeutil import utcnow
    start = utcnow()
    prices = [None, 5, 5, 3, None, 8, 5, None, 1, 3, 2]
    for i, price in enumerate(prices):  # equal prices and equal publication times: the id decides
        listing = make.achievement(title=f"锚点成果{i}", price=price)
        listing.published_at = start - timedelta(seconds=i // 3)
    _db.session.commit()
    for sort in ("newest", "oldest", "price"):
        filters = {"sort": sort}
        everything = _listed("achievement", filters, 1, 100)
        assert len(everything) == len(prices)
        monkeypatch.setattr(paging, "ANCHOR_ROWS", 2)
        for per_page in (2, 3):
            for page in range(1, len(prices) // per_page + 3):
                expected = everything[(page - 1) * per_page:page * per_page]
                assert _listed("achievement", filters, page, per_page) == expected, (sort, per_page, page)
        monkeypatch.undo()


def test_a_page_after_an_anchor_skips_fewer_rows_than_between_two_anchors(app, make, monkeypatch):
    for i in range(9):
        make.achievement(title=f"锚点跳过{i}")
    monkeypatch.setattr(paging, "ANCHOR_ROWS", 4)
    with Statements() as statements:
        pagination = services.browse("achievement", {}, 4, 2, cards=True)  # rows 7 and 8: the anchor is row 4
    page = [(s, p) for s, p in statements.executed if "LIMIT" in s and "row_number" not in s.lower()]
    assert len(page) == 1 and len(pagination.items) == 2, page  # one statement reads the page's rows
    assert "description" not in page[0][0].split("FROM")[0] and "summary" in page[0][0].split("FROM")[0]
    statement, parameters = page[0]
    assert "<" in statement.split("WHERE", 1)[1], statement  # after the anchor
    assert 2 in (parameters.values() if isinstance(parameters, dict) else parameters), parameters  # skip 6 - 4

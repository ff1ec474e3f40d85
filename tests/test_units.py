"""The district's units ship as data and load idempotently; an enterprise can belong to one."""
from marketplace.extensions import db
from marketplace.models import Organization, Unit
from marketplace.units import active_units, ensure_units, shipped_units, unit_by_name


def test_shipped_units_load_once_and_keep_admin_edits(app):
    rows = shipped_units()
    assert len(rows) == len({name for name, *_ in rows}) >= 10
    assert {kind for _, kind, *_ in rows} == {"town", "park"}
    assert ensure_units() == len(rows)
    unit = unit_by_name(rows[0][0])
    unit.active = False
    assert ensure_units() == 0
    assert unit not in active_units() and len(active_units()) == len(rows) - 1
    positions = [(col, row) for _, _, col, row in rows]
    assert len(set(positions)) == len(positions), "two units share a tile on the map"


def test_an_organization_belongs_to_a_unit(app, make):
    ensure_units()
    org = make.user("enterprise").organization
    org.unit = unit_by_name("未来科技城")
    db.session.commit()
    assert db.session.get(Organization, org.id).unit.kind_label == "园区"
    assert db.session.scalar(db.select(db.func.count(Unit.id))) == len(shipped_units())

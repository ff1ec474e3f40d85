"""The district's units (镇街, 园区): the list shipped in data/units.tsv and lookups by name.

Enterprises belong to a unit (Organization.unit_id); monitoring ranks them."""
from pathlib import Path

from .extensions import db
from .models.units import UNIT_KINDS, Unit

UNITS_FILE = Path(__file__).parent / "data" / "units.tsv"


def shipped_units():
    """(name, kind, map_col, map_row) rows of data/units.tsv, in file order."""
    rows = []
    for line in UNITS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, kind, col, row = line.split("\t")
        assert kind in UNIT_KINDS, f"unknown unit kind {kind!r} in {UNITS_FILE.name}"
        rows.append((name, kind, int(col), int(row)))
    return rows


def ensure_units():
    """Add the shipped units that are missing (idempotent; never changes or removes an admin's edits).
    Returns the number added."""
    existing = set(db.session.scalars(db.select(Unit.name)))
    added = 0
    for order, (name, kind, col, row) in enumerate(shipped_units()):
        if name not in existing:
            db.session.add(Unit(name=name, kind=kind, sort_order=order, map_col=col, map_row=row))
            added += 1
    db.session.flush()
    return added


def active_units():
    return db.session.scalars(db.select(Unit).where(Unit.active).order_by(Unit.sort_order, Unit.id)).all()


def unit_by_name(name):
    return db.session.scalar(db.select(Unit).where(Unit.name == (name or "").strip()))

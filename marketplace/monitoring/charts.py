"""Geometry of the server-drawn SVGs (the templates only place what is computed here):
the 五色图 tile map from each unit's map_col/map_row, and a unit's rank over periods."""
from ..extensions import db
from ..models import Unit

TILE, GAP, PAD = 104, 8, 8


def tile_map(units):
    """Tiles for the scored units (rules.score_units) that have a place on the map; units without one are listed
    under the map instead. Returns {width, height, tiles, unplaced}."""
    places = {u.id: (u.map_col, u.map_row, u.kind) for u in db.session.scalars(
        db.select(Unit).where(Unit.id.in_([unit["unit_id"] for unit in units])))}
    tiles, unplaced = [], []
    for unit in units:
        col, row, kind = places.get(unit["unit_id"], (None, None, None))
        if col is None or row is None:
            unplaced.append(unit)
            continue
        x, y = PAD + col * (TILE + GAP), PAD + row * (TILE + GAP)
        tiles.append({"unit": unit, "x": x, "y": y, "size": TILE, "cx": x + TILE // 2, "kind": kind,
                      "short": unit["unit"].replace("街道", "").replace("镇", "")[:5]})
    width = max((t["x"] for t in tiles), default=0) + TILE + PAD
    height = max((t["y"] for t in tiles), default=0) + TILE + PAD
    return {"width": width, "height": height, "tiles": tiles, "unplaced": unplaced}


def rank_chart(points, width=480, height=240):
    """A line chart of rank over periods (rank 1 at the top). `points` from snapshots.unit_series."""
    left, right, top, bottom = 56, 40, 16, 40
    worst = max([p["units"] for p in points] + [p["rank"] for p in points] + [2])
    step = (width - left - right) / max(len(points) - 1, 1)
    scale = (height - top - bottom) / (worst - 1)
    dots = [{"x": round(left + i * step, 1), "y": round(top + (p["rank"] - 1) * scale, 1), **p}
            for i, p in enumerate(points)]
    ticks = sorted({1, worst, *(r for r in range(1, worst + 1) if r % 5 == 0)})
    return {"width": width, "height": height, "left": left, "bottom": height - bottom, "right": width - right,
            "dots": dots, "path": " ".join(f"{d['x']},{d['y']}" for d in dots),
            "ticks": [{"rank": r, "y": round(top + (r - 1) * scale, 1)} for r in ticks]}

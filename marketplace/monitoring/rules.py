"""The rules of the monitoring report, as pure functions over plain rows (no database, no Flask).

- completion % = value ÷ target × 100 (higher is better) or target ÷ value × 100 (lower is better; a value of
  0 earns the cap); no target or no value: no completion;
- an indicator's score = weight × min(completion, cap) ÷ 100, so it never exceeds weight × cap;
- a unit's total = the sum of its scores; its overall completion = total ÷ (sum of the weights of the indicators
  that have a target) × 100;
- rank: by total, highest first; equal totals share a rank (1, 2, 2, 4) and are listed by the unit's order;
- colour (五色图), from behind to ahead 红 橙 黄 蓝 绿: by rank quintile (rank r of n: fifth ⌊(r−1)×5÷n⌋) or by
  overall completion band (≥ 100 绿, 90–100 蓝, 75–90 黄, 60–75 橙, < 60 红);
- rank change = previous rank − rank (positive: 进位, negative: 退位); none for a unit new to the report;
- a cell made of fewer than MIN_ENTERPRISES enterprises' private figures is suppressed in every view.
All numbers are Decimals.
"""
from decimal import ROUND_HALF_UP, Decimal

MIN_ENTERPRISES = 3
COLOURS = ("red", "orange", "yellow", "blue", "green")  # from behind to ahead
COLOUR_NAMES = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝", "green": "绿"}
LEVELS = {"red": "落后", "orange": "偏后", "yellow": "中游", "blue": "良好", "green": "领先"}
BANDS = ((Decimal(100), "green"), (Decimal(90), "blue"), (Decimal(75), "yellow"), (Decimal(60), "orange"))
BAND_TEXT = {"green": "≥ 100%", "blue": "90%–100%", "yellow": "75%–90%", "orange": "60%–75%", "red": "< 60%"}
QUINTILE_TEXT = {"green": "前 20%", "blue": "20%–40%", "yellow": "40%–60%", "orange": "60%–80%", "red": "后 20%"}
HUNDRED = Decimal(100)
TENTH, CENT = Decimal("0.1"), Decimal("0.01")


def _round(value, step):
    return value.quantize(step, rounding=ROUND_HALF_UP)


def completion(value, target, direction, cap_percent):
    """Completion % (one decimal) of a value against its target, or None."""
    if value is None or target is None or target <= 0:
        return None
    if direction == "lower":
        return Decimal(cap_percent) if value <= 0 else _round(target / value * HUNDRED, TENTH)
    return _round(value / target * HUNDRED, TENTH)


def indicator_score(weight, done, cap_percent):
    """weight × min(completion, cap) ÷ 100, two decimals; 0 without a completion."""
    if done is None:
        return Decimal("0.00")
    return _round(Decimal(weight) * min(done, Decimal(cap_percent)) / HUNDRED, CENT)


def suppressed(enterprises):
    """True when a cell is made of 1 or 2 enterprises' private figures (0 enterprises reveals nothing)."""
    return enterprises is not None and 0 < enterprises < MIN_ENTERPRISES


def score_cell(cell):
    """A cell dict (value, target, direction, weight, cap_percent, enterprises) with completion, score and
    suppressed added."""
    done = completion(cell["value"], cell["target"], cell["direction"], cell["cap_percent"])
    return {**cell, "completion": done, "score": indicator_score(cell["weight"], done, cell["cap_percent"]),
            "suppressed": suppressed(cell.get("enterprises"))}


def competition_ranks(items, key, order):
    """Assign item["rank"] by `key` (a tuple of numbers, highest first; equal keys share a rank); return the items
    in rank order, ties listed by `order`."""
    ranked = sorted(items, key=lambda item: (tuple(-k for k in key(item)), order(item)))
    for position, item in enumerate(ranked):
        same = position and key(ranked[position - 1]) == key(item)
        item["rank"] = ranked[position - 1]["rank"] if same else position + 1
    return ranked


def quintile_colour(rank, count):
    return tuple(reversed(COLOURS))[(rank - 1) * 5 // count]


def band_colour(done):
    for floor, colour in BANDS:
        if done is not None and done >= floor:
            return colour
    return "red"


def colour_for(unit, count, rule):
    return quintile_colour(unit["rank"], count) if rule == "quintile" else band_colour(unit["completion"])


def rank_change(rank, previous_rank):
    return None if previous_rank is None else previous_rank - rank


def arrow(change):
    """进位 / 退位 / 持平 / 新进 for a rank change."""
    if change is None:
        return "new"
    return "up" if change > 0 else "down" if change < 0 else "same"


def score_units(units, rule, previous_ranks=None):
    """The report: `units` are dicts (unit_id, unit, order, cells: [cell dicts]); return them scored, ranked and
    coloured, in rank order. `previous_ranks` maps unit_id → rank in the previous period."""
    previous_ranks = previous_ranks or {}
    scored = []
    for unit in units:
        cells = [score_cell(cell) for cell in unit["cells"]]
        total = sum((cell["score"] for cell in cells), Decimal("0.00"))
        weights = sum((Decimal(cell["weight"]) for cell in cells if cell["target"] is not None), Decimal(0))
        overall = _round(total / weights * HUNDRED, TENTH) if weights else None
        scored.append({**unit, "cells": cells, "total": total, "completion": overall})
    ranked = competition_ranks(scored, key=lambda u: (u["total"],), order=lambda u: (u["order"], u["unit"]))
    for unit in ranked:
        unit["colour"] = colour_for(unit, len(ranked), rule)
        unit["level"] = LEVELS[unit["colour"]]
        unit["rank_change"] = rank_change(unit["rank"], previous_ranks.get(unit["unit_id"]))
        unit["arrow"] = arrow(unit["rank_change"])
    return ranked


def league(units, indicator_id=None, previous=None):
    """赛马比拼: units (scored by score_units) ranked by the total, or by one indicator's score then value.
    `previous` is the previous period's league (same indicator), for arrows. Returns rows in rank order."""
    rows = []
    for unit in units:
        if indicator_id is None:
            rows.append({"unit_id": unit["unit_id"], "unit": unit["unit"], "order": unit["order"],
                         "key": (unit["total"], Decimal(0)), "score": unit["total"], "completion": unit["completion"],
                         "value": None, "suppressed": False})
            continue
        cell = next((c for c in unit["cells"] if c["indicator_id"] == indicator_id), None)
        if cell is None:
            continue
        rows.append({"unit_id": unit["unit_id"], "unit": unit["unit"], "order": unit["order"],
                     "key": (cell["score"], cell["value"] if cell["value"] is not None else Decimal(-1)),
                     "score": cell["score"], "completion": cell["completion"], "value": cell["value"],
                     "measure": cell["measure"], "suppressed": cell["suppressed"]})
    ranked = competition_ranks(rows, key=lambda r: r["key"], order=lambda r: (r["order"], r["unit"]))
    before = {row["unit_id"]: row["rank"] for row in previous or ()}
    for row in ranked:
        row["rank_change"] = rank_change(row["rank"], before.get(row["unit_id"]))
        row["arrow"] = arrow(row["rank_change"])
    return ranked

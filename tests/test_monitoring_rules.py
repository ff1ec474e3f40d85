"""The monitoring rules against a hand-worked fixture (figures worked out on paper, see each comment)."""
from decimal import Decimal as D

from marketplace.monitoring import periods, rules


def cell(indicator_id, value, target, direction, weight, enterprises=None):
    return {"indicator_id": indicator_id, "name": f"指标{indicator_id}", "measure": "", "direction": direction,
            "weight": D(weight), "cap_percent": 120, "value": None if value is None else D(value),
            "target": None if target is None else D(target), "enterprises": enterprises}


# I1: weight 60, higher is better; I2: weight 40, lower is better; both capped at 120 %.
FIXTURE = [
    # A: I1 120/100 = 120.0 % → 72.00; I2 3/2 = 150.0 % → capped 120 → 48.00; total 120.00, completion 120.0
    {"unit_id": 1, "unit": "甲镇", "order": 0,
     "cells": [cell(1, "120", "100", "higher", 60), cell(2, "2", "3", "lower", 40)]},
    # B: I1 90 % → 54.00; I2 3/4 = 75.0 % → 30.00; total 84.00, completion 84.0
    {"unit_id": 2, "unit": "乙镇", "order": 1,
     "cells": [cell(1, "90", "100", "higher", 60), cell(2, "4", "3", "lower", 40)]},
    # C: I1 150/200 = 75.0 % → 45.00; I2 100 % → 40.00; total 85.00, completion 85.0
    {"unit_id": 3, "unit": "丙街道", "order": 2,
     "cells": [cell(1, "150", "200", "higher", 60), cell(2, "3", "3", "lower", 40)]},
    # D: I1 50 % → 30.00; I2 has no target → 0; total 30.00, completion 30 ÷ 60 = 50.0
    {"unit_id": 4, "unit": "丁园区", "order": 3,
     "cells": [cell(1, "50", "100", "higher", 60), cell(2, "9", None, "lower", 40)]},
    # E: I1 75 % → 45.00; I2 100 % → 40.00; total 85.00 (tied with C), completion 85.0
    {"unit_id": 5, "unit": "戊街道", "order": 4,
     "cells": [cell(1, "75", "100", "higher", 60), cell(2, "3", "3", "lower", 40)]},
]
PREVIOUS = {1: 2, 2: 1, 3: 3, 4: 5}  # E is new this period


def test_scores_ranks_and_arrows_of_the_fixture():
    units = rules.score_units(FIXTURE, "quintile", PREVIOUS)
    got = [(u["unit"], u["total"], u["completion"], u["rank"], u["rank_change"], u["arrow"]) for u in units]
    assert got == [
        ("甲镇", D("120.00"), D("120.0"), 1, 1, "up"),
        ("丙街道", D("85.00"), D("85.0"), 2, 1, "up"),  # ties share rank 2, listed by the units' order
        ("戊街道", D("85.00"), D("85.0"), 2, None, "new"),
        ("乙镇", D("84.00"), D("84.0"), 4, -3, "down"),
        ("丁园区", D("30.00"), D("50.0"), 5, 0, "same"),
    ]
    first = units[0]["cells"]
    assert [(c["completion"], c["score"]) for c in first] == [(D("120.0"), D("72.00")), (D("150.0"), D("48.00"))]


def test_colours_under_both_rules():
    quintile = {u["unit"]: (u["colour"], u["level"]) for u in rules.score_units(FIXTURE, "quintile")}
    # rank r of 5 → fifth (r − 1) × 5 ÷ 5: 1 → green, 2 → blue, 4 → orange, 5 → red
    assert quintile == {"甲镇": ("green", "领先"), "丙街道": ("blue", "良好"), "戊街道": ("blue", "良好"),
                        "乙镇": ("orange", "偏后"), "丁园区": ("red", "落后")}
    bands = {u["unit"]: u["colour"] for u in rules.score_units(FIXTURE, "bands")}
    # completion 120 → ≥ 100 green; 85, 85, 84 → 75–90 yellow; 50 → < 60 red
    assert bands == {"甲镇": "green", "丙街道": "yellow", "戊街道": "yellow", "乙镇": "yellow", "丁园区": "red"}
    assert [rules.band_colour(D(x)) for x in ("100", "99.9", "90", "75", "74.9", "60", "59.9")] == [
        "green", "blue", "blue", "yellow", "orange", "orange", "red"]
    assert rules.band_colour(None) == "red"


def test_league_by_one_indicator_breaks_score_ties_by_value():
    units = rules.score_units(FIXTURE, "quintile")
    before = rules.league(rules.score_units(FIXTURE[:4], "quintile"), 1)
    rows = rules.league(units, 1, before)
    # I1 scores: 甲 72, 乙 54, 丙 45 (value 150), 戊 45 (value 75), 丁 30
    assert [(r["unit"], r["rank"], r["arrow"]) for r in rows] == [
        ("甲镇", 1, "same"), ("乙镇", 2, "same"), ("丙街道", 3, "same"), ("戊街道", 4, "new"), ("丁园区", 5, "down")]
    total = rules.league(units)
    assert [r["rank"] for r in total] == [1, 2, 2, 4, 5]


def test_completion_edges_and_suppression():
    assert rules.completion(D(0), D(3), "lower", 120) == D(120)  # nothing used: the best a unit can get
    assert rules.completion(D(5), D(0), "higher", 120) is None  # a zero target measures nothing
    assert rules.completion(None, D(3), "higher", 120) is None
    assert rules.indicator_score(D(10), D("250"), 120) == D("12.00")  # capped at 120 %
    assert [rules.suppressed(n) for n in (None, 0, 1, 2, 3)] == [False, False, True, True, False]
    scored = rules.score_cell(cell(1, "7", "10", "higher", 10, enterprises=2))
    assert scored["suppressed"] and scored["score"] == D("7.00")


def test_periods():
    q1 = periods.parse_period("2026Q1")
    assert (q1.start.isoformat(), q1.end.isoformat(), q1.last_month) == ("2026-01-01", "2026-04-01", "2026-03")
    assert periods.previous(q1).name == "2025Q4" and periods.previous(periods.parse_period("2026-01")).name == "2025-12"
    dec = periods.parse_period("2026-12")
    assert dec.end.isoformat() == "2027-01-01" and dec.label == "2026年12月"
    for bad in ("2026Q5", "2026-13", "26Q1", ""):
        try:
            periods.parse_period(bad)
        except Exception as err:  # noqa: BLE001
            assert "期间格式" in str(err)
        else:
            raise AssertionError(bad)

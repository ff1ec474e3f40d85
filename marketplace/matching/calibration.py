"""Strength: the one 0-100 % scale every page and the API show for a pairing.

A stored pairing score (Match.score, 0..1, see matcher.pair) maps to a strength through
the table marketplace/data/strength.tsv, measured by bench/calibrate.py on the main dev
split: strength s % means that s % of the dev proposals scoring that high were the true
counterpart. Strength is non-decreasing in the score, so ordering by score is ordering by
strength. Proposals below MATCH_MIN_STRENGTH are not stored (so never shown nor queued).
"""
import bisect
import os
import threading

TABLE_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "strength.tsv")
_lock = threading.Lock()
_table = None


def _load():
    scores, strengths = [], []
    with open(TABLE_PATH, encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                score, strength = line.split("\t")
                scores.append(float(score))
                strengths.append(int(strength))
    if not scores or scores != sorted(scores) or strengths != sorted(strengths):
        raise ValueError(f"{TABLE_PATH}: scores and strengths must both be non-decreasing")
    return scores, strengths


def table():
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = _load()
    return _table


def reset():
    global _table
    _table = None


def strength(score):
    """The integer strength (0-100) of a 0..1 pairing score."""
    scores, strengths = table()
    i = bisect.bisect_right(scores, float(score or 0.0)) - 1
    return strengths[i] if i >= 0 else 0


def min_score(min_strength):
    """The lowest score whose strength reaches min_strength (above 1 when none does)."""
    scores, strengths = table()
    i = bisect.bisect_left(strengths, int(min_strength))
    return scores[i] if i < len(scores) else 1.01

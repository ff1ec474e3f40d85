"""Totals of the public lists and of the empty search, kept per filter for LIST_COUNT_SECONDS (issue #15).

A list page is one index-ordered read of 12 rows, but its total is a COUNT over every matching row (60,000
achievements at 100,000 listings) on every request. The total only labels the pager, so each process keeps it
for a few seconds per (query, filters): a new listing shows up in the total at most that late, the rows
themselves at once. The workbench's total and conversion figures (counts over every proposal) and /healthz's count of
indexable listings (compared with the index's) are kept the same way.
0 turns the cache off (the tests' setting).
"""
import threading
import time

from flask import current_app

from ..extensions import db

MAX_ENTRIES = 1024  # filters are a small closed set; past this many, start over
_entries = {}
_lock = threading.Lock()


def filters_key(filters):
    """A hashable key of the filters that change the total (not the sort)."""
    return tuple(sorted((name, str(value)) for name, value in filters.items()
                        if name != "sort" and value not in (None, "")))


def cached(key, compute):
    """compute() (a total, or a dict of counts), or its value from less than LIST_COUNT_SECONDS ago for key."""
    seconds = current_app.config["LIST_COUNT_SECONDS"]
    if seconds <= 0:
        return compute()
    key = (str(db.engine.url), *key)
    now = time.monotonic()
    found = _entries.get(key)
    if found is not None and found[0] > now:
        return found[1]
    total = compute()
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = (now + seconds, total)
    return total


def count_of(query):
    """The number of rows of a select (its ORDER BY dropped)."""
    return db.session.scalar(db.select(db.func.count()).select_from(query.order_by(None).subquery()))

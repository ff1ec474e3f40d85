"""Shared pieces of the benchmarks: a throwaway app, rjieba segmentation, the SQLite FTS5 reference."""
import contextlib
import math
import os
import re
import shutil
import sqlite3
import tempfile

import rjieba

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS_DIR = os.path.join(ROOT, "bench", "results")
_WORDLIKE = re.compile(r"\w", re.UNICODE)


@contextlib.contextmanager
def temp_app(prefix="yizhi-bench-", **config):
    """A fresh app on a temp SQLite file and a temp index directory, inside an app context."""
    from marketplace import create_app
    from marketplace.extensions import db

    workdir = tempfile.mkdtemp(prefix=prefix)
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(workdir, "bench.db"),
        "INDEX_DIR": os.path.join(workdir, "index"),
        "WTF_CSRF_ENABLED": False,
        # No worker in a benchmark: queued tasks (the index apply after a commit) run at once in this process,
        # and nothing is written to the repository's instance/huey.db.
        "TASK_QUEUE_IMMEDIATE": True,
        "HUEY_FILE": os.path.join(workdir, "huey.db"),
        **config,
    })
    try:
        with app.app_context():
            db.create_all()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def segment(text):
    """rjieba tokens, lower-cased, without whitespace and punctuation-only tokens."""
    return [t.lower() for t in (tok.strip() for tok in rjieba.cut(text or "")) if t and _WORDLIKE.search(t)]


def or_query(terms):
    """An FTS5 query matching any of the terms (each quoted, so no term is read as syntax)."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in dict.fromkeys(terms))


class Fts5Baseline:
    """Plain BM25: SQLite FTS5 over space-joined rjieba tokens, queried with an OR of the query's terms."""

    def __init__(self, path=":memory:"):
        self.conn = sqlite3.connect(path)
        self.conn.execute("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61')")

    def add_many(self, rows):
        """rows: (rowid, text) pairs; the text is segmented here."""
        self.conn.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)",
                              ((rowid, " ".join(segment(text))) for rowid, text in rows))
        self.conn.commit()

    def search(self, text, limit=10):
        """Row ids best first for the terms of `text` (already segmented terms are fine too)."""
        query = or_query(segment(text))
        if not query:
            return []
        cursor = self.conn.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
                                   (query, limit))
        return [row[0] for row in cursor]

    def close(self):
        self.conn.close()


def percentile(values, fraction):
    """Nearest-rank percentile of a list of numbers."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def write_json(name, payload):
    import json

    os.makedirs(RESULTS_DIR, exist_ok=True)
    path = os.path.join(RESULTS_DIR, name)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=2)
    return path

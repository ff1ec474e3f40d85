"""The search index's public interface (the only module, with its siblings, that knows Whoosh).

Listings call `enqueue(listing)` inside their transaction; the queued change is applied
after commit. (The full implementation lands with the search issue.)
"""
from ..extensions import db
from ..models import IndexOutbox


def init_app(app):
    pass


def enqueue(listing):
    """Queue an index update for this listing in the current transaction."""
    db.session.add(IndexOutbox(key=listing.index_key))


def health():
    return "ok"

"""Helpers for the search/matching tests: publish through the real services so the outbox runs."""
from marketplace.extensions import db
from marketplace.listings.services import approve_listing
from marketplace.matching import index

from . import factories


def admin():
    return factories.user("admin")


def publish(listing, by=None):
    """Approve a pending listing as an admin and commit: the after-commit hook indexes it."""
    approve_listing(listing, by or admin())
    db.session.commit()
    return listing


def new_achievement(owner=None, **kw):
    return publish(factories.achievement(owner=owner, status="pending", **kw))


def new_demand(owner=None, **kw):
    return publish(factories.demand(owner=owner, status="pending", **kw))


def index_keys():
    with index.get_index().searcher() as searcher:
        return {fields["key"] for fields in searcher.all_stored_fields()}

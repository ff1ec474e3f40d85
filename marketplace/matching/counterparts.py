"""The other side of a listing's proposals, read in one query for the pairings page and its JSON.

`services.proposals_for` returns Match rows; each row shows its counterpart (title, field), which would
otherwise be lazy-loaded one SELECT per row (issue #15: the page's cost grew with its rows).
"""
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from .documents import KIND_MODELS, OTHER_KIND


def with_counterparts(kind, proposals):
    """Set each proposal's other-side listing (`achievement` for a demand's page, else `demand`); returns them."""
    other_kind = OTHER_KIND[kind]
    model = KIND_MODELS[other_kind]
    ids = {getattr(match, f"{other_kind}_id") for match in proposals}
    if ids:
        others = {row.id: row for row in db.session.scalars(db.select(model).where(model.id.in_(ids)))}
        for match in proposals:
            set_committed_value(match, other_kind, others.get(getattr(match, f"{other_kind}_id")))
    return proposals

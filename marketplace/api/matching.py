"""Matching endpoints of the JSON API: a listing's stored proposals, best first."""
from flask import g, jsonify

from ..extensions import db
from ..matching import services
from . import bp
from .auth import token_required


def _items(kind, listing_id):
    listing, proposals = services.matches_for(kind, listing_id, g.api_user)
    items = []
    for match in proposals:
        other = match.achievement if kind == "demand" else match.demand
        items.append({"id": other.id, "title": other.title, "score": round(match.score, 4), "strength": match.strength,
                      "terms": match.term_list, "match_id": match.id, "status": match.status})
    db.session.commit()  # the token's last_used_at
    return jsonify(items=items)


@bp.route("/demands/<int:listing_id>/matches")
@token_required
def demand_matches(listing_id):
    """Achievements proposed for a demand: its owner, brokers and admins."""
    return _items("demand", listing_id)


@bp.route("/achievements/<int:listing_id>/matches")
@token_required
def achievement_matches(listing_id):
    """Demands proposed for an achievement: its owner, brokers and admins."""
    return _items("achievement", listing_id)

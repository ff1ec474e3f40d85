"""Listing endpoints: /api/v1/achievements and /api/v1/demands (DESIGN §6), on the same services as the pages."""
from flask import g, jsonify, request

from ..extensions import db
from ..listings import services
from ..matching import services as matching
from ..models.listings import FIELDS
from ..workflow import ValidationFailed, history
from . import bp
from .auth import json_body, paging, token_optional, token_required
from .serializers import serialize_listing


def _for_each_kind(rule, name, methods=("GET",)):
    """Register the view at rule ({kinds} = achievements/demands) for both kinds; it gets `kind`."""

    def decorator(view):
        for kind in services.KINDS:
            bp.add_url_rule(rule.format(kinds=f"{kind}s"), f"{kind}_{name}", view,
                            defaults={"kind": kind}, methods=list(methods))
        return view

    return decorator


def listing_json(listing, user, with_history=True):
    """A listing as this user may see it: owner/admin get history and reason, some get details."""
    manage = with_history and services.can_manage(user, listing)
    return serialize_listing(listing, details=services.can_see_details(user, listing),
                             history=history(listing.kind, listing.id) if manage else None)


def _filters():
    q = request.args.get("q", "").strip()
    field = request.args.get("field", "").strip()
    if field and field not in FIELDS:
        raise ValidationFailed(f"field 无效，可选：{'、'.join(FIELDS)}", {"field": "无效的技术领域"})
    return {"q": q or None, "field": field or None}


@_for_each_kind("/{kinds}", "list")
@token_optional
def list_listings(kind):
    page, per_page = paging()
    filters = _filters()
    if filters["q"]:  # full-text through the index, best first (the same search as /search)
        result = matching.search(filters["q"], {"kind": kind, "field": filters["field"]}, page, per_page)
        listings = [hit.listing for hit in result.items]
    else:
        result = services.browse(kind, filters, page, per_page)
        listings = result.items
    items = [listing_json(listing, g.api_user, with_history=False) for listing in listings]
    db.session.commit()  # the token's last_used_at
    return jsonify(items=items, total=result.total, page=result.page, per_page=per_page)


@_for_each_kind("/{kinds}/<int:listing_id>", "detail")
@token_optional
def get_listing(kind, listing_id):
    listing = services.get_visible(kind, listing_id, g.api_user)
    body = listing_json(listing, g.api_user)
    db.session.commit()
    return jsonify(body)


@_for_each_kind("/{kinds}", "create", methods=("POST",))
@token_required
def create_listing(kind):
    data = json_body()
    listing = services.create_listing(kind, g.api_user, data)
    db.session.commit()
    return jsonify(listing_json(listing, g.api_user)), 201


def _reason(data):
    reason = data.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise ValidationFailed("reason 必须是文本", {"reason": "必须是文本"})
    return reason


ACTIONS = {
    "submit": lambda listing, user, data: services.submit_listing(listing, user),
    "approve": lambda listing, user, data: services.approve_listing(listing, user),
    "reject": lambda listing, user, data: services.reject_listing(listing, user, _reason(data)),
}


@_for_each_kind("/{kinds}/<int:listing_id>/<any(submit, approve, reject):action>", "action", methods=("POST",))
@token_required
def change_status(kind, listing_id, action):
    data = json_body() if action == "reject" else (request.get_json(silent=True) or {})
    listing = services.get_visible(kind, listing_id, g.api_user)
    ACTIONS[action](listing, g.api_user, data)
    db.session.commit()
    return jsonify(listing_json(listing, g.api_user))

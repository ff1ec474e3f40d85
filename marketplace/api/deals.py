"""Deal endpoints of the JSON API (DESIGN §6). A deal the caller may not see answers 404,
as the pages do; a visible deal the caller may not move answers 403."""
from flask import g, jsonify

from ..deals import services
from ..deals.access import get_visible
from ..extensions import db
from ..workflow import ValidationFailed, history
from .auth import json_body, token_required
from . import bp


def _iso(value):
    return value.isoformat() if value is not None else None


def _event_json(event):
    return {"id": event.id, "action": event.action, "from": event.from_state, "to": event.to_state,
            "actor_id": event.actor_id, "note": event.note, "at": _iso(event.created_at) + "Z"}


def deal_json(deal):
    return {
        "id": deal.id, "title": deal.title, "stage": deal.stage, "stage_label": deal.stage_label,
        "achievement_id": deal.achievement_id, "demand_id": deal.demand_id, "match_id": deal.match_id,
        "enquiry_id": deal.enquiry_id, "broker_id": deal.broker_id, "supplier_org_id": deal.supplier_org_id,
        "buyer_org_id": deal.buyer_org_id, "field": deal.field, "contract_type": deal.contract_type,
        "amount": None if deal.amount is None else f"{deal.amount:.2f}", "signed_on": _iso(deal.signed_on),
        "registration_no": deal.registration_no, "registered_on": _iso(deal.registered_on),
        "delivery_note": deal.delivery_note, "outcome_note": deal.outcome_note,
        "terminate_reason": deal.terminate_reason, "next_step": deal.next_step,
        "next_step_on": _iso(deal.next_step_on), "created_at": _iso(deal.created_at) + "Z",
        "events": [_event_json(e) for e in history("deal", deal.id)],
    }


@bp.route("/deals", methods=["POST"])
@token_required
def create_deal():
    try:
        deal = services.create_deal(g.api_user, json_body())
    except services.DealExists as err:
        db.session.rollback()
        return jsonify({"error": {"code": err.code, "message": err.message, "deal_id": err.deal.id}}), err.status
    db.session.commit()
    return jsonify(deal_json(deal)), 201


@bp.route("/deals/<int:deal_id>")
@token_required
def get_deal(deal_id):
    return jsonify(deal_json(get_visible(deal_id, g.api_user)))


@bp.route("/deals/<int:deal_id>/advance", methods=["POST"])
@token_required
def advance_deal(deal_id):
    deal = get_visible(deal_id, g.api_user)
    data = json_body()
    to = data.get("to")
    if not isinstance(to, str) or not to:
        raise ValidationFailed("请用 to 指明目标阶段", {"to": "必填"})
    services.advance_deal(deal, g.api_user, to, data)
    db.session.commit()
    return jsonify(deal_json(deal))


@bp.route("/deals/<int:deal_id>/terminate", methods=["POST"])
@token_required
def terminate_deal(deal_id):
    deal = get_visible(deal_id, g.api_user)
    services.terminate_deal(deal, g.api_user, json_body().get("reason"))
    db.session.commit()
    return jsonify(deal_json(deal))

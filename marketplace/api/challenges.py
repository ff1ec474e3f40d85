"""揭榜挂帅 endpoints of the JSON API (DESIGN §6), on the same services as the pages.

Status codes: 400 bad input, 401 no/bad token, 403 not allowed, 404 not visible, 409 refused by a
state machine (closed challenge, past deadline, already applied, already awarded...).
"""
from flask import g, jsonify, request

from ..challenges import applications as apps
from ..challenges import services
from ..extensions import db
from ..workflow import ValidationFailed, history
from . import bp
from .auth import json_body, token_required
from .serializers import money, serialize_demand, serialize_event, serialize_user, timestamp


def serialize_application(app, events=True):
    data = {
        "id": app.id,
        "demand_id": app.demand_id,
        "demand_title": app.demand.title,
        "challenge_status": app.demand.effective_status,
        "applicant": serialize_user(app.applicant),
        "organization": app.organization.name if app.organization else None,
        "proposal": app.proposal,
        "team": app.team or "",
        "plan": app.plan or "",
        "quote": money(app.quote),
        "quote_above_bounty": apps.quote_above_bounty(app.quote, app.demand),
        "status": app.status,
        "reason": app.decline_reason if app.status == "declined" else None,
        "code": app.decline_code if app.status == "declined" else None,
        "created_at": timestamp(app.created_at),
        "updated_at": timestamp(app.updated_at),
    }
    if events:
        data["events"] = [serialize_event(e) for e in history("application", app.id)]
    return data


def serialize_challenge(demand):
    data = serialize_demand(demand)
    data.update(deadline_at=timestamp(demand.deadline), close_reason=demand.close_reason,
                applicant_count=services.applicant_counts([demand.id]).get(demand.id, 0),
                milestones=[{"id": m.id, "title": m.title, "share_percent": m.share_percent, "status": m.status,
                             "due_on": m.due_on.isoformat() if m.due_on else None} for m in demand.milestones],
                events=[serialize_event(e) for e in history("demand", demand.id)])
    return data


def _text(data, key):
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValidationFailed(f"{key} 必须是文本", {key: "必须是文本"})
    return value


def _application_fields(data):
    for key in ("proposal", "team", "plan"):
        _text(data, key)
    quote = data.get("quote")
    if isinstance(quote, bool) or (quote is not None and not isinstance(quote, (str, int, float))):
        raise ValidationFailed("quote 必须是数字或数字字符串（万元）", {"quote": "必须是数字"})
    return data


# ---------------------------------------------------------------- applicant

@bp.route("/demands/<int:demand_id>/applications", methods=["POST"])
@token_required
def challenge_apply(demand_id):
    data = _application_fields(json_body())
    demand = services.get_challenge(demand_id, g.api_user)
    app = apps.apply_to_challenge(demand, g.api_user, data)
    db.session.commit()
    return jsonify(serialize_application(app)), 201


@bp.route("/demands/<int:demand_id>/applications", methods=["GET"])
@token_required
def challenge_applications(demand_id):
    """The challenge's applications, for its owner and admins."""
    demand = services.get_challenge(demand_id, g.api_user)
    items = [serialize_application(a, events=False) for a in apps.applications_for(demand, g.api_user)]
    db.session.commit()
    return jsonify(items=items, total=len(items))


@bp.route("/applications/<int:app_id>", methods=["GET"])
@token_required
def application_get(app_id):
    app = apps.get_application(app_id, g.api_user)
    body = serialize_application(app)
    db.session.commit()
    return jsonify(body)


@bp.route("/applications/<int:app_id>", methods=["PATCH", "PUT"])
@token_required
def application_update(app_id):
    data = _application_fields(json_body())
    app = apps.get_application(app_id, g.api_user)
    merged = {"proposal": app.proposal, "team": app.team, "plan": app.plan, "quote": app.quote}
    merged.update({k: v for k, v in data.items() if k in merged})
    apps.update_application(app, g.api_user, merged)
    db.session.commit()
    return jsonify(serialize_application(app))


@bp.route("/applications/<int:app_id>/withdraw", methods=["POST"])
@token_required
def application_withdraw(app_id):
    app = apps.get_application(app_id, g.api_user)
    apps.withdraw_application(app, g.api_user)
    db.session.commit()
    return jsonify(serialize_application(app))


# ---------------------------------------------------------------- owner: applications

@bp.route("/applications/<int:app_id>/<any(shortlist, select, decline):action>", methods=["POST"])
@token_required
def application_action(app_id, action):
    app = apps.get_owned_application(app_id, g.api_user)
    if action == "shortlist":
        apps.shortlist_application(app, g.api_user)
    elif action == "select":
        apps.select_application(app, g.api_user)
    else:
        data = json_body()
        apps.decline_application(app, g.api_user, _text(data, "reason"), _text(data, "code"))
    db.session.commit()
    return jsonify(serialize_application(app))


# ---------------------------------------------------------------- owner: the challenge

CHALLENGE_ACTIONS = {
    "close": lambda d, u, data: services.close_challenge(d, u, _text(data, "note")),
    "cancel": lambda d, u, data: services.cancel_challenge(d, u, _text(data, "reason")),
    "unclaimed": lambda d, u, data: services.declare_unclaimed(d, u, _text(data, "reason")),
    "start": lambda d, u, data: services.start_challenge(d, u),
    "accept": lambda d, u, data: services.accept_delivery(d, u, _text(data, "note")),
    "fail": lambda d, u, data: services.fail_delivery(d, u, _text(data, "reason")),
}


@bp.route("/demands/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
          methods=["POST"])
@token_required
def challenge_action(demand_id, action):
    demand = services.get_owned_challenge(demand_id, g.api_user)
    data = json_body() if action in ("cancel", "fail") else _optional_body()
    CHALLENGE_ACTIONS[action](demand, g.api_user, data)
    db.session.commit()
    return jsonify(serialize_challenge(demand))


def _optional_body():
    if not request.get_data():
        return {}
    return json_body()

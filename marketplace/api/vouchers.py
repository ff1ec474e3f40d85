"""创新券 endpoints of the JSON API (DESIGN §6), on the services of marketplace/vouchers/.

400 a malformed field · 403 not this role · 404 not visible · 409 a voucher rule refused it (the message
names the rule: related parties, invoice reused, budget or voucher amount exceeded, expired, category not
covered, provider suspended, notice not ended) or the state forbids the action.
"""
from flask import g, jsonify, request

from ..extensions import db
from ..matching.catalogue import search_services
from ..vouchers import catalogue, orders, providers, schemes, serialize, settlement
from ..workflow import ValidationFailed
from . import bp
from .auth import json_body, paging, token_optional, token_required


def _body():
    return json_body() if request.get_data() else {}


def _text(data, key):
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValidationFailed(f"{key} 必须是文本", {key: "必须是文本"})
    return value


# ---------------------------------------------------------------- schemes

@bp.route("/voucher-schemes", methods=["POST"])
@token_required
def voucher_scheme_create():
    scheme = schemes.create_scheme(g.api_user, json_body())
    db.session.commit()
    return jsonify(serialize.scheme(scheme)), 201


@bp.route("/voucher-schemes/<int:scheme_id>", methods=["GET"])
@token_optional
def voucher_scheme_get(scheme_id):
    return jsonify(serialize.scheme(schemes.get_scheme(scheme_id)))


@bp.route("/voucher-schemes/<int:scheme_id>/batches", methods=["POST"])
@token_required
def voucher_batch_create(scheme_id):
    batch = settlement.create_batch(g.api_user, schemes.get_scheme(scheme_id), _text(json_body(), "month"))
    db.session.commit()
    return jsonify({"id": batch.id, "month": batch.month, "total": f"{batch.total:.2f}",
                    "claims": [c.id for c in batch.claims]}), 201


# ---------------------------------------------------------------- providers

@bp.route("/service-providers", methods=["POST"])
@token_required
def service_provider_apply():
    provider = providers.apply(g.api_user, json_body())
    db.session.commit()
    return jsonify(serialize.provider(provider)), 201


@bp.route("/service-providers/<int:provider_id>", methods=["GET"])
@token_optional
def service_provider_get(provider_id):
    return jsonify(serialize.provider(providers.get_provider(provider_id)))


@bp.route("/service-providers/<int:provider_id>/objections", methods=["POST"])
@token_required
def service_provider_object(provider_id):
    providers.object_to(providers.get_provider(provider_id), g.api_user, _text(json_body(), "text"))
    db.session.commit()
    return jsonify({"ok": True}), 201


@bp.route("/service-providers/<int:provider_id>/<any(admit, reject, suspend):action>", methods=["POST"])
@token_required
def service_provider_action(provider_id, action):
    provider = providers.get_provider(provider_id)
    data = _body()
    if action == "admit":
        providers.admit(provider, g.api_user)
    elif action == "reject":
        providers.reject(provider, g.api_user, _text(data, "reason"))
    else:
        providers.suspend(provider, g.api_user, _text(data, "reason"))
    db.session.commit()
    return jsonify(serialize.provider(provider))


# ---------------------------------------------------------------- catalogue

@bp.route("/services", methods=["POST"])
@token_required
def service_create():
    service = catalogue.create(g.api_user, json_body())
    db.session.commit()
    return jsonify(serialize.service(service)), 201


@bp.route("/services", methods=["GET"])
@token_optional
def service_list():
    page, per_page = paging()
    category = request.args.get("category") or None
    result = search_services(request.args.get("q"), category, page, per_page)
    return jsonify(items=[serialize.service(s) for s in result.items], total=result.total, page=page,
                   per_page=per_page)


@bp.route("/services/<int:service_id>", methods=["GET"])
@token_optional
def service_get(service_id):
    return jsonify(serialize.service(catalogue.get_service(service_id, g.api_user)))


@bp.route("/services/<int:service_id>/<any(submit, approve, reject):action>", methods=["POST"])
@token_required
def service_action(service_id, action):
    service = catalogue.get_service(service_id, g.api_user)
    if action == "submit":
        catalogue.submit(service, g.api_user)
    elif action == "approve":
        catalogue.approve(service, g.api_user)
    else:
        catalogue.reject(service, g.api_user, _text(_body(), "reason"))
    db.session.commit()
    return jsonify(serialize.service(service))


# ---------------------------------------------------------------- vouchers

@bp.route("/vouchers", methods=["POST"])
@token_required
def voucher_apply():
    voucher = schemes.apply(g.api_user, json_body())
    db.session.commit()
    return jsonify(serialize.voucher(voucher)), 201


@bp.route("/vouchers/<int:voucher_id>", methods=["GET"])
@token_required
def voucher_get(voucher_id):
    return jsonify(serialize.voucher(schemes.get_voucher(voucher_id, g.api_user)))


@bp.route("/vouchers/<int:voucher_id>/<any(approve, reject):action>", methods=["POST"])
@token_required
def voucher_action(voucher_id, action):
    voucher = schemes.get_voucher(voucher_id, g.api_user)
    data = _body()
    if action == "approve":
        schemes.approve(voucher, g.api_user, data.get("amount"))
    else:
        schemes.reject(voucher, g.api_user, _text(data, "reason"))
    db.session.commit()
    return jsonify(serialize.voucher(voucher))


@bp.route("/vouchers/<int:voucher_id>/orders", methods=["POST"])
@token_required
def voucher_order_place(voucher_id):
    order = orders.place(schemes.get_voucher(voucher_id, g.api_user), g.api_user, json_body())
    db.session.commit()
    return jsonify(serialize.order(order)), 201


# ---------------------------------------------------------------- orders and claims

@bp.route("/voucher-orders/<int:order_id>", methods=["GET"])
@token_required
def voucher_order_get(order_id):
    return jsonify(serialize.order(orders.get_order(order_id, g.api_user)))


@bp.route("/voucher-orders/<int:order_id>/<any(accept, deliver, confirm, dispute):action>", methods=["POST"])
@token_required
def voucher_order_action(order_id, action):
    order = orders.get_order(order_id, g.api_user)
    data = _body()
    if action == "accept":
        orders.accept(order, g.api_user)
    elif action == "deliver":
        orders.deliver(order, g.api_user, _text(data, "note"))
    elif action == "confirm":
        orders.confirm(order, g.api_user)
    else:
        orders.dispute(order, g.api_user, _text(data, "reason"))
    db.session.commit()
    return jsonify(serialize.order(order))


@bp.route("/voucher-orders/<int:order_id>/claims", methods=["POST"])
@token_required
def voucher_claim_file(order_id):
    claim = orders.file_claim(orders.get_order(order_id, g.api_user), g.api_user, json_body())
    db.session.commit()
    return jsonify(serialize.claim(claim)), 201


@bp.route("/voucher-claims/<int:claim_id>", methods=["GET"])
@token_required
def voucher_claim_get(claim_id):
    return jsonify(serialize.claim(orders.get_claim(claim_id, g.api_user)))


@bp.route("/voucher-claims/<int:claim_id>/<any(approve, return, reject, resubmit):action>", methods=["POST"])
@token_required
def voucher_claim_action(claim_id, action):
    claim = orders.get_claim(claim_id, g.api_user)
    data = _body()
    if action == "approve":
        orders.approve_claim(claim, g.api_user)
    elif action == "return":
        orders.return_claim(claim, g.api_user, _text(data, "reason"))
    elif action == "reject":
        orders.reject_claim(claim, g.api_user, _text(data, "reason"))
    else:
        orders.resubmit(claim, g.api_user, data)
    db.session.commit()
    return jsonify(serialize.claim(claim))

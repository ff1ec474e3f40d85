"""Enterprise endpoints of the JSON API (issue #12): figures, evaluation, pools, policies.

An enterprise whose figures the caller may not see answers 404 (nothing disclosed); one the caller may see
but not change answers 403."""
from flask import g, jsonify

from ..enterprises import access, figures, pools, policies, services
from ..extensions import db
from ..models.enterprises import POOLS
from ..workflow import NotFound, PermissionDenied
from .auth import json_body, token_required
from . import bp


def _visible_enterprise(org_id, user):
    org = figures.enterprise_or_404(org_id)
    if not access.can_view(user, org):
        raise NotFound("企业不存在")
    return org


def evaluation_json(org, result):
    return {"organization_id": org.id, "year": result.year, "score": result.score,
            "components": dict(result.components), "qualified": result.qualified, "gaps": list(result.gaps),
            "tags": [tag.name for tag in services.tags_of(org)], "pools": list(result.pools)}


@bp.route("/enterprises/<int:organization_id>/figures/<int:year>", methods=["PUT"])
@token_required
def put_figures(organization_id, year):
    org = _visible_enterprise(organization_id, g.api_user)
    if not access.can_edit(g.api_user, org):
        raise PermissionDenied("只有本企业成员或管理员可以填报经营数据")
    figures.check_year(year)
    result = services.save(org, year, json_body(), g.api_user, "api")
    db.session.commit()
    return jsonify(evaluation_json(org, result))


@bp.route("/enterprises/<int:organization_id>/evaluation")
@token_required
def get_evaluation(organization_id):
    org = _visible_enterprise(organization_id, g.api_user)
    return jsonify(evaluation_json(org, services.evaluate(org)))


def _require_admin(user):
    if user.role != "admin":
        raise PermissionDenied("只有管理员可以查看培育库")


@bp.route("/pools/<name>")
@token_required
def get_pool(name):
    _require_admin(g.api_user)
    key = pools.pool_key_or_404(name)
    members = pools.members(key)
    return jsonify({"name": key, "label": POOLS[key], "published": pools.is_published(key), "count": len(members),
                    "by_unit": [{"unit": unit, "count": count} for unit, count in pools.counts_by_unit(key)],
                    "by_field": [{"field": field, "count": count} for field, count in pools.counts_by_field(key)],
                    "members": [{"organization_id": org.id, "name": org.name, "unit": unit.name if unit else None,
                                 "field": profile.field if profile else None,
                                 "score": profile.score if profile else 0, "since": since.isoformat() + "Z"}
                                for org, unit, profile, since in members]})


@bp.route("/policies", methods=["POST"])
@token_required
def create_policy():
    policy = policies.create_policy(g.api_user, json_body())
    db.session.commit()
    return jsonify(policies.policy_json(policy, with_counts=True)), 201


@bp.route("/policies/<int:policy_id>")
@token_required
def get_policy(policy_id):
    policy = policies.get_visible(policy_id, g.api_user)
    is_admin = g.api_user.role == "admin"
    if not is_admin and policies.mark_read(policy, g.api_user):
        db.session.commit()
    return jsonify(policies.policy_json(policy, with_counts=is_admin))

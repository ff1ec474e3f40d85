"""Monitoring endpoints of the JSON API (DESIGN §6): the reports list, one report, a unit's series.

Admins see everything; a unit liaison sees the league (every unit's score, rank, colour and arrow) and the
indicators of their own unit only; every other role gets 403."""
from flask import g, jsonify, request

from ..models import Unit
from ..monitoring import access, snapshots
from ..workflow import NotFound, get_or_404
from . import bp
from .auth import token_required
from .serializers import timestamp


def _number(value):
    return None if value is None else str(value)


def _indicator(cell):
    hidden = cell["suppressed"]
    return {"name": cell["name"], "value": None if hidden else _number(cell["value"]),
            "target": _number(cell["target"]),
            "yearly_target": _number(cell["yearly_target"]),
            "completion": None if hidden else _number(cell["completion"]), "measure": cell["measure"],
            "suppressed": hidden}


@bp.route("/monitoring/reports", methods=["GET"])
@token_required
def monitoring_reports():
    access.require_league(g.api_user)
    return jsonify({"items": [{"period": s.period, "taken_at": timestamp(s.taken_at), "kind": s.kind,
                               "final": snapshots.is_final(s)} for s in snapshots.all_snapshots()]})


@bp.route("/monitoring/reports/<period>", methods=["GET"])
@token_required
def monitoring_report(period):
    access.require_league(g.api_user)
    data = snapshots.report(snapshots.get_snapshot(period))
    own = access.liaison_unit_id(g.api_user)
    units = []
    for unit in data["units"]:
        row = {"unit_id": unit["unit_id"], "unit": unit["unit"], "score": _number(unit["total"]),
               "completion": _number(unit["completion"]), "rank": unit["rank"], "colour": unit["colour"],
               "level": unit["level"], "rank_change": unit["rank_change"]}
        visible = access.is_admin(g.api_user) or unit["unit_id"] == own
        row["indicators"] = [_indicator(cell) for cell in unit["cells"]] if visible else []
        units.append(row)
    return jsonify({"period": data["period"], "taken_at": timestamp(data["taken_at"]), "final": data["final"],
                    "rule": data["rule"], "units": units})


@bp.route("/monitoring/units/<int:unit_id>/series", methods=["GET"])
@token_required
def monitoring_unit_series(unit_id):
    access.require_unit(g.api_user, unit_id)
    unit = get_or_404(Unit, unit_id, "没有该单位")
    name = (request.args.get("indicator") or "").strip()
    kind = request.args.get("kind", "quarter")
    if kind not in ("quarter", "month"):
        kind = "quarter"
    indicator_id = None
    if name:
        latest = snapshots.all_snapshots(kind)
        cells = snapshots.report(latest[0])["indicators"] if latest else []
        indicator_id = next((c["id"] for c in cells if c["name"] == name), None)
        if indicator_id is None:
            raise NotFound(f"没有名为“{name}”的指标")
    points = snapshots.unit_series(unit_id, indicator_id, kind)
    return jsonify({"unit_id": unit.id, "unit": unit.name, "indicator": name or None, "kind": kind,
                    "items": [{"period": p["period"], "rank": p["rank"], "score": _number(p["score"]),
                               "completion": _number(p["completion"]), "value": _number(p["value"]),
                               "suppressed": p["suppressed"]} for p in points]})

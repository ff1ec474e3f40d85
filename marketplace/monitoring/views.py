"""Monitoring pages: the reports list, 创新高分报表 with its 五色图, 赛马比拼, a unit's detail, and the exports."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..forms import EmptyForm
from ..models import Unit
from ..models.monitoring import COLOUR_RULES
from ..security import role_required
from ..workflow import DomainError, get_or_404
from . import access, charts, exports, periods, rules, snapshots

bp = Blueprint("monitoring", __name__)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SORTS = ("rank", "unit", "completion")


@bp.app_context_processor
def monitoring_labels():
    return {"colour_names": rules.COLOUR_NAMES, "colour_levels": rules.LEVELS, "colour_rules": COLOUR_RULES,
            "band_text": rules.BAND_TEXT, "quintile_text": rules.QUINTILE_TEXT,
            "min_enterprises": rules.MIN_ENTERPRISES}


@bp.route("/monitoring/")
@role_required()
def index():
    access.require_league(current_user)
    if not access.is_admin(current_user):
        return redirect(url_for("monitoring.league"))
    return render_template("monitoring/index.html", snapshots=snapshots.all_snapshots(), form=EmptyForm(),
                           suggested=snapshots.today_period("quarter"), final=snapshots.is_final)


@bp.route("/monitoring/snapshots", methods=["POST"])
@role_required()
def take_snapshot():
    access.require_admin(current_user)
    if not EmptyForm().validate_on_submit():
        flash("页面已过期，请重试", "warning")
        return redirect(url_for("monitoring.index"))
    try:
        snapshot = snapshots.take(request.form.get("period", ""), actor=current_user)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
        return redirect(url_for("monitoring.index"))
    db.session.commit()
    flash(f"已生成 {snapshot.period} 快照", "success")
    return redirect(url_for("monitoring.report", period=snapshot.period))


def _sorted_units(units, sort):
    if sort == "unit":
        return sorted(units, key=lambda u: (u["order"], u["unit"]))
    if sort == "completion":
        return sorted(units, key=lambda u: (-(u["completion"] or 0), u["rank"]))
    if sort.isdigit():
        def by_indicator(unit):
            cell = next((c for c in unit["cells"] if c["indicator_id"] == int(sort)), None)
            return (-(cell["completion"] or 0) if cell and not cell["suppressed"] else 1, unit["rank"])
        return sorted(units, key=by_indicator)
    return units


@bp.route("/monitoring/reports/<period>")
@role_required()
def report(period):
    access.require_admin(current_user)
    data = snapshots.report(snapshots.get_snapshot(period))
    sort = request.args.get("sort", "rank")
    return render_template("monitoring/report.html", report=data, tile_map=charts.tile_map(data["units"]),
                           units=_sorted_units(data["units"], sort), sort=sort, form=EmptyForm())


@bp.route("/monitoring/reports/<period>/rule", methods=["POST"])
@role_required()
def set_rule(period):
    access.require_admin(current_user)
    snapshot = snapshots.get_snapshot(period)
    rule = request.form.get("rule")
    if not EmptyForm().validate_on_submit() or rule not in COLOUR_RULES:
        flash("请选择五色规则", "warning")
    else:
        snapshot.rule = rule  # presentation only: the frozen figures stay as they are
        db.session.commit()
        flash(f"五色规则已改为：{COLOUR_RULES[rule]}", "success")
    return redirect(url_for("monitoring.report", period=period))


def _download(body, mimetype, filename):
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/monitoring/reports/<period>.xlsx")
@role_required()
def report_xlsx(period):
    access.require_admin(current_user)
    data = snapshots.report(snapshots.get_snapshot(period))
    return _download(exports.to_xlsx(data), XLSX_TYPE, f"monitoring-{period}.xlsx")


@bp.route("/monitoring/reports/<period>.pdf")
@role_required()
def report_pdf(period):
    access.require_admin(current_user)
    data = snapshots.report(snapshots.get_snapshot(period))
    try:
        body = exports.to_pdf(data)
    except exports.FontMissing as err:
        message = (f"无法生成 PDF：服务器缺少中文字体文件 {err}。请安装 Debian 软件包 fonts-wqy-microhei"
                   "（apt-get install fonts-wqy-microhei）后重试，或先下载 XLSX 版本。")
        return render_template("errors/error.html", status=503, message=message), 503
    return _download(body, "application/pdf", f"monitoring-{period}.pdf")


def _pick_snapshot(kind=None):
    """The snapshot named by ?period=, else the newest of `kind` (or of any kind); None when there is none."""
    name = request.args.get("period")
    if name:
        return snapshots.get_snapshot(name)
    found = snapshots.all_snapshots(kind) or snapshots.all_snapshots()
    return found[0] if found else None


def _indicator_arg(report_data):
    text = request.args.get("indicator", "")
    ids = {i["id"] for i in report_data["indicators"]}
    return int(text) if text.isdigit() and int(text) in ids else None


@bp.route("/monitoring/league")
@role_required()
def league():
    access.require_league(current_user)
    snapshot = _pick_snapshot("quarter")
    if snapshot is None:
        return render_template("monitoring/empty.html", is_admin=access.is_admin(current_user))
    data = snapshots.report(snapshot)
    indicator_id = _indicator_arg(data)
    rows = rules.league(data["units"], indicator_id, rules.league(data["previous_units"], indicator_id)
                        if data["previous_units"] else None)
    return render_template("monitoring/league.html", report=data, rows=rows, indicator_id=indicator_id,
                           own_unit=access.liaison_unit_id(current_user), is_admin=access.is_admin(current_user),
                           all_snapshots=snapshots.all_snapshots())


@bp.route("/monitoring/units/<int:unit_id>")
@role_required()
def unit_detail(unit_id):
    access.require_unit(current_user, unit_id)
    unit = get_or_404(Unit, unit_id, "没有该单位")
    snapshot = _pick_snapshot("quarter")
    if snapshot is None:
        return render_template("monitoring/empty.html", is_admin=access.is_admin(current_user))
    data = snapshots.report(snapshot)
    mine = next((u for u in data["units"] if u["unit_id"] == unit_id), None)
    indicator_id = _indicator_arg(data)
    series = snapshots.unit_series(unit_id, indicator_id, periods.parse_period(data["period"]).kind)
    return render_template("monitoring/unit.html", unit=unit, report=data, mine=mine, series=series,
                           chart=charts.rank_chart(series) if series else None, indicator_id=indicator_id,
                           is_admin=access.is_admin(current_user))

"""Admin pages of monitoring: units and their liaisons, the indicator catalogue and targets, reported figures."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..forms import EmptyForm
from ..models import Unit
from ..models.monitoring import DIRECTIONS, INDICATOR_SOURCES
from ..models.units import UNIT_KINDS
from ..security import role_required
from ..timeutil import local_today
from ..units import active_units
from ..workflow import ValidationFailed, get_or_404
from . import catalogue, periods, reported, snapshots

bp = Blueprint("monitoring_admin", __name__)


@bp.before_request
@role_required("admin")
def require_admin():
    return None


def _checked():
    """The CSRF check of a POST; False (and a flash) when the page had expired."""
    if EmptyForm().validate_on_submit():
        return True
    flash("页面已过期，请重试", "warning")
    return False


# ---------------------------------------------------------------- units

@bp.route("/monitoring/admin/units", methods=["GET", "POST"])
def units():
    errors, status = {}, 200
    if request.method == "POST" and _checked():
        try:
            unit = catalogue.save_unit(request.form)
            db.session.commit()
            flash(f"已添加单位：{unit.name}", "success")
            return redirect(url_for("monitoring_admin.units"))
        except ValidationFailed as err:
            db.session.rollback()
            errors, status = err.errors, 400
    return render_template("monitoring/admin_units.html", units=catalogue.all_units(), kinds=UNIT_KINDS,
                           form=EmptyForm(), errors=errors, data=request.form), status


@bp.route("/monitoring/admin/units/<int:unit_id>", methods=["GET", "POST"])
def unit_edit(unit_id):
    unit = get_or_404(Unit, unit_id, "没有该单位")
    errors, status = {}, 200
    if request.method == "POST" and _checked():
        try:
            catalogue.save_unit(request.form, unit)
            db.session.commit()
            flash("已保存", "success")
            return redirect(url_for("monitoring_admin.unit_edit", unit_id=unit.id))
        except ValidationFailed as err:
            db.session.rollback()
            errors, status = err.errors, 400
    data = request.form if errors else {"name": unit.name, "kind": unit.kind, "sort_order": unit.sort_order,
                                        "map_col": unit.map_col, "map_row": unit.map_row}
    return render_template("monitoring/admin_unit.html", unit=unit, kinds=UNIT_KINDS, form=EmptyForm(),
                           errors=errors, data=data, liaisons=catalogue.liaisons(unit)), status


@bp.route("/monitoring/admin/units/<int:unit_id>/<any(activate, deactivate):action>", methods=["POST"])
def unit_active(unit_id, action):
    unit = get_or_404(Unit, unit_id, "没有该单位")
    if _checked():
        catalogue.set_unit_active(unit, action == "activate")
        db.session.commit()
        flash(f"{unit.name}已{'启用' if unit.active else '停用（不再出现在新的快照中）'}", "success")
    return redirect(url_for("monitoring_admin.units"))


@bp.route("/monitoring/admin/units/<int:unit_id>/liaisons", methods=["POST"])
def unit_liaison(unit_id):
    unit = get_or_404(Unit, unit_id, "没有该单位")
    if _checked():
        try:
            user = catalogue.set_liaison(unit, request.form.get("email"), request.form.get("action") != "detach")
            db.session.commit()
            flash(f"已{'设置' if user.unit_id else '取消'}联络员：{user.name}", "success")
        except ValidationFailed as err:
            db.session.rollback()
            flash(err.message, "danger")
    return redirect(url_for("monitoring_admin.unit_edit", unit_id=unit.id))


# ---------------------------------------------------------------- indicators

def _indicator_page(indicator=None, errors=None, data=None, year=None, status=200, target_input=None):
    year = year or local_today().year
    template = "monitoring/admin_indicators.html" if indicator is None else "monitoring/admin_indicator.html"
    return render_template(template,
                           indicator=indicator, indicators=catalogue.all_indicators(), errors=errors or {},
                           data=data or {}, sources=INDICATOR_SOURCES, directions=DIRECTIONS,
                           keys=catalogue.free_keys(indicator.key if indicator else None), form=EmptyForm(),
                           year=year, units=active_units(),
                           targets=catalogue.targets(indicator, year) if indicator else {},
                           target_input=target_input), status


@bp.route("/monitoring/admin/indicators", methods=["GET", "POST"])
def indicators():
    if request.method == "POST" and _checked():
        try:
            indicator = catalogue.save_indicator(request.form)
            db.session.commit()
            flash(f"已添加指标：{indicator.name}", "success")
            return redirect(url_for("monitoring_admin.indicator_edit", indicator_id=indicator.id))
        except ValidationFailed as err:
            db.session.rollback()
            return _indicator_page(errors=err.errors, data=request.form, status=400)
    return _indicator_page(data={"weight": "10", "cap_percent": "120", "direction": "higher", "prorate": True})


@bp.route("/monitoring/admin/indicators/<int:indicator_id>", methods=["GET", "POST"])
def indicator_edit(indicator_id):
    indicator = catalogue.get_indicator(indicator_id)
    year = request.values.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else local_today().year
    if request.method == "POST" and _checked():
        try:
            if request.form.get("part") == "targets":
                catalogue.save_targets(indicator, year, request.form, active_units())
            else:
                catalogue.save_indicator(request.form, indicator)
            db.session.commit()
            flash("已保存（已生成的快照不受影响）", "success")
            return redirect(url_for("monitoring_admin.indicator_edit", indicator_id=indicator.id, year=year))
        except ValidationFailed as err:
            db.session.rollback()
            if request.form.get("part") == "targets":
                return _indicator_page(indicator, err.errors, _indicator_data(indicator), year, 400, request.form)
            return _indicator_page(indicator, err.errors, request.form, year, 400)
    return _indicator_page(indicator, data=_indicator_data(indicator), year=year)


def _indicator_data(indicator):
    return {"name": indicator.name, "source": indicator.source, "key": indicator.key or "",
            "measure": indicator.measure, "direction": indicator.direction, "weight": indicator.weight,
            "cap_percent": indicator.cap_percent, "prorate": indicator.prorate, "sort_order": indicator.sort_order,
            "active": indicator.active}


# ---------------------------------------------------------------- reported figures

@bp.route("/monitoring/admin/reported", methods=["GET", "POST"])
def reported_values():
    period = request.values.get("period") or snapshots.today_period("quarter")
    try:
        period = periods.parse_period(period).name
    except ValidationFailed as err:
        flash(err.message, "warning")
        period = snapshots.today_period("quarter")
    errors, status, values = {}, 200, None
    if request.method == "POST" and _checked():
        try:
            count = reported.save_grid(period, request.form, active_units(), current_user)
            db.session.commit()
            flash(f"已保存 {period} 的 {count} 个填报数值", "success")
            return redirect(url_for("monitoring_admin.reported_values", period=period))
        except ValidationFailed as err:
            db.session.rollback()
            errors, status, values = err.errors, 400, request.form
    return render_template("monitoring/admin_reported.html", period=period, units=active_units(),
                           indicators=reported.reported_indicators(), saved=reported.values_for(period),
                           values=values, errors=errors, form=EmptyForm(), import_errors=[]), status


@bp.route("/monitoring/admin/reported/import", methods=["POST"])
def reported_import():
    period = snapshots.today_period("quarter")
    upload = request.files.get("file")
    if _checked():
        try:
            if upload is None or not upload.filename.lower().endswith(".xlsx"):
                raise ValidationFailed("请选择 .xlsx 文件")
            count = reported.import_sheet(upload.read(), current_user)
            db.session.commit()
            flash(f"已导入 {count} 个填报数值", "success")
            return redirect(url_for("monitoring_admin.reported_values"))
        except ValidationFailed as err:
            db.session.rollback()
            return render_template("monitoring/admin_reported.html", period=period, units=active_units(),
                                   indicators=reported.reported_indicators(), saved=reported.values_for(period),
                                   values=None, errors={}, form=EmptyForm(), import_message=err.message,
                                   import_errors=err.errors.get("rows", [])), 400
    return redirect(url_for("monitoring_admin.reported_values"))

"""Enterprise pages: the profile with its evaluation and gap list (members, assigned brokers, admins), the forms
that change its figures, a pushed policy (opening it is the read receipt), the public pool page, the /me section."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.dashboard import Section, dashboard_section
from ..extensions import db
from ..models.listings import FIELDS
from ..units import active_units
from ..workflow import NotFound, PermissionDenied, ValidationFailed
from . import access, figures, policies, pools, recommend, rules, services

bp = Blueprint("enterprises", __name__)


def _visible(org_id):
    org = figures.enterprise_or_404(org_id)
    if not access.can_view(current_user, org):
        raise NotFound("企业不存在")
    return org


def _profile_page(org, errors=None, form_year=None, form_values=None, status=200):
    result = services.evaluate(org)
    profile = figures.profile_of(org)
    field_name = profile.field if profile else None
    years = figures.years_of(org.id)
    year = form_year or request.args.get("year", type=int) or result.year or (years[-1].year if years else None)
    current = next((row for row in years if row.year == year), None)
    values = form_values or {name: getattr(current, name) if current else None for name in figures.ORDER}
    return render_template(
        "enterprises/profile.html", org=org, profile=profile, result=result, years=years, year=year,
        values=values, errors=errors or {}, tags=services.tags_of(org), changes=figures.changes_of(org.id, 20),
        recs=recommend.recommendations(org, result, field_name), received=policies.received_by(org.id),
        can_edit=access.can_edit(current_user, org), labels=figures.FIGURE_LABELS, order=figures.ORDER,
        profile_labels=figures.PROFILE_LABELS, fields=FIELDS, units=active_units(), rules=rules,
        amounts=figures.AMOUNTS), status


@bp.get("/enterprises/<int:org_id>")
@login_required
def profile(org_id):
    return _profile_page(_visible(org_id))


def _editable(org_id):
    org = _visible(org_id)
    if not access.can_edit(current_user, org):
        raise PermissionDenied("只有本企业成员或管理员可以填报经营数据")
    return org


@bp.post("/enterprises/<int:org_id>/figures")
@login_required
def save_figures(org_id):
    org = _editable(org_id)
    values = {name: request.form.get(name, "") for name in figures.ORDER}
    try:
        year = int(request.form.get("year", ""))
    except ValueError:
        return _profile_page(org, {"year": "请选择年度"}, None, values, 400)
    try:
        services.save(org, year, values, current_user, "page")
    except ValidationFailed as err:
        db.session.rollback()
        return _profile_page(org, err.errors or {"year": err.message}, year, values, 400)
    db.session.commit()
    flash(f"{year} 年度数据已保存，评价已更新", "success")
    return redirect(url_for("enterprises.profile", org_id=org.id, year=year), code=303)


@bp.post("/enterprises/<int:org_id>/profile")
@login_required
def save_profile(org_id):
    org = _editable(org_id)
    data = {name: request.form.get(name, "") for name in figures.PROFILE_LABELS}
    unit_id = request.form.get("unit_id", type=int)
    try:
        if unit_id and unit_id not in {unit.id for unit in active_units()}:
            raise ValidationFailed("镇街/园区无效", {"unit_id": "请从列表中选择镇街/园区"})
        figures.log_change(org, None, "unit_id", org.unit_id, unit_id or None, current_user, "page")
        org.unit_id = unit_id or None
        services.save(org, None, data, current_user, "page")
    except ValidationFailed as err:
        db.session.rollback()
        return _profile_page(org, err.errors, status=400)
    db.session.commit()
    flash("企业信息已保存", "success")
    return redirect(url_for("enterprises.profile", org_id=org.id), code=303)


@bp.get("/enterprise")
@login_required
def mine():
    org = current_user.organization
    if org is None or org.kind != "enterprise":
        flash("您尚未加入企业", "warning")
        return redirect(url_for("accounts.dashboard"))
    return redirect(url_for("enterprises.profile", org_id=org.id))


@bp.get("/policies/<int:policy_id>")
@login_required
def policy_page(policy_id):
    policy = policies.get_visible(policy_id, current_user)
    if policies.mark_read(policy, current_user):
        db.session.commit()
    counts = policies.counts(policy) if current_user.role == "admin" else None
    return render_template("enterprises/policy.html", policy=policy, counts=counts)


@bp.get("/pools")
def public_pools():
    return render_template("enterprises/public_pools.html", lists=pools.public_lists())


@dashboard_section(order=15)
def my_enterprise(user):
    org = user.organization
    if org is None or org.kind != "enterprise":
        return None
    profile = figures.profile_of(org)
    return Section("企业画像与政策推送", "enterprises/_dashboard.html",
                   {"org": org, "profile": profile, "pools": services.pools_of(org),
                    "received": policies.received_by(org.id, limit=5)}, key="enterprise")

"""The district's pages (admins only): enterprises filtered by tags/unit/field with manual tags, the managed tag
list, each pool (counts by unit and field, movements, XLSX export, publication) and policies."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..models.enterprises import POOLS
from ..models.listings import FIELDS
from ..security import role_required
from ..units import active_units
from ..workflow import ValidationFailed
from . import figures, policies, pools, services, tags

bp = Blueprint("enterprise_admin", __name__)
PER_PAGE = 30


@bp.before_request
@role_required("admin")
def require_admin():
    return None


@bp.get("/admin/enterprises")
def enterprise_list():
    chosen = [name for name in request.args.getlist("tag") if name]
    unit_id = request.args.get("unit", type=int)
    field_name = request.args.get("field") if request.args.get("field") in FIELDS else None
    page = db.paginate(tags.filtered(chosen, unit_id, field_name), page=request.args.get("page", 1, type=int),
                       per_page=PER_PAGE, error_out=False)
    org_ids = [org.id for org in page.items]
    return render_template("enterprises/admin_list.html", page=page, all_tags=tags.all_tags(), chosen=chosen,
                           unit_id=unit_id, field_name=field_name, fields=FIELDS, units=active_units(),
                           tag_names=tags.tag_names_by_org(org_ids), profiles=tags.profiles_by_org(org_ids))


@bp.post("/admin/enterprises/<int:org_id>/tags")
def enterprise_tags(org_id):
    org = figures.enterprise_or_404(org_id)
    ids = [int(v) for v in request.form.getlist("tag_id") if v.isdigit()]
    try:
        tags.set_manual_tags(current_user, org, ids)
    except ValidationFailed as err:
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(f"已更新“{org.name}”的人工标签", "success")
    return redirect(url_for("enterprise_admin.tag_list", org=org.id), code=303)


@bp.route("/admin/tags", methods=["GET", "POST"])
def tag_list():
    errors = {}
    if request.method == "POST":
        try:
            tag = tags.create_tag(current_user, request.form.get("name"), request.form.get("public") == "1")
        except ValidationFailed as err:
            errors = err.errors
        else:
            db.session.commit()
            flash(f"已添加标签“{tag.name}”", "success")
            return redirect(url_for("enterprise_admin.tag_list"), code=303)
    org = figures.enterprise_or_404(request.args["org"]) if request.args.get("org", "").isdigit() else None
    current = {t.id for t in services.tags_of(org)} if org else set()
    return render_template("enterprises/admin_tags.html", all_tags=tags.all_tags(), errors=errors, org=org,
                           current=current, manual=tags.manual_tags()), 400 if errors else 200


@bp.post("/admin/tags/<int:tag_id>")
def tag_public(tag_id):
    tag = tags.set_public(current_user, tag_id, request.form.get("public") == "1")
    db.session.commit()
    flash(f"标签“{tag.name}”已{'设为公开' if tag.public else '设为不公开'}", "success")
    return redirect(url_for("enterprise_admin.tag_list"), code=303)


@bp.get("/admin/pools/<name>")
def pool_page(name):
    key = pools.pool_key_or_404(name)
    return render_template("enterprises/admin_pool.html", key=key, label=POOLS[key], pools=POOLS,
                           members=pools.members(key), by_unit=pools.counts_by_unit(key),
                           by_field=pools.counts_by_field(key), months=pools.movements_by_month(key),
                           events=pools.movements(key, 30), published=pools.is_published(key))


@bp.get("/admin/pools/<name>.xlsx")
def pool_export(name):
    key = pools.pool_key_or_404(name)
    return Response(pools.to_xlsx(key), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={key}.xlsx"})


@bp.post("/admin/pools/<name>/publish")
def pool_publish(name):
    key = pools.pool_key_or_404(name)
    pools.set_published(current_user, key, request.form.get("published") == "1")
    db.session.commit()
    flash(f"{POOLS[key]}培育库名单已{'公布' if pools.is_published(key) else '取消公布'}", "success")
    return redirect(url_for("enterprise_admin.pool_page", name=key), code=303)


def _policy_page(form=None, errors=None, status=200):
    listed = [(p, policies.counts(p)) for p in policies.recent()]
    return render_template("enterprises/admin_policies.html", listed=listed, form=form or {}, errors=errors or {},
                           all_tags=[t.name for t in tags.all_tags()], units=active_units(), fields=FIELDS,
                           pools=POOLS), status


@bp.route("/admin/policies", methods=["GET", "POST"])
def policy_list():
    if request.method == "GET":
        return _policy_page()
    form = request.form
    data = {key: form.get(key, "") for key in ("title", "body", "issuer", "effective_from", "effective_to",
                                               "deadline")}
    data["targets"] = {kind: [v for v in form.getlist(kind) if v] for kind in policies.TARGET_KINDS}
    try:
        policy = policies.create_policy(current_user, data)
    except ValidationFailed as err:
        db.session.rollback()
        return _policy_page(form, err.errors, 400)
    db.session.commit()
    flash(f"政策已发布，推送至 {policies.counts(policy)['reached']} 家企业", "success")
    return redirect(url_for("enterprises.policy_page", policy_id=policy.id), code=303)


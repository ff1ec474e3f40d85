"""创新券 pages: the catalogue (/services), the hub with the public notice (公示), a voucher's history,
the figures and settlement exports for admins, and the 待办 section of /me. Actions go through the API
(api/vouchers.py) on the same services."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.dashboard import Section, dashboard_section
from ..attachments import pages as attachment_pages
from ..extensions import db
from ..forms import EmptyForm
from ..limits import page_arg
from ..matching.catalogue import search_services
from ..models.vouchers import (CLAIM_STATES, ORDER_STATES, PROVIDER_STATES, SERVICE_CATEGORIES, VOUCHER_STATES)
from ..security import role_required
from ..timeutil import local_today
from ..workflow import ValidationFailed, history
from . import attachments, catalogue, figures, orders, providers, schemes, settlement, todo  # noqa: F401
from .common import CLAIM_MACHINE, ORDER_MACHINE, VOUCHER_MACHINE

bp = Blueprint("vouchers", __name__)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LABELS = {"voucher": VOUCHER_STATES, "order": ORDER_STATES, "claim": CLAIM_STATES, "provider": PROVIDER_STATES}
# An event in Chinese: (subject, its machine, its state labels) by subject_type.
EVENT_TEXT = {"voucher": ("创新券", VOUCHER_MACHINE, VOUCHER_STATES),
              "voucher_order": ("订单", ORDER_MACHINE, ORDER_STATES),
              "voucher_claim": ("兑付", CLAIM_MACHINE, CLAIM_STATES)}


def describe(event):
    subject, machine, states = EVENT_TEXT[event.subject_type]
    action = machine.transitions.get(event.action)
    return {"subject": subject, "action": action.label if action else event.action,
            "from": states.get(event.from_state, event.from_state), "to": states.get(event.to_state, event.to_state)}


@bp.route("/services")
def service_list():
    category = request.args.get("category") or ""
    category = category if category in SERVICE_CATEGORIES else ""
    q = (request.args.get("q") or "").strip()[:100]
    page = search_services(q, category or None, page_arg(), 12)
    return render_template("vouchers/services.html", page=page, q=q, category=category,
                           categories=SERVICE_CATEGORIES)


@bp.route("/services/<int:service_id>")
def service_detail(service_id):
    service = catalogue.get_service(service_id, current_user)
    return render_template("vouchers/service.html", service=service, form=EmptyForm())


@bp.route("/vouchers")
def hub():
    return render_template("vouchers/hub.html", schemes=schemes.open_schemes(),
                           noticed=providers.noticed_providers(), categories=SERVICE_CATEGORIES,
                           all_schemes=schemes.schemes())


@bp.route("/vouchers/providers/<int:provider_id>")
def provider_notice(provider_id):
    provider = providers.get_provider(provider_id)
    return render_template("vouchers/provider.html", provider=provider, form=EmptyForm(),
                           is_admin=getattr(current_user, "role", None) == "admin")


@bp.route("/vouchers/providers/<int:provider_id>/objections", methods=["POST"])
@login_required
def provider_object(provider_id):
    provider = providers.get_provider(provider_id)
    try:
        providers.object_to(provider, current_user, request.form.get("text"))
    except ValidationFailed as err:
        flash(err.message, "error")
    else:
        db.session.commit()
        flash("异议已提交，管理员将在公示结束前核查", "success")
    return redirect(url_for("vouchers.provider_notice", provider_id=provider.id))


@bp.route("/vouchers/<int:voucher_id>")
@login_required
def voucher_detail(voucher_id):
    voucher = schemes.get_voucher(voucher_id, current_user)
    order_rows = orders.orders_of_voucher(voucher)
    claim_rows = [c for o in order_rows for c in db.session.scalars(
        db.select(orders.VoucherClaim).where(orders.VoucherClaim.order_id == o.id)).all()]
    events = sorted(history("voucher", voucher.id) + [e for o in order_rows for e in history("voucher_order", o.id)]
                    + [e for c in claim_rows for e in history("voucher_claim", c.id)],
                    key=lambda e: (e.created_at, e.id))
    offered = [s for s in search_services(None, None, 1, 100).items if s.category in voucher.scheme.category_list]
    return render_template("vouchers/voucher.html", voucher=voucher, status=schemes.effective_status(voucher),
                           orders=order_rows, claims=claim_rows, events=events, labels=LABELS, form=EmptyForm(), describe=describe,
                           offered=offered, today=local_today(),
                           is_holder=schemes.is_holder(current_user, voucher),
                           is_admin=current_user.role == "admin")


@bp.route("/voucher-orders/<int:order_id>")
@login_required
def order_detail(order_id):
    """One order: the service, both sides, its claims and history, and its files (contract, report, …)."""
    order = orders.get_order(order_id, current_user)
    claim_rows = db.session.scalars(db.select(orders.VoucherClaim).where(orders.VoucherClaim.order_id == order.id)
                                    .order_by(orders.VoucherClaim.id)).all()
    events = sorted(history("voucher_order", order.id) + [e for c in claim_rows for e in history("voucher_claim", c.id)],
                    key=lambda e: (e.created_at, e.id))
    return render_template("vouchers/order.html", order=order, claims=claim_rows, events=events, labels=LABELS,
                           describe=describe,
                           attachments=attachment_pages.context(current_user, "voucher_order", order))


# ---------------------------------------------------------------- admin: figures and settlement

@bp.route("/vouchers/schemes/<int:scheme_id>/figures")
@role_required("admin")
def scheme_figures(scheme_id):
    scheme = schemes.get_scheme(scheme_id)
    data = figures.figures(scheme)
    return render_template("vouchers/figures.html", scheme=scheme, figures=data, charts=figures.charts(data),
                           all_schemes=schemes.schemes(), batches=settlement.batches(scheme), form=EmptyForm())


def _download(body, mimetype, name):
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/vouchers/schemes/<int:scheme_id>/figures.<any(csv, xlsx):fmt>")
@role_required("admin")
def scheme_figures_export(scheme_id, fmt):
    scheme = schemes.get_scheme(scheme_id)
    data = figures.figures(scheme)
    name = f"voucher-figures-{scheme.year}-{local_today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return _download(figures.to_csv(scheme, data), "text/csv; charset=utf-8", name)
    return _download(figures.to_xlsx(scheme, data), XLSX_TYPE, name)


@bp.route("/vouchers/batches/<int:batch_id>.xlsx")
@role_required("admin")
def batch_xlsx(batch_id):
    batch = settlement.get_batch(batch_id)
    return _download(settlement.to_xlsx(batch), XLSX_TYPE, f"settlement-{batch.scheme.year}-{batch.month}.xlsx")


# ---------------------------------------------------------------- /me

@dashboard_section(order=45)
def vouchers_dashboard_section(user):
    items = todo.todo_for(user)
    if items is None:
        return None
    return Section("创新券待办", "vouchers/_dashboard.html", {"items": items}, key="vouchers")


from . import manage_views  # noqa: E402,F401  (the action routes register on bp)

"""创新券 actions from the pages (thin: each calls one service, flashes its Chinese message, redirects).
The same services serve the API (api/vouchers.py)."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..forms import EmptyForm
from ..models.vouchers import SERVICE_CATEGORIES
from ..security import role_required
from ..timeutil import local_today
from ..workflow import DomainError, NotFound, PermissionDenied
from . import catalogue, orders, providers, schemes, settlement
from .views import LABELS, bp


def _act(action, success, back):
    """Run a service call; commit and flash success, or roll back and flash the rule's message (a 403 / 404
    stays an error page: the user may not act here at all)."""
    try:
        action()
    except (PermissionDenied, NotFound):
        db.session.rollback()
        raise
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(back)


def _form():
    return request.form.to_dict()


# ---------------------------------------------------------------- admin

@bp.route("/vouchers/schemes/new", methods=["GET", "POST"])
@role_required("admin")
def scheme_new():
    if request.method == "POST":
        data = _form()
        data["categories"] = request.form.getlist("categories")
        try:
            scheme = schemes.create_scheme(current_user, data)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash("年度方案已创建", "success")
            return redirect(url_for("vouchers.scheme_figures", scheme_id=scheme.id))
    return render_template("vouchers/scheme_new.html", form=EmptyForm(), categories=SERVICE_CATEGORIES,
                           data=request.form, chosen=request.form.getlist("categories"), year=local_today().year)


@bp.route("/vouchers/<int:voucher_id>/<any(approve, reject):action>", methods=["POST"])
@login_required
def voucher_decide(voucher_id, action):
    voucher = schemes.get_voucher(voucher_id, current_user)
    if action == "approve":
        call = lambda: schemes.approve(voucher, current_user, request.form.get("amount") or None)  # noqa: E731
    else:
        call = lambda: schemes.reject(voucher, current_user, request.form.get("reason"))  # noqa: E731
    return _act(call, "已发券" if action == "approve" else "已驳回申领",
                url_for("vouchers.voucher_detail", voucher_id=voucher.id))


@bp.route("/vouchers/providers/<int:provider_id>/<any(admit, reject, suspend):action>", methods=["POST"])
@role_required("admin")
def provider_decide(provider_id, action):
    provider = providers.get_provider(provider_id)
    reason = request.form.get("reason")
    calls = {"admit": lambda: providers.admit(provider, current_user),
             "reject": lambda: providers.reject(provider, current_user, reason),
             "suspend": lambda: providers.suspend(provider, current_user, reason)}
    done = {"admit": "已准予入库", "reject": "已不予入库", "suspend": "已暂停该机构接券"}
    return _act(calls[action], done[action], url_for("vouchers.provider_notice", provider_id=provider.id))


@bp.route("/voucher-claims/<int:claim_id>/<any(approve, return, reject):action>", methods=["POST"])
@role_required("admin")
def claim_decide(claim_id, action):
    claim = orders.get_claim(claim_id, current_user)
    reason = request.form.get("reason")
    calls = {"approve": lambda: orders.approve_claim(claim, current_user),
             "return": lambda: orders.return_claim(claim, current_user, reason),
             "reject": lambda: orders.reject_claim(claim, current_user, reason)}
    done = {"approve": "兑付审核通过", "return": "已退回修改", "reject": "已驳回兑付"}
    return _act(calls[action], done[action], url_for("vouchers.voucher_detail", voucher_id=claim.voucher_id))


@bp.route("/vouchers/schemes/<int:scheme_id>/batches", methods=["POST"])
@role_required("admin")
def batch_new(scheme_id):
    scheme = schemes.get_scheme(scheme_id)
    return _act(lambda: settlement.create_batch(current_user, scheme, request.form.get("month")),
                "结算批次已生成", url_for("vouchers.scheme_figures", scheme_id=scheme.id))


# ---------------------------------------------------------------- enterprise

@bp.route("/vouchers/apply", methods=["GET", "POST"])
@role_required("enterprise")
def voucher_apply():
    if request.method == "POST":
        try:
            voucher = schemes.apply(current_user, _form())
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash("申领已提交，等待管理员审批", "success")
            return redirect(url_for("vouchers.voucher_detail", voucher_id=voucher.id))
    return render_template("vouchers/apply.html", form=EmptyForm(), schemes=schemes.open_schemes(),
                           data=request.form)


@bp.route("/vouchers/<int:voucher_id>/orders", methods=["POST"])
@login_required
def order_new(voucher_id):
    voucher = schemes.get_voucher(voucher_id, current_user)
    return _act(lambda: orders.place(voucher, current_user, _form()), "订单已提交，等待服务机构接单",
                url_for("vouchers.voucher_detail", voucher_id=voucher.id))


@bp.route("/voucher-orders/<int:order_id>/<any(accept, deliver, confirm, dispute):action>", methods=["POST"])
@login_required
def order_step(order_id, action):
    order = orders.get_order(order_id, current_user)
    calls = {"accept": lambda: orders.accept(order, current_user),
             "deliver": lambda: orders.deliver(order, current_user, request.form.get("note")),
             "confirm": lambda: orders.confirm(order, current_user),
             "dispute": lambda: orders.dispute(order, current_user, request.form.get("reason"))}
    done = {"accept": "已接单", "deliver": "已提交交付", "confirm": "已确认交付", "dispute": "已提出异议"}
    back = url_for("vouchers.provider_home") if action in ("accept", "deliver") else \
        url_for("vouchers.voucher_detail", voucher_id=order.voucher_id)
    return _act(calls[action], done[action], back)


# ---------------------------------------------------------------- provider

@bp.route("/vouchers/provider", methods=["GET", "POST"])
@role_required("provider")
def provider_home():
    """The institution's own page: its application, services, orders and claims."""
    provider = providers.provider_of(current_user)
    if request.method == "POST" and provider is None:
        data = _form()
        data["categories"] = request.form.getlist("categories")
        return _act(lambda: providers.apply(current_user, data), "申请已提交，进入公示期",
                    url_for("vouchers.provider_home"))
    rows = orders.orders_of_provider(provider) if provider else []
    claims = {c.order_id: c for o in rows for c in db.session.scalars(
        db.select(orders.VoucherClaim).where(orders.VoucherClaim.order_id == o.id)).all()}
    return render_template("vouchers/provider_home.html", provider=provider, form=EmptyForm(),
                           services=catalogue.services_of(provider) if provider else [], orders=rows,
                           claims=claims, categories=SERVICE_CATEGORIES, labels=LABELS, today=local_today())


@bp.route("/vouchers/provider/services", methods=["POST"])
@role_required("provider")
def service_new():
    return _act(lambda: catalogue.create(current_user, _form()), "服务已保存为草稿，提交审核后上架",
                url_for("vouchers.provider_home"))


@bp.route("/services/<int:service_id>/<any(submit, approve, reject):action>", methods=["POST"])
@login_required
def service_decide(service_id, action):
    service = catalogue.get_service(service_id, current_user)
    calls = {"submit": lambda: catalogue.submit(service, current_user),
             "approve": lambda: catalogue.approve(service, current_user),
             "reject": lambda: catalogue.reject(service, current_user, request.form.get("reason"))}
    done = {"submit": "已提交审核", "approve": "服务已上架", "reject": "已驳回"}
    back = url_for("vouchers.provider_home") if action == "submit" else \
        url_for("vouchers.service_detail", service_id=service.id)
    return _act(calls[action], done[action], back)


@bp.route("/voucher-claims/<int:claim_id>/resubmit", methods=["POST"])
@login_required
def claim_resubmit(claim_id):
    claim = orders.get_claim(claim_id, current_user)
    return _act(lambda: orders.resubmit(claim, current_user, _form()), "兑付申请已修改并重新提交",
                url_for("vouchers.provider_home"))


@bp.route("/voucher-orders/<int:order_id>/claims", methods=["POST"])
@login_required
def claim_new(order_id):
    order = orders.get_order(order_id, current_user)
    return _act(lambda: orders.file_claim(order, current_user, _form()), "兑付申请已提交，等待审核",
                url_for("vouchers.provider_home"))

"""Membership pages: an org admin's member list and join requests; joining or creating an organization."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..security import is_safe_next
from ..workflow import DomainError, PermissionDenied, ValidationFailed
from . import membership, services
from ..forms import attach_errors, select_choices
from .forms import REGISTER_ORG_KINDS, DecisionForm, OrganizationChoiceForm
from .views import org_choices

bp = Blueprint("org", __name__)


@bp.route("/org/members")
@login_required
def members():
    org = membership.membership_of(current_user)
    if org is None:
        flash("您尚未加入单位（或加入申请尚在审核中）", "warning")
        return redirect(url_for("accounts.dashboard"))
    if not membership.can_manage_members(current_user, org):
        raise PermissionDenied("只有单位管理员可以管理成员")
    return render_template("accounts/org_members.html", org=org, members=membership.members_of([org.id]),
                           pending=membership.requests_for(org), decided=membership.requests_for(org, status=None),
                           form=DecisionForm())


@bp.route("/org/requests/<int:request_id>/<any(approve, reject):action>", methods=["POST"])
@login_required
def decide(request_id, action):
    """Org admins (from /org/members) and platform admins (from /admin/organizations/<id>) decide here."""
    join = membership.get_join_request(request_id)
    form = DecisionForm()
    target = form.next.data if is_safe_next(form.next.data) else url_for("org.members")
    if not form.validate_on_submit():
        flash("表单有误或已过期，请重试", "error")
        return redirect(target)
    try:
        membership.decide_join(current_user, join, action == "approve", form.reason.data)
    except ValidationFailed as err:
        flash(err.message, "error")
        return redirect(target)
    db.session.commit()
    flash(f"已{'通过' if action == 'approve' else '驳回'} {join.user.name} 的加入申请", "success")
    return redirect(target)


@bp.route("/org/join", methods=["GET", "POST"])
@login_required
def join():
    """For a user without an organization and without a pending request (e.g. after a rejection)."""
    if current_user.organization_id is not None or membership.pending_request_of(current_user) is not None:
        return redirect(url_for("accounts.dashboard"))
    if current_user.role not in ("researcher", "enterprise"):
        raise PermissionDenied("技术经纪人和管理员的单位由平台设置")
    form = OrganizationChoiceForm()
    form.org_id.choices = select_choices(org_choices(current_user.role))
    form.org_kind.choices = select_choices((value, label) for value, label in REGISTER_ORG_KINDS
                                           if (value == "enterprise") == (current_user.role == "enterprise"))
    if form.validate_on_submit():
        try:
            join_request = services.choose_organization(current_user, form.org_data())
        except DomainError as err:
            for message in attach_errors(form, err.errors) or [err.message]:
                flash(message, "error")
        else:
            db.session.commit()
            flash("加入申请已提交，请等待单位管理员审核" if join_request else "单位已创建，您是该单位的单位管理员",
                  "success")
            return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/org_join.html", form=form)

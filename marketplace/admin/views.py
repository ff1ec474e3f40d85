"""The admin area: overview, listing review, organization verification, user management.

Every route of this blueprint is admin-only (checked once in before_request).
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts import membership, organizations as org_profiles, services as accounts
from ..accounts.forms import DecisionForm, OrgTagsForm
from .. import mail
from ..extensions import db
from ..limits import page_arg
from ..forms import EmptyForm, attach_errors, select_choices
from ..listings import revisions, services as listings
from ..matching import repairing
from ..models.accounts import ROLES
from ..models.listings import CHALLENGE_STATES, LISTING_STATES
from ..security import role_required
from ..text import sanitize_html
from ..workflow import DomainError, InvalidTransition, ValidationFailed
from . import services
from .forms import ApproveForm, RejectForm, UserCreateForm

# Labels for every listing state an admin page shows: a challenge's states too, and 已发布 for `published`.
STATE_LABELS = {**CHALLENGE_STATES, **LISTING_STATES}
bp = Blueprint("admin", __name__)


@bp.before_request
@role_required("admin")
def require_admin():
    """Visitors are sent to log in, every other role gets 403."""
    return None


@bp.route("/admin/")
def index():
    return render_template("admin/index.html", stats=services.overview(), roles=ROLES, states=STATE_LABELS,
                           proposal_run=repairing.latest_run(), form=EmptyForm())


@bp.route("/admin/proposals/recompute", methods=["POST"])
def recompute_proposals():
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        repairing.start_run(current_user)
    except DomainError as err:
        flash(err.message, "error")
    else:
        flash("已开始在后台重新计算全部匹配推荐，进度见本页", "success")
    return redirect(url_for("admin.index"))


# ---------------------------------------------------------------- review

@bp.route("/admin/review")
def review():
    return render_template("admin/review.html", queue=services.review_queue(), form=ApproveForm(),
                           revision_queue=revisions.pending_revisions())


def _render_review_detail(listing, approve_form=None, reject_form=None):
    # Stored HTML was sanitized on the way in; sanitize again here too, the admin page being the juiciest target.
    rich = {key: sanitize_html(getattr(listing, key, "") or "") for key in ("description", "details")}
    return render_template("admin/review_detail.html", listing=listing, events=services.listing_history(listing),
                           rich=rich,
                           blocker=services.approval_blocker(listing), states=STATE_LABELS,
                           approve_form=approve_form or ApproveForm(), reject_form=reject_form or RejectForm())


@bp.route("/admin/review/<kind>/<int:listing_id>")
def review_detail(kind, listing_id):
    return _render_review_detail(services.get_listing(kind, listing_id))


@bp.route("/admin/review/<kind>/<int:listing_id>/approve", methods=["POST"])
def approve(kind, listing_id):
    listing = services.get_listing(kind, listing_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _render_review_detail(listing, approve_form=form)
    try:
        listings.approve_listing(listing, current_user, form.note.data or None)
    except DomainError as err:
        db.session.rollback()
        flash(f"无法审核通过：{err.message}", "error")
        return redirect(url_for("admin.review_detail", kind=kind, listing_id=listing_id))
    db.session.commit()
    flash(f"已审核通过：{listing.title}", "success")
    return redirect(url_for("admin.review"))


@bp.route("/admin/review/<kind>/<int:listing_id>/reject", methods=["POST"])
def reject(kind, listing_id):
    listing = services.get_listing(kind, listing_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _render_review_detail(listing, reject_form=form)
    try:
        listings.reject_listing(listing, current_user, form.reason.data)
    except ValidationFailed as err:
        attach_errors(form, err.errors)
        return _render_review_detail(listing, reject_form=form)
    except DomainError as err:
        db.session.rollback()
        flash(f"无法驳回：{err.message}", "error")
        return redirect(url_for("admin.review_detail", kind=kind, listing_id=listing_id))
    db.session.commit()
    flash(f"已驳回：{listing.title}", "success")
    return redirect(url_for("admin.review"))


# ---------------------------------------------------------------- organizations

ORG_FILTERS = {"verified": True, "unverified": False}


@bp.route("/admin/organizations")
def organizations():
    status = request.args.get("status", "")
    page = page_arg()
    pagination = services.organizations(ORG_FILTERS.get(status), page=max(page, 1))
    joins, changes = membership.pending_counts()
    return render_template("admin/organizations.html", pagination=pagination, status=status, form=EmptyForm(),
                           pending_joins=joins, pending_changes=changes)


@bp.route("/admin/organizations/<int:org_id>")
def organization_detail(org_id):
    org = accounts.get_organization(org_id)
    tags_form = OrgTagsForm()
    tags_form.tags.data = org.tag_list
    return render_template("admin/organization_detail.html", org=org, members=membership.members_of([org.id]),
                           pending=membership.requests_for(org), change=membership.pending_change_of(org),
                           tags_form=tags_form, form=DecisionForm(), empty_form=EmptyForm())


@bp.route("/admin/organizations/<int:org_id>/tags", methods=["POST"])
def organization_tags(org_id):
    org = accounts.get_organization(org_id)
    form = OrgTagsForm()
    if form.validate_on_submit():
        try:
            org_profiles.set_org_tags(current_user, org, form.tags.data)
        except ValidationFailed as err:
            flash(err.message, "error")
        else:
            db.session.commit()
            flash("单位标签已更新", "success")
    return redirect(url_for("admin.organization_detail", org_id=org.id))


@bp.route("/admin/organizations/<int:org_id>/members/<int:user_id>/<any(promote, demote):action>", methods=["POST"])
def organization_admin(org_id, user_id, action):
    user = accounts.get_user(user_id)
    if user.organization_id != org_id:
        return redirect(url_for("admin.organization_detail", org_id=org_id))
    if EmptyForm().validate_on_submit():
        membership.set_org_admin(current_user, user, action == "promote")
        db.session.commit()
        flash(f"已{'设为' if action == 'promote' else '取消'}单位管理员：{user.name}", "success")
    return redirect(url_for("admin.organization_detail", org_id=org_id))


@bp.route("/admin/org-changes/<int:change_id>/<any(approve, reject):action>", methods=["POST"])
def organization_change(change_id, action):
    change = membership.get_change(change_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            membership.decide_change(current_user, change, action == "approve", form.reason.data)
        except (ValidationFailed, InvalidTransition) as err:
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(f"已{'通过' if action == 'approve' else '驳回'}单位信息变更", "success")
    return redirect(url_for("admin.organization_detail", org_id=change.organization_id))


def _set_verified(org_id, verified):
    form = EmptyForm()
    if not form.validate_on_submit():
        flash("表单已过期，请重试", "error")
        return redirect(url_for("admin.organizations"))
    org = accounts.get_organization(org_id)
    org_profiles.verify_organization(current_user, org, verified)
    db.session.commit()
    flash(f"已{'认证' if verified else '撤销认证'}：{org.name}", "success")
    target = request.form.get("next")
    return redirect(target if target and target.startswith("/admin/") else url_for("admin.organizations"))


@bp.route("/admin/organizations/<int:org_id>/verify", methods=["POST"])
def verify_organization(org_id):
    return _set_verified(org_id, True)


@bp.route("/admin/organizations/<int:org_id>/unverify", methods=["POST"])
def unverify_organization(org_id):
    return _set_verified(org_id, False)


# ---------------------------------------------------------------- users

def _render_users(form, status=200):
    role = request.args.get("role", "")
    page = page_arg()
    pagination = services.users(role or None, page=max(page, 1))
    return render_template("admin/users.html", pagination=pagination, role=role, roles=ROLES,
                           create_form=form, form=EmptyForm()), status


def _user_create_form():
    form = UserCreateForm()
    form.org_id.choices = select_choices([(0, "— 不关联 / 新建 —")] + [
        (o.id, f"{o.name}（{o.kind_label}）") for o in services.all_organizations()])
    return form


@bp.route("/admin/users")
def users():
    return _render_users(_user_create_form())


@bp.route("/admin/users/new", methods=["POST"])
def create_user():
    form = _user_create_form()
    if not form.validate_on_submit():
        return _render_users(form)
    org = accounts.get_organization(form.org_id.data) if form.org_id.data else None
    try:
        user = accounts.create_user(form.email.data, form.role.data, form.password.data, name=form.name.data,
                                    org_name=None if org else form.org_name.data,
                                    org_kind=None if org or not form.org_name.data else form.org_kind.data, org=org)
    except ValidationFailed as err:
        db.session.rollback()
        for message in attach_errors(form, err.errors):
            flash(message, "error")
        return _render_users(form)
    db.session.commit()
    flash(f"已创建{user.role_label}账号：{user.email}", "success")
    return redirect(url_for("admin.users"))


def _set_active(user_id, active):
    form = EmptyForm()
    if not form.validate_on_submit():
        flash("表单已过期，请重试", "error")
        return redirect(url_for("admin.users"))
    user = accounts.get_user(user_id)
    try:
        accounts.set_user_active(current_user, user, active)
    except DomainError as err:
        flash(err.message, "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    flash(f"已{'启用' if active else '停用'}账号：{user.email}", "success")
    return redirect(url_for("admin.users"))


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate_user(user_id):
    return _set_active(user_id, False)


@bp.route("/admin/users/<int:user_id>/activate", methods=["POST"])
def activate_user(user_id):
    return _set_active(user_id, True)


# ---------------------------------------------------------------- mail outbox (no SMTP server configured)

@bp.route("/admin/outbox")
def outbox():
    return render_template("admin/outbox.html", messages=mail.outbox(), smtp=current_app.config.get("MAIL_SERVER"),
                           folder=mail.mail_dir())


@bp.route("/admin/outbox/<name>")
def outbox_message(name):
    message = mail.outbox_message(name)
    if message is None:
        abort(404)
    return render_template("admin/outbox_message.html", message=message)


from . import revision_views  # noqa: E402,F401  (revision review routes register on bp)
from . import glossary_views  # noqa: E402,F401  (glossary routes register on bp)

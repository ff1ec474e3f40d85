"""揭榜挂帅 pages: the public list, applying, and an applicant's own application.

The owner's management pages and the admin overview are in manage_views.py (same blueprint).
"""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.dashboard import Section, dashboard_section
from ..attachments import pages as attachment_pages
from ..extensions import db
from ..limits import page_arg
from ..forms import EmptyForm, service_errors
from ..listings.panels import panel_provider
from ..security import role_required
from ..timeutil import days_left
from ..workflow import InvalidTransition, ValidationFailed, history
from . import applications as apps
from . import milestones as ms
from . import services
from ..models.challenges import APPLICATION_STATES
from .forms import ApplicationForm, ProgressForm

bp = Blueprint("challenges", __name__)
bp.add_app_template_filter(services.time_left_text, "time_left")


def show_errors(form, err):
    """Show a service's ValidationFailed on the form's fields; flash what has no field."""
    for message in service_errors(form, err):
        flash(message, "danger")


def run_action(action, success, target):
    """Run a service call for a POST button: commit and flash, or flash why it was refused.

    PermissionDenied and NotFound propagate to the error handler (403 / 404).
    """
    try:
        action()
        db.session.commit()
        flash(success, "success")
    except (InvalidTransition, ValidationFailed) as err:
        db.session.rollback()
        detail = "；".join(err.errors.values()) if err.errors else ""
        flash(err.message + (f"（{detail}）" if detail and detail != err.message else ""), "danger")
    return redirect(target)


def form_refused(form, target):
    """A POST whose form did not validate (CSRF or a field): flash the first error and go back."""
    errors = [e for field_errors in form.errors.values() for e in field_errors]
    flash(errors[0] if errors else "表单已过期，请刷新页面后重试", "danger")
    return redirect(target)


@panel_provider
def challenge_detail_panel(listing, user):
    """The challenge panel on /demands/<id> (listings' detail page includes panel["template"])."""
    if listing.kind != "demand" or not listing.is_challenge:
        return {}
    return {"challenge": {"template": "challenges/_panel.html", **services.challenge_panel(listing, user)}}


@dashboard_section(order=30)
def challenges_dashboard_section(user):
    """The /me section: the user's challenges and applications (shown to those who have any)."""
    data = services.dashboard_for(user)
    if not data["challenges"] and not data["applications"] and user.role != "researcher":
        return None
    return Section("揭榜挂帅", "challenges/_dashboard.html", data, key="challenges")


# ---------------------------------------------------------------- public list

@bp.route("/challenges")
def challenge_list():
    tab = request.args.get("tab", "open")
    if tab not in services.TABS:
        tab = "open"
    page = page_arg()
    pagination = services.browse_challenges(tab, page, current_app.config.get("PER_PAGE", 12))
    counts = services.applicant_counts([d.id for d in pagination.items])
    return render_template("challenges/list.html", pagination=pagination, counts=counts, tab=tab,
                           tabs=services.TABS, days_left=days_left)


# ---------------------------------------------------------------- applicant

@bp.route("/challenges/<int:demand_id>/apply", methods=["GET", "POST"])
@role_required("researcher")
def apply(demand_id):
    demand = services.get_challenge(demand_id, current_user)
    mine = services.my_application(demand, current_user)
    if mine is not None:
        flash("您已申请过该榜单，可在此查看或修改", "info")
        return redirect(url_for("challenges.application_detail", app_id=mine.id))
    if not services.accepting_applications(demand):
        flash("该榜单已截止或不在征集期，不能申请" if demand.status == "published" or demand.status == "reviewing"
              else "该榜单当前不接受申请", "warning")
        return redirect(services.detail_url(demand))
    apps.require_can_apply(current_user)
    form = ApplicationForm()
    warning = apps.over_bounty_warning(demand, form.data) if form.is_submitted() else None
    if form.validate_on_submit() and not (warning and not form.confirm_over_bounty.data):
        try:
            application = apps.apply_to_challenge(demand, current_user, form.data)
            db.session.commit()
            flash("揭榜申请已提交，发榜企业会收到通知", "success")
            return redirect(url_for("challenges.application_detail", app_id=application.id))
        except ValidationFailed as err:
            db.session.rollback()
            show_errors(form, err)
        except InvalidTransition as err:
            db.session.rollback()
            flash(err.message, "danger")
            return redirect(services.detail_url(demand))
    return render_template("challenges/apply.html", demand=demand, form=form, over_bounty=warning,
                           days_left=days_left(demand.deadline)), (400 if form.errors else 200)


@bp.route("/applications/<int:app_id>", methods=["GET", "POST"])
@login_required
def application_detail(app_id):
    application = apps.get_application(app_id, current_user)
    editable = apps.can_edit(current_user, application)
    warning = None
    form = ApplicationForm(obj=application if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        apps.require_applicant(application, current_user)
        warning = apps.over_bounty_warning(application.demand, form.data)
        if form.validate_on_submit() and not (warning and not form.confirm_over_bounty.data):
            try:
                apps.update_application(application, current_user, form.data)
                db.session.commit()
                flash("申请已更新", "success")
                return redirect(url_for("challenges.application_detail", app_id=app_id))
            except ValidationFailed as err:
                db.session.rollback()
                show_errors(form, err)
            except InvalidTransition as err:
                db.session.rollback()
                flash(err.message, "danger")
                return redirect(url_for("challenges.application_detail", app_id=app_id))
        status = 400 if form.errors else 200
    return render_template("challenges/application.html", application=application, demand=application.demand,
                           form=form, editable=editable, button=EmptyForm(), over_bounty=warning,
                           above_bounty=apps.quote_above_bounty,
                           events=history("application", application.id), application_labels=APPLICATION_STATES,
                           progress_form=ProgressForm(),
                           milestone_actions={m.id: ms.milestone_actions(m, current_user)
                                              for m in application.demand.milestones},
                           is_owner=services.is_owner(current_user, application.demand),
                           attachments=attachment_pages.context(current_user, "application", application)), status


@bp.route("/applications/<int:app_id>/withdraw", methods=["POST"])
@login_required
def withdraw(app_id):
    application = apps.get_application(app_id, current_user)
    target = url_for("challenges.application_detail", app_id=app_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return form_refused(form, target)
    return run_action(lambda: apps.withdraw_application(application, current_user), "申请已撤回", target)


from . import manage_views  # noqa: E402,F401  (the owner's and admin's routes register on bp)

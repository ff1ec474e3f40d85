"""The owner's management page and actions, and the admin / broker overview."""
from flask import current_app, render_template, request, url_for
from flask_login import current_user

from ..forms import EmptyForm
from ..limits import page_arg
from ..models.challenges import DECLINE_REASONS
from ..models.listings import CHALLENGE_STATES
from ..security import role_required
from ..timeutil import days_left
from . import applications as apps
from . import milestones as ms
from . import services
from .forms import DeclineForm, MilestoneForm, NoteForm, ProgressForm, ReasonForm
from .views import bp, form_refused, run_action


def _manage_target(demand_id):
    return url_for("challenges.manage", demand_id=demand_id)


@bp.route("/challenges/<int:demand_id>/manage")
@role_required("enterprise")
def manage(demand_id):
    demand = services.get_owned_challenge(demand_id, current_user)
    allowed = services.challenge_actions(demand, current_user)
    return render_template(
        "challenges/manage.html", demand=demand, applications=demand.applications,
        allowed=allowed, decline_reasons=DECLINE_REASONS, days_left=days_left(demand.deadline),
        accepting=services.accepting_applications(demand), timeline=services.timeline(demand),
        button=EmptyForm(), decline_form=DeclineForm(), reason_form=ReasonForm(), note_form=NoteForm(),
        milestone_form=MilestoneForm(), progress_form=ProgressForm(),
        app_actions={a.id: apps.owner_actions(a, current_user) for a in demand.applications},
        milestone_actions={m.id: ms.milestone_actions(m, current_user) for m in demand.milestones},
        can_add_milestone=demand.status in ms.EDITABLE_CHALLENGE_STATES,
        can_delete_milestone=lambda m: ms.can_delete_milestone(current_user, m),
        above_bounty=apps.quote_above_bounty,
        milestone_share=sum(m.share_percent for m in demand.milestones))


# ---------------------------------------------------------------- challenge actions

CHALLENGE_ACTIONS = {
    # action: (form class, service call, success message)
    "close": (NoteForm, lambda d, u, f: services.close_challenge(d, u, f.note.data), "已截止征集，进入评审"),
    "cancel": (ReasonForm, lambda d, u, f: services.cancel_challenge(d, u, f.reason.data), "榜单已取消"),
    "unclaimed": (NoteForm, lambda d, u, f: services.declare_unclaimed(d, u, f.note.data), "已宣布流榜"),
    "start": (EmptyForm, lambda d, u, f: services.start_challenge(d, u), "已启动攻关"),
    "accept": (NoteForm, lambda d, u, f: services.accept_delivery(d, u, f.note.data), "已验收通过"),
    "fail": (ReasonForm, lambda d, u, f: services.fail_delivery(d, u, f.reason.data), "已记录验收不通过"),
}


@bp.route("/challenges/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
          methods=["POST"])
@role_required("enterprise")
def challenge_action(demand_id, action):
    demand = services.get_owned_challenge(demand_id, current_user)
    form_class, call, success = CHALLENGE_ACTIONS[action]
    form = form_class()
    target = _manage_target(demand_id)
    if not form.validate_on_submit():
        return form_refused(form, target)
    return run_action(lambda: call(demand, current_user, form), success, target)


# ---------------------------------------------------------------- application actions (owner)

@bp.route("/applications/<int:app_id>/<any(shortlist, select, decline):action>", methods=["POST"])
@role_required("enterprise")
def application_action(app_id, action):
    application = apps.get_owned_application(app_id, current_user)
    target = _manage_target(application.demand_id)
    form = DeclineForm() if action == "decline" else EmptyForm()
    if not form.validate_on_submit():
        return form_refused(form, target)
    if action == "shortlist":
        return run_action(lambda: apps.shortlist_application(application, current_user), "已入围", target)
    if action == "select":
        return run_action(lambda: apps.select_application(application, current_user),
                          "已选定揭榜方，榜单进入已挂帅状态", target)
    return run_action(lambda: apps.decline_application(application, current_user, form.reason.data,
                                                       form.code.data), "已告知申请人未入选及原因", target)


# ---------------------------------------------------------------- milestones

@bp.route("/challenges/<int:demand_id>/milestones", methods=["POST"])
@role_required("enterprise")
def add_milestone(demand_id):
    demand = services.get_owned_challenge(demand_id, current_user)
    form = MilestoneForm()
    target = _manage_target(demand_id)
    if not form.validate_on_submit():
        return form_refused(form, target)
    return run_action(lambda: ms.add_milestone(demand, current_user, form.data), "里程碑已添加", target)


@bp.route("/challenges/<int:demand_id>/milestones/<int:milestone_id>/delete", methods=["POST"])
@role_required("enterprise")
def delete_milestone(demand_id, milestone_id):
    demand = services.get_owned_challenge(demand_id, current_user)
    milestone = ms.get_milestone(demand, milestone_id)
    form = EmptyForm()
    target = _manage_target(demand_id)
    if not form.validate_on_submit():
        return form_refused(form, target)
    return run_action(lambda: ms.delete_milestone(milestone, current_user), "里程碑已删除", target)


@bp.route("/challenges/<int:demand_id>/milestones/<int:milestone_id>/<any(report, accept, reject):action>",
          methods=["POST"])
@role_required("enterprise", "researcher")
def milestone_action(demand_id, milestone_id, action):
    demand = services.get_challenge(demand_id, current_user)
    milestone = ms.get_milestone(demand, milestone_id)
    form = ProgressForm()
    ms.require_participant(demand, current_user)
    if services.is_owner(current_user, demand):
        target = _manage_target(demand_id)
    else:
        target = url_for("challenges.application_detail", app_id=services.winner(demand).id)
    if not form.validate_on_submit():
        return form_refused(form, target)
    calls = {"report": (ms.report_progress, "进展已记录"), "accept": (ms.accept_milestone, "里程碑已验收"),
             "reject": (ms.reject_milestone, "已要求整改")}
    call, success = calls[action]
    return run_action(lambda: call(milestone, current_user, form.note.data), success, target)


# ---------------------------------------------------------------- admin / broker overview

@bp.route("/challenges/admin")
@role_required("admin", "broker")
def admin_overview():
    status = request.args.get("status") or None
    if status not in CHALLENGE_STATES and status not in ("draft", "pending", "rejected", "archived"):
        status = None
    page = page_arg()
    pagination = services.admin_overview(status, page, current_app.config.get("PER_PAGE", 12) * 2)
    counts = services.status_counts([d.id for d in pagination.items])
    return render_template("challenges/admin.html", pagination=pagination, counts=counts, status=status,
                           states=services.STATE_LABELS)


@bp.route("/challenges/admin/<int:demand_id>")
@role_required("admin", "broker")
def admin_detail(demand_id):
    demand = services.get_challenge_for_staff(demand_id, current_user)
    return render_template("challenges/admin_detail.html", demand=demand, timeline=services.timeline(demand),
                           applications=demand.applications, days_left=days_left(demand.deadline))

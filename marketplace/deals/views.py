"""Deal pages: the broker's board and lead queues, opening a deal, the deal page and its actions,
and the enterprise's enquiry form (/achievements/<id>/enquire)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.dashboard import Section, dashboard_section
from ..attachments import pages as attachment_pages
from ..extensions import db
from ..limits import page_arg
from ..forms import EmptyForm, attach_errors, select_choices, service_errors
from ..listings.panels import panel_provider
from ..models import Achievement, Enquiry, Match
from ..models.deals import DEAL_STAGES
from ..models.listings import FIELDS
from ..security import role_required
from ..trust import responses as demand_responses
from ..workflow import DomainError, InvalidTransition, ValidationFailed, history
from ..trust.forms import OptoutForm
from . import enquiries, public, queries, services
from .access import can_manage, can_view, get_manageable, get_visible, is_admin
from .forms import (STAGE_FORMS, AssignForm, EnquiryForm, NewDealForm, NextStepForm, NoteForm, TerminateForm)

bp = Blueprint("deals", __name__)
TIMELINE_LABELS = dict(DEAL_STAGES)
TIMELINE_LABELS[None] = "立项"


# ---------------------------------------------------------------- board and queues

def _board_filters():
    return {"broker_id": request.args.get("broker", type=int), "field": request.args.get("field") or None,
            "org_id": request.args.get("org", type=int)}


@bp.route("/deals/")
@bp.route("/deals/board")
@role_required("broker", "admin")
def board():
    filters = _board_filters()
    columns = queries.board(current_user, filters)
    return render_template("deals/board.html", columns=columns, filters=filters, fields=FIELDS,
                           brokers=queries.brokers() if is_admin(current_user) else [],
                           organizations=queries.organizations(), is_overdue=queries.is_overdue,
                           next_step_on=queries.shown_next_step_on)


@bp.route("/deals/leads")
@role_required("broker", "admin")
def leads():
    page = page_arg()
    return render_template("deals/leads.html", enquiries=queries.open_enquiries(),
                           matches=queries.proposed_matches(page), form=EmptyForm(),
                           responses=demand_responses.open_responses())


@bp.route("/deals/enquiries/<int:enquiry_id>/close", methods=["POST"])
@role_required("broker", "admin")
def close_enquiry(enquiry_id):
    if EmptyForm().validate_on_submit():
        try:
            enquiries.close_enquiry(enquiry_id, current_user, request.form.get("note"))
            db.session.commit()
            flash("意向已关闭", "success")
        except (InvalidTransition, ValidationFailed) as err:
            db.session.rollback()
            flash(err.message, "warning")
    return redirect(url_for("deals.leads"))


# ---------------------------------------------------------------- opening a deal

def _new_deal_source():
    match = enquiry = None
    if request.args.get("match_id"):
        match = db.session.get(Match, request.args.get("match_id", type=int) or 0) or abort(404)
    if request.args.get("enquiry_id"):
        enquiry = db.session.get(Enquiry, request.args.get("enquiry_id", type=int) or 0) or abort(404)
    return match, enquiry


def _fill_new_deal_choices(form, match, enquiry):
    form.broker_id.choices = select_choices([("", "我自己" if current_user.role == "broker" else "暂不分配")] + [
        (str(b.id), b.name) for b in queries.brokers() if b.id != current_user.id])  # 我自己 is the acting broker
    if match is None and enquiry is None:
        published = queries.published_achievements()
        form.achievement_id.choices = select_choices([("", "请选择")] + [(str(a.id), f"#{a.id} {a.title}")
                                                                         for a in published])
        form.buyer_org_id.choices = select_choices([("", "请选择")] + [(str(o.id), o.name)
                                                                       for o in queries.organizations("enterprise")])


def _show_existing(err, match, enquiry):
    """The pair already has a deal: show it (or, to a broker who may not see it, say so)."""
    if can_view(current_user, err.deal):
        flash(err.message, "info")
        return redirect(url_for("deals.detail", deal_id=err.deal.id))
    form = NewDealForm()
    _fill_new_deal_choices(form, match, enquiry)
    return render_template("deals/new.html", form=form, match=match, enquiry=enquiry,
                           errors=[err.message + "（该交易由其他经纪人负责）"]), 409


@bp.route("/deals/new", methods=["GET", "POST"])
@role_required("broker", "admin")
def new():
    match, enquiry = _new_deal_source()
    if request.method == "GET" and (match is not None or enquiry is not None):
        found = services.existing_deal_for(match, enquiry)
        if found is not None:
            return _show_existing(services.DealExists(found), match, enquiry)
    form = NewDealForm()
    _fill_new_deal_choices(form, match, enquiry)
    if request.method == "GET" and match is None and enquiry is None:  # 立项 from a demand response
        form.achievement_id.data = request.args.get("achievement_id", "")
        form.buyer_org_id.data = request.args.get("buyer_org_id", "")
    errors = []
    if request.method == "POST" and form.validate_on_submit():
        data = {"match_id": match.id if match else None, "enquiry_id": enquiry.id if enquiry else None,
                "broker_id": form.broker_id.data or None}
        if match is None and enquiry is None:
            data.update(achievement_id=form.achievement_id.data or None, buyer_org_id=form.buyer_org_id.data or None)
        try:
            deal = services.create_deal(current_user, data)
            db.session.commit()
            flash("交易已立项", "success")
            return redirect(url_for("deals.detail", deal_id=deal.id))
        except ValidationFailed as err:
            db.session.rollback()
            errors = service_errors(form, err)
        except services.DealExists as err:
            db.session.rollback()
            return _show_existing(err, match, enquiry)
        except InvalidTransition as err:
            db.session.rollback()
            errors = [err.message]
    return render_template("deals/new.html", form=form, match=match, enquiry=enquiry, errors=errors)


# ---------------------------------------------------------------- the deal page

def _render_deal(deal, stage_form=None, status=200, **forms):
    manage = can_manage(current_user, deal)
    target = services.next_stage(deal)
    if manage and target and stage_form is None:
        stage_form = STAGE_FORMS[target]()
    if manage:
        forms.setdefault("terminate_form", TerminateForm())
        forms.setdefault("note_form", NoteForm())
        forms.setdefault("next_step_form", NextStepForm(data={"next_step": deal.next_step,
                                                              "next_step_on": deal.next_step_on}))
    if is_admin(current_user):
        assign = forms.setdefault("assign_form", AssignForm(data={"broker_id": str(deal.broker_id or "")}))
        assign.broker_id.choices = select_choices([("", "请选择")] + [(str(b.id), b.name) for b in queries.brokers()])
    sides = public.sides_of(current_user, deal)
    if sides:
        forms.setdefault("optout_form", OptoutForm(data={"hidden": public.opted_out(current_user, deal)}))
    return render_template("deals/detail.html", deal=deal, events=history("deal", deal.id),
                           publicly_listed=public.is_listed(deal),
                           labels=TIMELINE_LABELS, manage=manage, target=target, stage_form=stage_form,
                           is_open=services.is_open(deal), overdue=queries.is_overdue(deal),
                           attachments=attachment_pages.context(current_user, "deal", deal), **forms), status


@bp.route("/deals/<int:deal_id>")
@login_required
def detail(deal_id):
    return _render_deal(get_visible(deal_id, current_user))


@bp.route("/deals/<int:deal_id>/advance", methods=["POST"])
@login_required
def advance(deal_id):
    deal = get_manageable(deal_id, current_user)
    target = request.form.get("to", "")
    form = STAGE_FORMS.get(target, EmptyForm)()
    if not form.validate_on_submit():  # CSRF is checked globally; what is left are length limits
        return _render_deal(deal, stage_form=form if target == services.next_stage(deal) else None)
    try:
        services.advance_deal(deal, current_user, target, form.data)
        db.session.commit()
    except InvalidTransition as err:
        db.session.rollback()
        flash(err.message, "warning")
    except ValidationFailed as err:
        db.session.rollback()
        flash(err.message, "danger")
        for message in attach_errors(form, err.errors):
            flash(message, "danger")
        return _render_deal(deal, stage_form=form if target in STAGE_FORMS else None)
    else:
        flash(f"交易已进入「{deal.stage_label}」阶段", "success")
    return redirect(url_for("deals.detail", deal_id=deal.id))


def _simple_action(deal_id, form_class, form_key, action, success):
    """POST handlers that validate one form, call one service and redirect back."""
    deal = get_manageable(deal_id, current_user)
    form = form_class()
    if form.validate_on_submit():
        try:
            action(deal, form)
            db.session.commit()
            flash(success, "success")
            return redirect(url_for("deals.detail", deal_id=deal.id))
        except ValidationFailed as err:
            db.session.rollback()
            for message in attach_errors(form, err.errors):
                flash(message, "danger")
        except InvalidTransition as err:
            db.session.rollback()
            flash(err.message, "warning")
            return redirect(url_for("deals.detail", deal_id=deal.id))
    return _render_deal(deal, **{form_key: form})


@bp.route("/deals/<int:deal_id>/terminate", methods=["POST"])
@login_required
def terminate(deal_id):
    return _simple_action(deal_id, TerminateForm, "terminate_form",
                          lambda deal, form: services.terminate_deal(deal, current_user, form.reason.data),
                          "交易已终止")


@bp.route("/deals/<int:deal_id>/notes", methods=["POST"])
@login_required
def add_note(deal_id):
    return _simple_action(deal_id, NoteForm, "note_form",
                          lambda deal, form: services.add_note(deal, current_user, form.body.data), "备注已保存")


@bp.route("/deals/<int:deal_id>/next-step", methods=["POST"])
@login_required
def next_step(deal_id):
    return _simple_action(deal_id, NextStepForm, "next_step_form",
                          lambda deal, form: services.set_next_step(deal, current_user, form.next_step.data,
                                                                    form.next_step_on.data),
                          "下一步计划已更新")


@bp.route("/deals/<int:deal_id>/assign", methods=["POST"])
@role_required("admin")
def assign(deal_id):
    deal = get_visible(deal_id, current_user)
    form = AssignForm()
    form.broker_id.choices = select_choices([("", "请选择")] + [(str(b.id), b.name) for b in queries.brokers()])
    if form.validate_on_submit():
        try:
            services.assign_broker(deal, current_user, form.broker_id.data)
            db.session.commit()
            flash("已重新分配技术经纪人", "success")
            return redirect(url_for("deals.detail", deal_id=deal.id))
        except ValidationFailed as err:
            db.session.rollback()
            attach_errors(form, err.errors)
    return _render_deal(deal, assign_form=form)


# ---------------------------------------------------------------- the enterprise's enquiry

@bp.route("/achievements/<int:achievement_id>/enquire", methods=["GET", "POST"])
@login_required
def enquire(achievement_id):
    achievement = db.session.get(Achievement, achievement_id)
    if achievement is None or achievement.status != "published":
        abort(404)
    if not enquiries.can_enquire(current_user):
        abort(403)
    form = EnquiryForm()
    if request.method == "GET":
        form.mode.data = enquiries.default_mode(achievement)
    if form.validate_on_submit():
        try:
            enquiries.create_enquiry(current_user, achievement.id, form.data)
            db.session.commit()
            flash("合作意向已提交，技术经纪人将尽快与您联系", "success")
            return redirect(f"/achievements/{achievement.id}")
        except DomainError as err:
            db.session.rollback()
            if not attach_errors(form, err.errors) and not err.errors:
                flash(err.message, "danger")
    return render_template("deals/enquire.html", form=form, achievement=achievement)


# ---------------------------------------------------------------- contributions to other pages

@panel_provider
def enquiry_panel(listing, user):
    """The 提交合作意向 button on a published achievement's page."""
    if listing.kind != "achievement" or listing.status != "published":
        return {}
    if user.is_authenticated and user.role != "enterprise":
        return {}
    sent = [e for e in queries.enquiries_for_user(user) if e.achievement_id == listing.id and e.status == "open"]
    return {"enquiry": {"template": "deals/_enquiry_panel.html", "sent": bool(sent),
                        "url": url_for("deals.enquire", achievement_id=listing.id)}}


@dashboard_section(order=40)
def my_deals(user):
    deals, sent = services.for_user(user), queries.enquiries_for_user(user)
    if not deals and not sent:
        return None
    return Section("我的交易", "deals/_my_deals.html", key="deals",
                   context={"deals": deals, "enquiries": sent, "is_overdue": queries.is_overdue})

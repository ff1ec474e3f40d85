"""Pages of both listing kinds: public lists, detail, create/edit, review-lifecycle buttons.

Every route is registered once per kind (`/achievements...`, `/demands...`) on the same
view function, which gets `kind` from the rule's defaults. The rules are in services.py.
"""
from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import workflow
from ..attachments import pages as attachment_pages
from ..extensions import db
from ..limits import page_arg
from ..forms import EmptyForm
from ..models.listings import (ACHIEVEMENT_TYPES, CHALLENGE_STATES, FIELDS, LISTING_STATES, MATURITIES,
                               MATURITY_LABELS, MODES)
from ..workflow import InvalidTransition, ValidationFailed
from ..trust import favourites
from . import contact, panels, revisions, services
from .cleaning import normalize_maturity
from .forms import FORMS

bp = Blueprint("listings", __name__)

KIND_INFO = {
    "achievement": {"label": "科技成果", "new_label": "发布科技成果",
                    "sorts": (("newest", "最新发布"), ("oldest", "最早发布"), ("price", "参考价格从高到低"))},
    "demand": {"label": "技术需求", "new_label": "发布技术需求",
               "sorts": (("newest", "最新发布"), ("oldest", "最早发布"), ("budget", "预算从高到低"))},
}
ACTIONS = {
    "submit": (services.submit_listing, "已提交审核，请等待管理员审核"),
    "withdraw": (services.withdraw_listing, "已撤回，信息恢复为草稿"),
    "archive": (services.archive_listing, "已归档，信息不再公开展示"),
}
# Timeline labels: challenge states first so that the review states' own names win.
STATE_LABELS = {**CHALLENGE_STATES, **LISTING_STATES}
MONEY_MAX = Decimal("10000000000")
FILTER_CHOICES = {"field": FIELDS, "type": ACHIEVEMENT_TYPES, "maturity": MATURITIES, "mode": MODES}


def _for_each_kind(rule, name, **options):
    """Register the decorated view at `rule` ({kinds} = achievements/demands) for both kinds."""

    def decorator(view):
        for kind in services.KINDS:
            bp.add_url_rule(rule.format(kinds=f"{kind}s"), f"{kind}_{name}", view,
                            defaults={"kind": kind}, **options)
        return view

    return decorator


# ---------------------------------------------------------------- public list

def _choice(args, key, choices):
    value = (args.get(key) or "").strip()
    return value if value in choices else None


def _amount(args, key, label, notices):
    raw = (args.get(key) or "").strip()
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or abs(amount) >= MONEY_MAX:
        notices.append(f"{label}“{raw[:20]}”不是有效的金额，已忽略")
        return None
    return amount


def parse_filters(kind, args):
    """Filters from the query string; invalid values are dropped (with a notice), never an error."""
    notices = []
    filters = {"field": _choice(args, "field", FIELDS),
               "sort": _choice(args, "sort", [key for key, _ in KIND_INFO[kind]["sorts"]])}
    if kind == "achievement":
        filters.update(type=_choice(args, "type", ACHIEVEMENT_TYPES),
                       maturity=normalize_maturity(args.get("maturity")),  # an older name (中试) still works
                       mode=_choice(args, "mode", MODES))
    else:
        filters.update(challenge=_choice(args, "challenge", ("1", "0")),
                       budget_min=_amount(args, "budget_min", "最低预算", notices),
                       budget_max=_amount(args, "budget_max", "最高预算", notices))
    return filters, notices


@_for_each_kind("/{kinds}", "list")
def list_listings(kind):
    filters, notices = parse_filters(kind, request.args)
    page = page_arg()
    pagination = services.browse(kind, filters, page, current_app.config["PER_PAGE"], cards=True)
    return render_template("listings/list.html", kind=kind, info=KIND_INFO[kind], pagination=pagination,
                           filters=filters, notices=notices, can_create=services.can_create(current_user, kind),
                           choices={name: [(v, MATURITY_LABELS.get(v, v) if name == "maturity" else v) for v in values]
                                    for name, values in FILTER_CHOICES.items()})


# ---------------------------------------------------------------- detail and actions

@_for_each_kind("/{kinds}/<int:listing_id>", "detail")
def detail(kind, listing_id):
    listing = services.get_visible(kind, listing_id, current_user)
    manage = services.can_manage(current_user, listing)
    if listing.is_public and not _is_bot() and contact.count_view(listing, current_user):
        db.session.commit()
    return render_template(
        "listings/detail.html", kind=kind, info=KIND_INFO[kind], listing=listing, manage=manage,
        history=workflow.history(kind, listing.id) if manage else [], state_labels=STATE_LABELS,
        actions=services.available_actions(listing, current_user),
        show_details=services.can_see_details(current_user, listing),
        pending_revision=revisions.pending_revision(listing) if manage else None,
        is_admin=current_user.is_authenticated and current_user.role == "admin",
        panels=panels.collect(listing, current_user), form=EmptyForm(),
        contact=contact.contact_of(listing) if current_user.is_authenticated else None,
        favourite=favourites.is_favourite(current_user, kind, listing.id))


BOT_MARKERS = ("bot", "spider", "crawl", "slurp")


def _is_bot():
    agent = (request.user_agent.string or "").lower()
    return any(marker in agent for marker in BOT_MARKERS)


@_for_each_kind("/{kinds}/<int:listing_id>/<any(submit, withdraw, archive):action>", "action", methods=["POST"])
@login_required
def change_status(kind, listing_id, action):
    if not EmptyForm().validate_on_submit():
        abort(400)
    listing = services.get_visible(kind, listing_id, current_user)
    apply, success = ACTIONS[action]
    try:
        apply(listing, current_user)  # PermissionDenied propagates: 403
    except (InvalidTransition, ValidationFailed) as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for(f"listings.{kind}_detail", listing_id=listing_id))


# ---------------------------------------------------------------- create and edit

def _save(form, kind, listing=None):
    """Create or update from the form, then submit if asked; return the listing or None on errors."""
    try:
        if listing is None:
            listing = services.create_listing(kind, current_user, form.listing_data())
        else:
            services.update_listing(listing, current_user, form.listing_data())
        if form.save_and_submit.data:
            services.submit_listing(listing, current_user)
    except (ValidationFailed, InvalidTransition) as err:
        db.session.rollback()
        for message in form.add_errors(err.errors):
            flash(message, "error")
        flash(err.message, "error")
        return None
    db.session.commit()
    flash("已保存并提交审核" if form.save_and_submit.data else "草稿已保存", "success")
    return listing


@_for_each_kind("/{kinds}/new", "new", methods=["GET", "POST"])
@login_required
def create(kind):
    if not services.can_create(current_user, kind):
        abort(403)
    form = FORMS[kind]()
    if form.validate_on_submit():
        listing = _save(form, kind)
        if listing is not None:
            return redirect(url_for(f"listings.{kind}_detail", listing_id=listing.id))
    return render_template("listings/form.html", kind=kind, info=KIND_INFO[kind], form=form, listing=None)


@_for_each_kind("/{kinds}/<int:listing_id>/edit", "edit", methods=["GET", "POST"])
@login_required
def edit(kind, listing_id):
    listing = services.get_visible(kind, listing_id, current_user)
    if services.can_revise(current_user, listing):
        return _revise(kind, listing)
    if not services.can_edit(current_user, listing):
        abort(403)
    form = FORMS[kind]()
    if form.validate_on_submit():
        if _save(form, kind, listing) is not None:
            return redirect(url_for(f"listings.{kind}_detail", listing_id=listing.id))
    elif request.method == "GET":
        form.fill_from(listing)
    return render_template("listings/form.html", kind=kind, info=KIND_INFO[kind], form=form, listing=listing,
                           attachments=attachment_pages.context(current_user, kind, listing))


def _revise(kind, listing):
    """Editing a published listing proposes a revision for review; the online version stays as it is."""
    form = FORMS[kind]()
    pending = revisions.pending_revision(listing)
    if form.validate_on_submit():
        try:
            revisions.propose_revision(listing, current_user, form.listing_data())
        except ValidationFailed as err:
            db.session.rollback()
            for message in form.add_errors(err.errors):
                flash(message, "error")
            flash(err.message, "error")
        else:
            db.session.commit()
            flash("修改已提交审核；审核通过前，公开页面仍显示原内容", "success")
            return redirect(url_for(f"listings.{kind}_detail", listing_id=listing.id))
    elif request.method == "GET":
        form.fill_from(listing)
        if pending is not None:
            form.process(data=pending.data)
    return render_template("listings/form.html", kind=kind, info=KIND_INFO[kind], form=form, listing=listing,
                           revising=True, pending=pending, rejected=revisions.latest_rejection(listing),
                           attachments=attachment_pages.context(current_user, kind, listing))

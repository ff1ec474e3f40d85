"""Pages: /search, a listing's matches, dismiss, the broker workbench, subscriptions."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..forms import EmptyForm, service_errors
from ..limits import page_arg
from ..listings import counts
from ..listings.panels import panel_provider
from ..models.listings import ACHIEVEMENT_TYPES, FIELDS, MATURITIES
from ..security import is_safe_next, role_required
from ..timeutil import utcnow
from ..workflow import InvalidTransition, ValidationFailed
from . import feedback, services, subscriptions
from .forms import SubscriptionForm

bp = Blueprint("matching", __name__)

PANEL_SIZE = 5


@bp.route("/search")
def search():
    q = request.args.get("q", "")
    filters = {name: request.args.get(name, "") for name in ("kind", "field", "type", "maturity", "challenge")}
    try:
        result, status = services.search(q, filters, page_arg(), current_app.config["PER_PAGE"]), 200
    except ValidationFailed as err:  # refused, never cut: the box keeps the text so it can be shortened
        flash(err.message, "danger")
        result, status = services.empty_page(), 400
    return render_template("matching/search.html", q=q, filters=filters, result=result, fields=FIELDS,
                           types=ACHIEVEMENT_TYPES, maturities=MATURITIES), status


def _matches_page(kind, listing_id):
    listing, proposals = services.matches_for(kind, listing_id, current_user)
    return render_template("matching/matches.html", listing=listing, proposals=proposals,
                           dismiss_reasons=feedback.DISMISS_REASONS,
                           can_dismiss=lambda m: services.can_dismiss(current_user, m),
                           can_open_deal=current_user.role in ("broker", "admin"))


@bp.route("/demands/<int:listing_id>/matches")
@login_required
def demand_matches(listing_id):
    return _matches_page("demand", listing_id)


@bp.route("/achievements/<int:listing_id>/matches")
@login_required
def achievement_matches(listing_id):
    return _matches_page("achievement", listing_id)


def _dismiss_next(match, target):
    """Where a dismissal returns: the page it came from (`next`), else the demand's pairings."""
    return target if is_safe_next(target) else url_for("matching.demand_matches", listing_id=match.demand_id)


@bp.route("/matches/<int:match_id>/dismiss", methods=["GET"])
@login_required
def dismiss_page(match_id):
    """The dismiss form on its own page: what a row's 忽略 link opens without JavaScript (with it, the page's
    dialog posts the same form to the same URL)."""
    match = services.get_match(match_id)
    services.ensure_can_dismiss(current_user, match)
    return render_template("matching/dismiss.html", match=match, still_open=services.still_open(match),
                           next_url=_dismiss_next(match, request.args.get("next", "")),
                           dismiss_reasons=feedback.DISMISS_REASONS)


@bp.route("/matches/<int:match_id>/dismiss", methods=["POST"])
@login_required
def dismiss(match_id):
    if not EmptyForm().validate_on_submit():
        abort(400)
    match = services.get_match(match_id)
    try:
        services.dismiss(match, current_user, request.form)
        db.session.commit()
        flash("已忽略该推荐，今后不再推荐此配对", "success")
    except (InvalidTransition, ValidationFailed) as err:
        flash(err.message, "warning")
    return redirect(_dismiss_next(match, request.form.get("next", "")))


@bp.route("/matching/workbench")
@role_required("broker", "admin")
def workbench():
    pagination = services.workbench(page_arg())
    # Counts over every proposal: kept for LIST_COUNT_SECONDS like the lists' totals (listings/counts.py).
    conversion = [("全部", counts.cached(("conversion", "ever"), feedback.conversion)),
                  ("近 30 天", counts.cached(("conversion", "30 days"),
                                            lambda: feedback.conversion(since=utcnow() - timedelta(days=30))))]
    return render_template("matching/workbench.html", pagination=pagination,
                           dismiss_reasons=feedback.DISMISS_REASONS, conversion=conversion)


@bp.route("/matching/subscriptions", methods=["GET", "POST"])
@login_required
def subscription_list():
    form = SubscriptionForm()
    if form.validate_on_submit():
        try:
            subscriptions.add(current_user, form.field.data, form.keywords.data, form.kind.data)
            db.session.commit()
            flash("订阅成功：有匹配的新信息发布时将通知您", "success")
            return redirect(url_for("matching.subscription_list"))
        except ValidationFailed as err:
            for message in service_errors(form, err):
                flash(message, "danger")
    return render_template("matching/subscriptions.html", form=form, delete_form=EmptyForm(),
                           items=subscriptions.list_for(current_user))


@bp.route("/matching/subscriptions/<int:subscription_id>/delete", methods=["POST"])
@login_required
def subscription_delete(subscription_id):
    if not EmptyForm().validate_on_submit():
        abort(400)
    subscriptions.delete(current_user, subscription_id)
    db.session.commit()
    flash("已删除订阅", "success")
    return redirect(url_for("matching.subscription_list"))


@panel_provider
def matches_panel(listing, user):
    """The compact 匹配推荐 panel on a listing's detail page (owner, brokers, admins)."""
    if listing.status != "published" or not services.can_see_matches(user, listing):
        return {}
    return {"matching": {"template": "matching/_panel.html",
                         "proposals": services.proposals_for(listing, limit=PANEL_SIZE),
                         "all_url": url_for(f"matching.{listing.kind}_matches", listing_id=listing.id)}}

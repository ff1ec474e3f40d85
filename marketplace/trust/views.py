"""Pages of trust and contact: 我有相关成果 (/demands/<id>/respond), 收藏 toggles, 成交公示 (/deals/public)
and the parties' opt-out, 通知公告 (public list and detail, admin CRUD), and the panels and /me section
they add to other pages."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields import SelectChoice

from ..accounts.dashboard import Section, dashboard_section
from ..deals.access import get_visible as get_visible_deal
from ..deals import public
from ..extensions import db
from ..forms import EmptyForm
from ..limits import page_arg
from ..listings import services as listings
from ..listings.panels import panel_provider
from ..security import role_required
from ..workflow import InvalidTransition, ValidationFailed
from . import announcements, favourites, responses
from .forms import AnnouncementForm, OptoutForm, ResponseForm

bp = Blueprint("trust", __name__)


# ---------------------------------------------------------------- 收藏

def _favourite_toggle(kind, listing_id):
    if not EmptyForm().validate_on_submit():
        abort(400)
    listing = listings.get_visible(kind, listing_id, current_user)
    now = favourites.toggle(current_user, listing)
    db.session.commit()
    flash("已收藏，信息有变化时会通知您" if now else "已取消收藏", "success")
    return redirect(url_for(f"listings.{kind}_detail", listing_id=listing.id))


@bp.post("/achievements/<int:listing_id>/favourite")
@login_required
def favourite_achievement(listing_id):
    return _favourite_toggle("achievement", listing_id)


@bp.post("/demands/<int:listing_id>/favourite")
@login_required
def favourite_demand(listing_id):
    return _favourite_toggle("demand", listing_id)


@dashboard_section(order=45)
def my_favourites(user):
    items = favourites.favourites_of(user)
    return Section("我的收藏", "trust/_favourites.html", key="favourites", context={"favourites": items})


# ---------------------------------------------------------------- 我有相关成果

def _response_form(demand):
    form = ResponseForm()
    form.achievement_id.choices = [SelectChoice("", "不选择成果，只填写能力说明")] + [
        SelectChoice(str(a.id), a.title) for a in responses.offerable_achievements(current_user)]
    return form


@bp.route("/demands/<int:demand_id>/respond", methods=["GET", "POST"])
@login_required
def respond(demand_id):
    demand = listings.get_visible("demand", demand_id, current_user)
    if not responses.can_respond(current_user, demand):
        abort(403)
    form = _response_form(demand)
    if request.method == "GET" and request.args.get("achievement_id"):
        form.achievement_id.data = request.args.get("achievement_id")
    errors = []
    if form.validate_on_submit():
        try:
            responses.create_response(current_user, demand.id, form.data)
            db.session.commit()
            flash("已提交响应，需求方和技术经纪人会收到通知", "success")
            return redirect(url_for("listings.demand_detail", listing_id=demand.id) + "#panel-responses")
        except responses.ResponseExists as err:
            db.session.rollback()
            flash(f"{err.message}，以下是您此前提交的响应", "info")
            return redirect(url_for("listings.demand_detail", listing_id=demand.id)
                            + f"#response-{err.response.id}")
        except ValidationFailed as err:
            db.session.rollback()
            for key, message in err.errors.items():
                field = getattr(form, key, None)
                if field is not None:
                    field.errors = list(field.errors) + [message]
                else:
                    errors.append(message)
            errors.insert(0, err.message)
    return render_template("trust/respond.html", demand=demand, form=form, errors=errors), (400 if errors else 200)


@bp.post("/deals/responses/<int:response_id>/close")
@role_required("broker", "admin")
def close_response(response_id):
    if EmptyForm().validate_on_submit():
        try:
            responses.close_response(response_id, current_user)
            db.session.commit()
            flash("响应已关闭", "success")
        except InvalidTransition as err:
            db.session.rollback()
            flash(err.message, "warning")
    return redirect(url_for("deals.leads") + "#responses")


@panel_provider
def responses_panel(listing, user):
    """On an ordinary published demand: the 我有相关成果 button, the user's own responses, and for the
    demand's owner (and admins) every response."""
    if listing.kind != "demand" or listing.is_challenge:
        return {}
    owner_view = listings.can_manage(user, listing)
    sent = [] if owner_view else responses.sent_by(user, listing)
    can = listing.status == "published" and (not user.is_authenticated or responses.can_respond(user, listing))
    if not (owner_view or sent or can):
        return {}
    return {"responses": {"template": "trust/_responses_panel.html", "owner_view": owner_view,
                          "items": responses.responses_for_demand(listing) if owner_view else sent,
                          "can_respond": can, "url": url_for("trust.respond", demand_id=listing.id)}}


# ---------------------------------------------------------------- 成交公示

@bp.get("/deals/public")
def public_deals():
    return render_template("trust/public_deals.html", pagination=public.public_deals(page_arg()),
                           band=public.amount_band)


@bp.post("/deals/<int:deal_id>/public")
@login_required
def deal_optout(deal_id):
    deal = get_visible_deal(deal_id, current_user)
    form = OptoutForm()
    if form.validate_on_submit():
        public.set_optout(current_user, deal, form.hidden.data)
        db.session.commit()
        flash("本交易不在成交公示中展示" if form.hidden.data else "本交易将在认定登记后公示（双方均同意时）", "success")
    return redirect(url_for("deals.detail", deal_id=deal.id))


# ---------------------------------------------------------------- 通知公告

@bp.get("/announcements")
def announcement_list():
    return render_template("trust/announcements.html", pagination=announcements.paginate(page_arg()))


@bp.get("/announcements/<int:announcement_id>")
def announcement_detail(announcement_id):
    return render_template("trust/announcement.html", item=announcements.get(announcement_id))


def _admin_form_page(form, item=None, status=200):
    return render_template("trust/admin_announcements.html", form=form, item=item, delete_form=EmptyForm(),
                           pagination=announcements.paginate(page_arg(), public=False)), status


def _save_announcement(form, item=None):
    try:
        item = announcements.save(current_user, form.data, item)
    except ValidationFailed as err:
        db.session.rollback()
        for key, message in err.errors.items():
            getattr(form, key).errors = list(getattr(form, key).errors) + [message]
        return None
    db.session.commit()
    flash("公告已保存", "success")
    return item


@bp.route("/admin/announcements", methods=["GET", "POST"])
@role_required("admin")
def admin_announcements():
    form = AnnouncementForm()
    if form.validate_on_submit() and _save_announcement(form) is not None:
        return redirect(url_for("trust.admin_announcements"))
    return _admin_form_page(form, status=400 if form.errors else 200)


@bp.route("/admin/announcements/<int:announcement_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def admin_announcement_edit(announcement_id):
    item = announcements.get(announcement_id, public=False)
    form = AnnouncementForm(obj=None if request.method == "POST" else item)
    if request.method == "GET":
        form.published_on.data = item.published_on.isoformat()
    elif form.validate_on_submit() and _save_announcement(form, item) is not None:
        return redirect(url_for("trust.admin_announcements"))
    return _admin_form_page(form, item, status=400 if form.errors else 200)


@bp.post("/admin/announcements/<int:announcement_id>/delete")
@role_required("admin")
def admin_announcement_delete(announcement_id):
    item = announcements.get(announcement_id, public=False)
    if EmptyForm().validate_on_submit():
        announcements.delete(current_user, item)
        db.session.commit()
        flash("公告已删除", "success")
    return redirect(url_for("trust.admin_announcements"))

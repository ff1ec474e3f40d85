from flask import Blueprint

bp = Blueprint("listings", __name__)


@bp.route("/achievements")
def achievement_list():
    return ""


@bp.route("/demands")
def demand_list():
    return ""

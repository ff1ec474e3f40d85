"""Home page and health check."""
from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from sqlalchemy import text

from ..extensions import db
from ..listings import services as listings
from ..matching import consistency
from .figures import home_figures

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    from ..challenges.services import open_challenges

    from ..trust.announcements import latest

    return render_template("main/home.html", achievements=listings.newest("achievement"),
                           demands=listings.newest("demand"), challenges=open_challenges(limit=6),
                           figures=home_figures(), announcements=latest(5))


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every first load; base.html links the SVG too."""
    response = send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                                   max_age=86400)
    return response


@bp.route("/healthz")
def healthz():
    status = {"db": "ok", "index": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # report, don't raise: this is the health check
        status["db"] = f"error: {exc.__class__.__name__}"
    status["index"] = consistency.health()
    # "drift" (index and DB disagree on the number of listings; `flask reindex` repairs it) is reported,
    # not failed: searches still work.
    ok = status["db"] == "ok" and status["index"] in ("ok", "drift")
    return jsonify(status=("ok" if ok else "error"), **status), (200 if ok else 503)

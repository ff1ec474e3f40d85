from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/login")
def login():
    return ""


@bp.route("/logout")
def logout():
    return ""


@bp.route("/register")
def register():
    return ""


@bp.route("/me")
def dashboard():
    return ""

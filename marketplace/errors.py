"""One place that turns errors into JSON (API) or pages (HTML)."""
from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .extensions import db
from .security import wants_json
from .workflow import DomainError, ValidationFailed

MESSAGES = {400: "请求无效", 401: "需要登录", 403: "无权访问", 404: "页面不存在", 405: "不支持的请求方法",
            409: "状态冲突", 413: "上传内容过大", 500: "服务器内部错误"}


def json_error(status, code, message, errors=None):
    body = {"error": {"code": code, "message": message}}
    if errors:
        body["error"]["fields"] = errors
    return jsonify(body), status


NUL_MESSAGE = "输入中含有不允许的空字符（\\0），请删除后重试"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def refuse_nul_characters():
    """Text never carries U+0000, and PostgreSQL cannot store it (SQLite can): refuse it in form fields and
    JSON bodies with a 400, whatever the database, instead of a 500 at the INSERT. (Query strings only
    filter and search; the search engine takes any text.)"""
    if request.mimetype in FORM_TYPES:
        values = request.form.to_dict(flat=False)
    elif request.is_json:
        values = request.get_json(silent=True)
    else:
        return
    if _has_nul(values):
        raise ValidationFailed(NUL_MESSAGE)


def init_app(app):
    app.before_request(refuse_nul_characters)

    @app.errorhandler(DomainError)
    def domain_error(err):
        if wants_json():
            return json_error(err.status, err.code, err.message, err.errors)
        return render_template("errors/error.html", status=err.status, message=err.message), err.status

    @app.errorhandler(HTTPException)
    def http_error(err):
        message = MESSAGES.get(err.code, err.name)
        if wants_json():
            return json_error(err.code, err.name.lower().replace(" ", "_"), message)
        return render_template("errors/error.html", status=err.code, message=message), err.code

    @app.errorhandler(500)
    def server_error(err):
        db.session.rollback()
        if wants_json():
            return json_error(500, "server_error", MESSAGES[500])
        return render_template("errors/error.html", status=500, message=MESSAGES[500]), 500

"""One place that turns errors into JSON (API) or pages (HTML)."""
from flask import jsonify, render_template
from werkzeug.exceptions import HTTPException

from .extensions import db
from .security import wants_json
from .workflow import DomainError

MESSAGES = {400: "请求无效", 401: "需要登录", 403: "无权访问", 404: "页面不存在", 405: "不支持的请求方法",
            409: "状态冲突", 413: "上传内容过大", 500: "服务器内部错误"}


def json_error(status, code, message, errors=None):
    body = {"error": {"code": code, "message": message}}
    if errors:
        body["error"]["fields"] = errors
    return jsonify(body), status


def init_app(app):
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

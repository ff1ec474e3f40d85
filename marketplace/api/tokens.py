"""POST /api/v1/tokens: exchange email and password for a bearer token; DELETE /api/v1/tokens/<id>: revoke one."""
from flask import g, jsonify, request

from ..accounts import tokens
from ..accounts.throttle import TooManyAttempts
from ..errors import json_error
from ..extensions import db
from ..workflow import ValidationFailed
from . import bp
from .auth import exchange_credentials, json_body, token_required
from .serializers import timestamp


@bp.errorhandler(TooManyAttempts)
def too_many_attempts(err):
    """429 in the API's error shape, with Retry-After (seconds)."""
    response, status = json_error(err.status, err.code, err.message)
    response.headers["Retry-After"] = str(err.retry_after)
    return response, status


@bp.route("/tokens", methods=["POST"])
def create_token():
    data = json_body()
    email, password, name = data.get("email"), data.get("password"), data.get("name")
    if not isinstance(email, str) or not isinstance(password, str) or not email.strip() or not password:
        raise ValidationFailed("请提供 email 和 password", {"email": "必填", "password": "必填"})
    if name is not None and not isinstance(name, str):
        raise ValidationFailed("name 必须是字符串", {"name": "必须是字符串"})
    row, token = exchange_credentials(email, password, request.remote_addr, name)
    db.session.commit()
    return jsonify(token=token, id=row.id, name=row.name, expires_at=timestamp(row.expires_at))


@bp.route("/tokens/<int:token_id>", methods=["DELETE"])
@token_required
def revoke_token(token_id):
    tokens.revoke_token(g.api_user, token_id)
    db.session.commit()
    return "", 204

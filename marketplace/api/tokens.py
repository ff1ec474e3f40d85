"""POST /api/v1/tokens: exchange email and password for a bearer token."""
from flask import jsonify

from ..extensions import db
from ..workflow import ValidationFailed
from . import bp
from .auth import issue_token, json_body


@bp.route("/tokens", methods=["POST"])
def create_token():
    data = json_body()
    email, password = data.get("email"), data.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or not email.strip() or not password:
        raise ValidationFailed("请提供 email 和 password", {"email": "必填", "password": "必填"})
    token = issue_token(email, password)
    db.session.commit()
    return jsonify(token=token)

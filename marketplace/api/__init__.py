"""JSON API v1 (DESIGN §6). One service layer under both the pages and the API."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from . import listings, tokens  # noqa: E402,F401  (routes register on bp)

"""JSON API v1 (DESIGN §6). One service layer under both the pages and the API.

Every endpoint module registers its routes on `bp`; CSRF does not apply (token auth).
"""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from . import (attachments, challenges, deals, enterprises, listings, matching, monitoring,  # noqa: E402,F401
               tokens, vouchers)  # (routes register on bp)

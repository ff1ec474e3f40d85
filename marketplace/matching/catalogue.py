"""Search of the 创新券 service catalogue (/services and GET /api/v1/services), in the search module.

Services are few (hundreds) and short, so this searches the database directly (every term must appear in
the title, description, category or the institution's name) rather than a Whoosh index of its own; the page
and the API both call search_services, so moving it to an index later changes this function only.
"""
from sqlalchemy import or_

from ..extensions import db
from ..models import Organization, ServiceProduct, ServiceProvider

MAX_TERMS = 8


def _like(term):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_services(q=None, category=None, page=1, per_page=12):
    """Published services of admitted institutions matching every term of `q`, in `category` if given."""
    query = (db.select(ServiceProduct).join(ServiceProvider, ServiceProvider.id == ServiceProduct.provider_id)
             .join(Organization, Organization.id == ServiceProvider.organization_id)
             .where(ServiceProduct.status == "published", ServiceProvider.status == "admitted"))
    if category:
        query = query.where(ServiceProduct.category == category)
    for term in (q or "").split()[:MAX_TERMS]:
        pattern = _like(term)
        query = query.where(or_(ServiceProduct.title.ilike(pattern, escape="\\"),
                                ServiceProduct.description.ilike(pattern, escape="\\"),
                                ServiceProduct.category.ilike(pattern, escape="\\"),
                                Organization.name.ilike(pattern, escape="\\")))
    return db.paginate(query.order_by(ServiceProduct.id.desc()), page=page, per_page=per_page, error_out=False)

"""揭榜挂帅 challenges (full workflow lands with the challenges issue)."""
from ..extensions import db
from ..models import Demand
from ..timeutil import utcnow


def open_challenges(limit=None):
    query = (db.select(Demand).where(Demand.is_challenge.is_(True), Demand.status == "published",
                                     Demand.deadline > utcnow()).order_by(Demand.deadline.asc()))
    if limit:
        query = query.limit(limit)
    return db.session.scalars(query).all()

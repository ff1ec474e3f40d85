"""The home page's live figures, counted in SQL on indexed columns and kept for a minute per process.

- 成果数: published achievements (ix_achievement_status_published);
- 需求数: public demands, challenges included (ix_demand_published: status is in the index);
- 揭榜挂帅悬赏总额: bounties of public challenges;
- 本年签约: deals signed this (local) year and not terminated, their count and amount.
"""
import time
from decimal import Decimal

from flask import current_app

from ..extensions import db
from ..models import Achievement, Deal, Demand
from ..models.listings import HIDDEN_STATES
from ..timeutil import local_today

ZERO = Decimal("0.00")


def compute():
    year_start = local_today().replace(month=1, day=1)
    achievements = db.session.scalar(db.select(db.func.count()).select_from(Achievement)
                                     .where(Achievement.status == "published"))
    demands = db.session.scalar(db.select(db.func.count()).select_from(Demand)
                                .where(Demand.status.not_in(HIDDEN_STATES)))
    bounty = db.session.scalar(db.select(db.func.sum(Demand.bounty)).where(
        Demand.is_challenge.is_(True), Demand.status.not_in(HIDDEN_STATES)))
    deals, amount = db.session.execute(db.select(db.func.count(Deal.id), db.func.sum(Deal.amount)).where(
        Deal.signed_on >= year_start, Deal.stage != "terminated")).one()
    return {"achievements": achievements or 0, "demands": demands or 0,
            "bounty": Decimal(bounty or ZERO).quantize(ZERO), "year": year_start.year,
            "deals": deals or 0, "deal_amount": Decimal(amount or ZERO).quantize(ZERO)}


def home_figures():
    """compute(), cached for HOME_FIGURES_CACHE_SECONDS (0: always fresh) in this app and process."""
    ttl = current_app.config.get("HOME_FIGURES_CACHE_SECONDS", 60)
    cache = current_app.extensions.setdefault("home_figures", {})
    now = time.monotonic()
    if ttl and cache.get("at") is not None and now - cache["at"] < ttl:
        return cache["figures"]
    figures = compute()
    cache.update(at=now, figures=figures)
    return figures

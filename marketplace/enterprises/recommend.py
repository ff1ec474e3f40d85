"""为您推荐: for the gaps an enterprise's evaluation names, the service categories of the voucher catalogue
(linked as /services?category=<name>) and achievements from the matcher (proposals for its demands, then the
newest published achievements of its field)."""
from urllib.parse import quote

from ..extensions import db
from ..matching.services import SHOWN_STATES
from ..models import Achievement, Demand, Match
from ..models.vouchers import SERVICE_CATEGORIES

# A gap's item (rules.py) -> the service categories that close it. The one place for this mapping.
GAP_SERVICES = {
    "rd": ("研发设计", "科技咨询"),
    "ip": ("知识产权", "技术查新"),
    "staff": ("科技咨询",),
    "high_tech": ("成果评价", "技术转移"),
    "data": ("科技咨询",),
}
GAP_LABELS = {"rd": "研发投入", "ip": "知识产权", "staff": "科技人员", "high_tech": "高新技术产品收入", "data": "数据完善"}
ACHIEVEMENT_LIMIT = 5

assert all(c in SERVICE_CATEGORIES for cats in GAP_SERVICES.values() for c in cats), "unknown service category"


def services_for(gaps):
    """[(category, url, [gap labels])] in catalogue order, for the gap items present."""
    reasons = {}
    for gap in gaps:
        for category in GAP_SERVICES.get(gap["item"], ()):
            label = GAP_LABELS[gap["item"]]
            if label not in reasons.setdefault(category, []):
                reasons[category].append(label)
    return [(c, f"/services?category={quote(c)}", reasons[c]) for c in SERVICE_CATEGORIES if c in reasons]


def achievements_for(org, field_name):
    """Published achievements proposed by the matcher for the enterprise's demands, then by its field."""
    proposed = db.session.scalars(
        db.select(Achievement).join(Match, Match.achievement_id == Achievement.id)
        .join(Demand, Demand.id == Match.demand_id)
        .where(Demand.organization_id == org.id, Match.status.in_(SHOWN_STATES), Achievement.status == "published")
        .order_by(Match.score.desc(), Achievement.id).limit(ACHIEVEMENT_LIMIT)).unique().all()
    chosen = list(dict.fromkeys(proposed))
    if field_name and len(chosen) < ACHIEVEMENT_LIMIT:
        by_field = db.session.scalars(
            db.select(Achievement).where(Achievement.status == "published", Achievement.field == field_name,
                                         Achievement.id.not_in([a.id for a in chosen] or [0]))
            .order_by(Achievement.published_at.desc(), Achievement.id.desc())
            .limit(ACHIEVEMENT_LIMIT - len(chosen))).all()
        chosen += by_field
    return chosen


def recommendations(org, result, field_name):
    gap_items = {g["item"] for g in result.gaps}
    wanted = bool(gap_items & {"rd", "ip", "staff", "high_tech"})
    return {"services": services_for(result.gaps) if wanted else [],
            "achievements": achievements_for(org, field_name) if wanted else []}

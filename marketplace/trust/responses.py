"""我有相关成果: a researcher answers a published (ordinary) demand with one of their published
achievements, or a capability described in text, and a message.

The response is a lead for brokers (/deals/leads, next to the enterprises' enquiries) and a
notification for the demand's owner, who sees the responses on the demand's page. One response per
(demand, achievement): a second attempt gets the first (ResponseExists), here and under a race
(the unique constraint uq_demand_response_pair).
"""
from sqlalchemy.exc import IntegrityError

from ..accounts.membership import can_act_for_org, member_org_id, membership_of
from ..deals.access import require_worker
from ..parsing import parse_id, parse_text
from ..extensions import db
from ..models import Achievement, Demand, DemandResponse
from ..notifications.services import notify
from ..text import SUMMARY_MAX
from ..timeutil import utcnow
from ..workflow import DomainError, NotFound, PermissionDenied, StateMachine, ValidationFailed

RESPONSE_MACHINE = StateMachine("demand_response", {"close": (("open",), "closed", "关闭响应")})
CAPABILITY_MAX = SUMMARY_MAX


class ResponseExists(DomainError):
    status = 409
    code = "conflict"

    def __init__(self, response):
        super().__init__("您的这项成果已响应过该需求")
        self.response = response


def _owned_condition(user):
    """Achievements this user may offer: their own, or their organization's."""
    org_id = member_org_id(user)
    condition = Achievement.owner_id == user.id
    return db.or_(condition, Achievement.organization_id == org_id) if org_id is not None else condition


def offerable_achievements(user, limit=200):
    """The user's (and their organization's) published achievements, newest first."""
    if not user.is_authenticated:
        return []
    return db.session.scalars(db.select(Achievement).where(Achievement.status == "published", _owned_condition(user))
                              .order_by(Achievement.published_at.desc(), Achievement.id.desc()).limit(limit)).all()


def can_respond(user, demand=None):
    """Researchers, or any approved member of an organization with published achievements; not on one's own
    demand, and only to a published ordinary demand (a challenge has its own applications)."""
    if not user.is_authenticated or not can_act_for_org(user) or user.role in ("broker", "admin"):
        return False
    if demand is not None and (demand.owner_id == user.id or demand.is_challenge or demand.status != "published"):
        return False
    if user.role == "researcher":
        return True
    return db.session.scalar(db.select(Achievement.id).where(Achievement.status == "published",
                                                             _owned_condition(user)).limit(1)) is not None


def existing(demand_id, achievement_id):
    if achievement_id is None:
        return None
    return db.session.scalar(db.select(DemandResponse).where(DemandResponse.demand_id == demand_id,
                                                             DemandResponse.achievement_id == achievement_id))


def create_response(user, demand_id, data):
    """Record the response and tell the demand's owner (the caller commits); ResponseExists for a second one."""
    demand = db.session.get(Demand, demand_id)
    if demand is None or demand.status != "published" or demand.is_challenge:
        raise NotFound("该技术需求不存在或不在征集中")
    if not can_respond(user, demand):
        raise PermissionDenied("只有科研人员或拥有已发布成果的单位成员可以响应他人的需求")
    errors = {}
    achievement_id = parse_id(data.get("achievement_id") or None, "成果", "achievement_id", errors)
    capability = parse_text(data.get("capability"), "能力说明", "capability", errors, CAPABILITY_MAX, required=False)
    message = parse_text(data.get("message"), "留言", "message", errors, SUMMARY_MAX)
    achievement = None
    if achievement_id is not None and "achievement_id" not in errors:
        achievement = db.session.get(Achievement, achievement_id)
        if achievement is None or achievement not in offerable_achievements(user):
            errors["achievement_id"] = "请选择您（或您单位）已发布的科技成果"
    if achievement_id is None and not capability and not errors.get("achievement_id"):
        errors["achievement_id"] = "请选择一项已发布的成果，或填写能力说明"
    if errors:
        raise ValidationFailed("提交的内容有误，请修改后重试", errors)
    found = existing(demand.id, achievement_id)
    if found is not None:
        raise ResponseExists(found)
    response = DemandResponse(demand_id=demand.id, user_id=user.id, organization_id=member_org_id(user),
                              achievement_id=achievement_id, capability=capability, message=message,
                              status="open", created_at=utcnow())
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:  # another request recorded the same pair a moment ago: nothing else is pending here
        db.session.rollback()
        raise ResponseExists(existing(demand.id, achievement_id)) from None
    org = membership_of(user)
    who = org.name if org else user.name
    what = f"成果《{achievement.title}》" if achievement else "相关技术能力"
    notify(demand.owner, "demand_response", f"{who} 以{what}响应了您的需求《{demand.title}》",
           f"/demands/{demand.id}#responses")
    return response


def responses_for_demand(demand):
    return db.session.scalars(db.select(DemandResponse).where(DemandResponse.demand_id == demand.id)
                              .order_by(DemandResponse.id.desc())).all()


def sent_by(user, demand):
    if not user.is_authenticated:
        return []
    return db.session.scalars(db.select(DemandResponse).where(DemandResponse.demand_id == demand.id,
                                                              DemandResponse.user_id == user.id)
                              .order_by(DemandResponse.id)).all()


def open_responses(limit=100):
    """The brokers' lead queue, newest first."""
    return db.session.scalars(db.select(DemandResponse).where(DemandResponse.status == "open")
                              .order_by(DemandResponse.id.desc()).limit(limit)).all()


def close_response(response_id, actor):
    require_worker(actor)
    response = db.session.get(DemandResponse, response_id)
    if response is None:
        raise NotFound("该响应不存在")
    event = RESPONSE_MACHINE.apply(response, "close", actor)
    notify(response.user, "demand_response_closed", f"您对需求《{response.demand.title}》的响应已由技术经纪人关闭",
           f"/demands/{response.demand_id}")
    return event


"""揭榜挂帅 challenges: the states a challenge goes through after `published`, the lazy deadline, queries.

A challenge is a Demand with is_challenge; its one `status` moves along the one demand table
(models/listings.py DEMAND_TRANSITIONS: the review lifecycle and the challenge's moves) on the
demand machine of listings/services.py, so every move is an Event row of subject_type "demand". Applications live in applications.py, milestones
in milestones.py.

Choice made here: when a winner is selected, or the challenge is cancelled / declared unclaimed,
every still-open application (submitted or shortlisted) is declined with code `other`, so that no
applicant is left without an answer.
"""
from sqlalchemy.orm import selectinload

from ..accounts.membership import can_act_for_org
from ..extensions import db
from ..listings import services as listings
from ..models import Application, Demand, Event, Milestone
from ..models.challenges import (APPLICATION_STATES, APPLICATION_TRANSITIONS, MILESTONE_STATES,
                                  OPEN_APPLICATION_STATES)
from ..models.listings import CHALLENGE_ACTIONS, CHALLENGE_STATES, LISTING_STATES
from ..notifications.services import notify, notify_many
from ..timeutil import days_left, utcnow
from ..workflow import DomainError, InvalidTransition, NotFound, PermissionDenied, StateMachine, ValidationFailed

CHALLENGE_MACHINE = listings.MACHINES["demand"]  # the one demand machine
APPLICATION_MACHINE = StateMachine("application", APPLICATION_TRANSITIONS)

TABS = {
    "open": ("揭榜中", ("published",)),
    "reviewing": ("评审中", ("reviewing",)),
    "awarded": ("已挂帅", ("awarded", "in_progress")),
    "past": ("已结束", ("completed", "unclaimed", "failed")),
}
STATE_LABELS = {**LISTING_STATES, **CHALLENGE_STATES}
SUBJECT_LABELS = {"demand": "榜单", "application": "申请", "milestone": "里程碑"}


class Conflict(DomainError):
    status = 409
    code = "conflict"


# ---------------------------------------------------------------- access

def is_owner(user, demand):
    return listings.is_owner(user, demand)


def get_challenge(demand_id, user):
    """A challenge this user may see; 404 for non-challenges and hidden drafts."""
    demand = listings.get_visible("demand", demand_id, user)
    if not demand.is_challenge:
        raise NotFound("该榜单不存在")
    return demand


def get_owned_challenge(demand_id, user):
    demand = get_challenge(demand_id, user)
    if not is_owner(user, demand):
        raise PermissionDenied("只有发榜企业可以管理该榜单")
    return demand


def get_challenge_for_staff(demand_id, user):
    """Admins and brokers see every challenge, in any state."""
    if not user.is_authenticated or user.role not in ("admin", "broker"):
        raise PermissionDenied("只有管理员和技术经纪人可以查看")
    demand = db.session.get(Demand, demand_id)
    if demand is None or not demand.is_challenge:
        raise NotFound("该榜单不存在")
    return demand


def _require_owner(demand, user):
    if not is_owner(user, demand):
        raise PermissionDenied("只有发榜企业可以管理该榜单")


# ---------------------------------------------------------------- deadline

def accepting_applications(demand, now=None):
    """Open for applications: published and strictly before the deadline instant (UTC)."""
    now = now or utcnow()
    return bool(demand.is_challenge and demand.status == "published" and demand.deadline is not None
                and now < demand.deadline)


PRE_PUBLICATION_STATES = ("draft", "pending", "rejected")


def time_left_text(demand, now=None):
    """The one rule for a challenge's time text, from its status and deadline.

    Only a challenge still open for applications (or not yet published) counts days to the
    deadline; once closed (early or at the deadline, awarded, ...) it is 已截止, cancelled is 已取消.
    """
    if demand.deadline is None:
        return "—"
    if demand.status == "cancelled":
        return "已取消"
    if demand.status not in ("published", *PRE_PUBLICATION_STATES):
        return "已截止"
    left = days_left(demand.deadline, now)
    if left < 0:
        return "已截止"
    return "今日截止" if left == 0 else f"剩余 {left} 天"


def effective_status_column(now=None):
    """Demand.effective_status in SQL: a published challenge past its deadline reads as `reviewing`."""
    overdue = db.and_(Demand.is_challenge.is_(True), Demand.status == "published", Demand.deadline <= (now or utcnow()))
    return db.case((overdue, "reviewing"), else_=Demand.status)


OWNER_ACTIONS = ("close", "cancel", "unclaimed", "start", "accept", "fail")


def challenge_actions(demand, user):
    """The owner's moves available now, judged on the effective state (the manage page shows exactly these)."""
    if not is_owner(user, demand):
        return []
    state = demand.effective_status
    transitions = CHALLENGE_MACHINE.transitions
    return [name for name in OWNER_ACTIONS if state in transitions[name].sources]


def expire_due_challenges(now=None):
    """Record the move of published challenges past their deadline to `reviewing` (actor None = 系统).

    Run by the hourly task (tasks.expire_challenges) and `flask expire-challenges`, never by a read:
    pages and the API show the effective state (Demand.effective_status) meanwhile. It commits each
    move itself, and stops quietly if a concurrent request got there first.
    """
    now = now or utcnow()
    due = db.session.scalars(db.select(Demand).where(
        Demand.is_challenge.is_(True), Demand.status == "published", Demand.deadline <= now)).all()
    moved = 0
    for demand in due:
        try:
            _expire(demand)
            db.session.commit()
        except InvalidTransition:
            return moved
        moved += 1
    return moved


def _expire(demand):
    CHALLENGE_MACHINE.apply(demand, "expire", None, "已到申请截止时间，自动截止征集")
    notify(demand.owner, "challenge_expired",
           f"揭榜挂帅《{demand.title}》已到申请截止时间，请评审申请并选定揭榜方", manage_url(demand))
    notify_many(applicants(demand), "challenge_closed",
                f"揭榜挂帅《{demand.title}》已截止征集，进入评审阶段", detail_url(demand))


def ensure_reviewing(demand, now=None):
    """Record the expiry of this one challenge if its deadline passed (before an owner's move on it, in that
    POST's transaction)."""
    if demand.status == "published" and demand.deadline is not None and (now or utcnow()) >= demand.deadline:
        _expire(demand)


# ---------------------------------------------------------------- challenge transitions

def applicants(demand):
    """Users with a non-withdrawn application."""
    return [a.applicant for a in demand.applications if a.status != "withdrawn"]


def winner(demand):
    return next((a for a in demand.applications if a.status == "selected"), None)


def decline_open_applications(demand, actor, reason, exclude=None, notify_each=False):
    for app in list(demand.applications):
        if app.status in OPEN_APPLICATION_STATES and app is not exclude:
            APPLICATION_MACHINE.apply(app, "decline", actor, reason)
            app.decline_code, app.decline_reason = "other", reason
            if notify_each:
                notify(app.applicant, "application_declined",
                       f"您对《{demand.title}》的揭榜申请未入选：{reason}", application_url(app))


def close_challenge(demand, user, note=None):
    """Close applications early: published → reviewing."""
    _require_owner(demand, user)
    ensure_reviewing(demand)
    note = (note or "").strip()
    _check_length(note, "说明")
    event = CHALLENGE_MACHINE.apply(demand, "close", user, note or "发榜方提前截止征集")
    notify_many(applicants(demand), "challenge_closed",
                f"揭榜挂帅《{demand.title}》已提前截止征集，进入评审阶段", detail_url(demand))
    return event


def cancel_challenge(demand, user, reason):
    _require_owner(demand, user)
    ensure_reviewing(demand)
    reason = _required_reason(reason, "取消原因")
    return _end_without_winner(demand, user, "cancel", reason, "challenge_cancelled", "已取消")


def declare_unclaimed(demand, user, reason=None):
    """流榜: nobody fits; reviewing → unclaimed."""
    _require_owner(demand, user)
    ensure_reviewing(demand)
    reason = (reason or "").strip() or "无合适揭榜方"
    _check_length(reason, "流榜说明")
    return _end_without_winner(demand, user, "unclaimed", reason, "challenge_unclaimed", "已流榜")


def _end_without_winner(demand, user, action, reason, notice_kind, outcome):
    """Cancel or 流榜: record the reason, decline the open applications and tell every applicant."""
    event = CHALLENGE_MACHINE.apply(demand, action, user, reason)
    demand.close_reason = reason
    decline_open_applications(demand, user, f"榜单{outcome}：{reason}")
    notify_many(applicants(demand), notice_kind, f"揭榜挂帅《{demand.title}》{outcome}：{reason}", detail_url(demand))
    return event


def start_challenge(demand, user):
    _require_owner(demand, user)
    event = CHALLENGE_MACHINE.apply(demand, "start", user, "启动攻关")
    chosen = winner(demand)
    if chosen:
        notify(chosen.applicant, "challenge_started", f"揭榜挂帅《{demand.title}》已启动攻关", application_url(chosen))
    return event


def accept_delivery(demand, user, note=None):
    _require_owner(demand, user)
    note = (note or "").strip() or "验收通过"
    _check_length(note, "验收意见")
    event = CHALLENGE_MACHINE.apply(demand, "accept", user, note)
    _notify_winner(demand, "delivery_accepted", f"揭榜挂帅《{demand.title}》已通过验收：{note}")
    return event


def fail_delivery(demand, user, reason):
    _require_owner(demand, user)
    reason = _required_reason(reason, "验收不通过的原因")
    event = CHALLENGE_MACHINE.apply(demand, "fail", user, reason)
    demand.close_reason = reason
    _notify_winner(demand, "delivery_failed", f"揭榜挂帅《{demand.title}》验收未通过：{reason}")
    return event


def _notify_winner(demand, kind, message):
    chosen = winner(demand)
    if chosen:
        notify(chosen.applicant, kind, message, application_url(chosen))


def _required_reason(reason, label):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(f"请填写{label}", {"reason": f"请填写{label}"})
    _check_length(reason, label)
    return reason


def _check_length(text, label, limit=2000):
    if len(text) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 个字符", {"reason": f"{label}不能超过 {limit} 个字符"})


# ---------------------------------------------------------------- urls

def detail_url(demand):
    return f"/demands/{demand.id}"


def manage_url(demand):
    return f"/challenges/{demand.id}/manage"


def application_url(app):
    return f"/applications/{app.id}"


# ---------------------------------------------------------------- queries

def open_challenges(limit=None, now=None):
    query = (db.select(Demand).where(Demand.is_challenge.is_(True), Demand.status == "published",
                                     Demand.deadline > (now or utcnow())).order_by(Demand.deadline.asc()))
    if limit:
        query = query.limit(limit)
    return db.session.scalars(query).all()


def browse_challenges(tab, page, per_page):
    """One tab of /challenges as a Pagination; open ones soonest deadline first."""
    states = TABS.get(tab, TABS["open"])[1]
    query = (db.select(Demand).where(Demand.is_challenge.is_(True), effective_status_column().in_(states))
             .options(selectinload(Demand.organization)))  # each card shows it: one query, not one per card
    if tab in (None, "", "open"):
        query = query.order_by(Demand.deadline.asc(), Demand.id.asc())
    else:
        query = query.order_by(Demand.updated_at.desc(), Demand.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def applicant_counts(demand_ids):
    """{demand_id: number of non-withdrawn applications}."""
    if not demand_ids:
        return {}
    rows = db.session.execute(
        db.select(Application.demand_id, db.func.count(Application.id))
        .where(Application.demand_id.in_(demand_ids), Application.status != "withdrawn")
        .group_by(Application.demand_id)).all()
    return dict(rows)


def status_counts(demand_ids):
    """{demand_id: {application status: count}} for the admin overview."""
    counts = {i: {} for i in demand_ids}
    if demand_ids:
        rows = db.session.execute(
            db.select(Application.demand_id, Application.status, db.func.count(Application.id))
            .where(Application.demand_id.in_(demand_ids))
            .group_by(Application.demand_id, Application.status)).all()
        for demand_id, status, n in rows:
            counts[demand_id][status] = n
    return counts


def admin_overview(status, page, per_page):
    query = db.select(Demand).where(Demand.is_challenge.is_(True))
    if status:
        query = query.where(effective_status_column() == status)
    return db.paginate(query.order_by(Demand.id.desc()), page=page, per_page=per_page, error_out=False)


def timeline(demand):
    """Events of the challenge, its applications and milestones, oldest first, with a label each."""
    app_ids = [a.id for a in demand.applications]
    ms_ids = [m.id for m in demand.milestones]
    conditions = [db.and_(Event.subject_type == "demand", Event.subject_id == demand.id)]
    if app_ids:
        conditions.append(db.and_(Event.subject_type == "application", Event.subject_id.in_(app_ids)))
    if ms_ids:
        conditions.append(db.and_(Event.subject_type == "milestone", Event.subject_id.in_(ms_ids)))
    events = db.session.scalars(db.select(Event).where(db.or_(*conditions))
                                .order_by(Event.created_at, Event.id)).all()
    labels = {"demand": STATE_LABELS, "application": APPLICATION_STATES, "milestone": MILESTONE_STATES}
    return [{"event": e, "subject": _subject_label(e, demand),
             "from": labels[e.subject_type].get(e.from_state, e.from_state or ""),
             "to": labels[e.subject_type].get(e.to_state, e.to_state)} for e in events]


def _subject_label(event, demand):
    if event.subject_type == "application":
        app = next((a for a in demand.applications if a.id == event.subject_id), None)
        return f"申请 #{event.subject_id}（{app.applicant.name}）" if app else f"申请 #{event.subject_id}"
    if event.subject_type == "milestone":
        ms = db.session.get(Milestone, event.subject_id)
        return f"里程碑：{ms.title}" if ms else "里程碑"
    return "榜单"


def my_application(demand, user):
    if not user.is_authenticated:
        return None
    return next((a for a in demand.applications if a.applicant_id == user.id), None)


def can_apply(user, demand, now=None):
    return (user.is_authenticated and user.role == "researcher" and can_act_for_org(user)
            and accepting_applications(demand, now)
            and my_application(demand, user) is None)


def challenge_panel(demand, user):
    """Context for the challenge panel on /demands/<id> (templates/challenges/_panel.html)."""
    return {
        "demand": demand,
        "days_left": days_left(demand.deadline),
        "accepting": accepting_applications(demand),
        "can_apply": can_apply(user, demand),
        "my_application": my_application(demand, user),
        "is_owner": is_owner(user, demand),
        "applicant_count": applicant_counts([demand.id]).get(demand.id, 0),
        "milestones": demand.milestones,
        "timeline": [t for t in timeline(demand) if t["event"].subject_type == "milestone"
                     or t["event"].action in CHALLENGE_ACTIONS],
    }


def dashboard_for(user):
    """The /me section: a user's own challenges (with applicant counts) and applications."""
    if not user.is_authenticated:
        return {"challenges": [], "counts": {}, "applications": []}
    owned = db.session.scalars(db.select(Demand).where(Demand.is_challenge.is_(True), Demand.owner_id == user.id)
                               .order_by(Demand.id.desc())).all()
    apps = db.session.scalars(db.select(Application).where(Application.applicant_id == user.id)
                              .order_by(Application.id.desc())).all()
    return {"challenges": owned, "counts": applicant_counts([d.id for d in owned]), "applications": apps}

"""Milestones of a challenge: a share of the bounty each (shares sum ≤ 100%), progress and acceptance.

The owner defines (and may delete) milestones until work starts; while the challenge is in progress the owner or
the selected team records progress (→ 待验收), and the owner accepts it or asks for rework.
"""

from ..extensions import db
from ..models import Milestone
from ..models.challenges import MILESTONE_TRANSITIONS
from ..notifications.services import notify
from ..parsing import parse_date
from ..text import SUMMARY_MAX, TITLE_MAX
from ..workflow import InvalidTransition, NotFound, PermissionDenied, StateMachine, ValidationFailed
from .services import application_url, is_owner, manage_url, winner

MILESTONE_MACHINE = StateMachine("milestone", MILESTONE_TRANSITIONS)
EDITABLE_CHALLENGE_STATES = ("draft", "pending", "rejected", "published", "reviewing", "awarded")


def clean_milestone(data, demand, exclude=None):
    errors = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = "请填写里程碑名称"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"名称不能超过 {TITLE_MAX} 个字符"
    try:
        share = int(data.get("share_percent") if data.get("share_percent") not in (None, "") else 0)
    except (TypeError, ValueError):
        share, errors["share_percent"] = 0, "占比必须是 0 到 100 的整数"
    used = sum(m.share_percent for m in demand.milestones if m is not exclude)
    if "share_percent" not in errors and not 0 <= share <= 100:
        errors["share_percent"] = "占比必须是 0 到 100 的整数"
    elif "share_percent" not in errors and used + share > 100:
        errors["share_percent"] = f"各里程碑占比之和不能超过 100%（已分配 {used}%）"
    due_on = parse_date(data.get("due_on"), "计划完成日期", "due_on", errors, required=False, not_after_today=False)
    if errors:
        raise ValidationFailed("里程碑内容有误", errors)
    return {"title": title, "share_percent": share, "due_on": due_on}


def add_milestone(demand, user, data):
    if not is_owner(user, demand):
        raise PermissionDenied("只有发榜企业可以设置里程碑")
    if demand.status not in EDITABLE_CHALLENGE_STATES:
        raise InvalidTransition("攻关开始后不能再增加里程碑")
    values = clean_milestone(data, demand)
    position = max((m.position for m in demand.milestones), default=0) + 1
    milestone = Milestone(demand_id=demand.id, position=position, status="planned", **values)
    db.session.add(milestone)
    db.session.flush()
    db.session.refresh(demand, ["milestones"])
    return milestone


def can_delete_milestone(user, milestone):
    return is_owner(user, milestone.demand) and milestone.demand.status in EDITABLE_CHALLENGE_STATES \
        and milestone.status == "planned"


def delete_milestone(milestone, user):
    """The owner removes a milestone while milestones may still be changed (before work starts)."""
    demand = milestone.demand
    if not is_owner(user, demand):
        raise PermissionDenied("只有发榜企业可以删除里程碑")
    if not can_delete_milestone(user, milestone):
        raise InvalidTransition("攻关开始后不能再删除里程碑")
    db.session.delete(milestone)
    db.session.flush()
    db.session.refresh(demand, ["milestones"])
    for position, remaining in enumerate(sorted(demand.milestones, key=lambda m: m.position), start=1):
        remaining.position = position  # the list stays numbered 1, 2, 3 …


def get_milestone(demand, milestone_id):
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.demand_id != demand.id:
        raise NotFound("该里程碑不存在")
    return milestone


def _require_in_progress(demand):
    if demand.status != "in_progress":
        raise InvalidTransition("只有攻关中的榜单可以记录和验收里程碑")


def _is_winner(user, demand):
    chosen = winner(demand)
    return chosen is not None and user.is_authenticated and chosen.applicant_id == user.id


def require_participant(demand, user):
    """The owner or the selected team (who record progress); anyone else is refused."""
    if not (is_owner(user, demand) or _is_winner(user, demand)):
        raise PermissionDenied("只有发榜企业或揭榜团队可以处理里程碑")


def milestone_actions(milestone, user):
    """What this user may do with the milestone now: report (owner or selected team), accept / reject (owner)."""
    if milestone.demand.status != "in_progress":
        return []
    owner = is_owner(user, milestone.demand)
    allowed = {"report": owner or _is_winner(user, milestone.demand), "accept": owner, "reject": owner}
    return [name for name, may in allowed.items() if may and MILESTONE_MACHINE.can(milestone, name)]


def report_progress(milestone, user, note):
    demand = milestone.demand
    chosen = winner(demand)
    if not (is_owner(user, demand) or _is_winner(user, demand)):
        raise PermissionDenied("只有发榜企业或揭榜团队可以记录进展")
    _require_in_progress(demand)
    note = _note(note, required=True)
    event = MILESTONE_MACHINE.apply(milestone, "report", user, note)
    milestone.note = note
    if is_owner(user, demand):
        if chosen:
            notify(chosen.applicant, "milestone_reported", f"《{demand.title}》里程碑“{milestone.title}”进展已记录：{note}",
                   application_url(chosen))
    else:
        notify(demand.owner, "milestone_reported", f"《{demand.title}》里程碑“{milestone.title}”提交了进展，待验收",
               manage_url(demand))
    return event


def accept_milestone(milestone, user, note=None):
    return _review(milestone, user, "accept", _note(note) or "验收通过", "已通过验收")


def reject_milestone(milestone, user, note):
    return _review(milestone, user, "reject", _note(note, required=True), "需要整改")


def _review(milestone, user, action, note, outcome):
    demand = milestone.demand
    if not is_owner(user, demand):
        raise PermissionDenied("只有发榜企业可以验收里程碑")
    _require_in_progress(demand)
    event = MILESTONE_MACHINE.apply(milestone, action, user, note)
    milestone.note = note
    chosen = winner(demand)
    if chosen:
        notify(chosen.applicant, f"milestone_{action}ed",
               f"《{demand.title}》里程碑“{milestone.title}”{outcome}：{note}", application_url(chosen))
    return event


def _note(note, required=False):
    note = (note or "").strip()
    if required and not note:
        raise ValidationFailed("请填写说明", {"note": "请填写说明"})
    if len(note) > SUMMARY_MAX:
        raise ValidationFailed(f"说明不能超过 {SUMMARY_MAX} 个字符", {"note": f"说明不能超过 {SUMMARY_MAX} 个字符"})
    return note

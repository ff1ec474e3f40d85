"""揭榜申请: apply, edit and withdraw (applicant); shortlist, decline and select (the challenge's owner)."""

from ..accounts.membership import can_act_for_org, member_org_id, membership_of
from ..extensions import db
from ..models import Application
from ..models.challenges import DECLINE_REASONS
from ..notifications.services import notify
from ..parsing import parse_amount
from ..text import DESCRIPTION_MAX, SUMMARY_MAX, html_to_text, sanitize_html, too_long
from ..timeutil import utcnow
from ..workflow import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from .services import (APPLICATION_MACHINE, CHALLENGE_MACHINE, OPEN_APPLICATION_STATES, Conflict,
                       accepting_applications, application_url, decline_open_applications, ensure_reviewing,
                       is_owner, manage_url)

AUTO_DECLINE_REASON = "已选定其他团队"


# ---------------------------------------------------------------- validation

def clean_application(data):
    """Validate proposal (rich text), quote (万元), team and plan; raise ValidationFailed."""
    errors = {}
    raw = str(data.get("proposal") or "")
    too_big = too_long(raw, "技术方案", DESCRIPTION_MAX)  # checked before bleach, whose work grows with input
    proposal = "" if too_big else sanitize_html(raw)
    if too_big:
        errors["proposal"] = too_big
    elif not html_to_text(proposal).strip():
        errors["proposal"] = "请填写技术方案"
    elif len(proposal) > DESCRIPTION_MAX:
        errors["proposal"] = f"技术方案不能超过 {DESCRIPTION_MAX} 个字符（清理格式后 {len(proposal)} 个）"
    team = str(data.get("team") or "").strip()
    if len(team) > SUMMARY_MAX:
        errors["team"] = f"团队介绍不能超过 {SUMMARY_MAX} 个字符（当前 {len(team)} 个）"
    plan = str(data.get("plan") or "").strip()
    if len(plan) > DESCRIPTION_MAX:
        errors["plan"] = f"计划与进度安排不能超过 {DESCRIPTION_MAX} 个字符（当前 {len(plan)} 个）"
    quote = parse_amount(data.get("quote"), "报价", "quote", errors, allow_zero=True)
    if errors:
        raise ValidationFailed("申请内容有误，请修改后重试", errors)
    return {"proposal": proposal, "team": team, "plan": plan, "quote": quote}


def quote_above_bounty(quote, demand):
    """A quote above the challenge's bounty is allowed; the applicant is warned and the owner sees 报价高于悬赏."""
    return quote is not None and demand.bounty is not None and quote > demand.bounty


def over_bounty_warning(demand, data):
    """The warning the apply / edit form shows before a quote above the bounty is sent, or None."""
    quote = parse_amount(data.get("quote"), "报价", "quote", {}, allow_zero=True)
    if not quote_above_bounty(quote, demand):
        return None
    return (f"您的报价 {quote} 万元高于本榜悬赏 {demand.bounty} 万元。可以提交，但发榜企业会看到“报价高于悬赏”的提示；"
            "如确认按此报价申请，请勾选下方确认框后再提交。")


# ---------------------------------------------------------------- access

def can_view(user, app):
    return user.is_authenticated and (app.applicant_id == user.id or is_owner(user, app.demand)
                                      or user.role == "admin")


def get_application(app_id, user):
    """The application if the user may see it (applicant, challenge owner, admin); 404 otherwise."""
    app = db.session.get(Application, app_id)
    if app is None or not can_view(user, app):
        raise NotFound("该申请不存在")
    return app


def can_edit(user, app, now=None):
    return (user.is_authenticated and app.applicant_id == user.id and app.status in OPEN_APPLICATION_STATES
            and accepting_applications(app.demand, now))


def require_applicant(app, user):
    if app.applicant_id != user.id:
        raise PermissionDenied("只有申请人可以修改或撤回申请")


def _require_challenge_owner(app, user):
    if not is_owner(user, app.demand):
        raise PermissionDenied("只有发榜企业可以处理申请")


def get_owned_application(app_id, user):
    """An application the user may decide on (the challenge's owner): 404 if unseen, 403 if only seen."""
    app = get_application(app_id, user)
    _require_challenge_owner(app, user)
    return app


def applications_for(demand, user):
    """The challenge's applications, for its owner and admins."""
    if not (is_owner(user, demand) or (user.is_authenticated and user.role == "admin")):
        raise PermissionDenied("只有发榜企业可以查看申请列表")
    return demand.applications


def require_can_apply(user):
    """Researchers (高校院所及其团队) whose membership is approved may apply."""
    if not user.is_authenticated or user.role != "researcher":
        raise PermissionDenied("只有科研人员（高校院所及其团队）可以揭榜")
    if not can_act_for_org(user):
        raise PermissionDenied("加入单位的申请通过后才能揭榜")


def _require_open(demand, now):
    if not demand.is_challenge:
        raise NotFound("该榜单不存在")
    if not accepting_applications(demand, now):
        if demand.status == "published":
            raise InvalidTransition("申请截止时间已过，不能再提交或修改申请")
        raise InvalidTransition("该榜单当前不接受申请")


# ---------------------------------------------------------------- applicant

def apply_to_challenge(demand, user, data, now=None):
    """Create a `submitted` application (the caller commits)."""
    require_can_apply(user)
    _require_open(demand, now)
    if db.session.scalar(db.select(Application.id).where(Application.demand_id == demand.id,
                                                         Application.applicant_id == user.id)):
        raise Conflict("您已申请过该榜单，可在“我的申请”中修改")
    values = clean_application(data)
    app = Application(demand_id=demand.id, applicant_id=user.id, organization_id=member_org_id(user),
                      status="submitted", **values)
    db.session.add(app)
    db.session.flush()
    org = f"（{membership_of(user).name}）" if membership_of(user) else ""
    above = "（报价高于悬赏）" if quote_above_bounty(app.quote, demand) else ""
    notify(demand.owner, "application_new", f"{user.name}{org}申请揭榜《{demand.title}》，报价 {app.quote} 万元{above}",
           application_url(app))
    return app


def update_application(app, user, data, now=None):
    require_applicant(app, user)
    if app.status not in OPEN_APPLICATION_STATES:
        raise InvalidTransition("该申请已处理，不能再修改")
    _require_open(app.demand, now)
    for key, value in clean_application(data).items():
        setattr(app, key, value)
    app.updated_at = utcnow()
    return app


def withdraw_application(app, user, now=None):
    require_applicant(app, user)
    if app.status in OPEN_APPLICATION_STATES:
        _require_open(app.demand, now)
    event = APPLICATION_MACHINE.apply(app, "withdraw", user, "申请人撤回")
    notify(app.demand.owner, "application_withdrawn",
           f"{user.name} 撤回了对《{app.demand.title}》的揭榜申请", manage_url(app.demand))
    return event


# ---------------------------------------------------------------- owner

def _require_under_review(demand):
    if demand.status not in ("published", "reviewing"):
        raise InvalidTransition("榜单已结束评审，不能再处理申请")


def owner_actions(app, user, now=None):
    """What the challenge's owner may do with this application now: shortlist, select, decline.

    The manage page shows exactly these; select needs applications closed (deadline passed or closed early).
    """
    demand = app.demand
    if not is_owner(user, demand) or demand.status not in ("published", "reviewing"):
        return []
    actions = [name for name in ("shortlist", "select", "decline") if APPLICATION_MACHINE.can(app, name)]
    if accepting_applications(demand, now):
        actions = [name for name in actions if name != "select"]
    return actions


def shortlist_application(app, user):
    _require_challenge_owner(app, user)
    _require_under_review(app.demand)
    event = APPLICATION_MACHINE.apply(app, "shortlist", user)
    notify(app.applicant, "application_shortlisted", f"您对《{app.demand.title}》的揭榜申请已入围", application_url(app))
    return event


def decline_application(app, user, reason, code=None):
    """Decline with a structured reason: a code of DECLINE_REASONS plus free text (required for 其他)."""
    _require_challenge_owner(app, user)
    code = (code or "other").strip()
    if code not in DECLINE_REASONS:
        raise ValidationFailed("未入选原因无效", {"code": f"可选：{'、'.join(DECLINE_REASONS)}"})
    reason = (reason or "").strip()
    if code == "other" and not reason:
        raise ValidationFailed("请填写未入选的具体原因", {"reason": "请填写未入选的具体原因"})
    if len(reason) > SUMMARY_MAX:
        raise ValidationFailed(f"原因不能超过 {SUMMARY_MAX} 个字符", {"reason": f"原因不能超过 {SUMMARY_MAX} 个字符"})
    _require_under_review(app.demand)
    label = DECLINE_REASONS[code]
    text = f"{label}：{reason}" if reason and code != "other" else (reason or label)
    event = APPLICATION_MACHINE.apply(app, "decline", user, text)
    app.decline_code, app.decline_reason = code, reason or label
    notify(app.applicant, "application_declined",
           f"您对《{app.demand.title}》的揭榜申请未入选，原因：{text}", application_url(app))
    return event


def select_application(app, user, now=None):
    """挂帅: the application → selected and the challenge → awarded, in one transaction.

    The challenge's compare-and-set UPDATE (reviewing → awarded) comes first, so of two concurrent
    selects only one can pass it; the other gets InvalidTransition and its session is rolled back.
    """
    _require_challenge_owner(app, user)
    demand = app.demand
    if app.status not in OPEN_APPLICATION_STATES:
        raise InvalidTransition("该申请当前状态不能被选定")
    ensure_reviewing(demand, now)
    if demand.status == "published":
        raise InvalidTransition("申请截止前不能选定揭榜方，请先截止征集")
    CHALLENGE_MACHINE.apply(demand, "select", user, f"选定申请 #{app.id}（{app.applicant.name}）")
    event = APPLICATION_MACHINE.apply(app, "select", user)
    notify(app.applicant, "application_selected", f"恭喜！您已揭榜《{demand.title}》并被选定挂帅",
           application_url(app))
    decline_open_applications(demand, user, AUTO_DECLINE_REASON, exclude=app, notify_each=True)
    return event

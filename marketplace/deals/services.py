"""Deals: open one (from a match, an enquiry or from scratch), move it through its stages,
terminate it, assign its broker, keep notes and next steps.

Every stage change goes through DEAL_MACHINE (workflow.StateMachine, attr="stage"), which
records the Event; each stage's required values are checked here, not only in the forms.
The caller commits.
"""
from ..accounts.membership import members_of, membership_of
from ..extensions import db
from ..models import Achievement, Deal, DealNote, Demand, Enquiry, Match, Organization, User
from ..models.deals import CONTRACT_TYPES, DEAL_STAGES, DEAL_TRANSITIONS, OPEN_STAGES
from ..models.matching import MATCH_TRANSITIONS
from ..notifications.services import notify_many
from ..timeutil import utcnow
from ..workflow import DomainError, InvalidTransition, PermissionDenied, StateMachine, ValidationFailed
from .access import can_manage, is_admin, require_worker
from ..parsing import parse_amount, parse_choice, parse_date, parse_id, parse_text
from .enquiries import ENQUIRY_MACHINE
from .queries import deals_for_user

DEAL_MACHINE = StateMachine("deal", DEAL_TRANSITIONS, attr="stage")
FORWARD_ACTIONS = ("sign", "register", "deliver", "complete")  # one stage forward each, in order
ACTION_FOR_TARGET = {DEAL_TRANSITIONS[action][1]: action for action in FORWARD_ACTIONS}
# A match leaves the brokers' queue through the same helper (compare-and-set: converted once).
MATCH_MACHINE = StateMachine("match", MATCH_TRANSITIONS)
NOTE_MAX = 2000


class DealExists(DomainError):
    """The pair (achievement, buyer organization) already has a running deal (see existing_deal)."""
    status = 409
    code = "deal_exists"

    def __init__(self, deal):
        super().__init__(f"该成果与需求方已有进行中的交易 #{deal.id}（{deal.stage_label}），请在该交易中继续跟进")
        self.deal = deal
TEXT_MAX = 2000


def for_user(user):
    """The deals this user takes part in (as party or broker), newest first: for the /me page."""
    return deals_for_user(user)


def deal_url(deal):
    return f"/deals/{deal.id}"


def participants(deal):
    """Everyone told about a deal's moves: both parties' members, the owner, the enquirer, the broker."""
    users = list(members_of([deal.supplier_org_id, deal.buyer_org_id]))
    if deal.achievement is not None:
        users.append(deal.achievement.owner)
    if deal.enquiry is not None:
        users.append(deal.enquiry.user)
    if deal.broker is not None:
        users.append(deal.broker)
    return users


# ---------------------------------------------------------------- opening a deal

def _broker_for(actor, broker_id, errors):
    """Brokers take their own deals; only an admin names another broker (or none)."""
    if broker_id is None:
        return actor if actor.role == "broker" else None
    broker = db.session.get(User, broker_id)
    if broker is None or broker.role != "broker" or not broker.active:
        errors["broker_id"] = "指定的技术经纪人不存在"
        return None
    if broker.id != actor.id and not is_admin(actor):
        raise PermissionDenied("只有管理员可以把交易分配给其他技术经纪人")
    return broker


def _source(data, errors):
    """Resolve achievement, demand, match, enquiry and buyer organization from the ids given."""
    ids = {key: parse_id(data.get(key), label, key, errors) for key, label in (
        ("achievement_id", "成果编号"), ("demand_id", "需求编号"), ("match_id", "推荐编号"),
        ("enquiry_id", "意向编号"), ("buyer_org_id", "需求方单位编号"), ("broker_id", "经纪人编号"))}
    found = {}
    for key, model in (("match_id", Match), ("enquiry_id", Enquiry), ("achievement_id", Achievement),
                       ("demand_id", Demand), ("buyer_org_id", Organization)):
        if ids[key] is not None:
            found[key] = db.session.get(model, ids[key])
            if found[key] is None:
                errors[key] = "指定的记录不存在"
    return ids, found


def _combine(found, errors):
    match, enquiry = found.get("match_id"), found.get("enquiry_id")
    achievement, demand = found.get("achievement_id"), found.get("demand_id")
    buyer = found.get("buyer_org_id")
    for origin in (match, enquiry):
        if origin is None:
            continue
        if achievement is not None and achievement.id != origin.achievement_id:
            errors["achievement_id"] = "成果与来源记录不一致"
        achievement = origin.achievement
    if match is not None:
        if demand is not None and demand.id != match.demand_id:
            errors["demand_id"] = "需求与推荐记录不一致"
        demand = match.demand
    if buyer is None and demand is not None:
        buyer = demand.organization
    if buyer is None and enquiry is not None:
        buyer = enquiry.organization or membership_of(enquiry.user)
    if achievement is None and "achievement_id" not in errors:
        errors["achievement_id"] = "请选择科技成果"
    elif achievement is not None and achievement.status != "published":
        errors["achievement_id"] = "只能为已发布的科技成果建立交易"
    if buyer is None and "buyer_org_id" not in errors:  # pages and API alike: a deal has a buyer
        errors["buyer_org_id"] = "请选择需求方企业"
    return achievement, demand, buyer


def existing_deal(achievement, buyer):
    """The one rule: a pair (achievement + buyer organization) has at most one running deal (an open stage:
    not terminated, not yet commercialized); a finished deal does not block a new one (e.g. a second licence)."""
    if achievement is None or buyer is None:
        return None
    return db.session.scalar(db.select(Deal).where(Deal.achievement_id == achievement.id,
                                                   Deal.buyer_org_id == buyer.id, Deal.stage.in_(OPEN_STAGES))
                             .order_by(Deal.id).limit(1))


def existing_deal_for(match=None, enquiry=None):
    """The pair's existing deal for a match or an enquiry about to be opened as a deal, if any."""
    found = {key: value for key, value in (("match_id", match), ("enquiry_id", enquiry)) if value is not None}
    achievement, _, buyer = _combine(found, {})
    return existing_deal(achievement, buyer)


def create_deal(actor, data):
    """Open a deal in `negotiating`. data: achievement_id, demand_id?, match_id?, enquiry_id?,
    buyer_org_id?, broker_id? (ids as ints or strings)."""
    require_worker(actor)
    errors = {}
    ids, found = _source(data, errors)
    broker = _broker_for(actor, ids["broker_id"], errors)
    achievement, demand, buyer = _combine(found, errors)
    if errors:
        raise ValidationFailed("无法建立交易，请检查填写的内容", errors)
    match, enquiry = found.get("match_id"), found.get("enquiry_id")
    if match is not None and match.status != "proposed":
        raise InvalidTransition("该推荐已处理（已忽略或已转为交易）")
    if enquiry is not None and enquiry.status != "open":
        raise InvalidTransition("该意向已处理（已转为交易或已关闭）")
    found_deal = existing_deal(achievement, buyer)
    if found_deal is not None:
        raise DealExists(found_deal)
    deal = Deal(title=achievement.title[:200], achievement_id=achievement.id,
                demand_id=demand.id if demand else None, match_id=match.id if match else None,
                enquiry_id=enquiry.id if enquiry else None, broker_id=broker.id if broker else None,
                supplier_org_id=achievement.organization_id, buyer_org_id=buyer.id if buyer else None,
                field=achievement.field or "其他", created_at=utcnow(), stage_changed_at=utcnow())
    DEAL_MACHINE.begin(deal, "open", actor, _origin_note(match, enquiry))
    if match is not None:
        MATCH_MACHINE.apply(match, "convert", actor, f"交易 #{deal.id}")
        match.deal_id = deal.id
    if enquiry is not None:
        ENQUIRY_MACHINE.apply(enquiry, "convert", actor, f"交易 #{deal.id}")
    notify_many(participants(deal), "deal_opened", f"交易《{deal.title}》已立项，进入洽谈阶段", deal_url(deal),
                exclude=actor)
    return deal


def _origin_note(match, enquiry):
    if match is not None:
        return f"来自匹配推荐 #{match.id}"
    if enquiry is not None:
        return f"来自合作意向 #{enquiry.id}"
    return "经纪人直接立项"


# ---------------------------------------------------------------- stages

def _sign_values(deal, data, errors):
    return {"contract_type": parse_choice(data.get("contract_type"), "合同类型", "contract_type", errors,
                                          CONTRACT_TYPES),
            "amount": parse_amount(data.get("amount"), "合同金额", "amount", errors),
            "signed_on": parse_date(data.get("signed_on"), "签约日期", "signed_on", errors)}


def _register_values(deal, data, errors):
    values = {"registration_no": parse_text(data.get("registration_no"), "认定登记号", "registration_no",
                                            errors, 60),
              "registered_on": parse_date(data.get("registered_on"), "认定登记日期", "registered_on", errors)}
    if values["registered_on"] and deal.signed_on and values["registered_on"] < deal.signed_on:
        errors["registered_on"] = "认定登记日期不能早于签约日期"
    return values


def _deliver_values(deal, data, errors):
    return {"delivery_note": parse_text(data.get("note"), "交付说明", "note", errors, TEXT_MAX)}


def _complete_values(deal, data, errors):
    return {"outcome_note": parse_text(data.get("note"), "转化成果说明", "note", errors, TEXT_MAX)}


STAGE_VALUES = {"sign": _sign_values, "register": _register_values, "deliver": _deliver_values,
                "complete": _complete_values}


def _event_note(action, values):
    if action == "sign":
        return f"{values['contract_type']}合同，金额 {values['amount']} 万元，签约日期 {values['signed_on']}"
    if action == "register":
        return f"认定登记号 {values['registration_no']}，登记日期 {values['registered_on']}"
    return values.get("delivery_note") or values.get("outcome_note")


def advance_deal(deal, actor, to, data):
    """Move the deal one stage forward to `to`, with that stage's required values in data.

    A stage that is not the next one raises InvalidTransition (409) before the values are
    looked at; missing or bad values raise ValidationFailed (400) with one error per field.
    """
    if not can_manage(actor, deal):
        raise PermissionDenied("只有负责该交易的技术经纪人或管理员可以推进交易")
    if to == "terminated":
        raise ValidationFailed("终止交易请使用终止操作并填写原因", {"to": "请使用终止操作"})
    if to not in DEAL_STAGES:
        raise ValidationFailed("目标阶段无效", {"to": f"可选：{'、'.join(ACTION_FOR_TARGET)}"})
    action = ACTION_FOR_TARGET.get(to)
    if action is None or not DEAL_MACHINE.can(deal, action):
        raise InvalidTransition(f"交易当前处于「{deal.stage_label}」，不能直接进入「{DEAL_STAGES[to]}」（须逐级推进）")
    errors = {}
    values = STAGE_VALUES[action](deal, data, errors)
    if errors:
        raise ValidationFailed(f"进入「{DEAL_STAGES[to]}」阶段需要补充信息", errors)
    event = DEAL_MACHINE.apply(deal, action, actor, _event_note(action, values))
    for key, value in values.items():
        setattr(deal, key, value)
    deal.stage_changed_at = event.created_at = utcnow()
    _drop_next_step_if_closed(deal)
    notify_many(participants(deal), "deal_stage", f"交易《{deal.title}》进入「{DEAL_STAGES[to]}」阶段",
                deal_url(deal), exclude=actor)
    return event


def terminate_deal(deal, actor, reason):
    if not can_manage(actor, deal):
        raise PermissionDenied("只有负责该交易的技术经纪人或管理员可以终止交易")
    if not DEAL_MACHINE.can(deal, "terminate"):
        raise InvalidTransition(f"交易已处于「{deal.stage_label}」，不能终止")
    errors = {}
    reason = parse_text(reason, "终止原因", "reason", errors, TEXT_MAX)
    if errors:
        raise ValidationFailed("终止交易必须填写原因", errors)
    event = DEAL_MACHINE.apply(deal, "terminate", actor, reason)
    deal.terminate_reason = reason
    deal.stage_changed_at = event.created_at = utcnow()
    _drop_next_step_if_closed(deal)
    notify_many(participants(deal), "deal_terminated", f"交易《{deal.title}》已终止：{reason}", deal_url(deal),
                exclude=actor)
    return event


def next_stage(deal):
    """The stage the deal can move to next, or None once it is closed."""
    for action in FORWARD_ACTIONS:
        if DEAL_MACHINE.can(deal, action):
            return DEAL_TRANSITIONS[action][1]
    return None


def is_open(deal):
    return deal.stage in OPEN_STAGES


def _drop_next_step_if_closed(deal):
    """A closed deal (已转化, 已终止) has no next step."""
    if not is_open(deal):
        deal.next_step = deal.next_step_on = None


# ---------------------------------------------------------------- broker's working tools

def assign_broker(deal, admin, broker_id):
    if not is_admin(admin):
        raise PermissionDenied("只有管理员可以重新分配技术经纪人")
    errors = {}
    broker = _broker_for(admin, parse_id(broker_id, "经纪人编号", "broker_id", errors), errors)
    if broker is None and not errors:
        errors["broker_id"] = "请选择技术经纪人"
    if errors:
        raise ValidationFailed("分配失败", errors)
    previous = deal.broker
    deal.broker_id = broker.id
    db.session.flush()
    db.session.refresh(deal, ["broker"])
    notify_many([broker], "deal_assigned", f"您被指派负责交易《{deal.title}》", deal_url(deal))
    if previous is not None and previous.id != broker.id:
        notify_many([previous], "deal_assigned", f"交易《{deal.title}》已改由 {broker.name} 负责", deal_url(deal))
    return deal


def add_note(deal, actor, body):
    if not can_manage(actor, deal):
        raise PermissionDenied("只有负责该交易的技术经纪人或管理员可以记录备注")
    errors = {}
    body = parse_text(body, "备注", "body", errors, NOTE_MAX)
    if errors:
        raise ValidationFailed("备注内容有误", errors)
    note = DealNote(deal_id=deal.id, author_id=actor.id, body=body, created_at=utcnow())
    db.session.add(note)
    return note


def set_next_step(deal, actor, text, on):
    """The broker's next step and its date; clearing both is allowed."""
    if not can_manage(actor, deal):
        raise PermissionDenied("只有负责该交易的技术经纪人或管理员可以设置下一步")
    if not is_open(deal):
        raise InvalidTransition(f"交易已「{deal.stage_label}」，不再设置下一步")
    errors = {}
    text = parse_text(text, "下一步计划", "next_step", errors, 200, required=False)
    day = parse_date(on, "计划日期", "next_step_on", errors, required=False, not_after_today=False)
    if day is not None and not text and "next_step" not in errors:
        errors["next_step"] = "请填写下一步计划"
    if errors:
        raise ValidationFailed("下一步计划有误", errors)
    deal.next_step, deal.next_step_on = text, day
    return deal

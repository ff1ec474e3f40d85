"""Deal rules at the service level: opening, every stage move allowed and refused, termination,
money and dates, notes, next steps, reassignment, notifications."""
from datetime import timedelta

import pytest

from marketplace.deals import enquiries, queries, services
from marketplace.deals.access import can_view
from marketplace.models import Deal, Enquiry, Event, Notification
from marketplace.timeutil import local_today
from marketplace.workflow import InvalidTransition, NotFound, PermissionDenied, ValidationFailed, history

from .deals_support import (COMPLETE, DELIVER, OPEN_STAGES, PATH, REGISTER, SIGN, STAGE_DATA, advance_to, d, day,
                            make_match, open_deal, world)

REQUIRED_FIELDS = {"contract_signed": ("contract_type", "amount", "signed_on"),
                   "registered": ("registration_no", "registered_on"),
                   "delivering": ("note",), "commercialized": ("note",)}


@pytest.fixture
def w(make):
    return world(make)


def test_broker_opens_deal_assigned_to_self_with_open_event(w, db):
    deal = open_deal(w)
    assert deal.stage == "negotiating"
    assert deal.broker_id == w.broker.id
    assert deal.supplier_org_id == w.researcher.organization_id
    assert deal.buyer_org_id == w.enterprise.organization_id
    assert deal.field == "新材料"
    events = history("deal", deal.id)
    assert [(e.action, e.from_state, e.to_state) for e in events] == [("open", None, "negotiating")]


@pytest.mark.parametrize("role", ["researcher", "enterprise"])
def test_only_brokers_and_admins_open_deals(w, db, make, role):
    with pytest.raises(PermissionDenied):
        services.create_deal(make.user(role), {"achievement_id": w.achievement.id})


def test_admin_opens_deal_for_a_named_broker(w, db):
    deal = open_deal(w, broker=w.admin, broker_id=w.other_broker.id)
    assert deal.broker_id == w.other_broker.id
    assert Notification.query.filter_by(user_id=w.other_broker.id, kind="deal_opened").count() == 1


def test_broker_cannot_assign_a_deal_to_another_broker(w, db):
    with pytest.raises(PermissionDenied):
        services.create_deal(w.broker, {"achievement_id": w.achievement.id, "broker_id": w.other_broker.id})


def test_opening_requires_a_published_achievement(w, db, make):
    draft = make.achievement(owner=w.researcher, status="draft")
    with pytest.raises(ValidationFailed) as err:
        services.create_deal(w.broker, {"achievement_id": draft.id})
    assert "achievement_id" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        services.create_deal(w.broker, {})
    assert err.value.errors["achievement_id"] == "请选择科技成果"
    with pytest.raises(ValidationFailed) as err:
        services.create_deal(w.broker, {"achievement_id": "abc"})
    assert "整数" in err.value.errors["achievement_id"]


def test_opening_from_a_match_converts_it_once(w, db):
    match = make_match(w)
    deal = services.create_deal(w.broker, {"match_id": match.id})
    db.session.commit()
    assert (deal.achievement_id, deal.demand_id) == (match.achievement_id, match.demand_id)
    db.session.refresh(match)
    assert match.status == "converted" and match.deal_id == deal.id
    with pytest.raises(InvalidTransition):
        services.create_deal(w.other_broker, {"match_id": match.id})


def test_opening_from_a_match_refuses_a_different_achievement(w, db, make):
    other = make.achievement(owner=w.researcher, title="另一项成果")
    match = make_match(w)
    with pytest.raises(ValidationFailed) as err:
        services.create_deal(w.broker, {"match_id": match.id, "achievement_id": other.id})
    assert "achievement_id" in err.value.errors


def test_opening_from_an_enquiry_converts_it_and_takes_the_enquirer_as_buyer(w, db):
    enquiry = enquiries.create_enquiry(w.enterprise, w.achievement.id, {"mode": "许可", "message": "希望获得许可"})
    db.session.commit()
    deal = services.create_deal(w.broker, {"enquiry_id": enquiry.id})
    db.session.commit()
    assert deal.buyer_org_id == w.enterprise.organization_id
    assert db.session.get(Enquiry, enquiry.id).status == "converted"
    with pytest.raises(InvalidTransition):
        services.create_deal(w.broker, {"enquiry_id": enquiry.id})


def test_enquiry_rules(w, db, make):
    with pytest.raises(PermissionDenied):
        enquiries.create_enquiry(w.researcher, w.achievement.id, {"mode": "转让", "message": "x"})
    with pytest.raises(ValidationFailed) as err:
        enquiries.create_enquiry(w.enterprise, w.achievement.id, {"mode": "赠与", "message": ""})
    assert set(err.value.errors) == {"mode", "message"}
    enquiries.create_enquiry(w.enterprise, w.achievement.id, {"mode": "转让", "message": "有意受让"})
    db.session.commit()
    assert Notification.query.filter_by(user_id=w.researcher.id, kind="enquiry_received").count() == 1
    with pytest.raises(ValidationFailed):  # one open enquiry per user and achievement
        enquiries.create_enquiry(w.enterprise, w.achievement.id, {"mode": "转让", "message": "再次"})
    draft = make.achievement(owner=w.researcher, status="draft")
    with pytest.raises(NotFound):
        enquiries.create_enquiry(w.enterprise, draft.id, {"mode": "转让", "message": "x"})


@pytest.mark.parametrize("index", range(1, len(PATH)))
def test_each_stage_is_reached_with_its_values(w, db, index):
    target = PATH[index]
    deal = advance_to(open_deal(w), PATH[index - 1], w.broker)
    event = services.advance_deal(deal, w.broker, target, STAGE_DATA[target])
    db.session.commit()
    assert deal.stage == target
    assert (event.from_state, event.to_state, event.actor_id) == (PATH[index - 1], target, w.broker.id)
    assert event.note


@pytest.mark.parametrize("index", range(1, len(PATH)))
def test_each_stage_refuses_each_missing_value(w, db, index):
    target = PATH[index]
    deal = advance_to(open_deal(w), PATH[index - 1], w.broker)
    for field in REQUIRED_FIELDS[target]:
        data = dict(STAGE_DATA[target])
        data.pop(field)
        with pytest.raises(ValidationFailed) as err:
            services.advance_deal(deal, w.broker, target, data)
        assert list(err.value.errors) == [field]
    with pytest.raises(ValidationFailed) as err:
        services.advance_deal(deal, w.broker, target, {})
    assert set(err.value.errors) == set(REQUIRED_FIELDS[target])
    assert deal.stage == PATH[index - 1]


@pytest.mark.parametrize("start", PATH)
def test_only_the_next_stage_is_allowed(w, db, start):
    deal = advance_to(open_deal(w), start, w.broker)
    for target in PATH:
        if PATH.index(target) == PATH.index(start) + 1:
            continue
        with pytest.raises(InvalidTransition):
            services.advance_deal(deal, w.broker, target, STAGE_DATA.get(target, {}))
    assert deal.stage == start


def test_skipping_is_refused_before_values_are_checked(w, db):
    deal = open_deal(w)
    with pytest.raises(InvalidTransition):
        services.advance_deal(deal, w.broker, "registered", {})


def test_unknown_or_terminated_target_is_bad_input(w, db):
    deal = open_deal(w)
    for target in ("signed", "terminated", "", None):
        with pytest.raises(ValidationFailed):
            services.advance_deal(deal, w.broker, target, {})


@pytest.mark.parametrize("stage", OPEN_STAGES)
def test_terminate_from_every_open_stage(w, db, stage):
    deal = advance_to(open_deal(w), stage, w.broker)
    with pytest.raises(ValidationFailed):
        services.terminate_deal(deal, w.broker, "  ")
    event = services.terminate_deal(deal, w.broker, "买方预算取消")
    db.session.commit()
    assert deal.stage == "terminated" and deal.terminate_reason == "买方预算取消"
    assert (event.from_state, event.note) == (stage, "买方预算取消")


@pytest.mark.parametrize("stage", ["commercialized", "terminated"])
def test_terminate_refused_once_closed(w, db, stage):
    deal = open_deal(w)
    if stage == "commercialized":
        advance_to(deal, stage, w.broker)
    else:
        services.terminate_deal(deal, w.broker, "终止")
        db.session.commit()
    with pytest.raises(InvalidTransition):
        services.terminate_deal(deal, w.broker, "再次终止")
    with pytest.raises(InvalidTransition):
        services.advance_deal(deal, w.broker, "contract_signed", SIGN)


@pytest.mark.parametrize("who", ["researcher", "enterprise", "other_broker", "other_enterprise"])
def test_only_broker_and_admin_move_a_deal(w, db, who):
    deal = open_deal(w)
    user = getattr(w, who)
    for action in (lambda: services.advance_deal(deal, user, "contract_signed", SIGN),
                   lambda: services.terminate_deal(deal, user, "x"),
                   lambda: services.add_note(deal, user, "x"),
                   lambda: services.set_next_step(deal, user, "x", None)):
        with pytest.raises(PermissionDenied):
            action()
    services.advance_deal(deal, w.admin, "contract_signed", SIGN)
    assert deal.stage == "contract_signed"


@pytest.mark.parametrize("amount, message", [
    ("12.345", "两位小数"), ("abc", "数字"), ("-5", "大于 0"), ("0", "大于 0"), ("NaN", "数字"),
    (True, "数字"), ([1], "数字"), ("1e20", "100 亿"),
])
def test_amount_refused(w, db, amount, message):
    deal = open_deal(w)
    with pytest.raises(ValidationFailed) as err:
        services.advance_deal(deal, w.broker, "contract_signed", dict(SIGN, amount=amount))
    assert message in err.value.errors["amount"]


@pytest.mark.parametrize("amount, stored", [("12.3", "12.30"), ("1,200", "1200.00"), (15, "15.00"),
                                            ("12.300", "12.30"), (99.5, "99.50")])
def test_amount_stored_as_decimal(w, db, amount, stored):
    deal = open_deal(w)
    services.advance_deal(deal, w.broker, "contract_signed", dict(SIGN, amount=amount))
    db.session.commit()
    db.session.refresh(deal)
    assert deal.amount == d(stored) and str(deal.amount) == stored


def test_dates_and_contract_type_refused(w, db):
    deal = open_deal(w)
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    for data, field in ((dict(SIGN, signed_on="2024/03/01"), "signed_on"),
                        (dict(SIGN, signed_on=tomorrow), "signed_on"),
                        (dict(SIGN, contract_type="买卖合同"), "contract_type")):
        with pytest.raises(ValidationFailed) as err:
            services.advance_deal(deal, w.broker, "contract_signed", data)
        assert field in err.value.errors
    advance_to(deal, "contract_signed", w.broker)
    with pytest.raises(ValidationFailed) as err:
        services.advance_deal(deal, w.broker, "registered", dict(REGISTER, registered_on="2024-02-01"))
    assert "早于签约日期" in err.value.errors["registered_on"]
    assert deal.signed_on == day("2024-03-01")


def test_values_are_recorded_on_the_deal(w, db):
    deal = advance_to(open_deal(w), "commercialized", w.broker)
    assert (deal.contract_type, deal.amount, deal.signed_on) == ("技术转让", d("120.50"), day("2024-03-01"))
    assert (deal.registration_no, deal.registered_on) == (REGISTER["registration_no"], day("2024-03-15"))
    assert (deal.delivery_note, deal.outcome_note) == (DELIVER["note"], COMPLETE["note"])
    assert [e.to_state for e in history("deal", deal.id)] == list(PATH)


def test_parties_and_broker_are_notified_at_each_stage(w, db):
    deal = open_deal(w)
    advance_to(deal, "contract_signed", w.admin)
    for user in (w.researcher, w.colleague, w.enterprise, w.buyer_colleague, w.broker):
        assert Notification.query.filter_by(user_id=user.id, kind="deal_stage").count() == 1
    for user in (w.admin, w.other_broker, w.other_enterprise, w.other_researcher):
        assert Notification.query.filter_by(user_id=user.id, kind="deal_stage").count() == 0


@pytest.mark.parametrize("who, sees", [
    ("admin", True), ("broker", True), ("researcher", True), ("colleague", True), ("enterprise", True),
    ("buyer_colleague", True), ("other_broker", False), ("other_enterprise", False), ("other_researcher", False),
])
def test_visibility_by_role(w, db, who, sees):
    deal = open_deal(w)
    user = getattr(w, who)
    assert can_view(user, deal) is sees
    listed = db.session.scalars(queries.visible_deals_query(user)).all()
    assert (deal in listed) is sees


def test_for_user_lists_party_and_broker_deals(w, db):
    deal = open_deal(w)
    assert services.for_user(w.enterprise) == [deal]
    assert services.for_user(w.broker) == [deal]
    assert services.for_user(w.other_enterprise) == []


def test_reassign_by_admin_only(w, db):
    deal = open_deal(w)
    with pytest.raises(PermissionDenied):
        services.assign_broker(deal, w.broker, w.other_broker.id)
    with pytest.raises(ValidationFailed):
        services.assign_broker(deal, w.admin, w.enterprise.id)
    services.assign_broker(deal, w.admin, w.other_broker.id)
    db.session.commit()
    assert deal.broker_id == w.other_broker.id
    assert can_view(w.broker, deal) is False and can_view(w.other_broker, deal) is True
    assert Notification.query.filter_by(user_id=w.other_broker.id, kind="deal_assigned").count() == 1


def test_notes_and_overdue_next_step(w, db):
    deal = open_deal(w)
    services.add_note(deal, w.broker, "<script>alert(1)</script> 已电话沟通")
    with pytest.raises(ValidationFailed):
        services.add_note(deal, w.broker, "")
    services.set_next_step(deal, w.broker, "约双方面谈", local_today() - timedelta(days=1))
    db.session.commit()
    assert deal.notes[0].body.startswith("<script>")  # stored as typed, escaped when shown
    assert queries.is_overdue(deal) is True
    services.set_next_step(deal, w.broker, "约双方面谈", (local_today() + timedelta(days=2)).isoformat())
    assert queries.is_overdue(deal) is False
    with pytest.raises(ValidationFailed):
        services.set_next_step(deal, w.broker, "", local_today())
    services.set_next_step(deal, w.broker, "已结束", local_today() - timedelta(days=3))
    services.terminate_deal(deal, w.broker, "取消")
    assert queries.is_overdue(deal) is False  # closed deals are never overdue


def test_a_repeated_move_is_refused_and_records_nothing(w, db):
    deal = open_deal(w)
    services.advance_deal(deal, w.broker, "contract_signed", SIGN)
    db.session.commit()
    count = Event.query.filter_by(subject_type="deal", subject_id=deal.id).count()
    db.session.expire_all()
    with pytest.raises(InvalidTransition):  # e.g. the form submitted twice
        services.advance_deal(db.session.get(Deal, deal.id), w.broker, "contract_signed", SIGN)
    assert Event.query.filter_by(subject_type="deal", subject_id=deal.id).count() == count

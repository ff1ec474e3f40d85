"""`flask seed-demo`, second part: activity on the demo listings, idempotently, through the services.

揭榜 applications (shortlisted, declined with a structured reason), one challenge carried through
close → select → start with its milestones, enterprise enquiries, the demo broker's deals in every
stage (opened from enquiries and from stored match proposals) and an enterprise's subscriptions.
Every step is a service call, so the Event rows and notifications are the real ones.

Only the deals' timestamps are spread back over the past months (their events, like the listings'
published_at in demo.py), so the board and the figures page show realistic durations; the signing
and registration dates given to the services are the same days.
"""
from datetime import datetime, time, timedelta

from .challenges import applications as challenge_apps
from .challenges import milestones as challenge_milestones
from .challenges import services as challenges
from .deals import enquiries as deal_enquiries
from .deals import services as deals
from .demo_activity_data import CHALLENGE_APPLICATIONS, CHALLENGE_CARRIED, DEALS, ENQUIRIES, SUBSCRIPTIONS
from .extensions import db
from .matching import index
from .matching import services as matching
from .matching import subscriptions
from .models import Achievement, Application, Deal, DealNote, Demand, Enquiry, Event, Match, Subscription
from .timeutil import local_today
from .workflow import history

STEP_ORDER = (("sign", "contract_signed"), ("register", "registered"), ("deliver", "delivering"),
              ("complete", "commercialized"))


def _published(model, title):
    return db.session.scalar(db.select(model).where(model.title == title, model.status == "published"))


def _by_title(model, title):
    return db.session.scalar(db.select(model).where(model.title == title))


# ---------------------------------------------------------------- subscriptions

def seed_subscriptions(users):
    created = 0
    for spec in SUBSCRIPTIONS:
        user = users[spec["user"]]
        exists = db.session.scalar(db.select(Subscription.id).where(
            Subscription.user_id == user.id, Subscription.field == spec["field"],
            Subscription.kind.is_(None) if spec["kind"] is None else Subscription.kind == spec["kind"]))
        if exists is None:
            subscriptions.add(user, field=spec["field"], keywords=spec["keywords"], kind=spec["kind"])
            created += 1
    db.session.flush()
    return created


# ---------------------------------------------------------------- 揭榜挂帅

def _apply(demand, user, spec):
    """The user's application to the challenge: (application, created now?)."""
    app = db.session.scalar(db.select(Application).where(Application.demand_id == demand.id,
                                                         Application.applicant_id == user.id))
    if app is not None:
        return app, False
    data = {"proposal": f"<p>{spec['proposal']}</p>", "team": spec["team"], "plan": spec["plan"],
            "quote": spec["quote"]}
    return challenge_apps.apply_to_challenge(demand, user, data), True


def seed_applications(users):
    created = 0
    for spec in CHALLENGE_APPLICATIONS:
        demand = _published(Demand, spec["challenge"])
        if demand is None or not challenges.accepting_applications(demand):
            continue
        for app_spec in spec["applications"]:
            app, new = _apply(demand, users[app_spec["applicant"]], app_spec)
            if not new:
                continue
            created += 1
            if app_spec["outcome"] == "shortlisted":
                challenge_apps.shortlist_application(app, demand.owner)
            elif app_spec["outcome"] == "declined":
                code, reason = app_spec["decline"]
                challenge_apps.decline_application(app, demand.owner, reason, code)
    return created


def seed_carried_challenge(users):
    """Applications, early close, milestones, select, start; the first milestone reported and accepted."""
    spec = CHALLENGE_CARRIED
    demand = _published(Demand, spec["challenge"])
    if demand is None or not challenges.accepting_applications(demand):
        return 0  # already carried through on an earlier run
    owner = demand.owner
    apps = [(_apply(demand, users[a["applicant"]], a)[0], a) for a in spec["applications"]]
    for app, _ in apps:
        challenge_apps.shortlist_application(app, owner)
    challenges.close_challenge(demand, owner, spec["close_note"])
    added = [challenge_milestones.add_milestone(demand, owner, {
        "title": m["title"], "share_percent": m["share_percent"],
        "due_on": local_today() + timedelta(days=m["due_days"])}) for m in spec["milestones"]]
    chosen = next(app for app, app_spec in apps if app_spec.get("selected"))
    challenge_apps.select_application(chosen, owner)
    challenges.start_challenge(demand, owner)
    first = spec["milestones"][0]
    challenge_milestones.report_progress(added[0], chosen.applicant, first["report"])
    challenge_milestones.accept_milestone(added[0], owner, first["accept"])
    return len(apps)


# ---------------------------------------------------------------- enquiries and deals

def seed_enquiries(users):
    found, created = {}, 0
    for spec in ENQUIRIES:
        user, achievement = users[spec["user"]], _by_title(Achievement, spec["achievement"])
        if achievement is None:
            continue
        enquiry = db.session.scalar(db.select(Enquiry).where(Enquiry.achievement_id == achievement.id,
                                                             Enquiry.user_id == user.id))
        if enquiry is None and achievement.status == "published":
            enquiry = deal_enquiries.create_enquiry(user, achievement.id,
                                                    {"mode": spec["mode"], "message": spec["message"]})
            created += 1
        found[spec["key"]] = enquiry
    return found, created


def _proposed_match(demand, achievement):
    query = db.select(Match).where(Match.demand_id == demand.id, Match.achievement_id == achievement.id,
                                   Match.status == "proposed")
    match = db.session.scalar(query)
    if match is None:  # proposals not stored yet (index unavailable earlier): compute them now
        matching.propose_for(demand)
        match = db.session.scalar(query)
    return match


def _open_deal(broker, spec, enquiries):
    """Open the spec's deal through the service, or None if it exists already (or its source is gone)."""
    if "enquiry" in spec:
        enquiry = enquiries.get(spec["enquiry"])
        if enquiry is None or enquiry.status != "open":
            return None
        return deals.create_deal(broker, {"enquiry_id": enquiry.id})
    demand, achievement = _published(Demand, spec["match"][0]), _published(Achievement, spec["match"][1])
    if demand is None or achievement is None or db.session.scalar(db.select(Deal.id).where(
            Deal.demand_id == demand.id, Deal.achievement_id == achievement.id)) is not None:
        return None
    match = _proposed_match(demand, achievement)
    data = {"match_id": match.id} if match else {"achievement_id": achievement.id, "demand_id": demand.id}
    return deals.create_deal(broker, data)


def _stage_data(action, spec, day):
    if action == "sign":
        return {"contract_type": spec["contract_type"], "amount": spec["amount"], "signed_on": day}
    if action == "register":
        return {"registration_no": f"{day.year}330106{spec['registration_serial']:06d}", "registered_on": day}
    return {"note": spec["delivery"] if action == "deliver" else spec["outcome"]}


def _work_deal(deal, broker, spec, today):
    days = spec["days"]
    for action, target in STEP_ORDER:
        if action in days:
            deals.advance_deal(deal, broker, target, _stage_data(action, spec, today + timedelta(days=days[action])))
    if "terminate" in days:
        deals.terminate_deal(deal, broker, spec["terminate_reason"])
    for body in spec.get("notes", []):
        deals.add_note(deal, broker, body)
    if spec.get("next_step"):
        text, offset = spec["next_step"]
        deals.set_next_step(deal, broker, text, today + timedelta(days=offset))


def _at(today, offset, minutes=0):
    """A naive UTC instant at 10:30 Beijing time on the day `offset` days from today."""
    return datetime.combine(today + timedelta(days=offset), time(2, 30)) + timedelta(minutes=minutes)


def _spread_in_time(deal, spec, today):
    """Date the deal's events, notes and origin back to the spec's days (stage durations for the figures)."""
    days = spec["days"]
    last = max(days.values())
    db.session.flush()
    for event in history("deal", deal.id):
        event.created_at = _at(today, days.get(event.action, last))
    deal.created_at, deal.stage_changed_at = _at(today, days["open"]), _at(today, last)
    for position, note in enumerate(db.session.scalars(db.select(DealNote).where(DealNote.deal_id == deal.id)
                                                       .order_by(DealNote.id))):
        note.created_at = _at(today, last, minutes=30 + position)
    origin = ("match", deal.match_id) if deal.match_id else ("enquiry", deal.enquiry_id)
    db.session.execute(db.update(Event).where(Event.subject_type == origin[0], Event.subject_id == origin[1],
                                              Event.action == "convert").values(created_at=_at(today, days["open"])))
    if deal.enquiry is not None:
        deal.enquiry.created_at = _at(today, days["open"] - 3)


def seed_deals(users, enquiries):
    broker, today, created = users["broker"], local_today(), 0
    for spec in DEALS:
        deal = _open_deal(broker, spec, enquiries)
        if deal is None:
            continue
        _work_deal(deal, broker, spec, today)
        _spread_in_time(deal, spec, today)
        created += 1
    return created


# ---------------------------------------------------------------- entry point and summary

def seed_activity(users):
    """Everything above, after the listings are committed; returns the counts of new records."""
    if index.pending_count():  # proposals are computed when the index outbox is applied
        index.apply_outbox()
    applications = seed_applications(users) + seed_carried_challenge(users)
    enquiries, new_enquiries = seed_enquiries(users)
    new_deals = seed_deals(users, enquiries)
    return {"applications": applications, "enquiries": new_enquiries, "deals": new_deals}


def _grouped(column):
    rows = db.session.execute(db.select(column, db.func.count()).group_by(column)).all()
    return "、".join(f"{value} {count}" for value, count in sorted(rows)) or "无"


def summary_lines():
    signed = db.session.scalar(db.select(db.func.coalesce(db.func.sum(Deal.amount), 0))
                               .where(Deal.signed_on.is_not(None), Deal.stage != "terminated"))
    challenge_states = db.session.execute(
        db.select(Demand.status, db.func.count()).where(Demand.is_challenge.is_(True)).group_by(Demand.status)).all()
    return [f"  challenges:   {'、'.join(f'{s} {n}' for s, n in sorted(challenge_states))}",
            f"  applications: {_grouped(Application.status)}",
            f"  enquiries:    {_grouped(Enquiry.status)}",
            f"  deals:        {_grouped(Deal.stage)} (signed, not terminated: {signed} 万元)",
            f"  subscriptions: {db.session.scalar(db.select(db.func.count(Subscription.id)))}"]

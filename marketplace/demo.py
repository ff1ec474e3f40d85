"""`flask seed-demo`: realistic demo data, idempotent (a second run changes nothing).

Everything goes through the services, so listings reach their review state by real
transitions (submit / approve / reject / archive) and carry their history events;
approve and archive queue the index update in the outbox. Applications, enquiries, deals and
subscriptions follow in demo_activity.py, once the listings (and their match proposals) are stored.
"""
from datetime import timedelta

import click

from . import demo_activity
from .monitoring import demo as monitoring_demo
from .accounts import services as accounts
from .enterprises.demo import seed_enterprises
from .demo_data import ACHIEVEMENTS, DEMANDS, DEMO_PASSWORD, JOIN_REQUESTS, ORGANIZATIONS, USERS
from .extensions import db
from .listings import services as listings
from .models import Achievement, Demand, Organization, User
from .timeutil import local_today, utcnow
from .trust import demo as trust_demo
from .units import ensure_units
from .validators import patent_check_char, uscc_check_char
from .vouchers.demo import seed_vouchers


def patent_number(year, kind_digit, serial):
    """A 12-digit Chinese application number with its check digit, e.g. 202110345678.X"""
    digits = f"{year}{kind_digit}{serial:07d}"
    return f"{digits}.{patent_check_char(digits)}"


def seed_organizations():
    created = 0
    for spec in ORGANIZATIONS:
        if accounts.find_org_by_name(spec["name"]) is not None:
            continue
        code = spec["code17"] + uscc_check_char(spec["code17"])
        db.session.add(Organization(name=spec["name"], kind=spec["kind"], credit_code=code, region=spec["region"],
                                    tags=spec["tags"], description=spec["description"], verified=spec["verified"],
                                    verified_at=utcnow() if spec["verified"] else None))
        created += 1
    db.session.flush()
    return created


def seed_users():
    users, created = {}, 0
    for spec in USERS:
        user = accounts.find_user_by_email(spec["email"])
        if user is None:
            org = accounts.find_org_by_name(spec["org"])
            user = accounts.create_user(spec["email"], spec["role"], DEMO_PASSWORD, name=spec["name"], org=org)
            created += 1
        users[spec["key"]] = user
    return users, created


def seed_join_requests():
    """Users who asked to join a demo organization: its org admin has a request to decide on /org/members."""
    created = 0
    for spec in JOIN_REQUESTS:
        if accounts.find_user_by_email(spec["email"]) is not None:
            continue
        org = accounts.find_org_by_name(spec["org"])
        accounts.register_user({"email": spec["email"], "name": spec["name"], "role": spec["role"],
                                "password": DEMO_PASSWORD, "org_id": org.id})
        created += 1
    return created


def _achievement_data(spec):
    number = patent_number(*spec["patent"]) if spec["patent"] else spec["reg_no"]
    return {"title": spec["title"], "summary": spec["summary"], "field": spec["field"], "type": spec["type"],
            "patent_no": number, "maturity": spec["maturity"], "modes": spec["modes"], "price": spec["price"],
            "keywords": spec["keywords"],
            "description": f"<p>{spec['summary']}</p><p><strong>应用领域：</strong>{spec['uses']}</p>",
            "details": "<p>核心工艺参数、中试数据与专利全文可在签署保密协议后提供，请联系平台技术经纪人。</p>"}


def _demand_data(spec):
    data = {"title": spec["title"], "description": f"<p>{spec['description']}</p>", "field": spec["field"],
            "indicators": spec["indicators"], "budget": spec["budget"], "keywords": spec["keywords"]}
    challenge = spec["challenge"]
    if challenge:
        data.update(is_challenge=True, bounty=challenge["bounty"], eligibility=challenge["eligibility"],
                    deadline=(local_today() + timedelta(days=challenge["days"])).isoformat())
    return data


def _move_to_state(listing, owner, admin, spec, age_days):
    """Walk a fresh draft through the review lifecycle to the state the spec asks for."""
    state = spec["state"]
    if state == "draft":
        return
    listings.submit_listing(listing, owner)
    if state == "pending":
        return
    if state == "rejected":
        listings.reject_listing(listing, admin, spec["reason"])
        return
    listings.approve_listing(listing, admin)
    listing.published_at = utcnow() - timedelta(days=age_days)  # spread the demo over past weeks
    if state == "archived":
        listings.archive_listing(listing, owner)


def seed_listings(kind, specs, users):
    model = Achievement if kind == "achievement" else Demand
    to_data = _achievement_data if kind == "achievement" else _demand_data
    created = 0
    for position, spec in enumerate(specs):
        owner = users[spec["owner"]]
        exists = db.session.scalar(db.select(model.id).where(model.owner_id == owner.id, model.title == spec["title"]))
        if exists is not None:
            continue
        listing = listings.create_listing(kind, owner, to_data(spec))
        _move_to_state(listing, owner, users["admin"], spec, age_days=len(specs) - position)
        created += 1
    return created


def _status_summary(model):
    rows = db.session.execute(db.select(model.status, db.func.count()).group_by(model.status)).all()
    return "、".join(f"{status} {count}" for status, count in sorted(rows))


@click.command("seed-demo")
def seed_demo():
    """Load the demo data (idempotent)."""
    ensure_units()
    orgs = seed_organizations()
    users, new_users = seed_users()
    new_users += seed_join_requests()
    new_subscriptions = demo_activity.seed_subscriptions(users)  # before publishing: subscribers hear of it
    new_achievements = seed_listings("achievement", ACHIEVEMENTS, users)
    new_demands = seed_listings("demand", DEMANDS, users)
    db.session.commit()  # applies the index outbox, which stores the match proposals
    activity = demo_activity.seed_activity(users)
    click.echo(f"seed-demo: {seed_enterprises(users)} enterprises given figures (evaluation, pools, policies)")
    db.session.commit()
    activity["trust"] = trust_demo.seed_trust(users)  # announcements, contact persons, a demand response
    monitoring_demo.seed()
    db.session.commit()
    click.echo(f"seed-demo: 创新券 {'scheme in use added' if seed_vouchers(users) else 'already present'}")
    total = sum((orgs, new_users, new_achievements, new_demands, new_subscriptions, *activity.values()))
    click.echo(f"seed-demo: added {orgs} organizations, {new_users} users, {new_achievements} achievements, "
               f"{new_demands} demands, {activity['applications']} applications, {activity['enquiries']} enquiries, "
               f"{activity['deals']} deals, {new_subscriptions} subscriptions"
               + ("" if total else " (demo data already present)"))
    click.echo(f"  achievements: {_status_summary(Achievement)}")
    click.echo(f"  demands:      {_status_summary(Demand)}")
    for line in demo_activity.summary_lines():
        click.echo(line)
    click.echo(f"  users: {db.session.scalar(db.select(db.func.count(User.id)))}, "
               f"password for every demo account: {DEMO_PASSWORD} (admin@yizhi.demo, broker@yizhi.demo, ...)")

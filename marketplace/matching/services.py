"""Matching services: stored proposals (Match rows), dismissal, the broker workbench, push.

Proposals are computed where the index is written (the `on_indexed` listener below runs
after every applied outbox batch), stored in Match (unique demand/achievement) and read
from the DB by pages and the API. Public entry points for scripts and benchmarks:

- `search(q, filters, page, per_page)` (from .searching): hits with ids, kinds, snippets, total.
- `propose_for(listing, push=False)`: compute and store one listing's proposals now;
  returns its Match rows best first.
- `recompute_all(progress=None)`: proposals for every published listing (after `rebuild`).
"""
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import contains_eager
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..listings.services import get_visible
from ..models import Achievement, Demand, Match
from ..models.matching import MATCH_TRANSITIONS
from ..notifications.services import notify
from ..timeutil import utcnow
from ..workflow import NotFound, PermissionDenied, StateMachine
from . import calibration, feedback, index, matcher
from .documents import KIND_MODELS, OTHER_KIND, parse_key, select_rows, to_document
from .searching import empty_page, search, search_ids  # noqa: F401  (public interface of this module)
from .subscriptions import notify_subscribers

MATCH_MACHINE = StateMachine("match", MATCH_TRANSITIONS)
SHOWN_STATES = ("proposed", "converted")


# ---------------------------------------------------------------- permissions

def can_see_matches(user, listing):
    """The listing's owner, brokers and admins."""
    return user.is_authenticated and (listing.owner_id == user.id or user.role in ("broker", "admin"))


def can_dismiss(user, match):
    if not user.is_authenticated:
        return False
    if user.role in ("broker", "admin"):
        return True
    return user.id in (match.demand.owner_id, match.achievement.owner_id)


def _side_column(kind):
    return Match.demand_id if kind == "demand" else Match.achievement_id


def _other_column(kind):
    return Match.achievement_id if kind == "demand" else Match.demand_id


# ---------------------------------------------------------------- computing proposals

def _document(kind, listing_id):
    row = db.session.execute(select_rows(kind, [listing_id])).first()
    return to_document(kind, row) if row is not None else None


def propose_for(listing, push=False):
    """Compute this published listing's proposals, store them, return its Match rows best first.

    Dismissed and converted pairs are kept as they are and never proposed again; proposed
    rows that fell out of the top k are deleted. With push, the owners on the other side of
    each *new* pairing of strength MATCH_STRONG_STRENGTH or more get a notification. Pairings
    below MATCH_MIN_STRENGTH are not recommendations and are not stored.
    The caller commits.
    """
    _store_proposals(listing, push)
    return proposals_for(listing) if listing.status == "published" else []


def _store_proposals(listing, push):
    kind = listing.kind
    if listing.status != "published":
        drop_proposals(kind, listing.id)
        return
    doc = _document(kind, listing.id)
    settled = set(db.session.scalars(db.select(_other_column(kind)).where(
        _side_column(kind) == listing.id, Match.status != "proposed")))
    settled |= feedback.blocked_counterparts(listing)
    searcher = index.searcher()
    weighted = matcher.pair_terms(searcher, doc)
    pairings = matcher.pair(searcher, kind, doc, current_app.config["MATCH_TOP_K"], settled, weighted)
    floor = calibration.min_score(current_app.config["MATCH_MIN_STRENGTH"])
    pairings = [p for p in pairings if p.score >= floor]
    other = OTHER_KIND[kind]
    counterpart_docs = {row.id: to_document(other, row)
                        for row in db.session.execute(select_rows(other, [p.listing_id for p in pairings]))}
    existing = {m.achievement_id if kind == "demand" else m.demand_id: m for m in db.session.scalars(
        db.select(Match).where(_side_column(kind) == listing.id, Match.status == "proposed"))}
    learned = feedback.irrelevant_terms(listing)
    fresh = []
    for pairing in pairings:
        other_doc = counterpart_docs.get(pairing.listing_id)
        shared = matcher.shared_terms(weighted, other_doc) if other_doc else []
        terms = ",".join(shared)[:500]
        learned_here = learned.get(other_doc["field"]) if other_doc else None
        score = pairing.score * (1 - feedback.penalty(learned_here, shared))
        if score < floor:  # its terms were dismissed as 不相关 often enough: no longer a recommendation
            continue
        score = round(score, 4)
        match = existing.pop(pairing.listing_id, None)
        if match is None:
            ids = {f"{kind}_id": listing.id, f"{other}_id": pairing.listing_id}
            match = _insert_match(ids, score, terms)
            if match is None:  # another worker stored this pair meanwhile: theirs stands, no second push
                continue
            fresh.append(match)
        match.score, match.terms = score, terms
    for stale in existing.values():
        db.session.delete(stale)
    db.session.flush()
    if push:
        _push(listing, fresh)


def _insert_match(ids, score, terms):
    """Insert a proposed pair unless it exists (unique uq_match_pair): the new Match, or None.

    INSERT .. ON CONFLICT DO NOTHING (SQLite and PostgreSQL), so a concurrent insert of the same pair
    is tolerated instead of failing the whole batch.
    """
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
    now = utcnow()
    statement = (insert(Match).values(status="proposed", score=score, terms=terms, created_at=now, updated_at=now,
                                      **ids)
                 .on_conflict_do_nothing(index_elements=["demand_id", "achievement_id"]).returning(Match.id))
    match_id = db.session.execute(statement).scalar()
    return db.session.get(Match, match_id) if match_id is not None else None


def drop_proposals(kind, listing_id):
    """Forget the open proposals of a listing that is no longer published."""
    db.session.execute(db.delete(Match).where(_side_column(kind) == listing_id, Match.status == "proposed"))


def _push(listing, fresh):
    """Tell each counterpart's owner once, about their best new pairing that is strong enough."""
    threshold = calibration.min_score(current_app.config["MATCH_STRONG_STRENGTH"])
    best_per_owner = {}
    for match in sorted(fresh, key=lambda m: -m.score):
        if match.score < threshold:
            break
        counterpart = match.achievement if listing.kind == "demand" else match.demand
        if counterpart.owner_id != listing.owner_id:
            best_per_owner.setdefault(counterpart.owner_id, (counterpart, match))
    for counterpart, match in best_per_owner.values():
        message = (f"新的匹配推荐：新发布的{listing.kind_label}《{listing.title}》与您的{counterpart.kind_label}"
                   f"《{counterpart.title}》匹配度 {match.strength}%")
        notify(counterpart.owner, "match_push", message, f"/{counterpart.kind}s/{counterpart.id}/matches")


def recompute_all(progress=None):
    """Recompute the proposals of every published listing (no push); returns the count."""
    count = 0
    for kind, model in KIND_MODELS.items():
        ids = db.session.scalars(db.select(model.id).where(model.status == "published").order_by(model.id)).all()
        for listing_id in ids:
            propose_for(db.session.get(model, listing_id))
            count += 1
            if count % 100 == 0:
                db.session.commit()
                db.session.expunge_all()
            if progress:
                progress(1)
    db.session.commit()
    return count


@index.on_indexed
def _after_indexed(keys):
    """After an index batch: proposals (with push) for published listings, subscriptions."""
    for key in keys:
        kind, listing_id = parse_key(key)
        if kind is None:
            continue
        listing = db.session.get(KIND_MODELS[kind], listing_id)
        if listing is None or listing.status != "published":
            drop_proposals(kind, listing_id)
            continue
        _store_proposals(listing, push=True)
        notify_subscribers(listing)
    db.session.commit()


# ---------------------------------------------------------------- reading and working proposals

def proposals_for(listing, limit=None):
    """The shown proposals of a listing (counterpart still published), best first."""
    kind = listing.kind
    other_model = KIND_MODELS[OTHER_KIND[kind]]
    query = (db.select(Match).join(other_model, other_model.id == _other_column(kind))
             .where(_side_column(kind) == listing.id, Match.status.in_(SHOWN_STATES),
                    other_model.status == "published")
             .order_by(Match.score.desc(), Match.id))
    if limit:
        query = query.limit(limit)
    return db.session.scalars(query).all()


def matches_for(kind, listing_id, user):
    """(listing, proposals) for the matches page/API; NotFound or PermissionDenied otherwise."""
    listing = get_visible(kind, listing_id, user)
    if not can_see_matches(user, listing):
        raise PermissionDenied("只有信息所有者、技术经纪人和管理员可以查看匹配推荐")
    return listing, proposals_for(listing)


def get_match(match_id):
    match = db.session.get(Match, match_id)
    if match is None:
        raise NotFound("该推荐不存在")
    return match


def dismiss(match, user, data):
    """Dismiss a proposal for good (owner of either side, broker, admin), with a reason from
    feedback.DISMISS_REASONS in data["reason"] (and data["note"], required for 其他).
    ValidationFailed without a valid reason. The caller commits."""
    if not can_dismiss(user, match):
        raise PermissionDenied("只有双方所有者、技术经纪人和管理员可以忽略推荐")
    reason, note = feedback.parse_dismissal(data)
    event = MATCH_MACHINE.apply(match, "dismiss", user, f"{reason}：{note}" if note else reason)
    feedback.record_dismissal(match, user, reason, note)
    return event


def workbench(page, per_page=20, min_strength=None):
    """The strong proposals across the platform (both sides still published), strongest first."""
    if min_strength is None:
        min_strength = current_app.config["MATCH_STRONG_STRENGTH"]
    threshold = calibration.min_score(min_strength)
    query = (db.select(Match).join(Demand, Demand.id == Match.demand_id)
             .join(Achievement, Achievement.id == Match.achievement_id)
             .where(Match.status == "proposed", Match.score >= threshold,
                    Demand.status == "published", Achievement.status == "published")
             # the rows show both titles: load them from the same join instead of two queries per row
             .options(contains_eager(Match.demand).load_only(Demand.id, Demand.title, Demand.status),
                      contains_eager(Match.achievement).load_only(Achievement.id, Achievement.title,
                                                                  Achievement.status))
             .order_by(Match.score.desc(), Match.created_at.desc(), Match.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)

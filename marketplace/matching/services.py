"""Matching services: stored proposals (Match rows), dismissal, the broker workbench, push.

Proposals are computed where the index is written (the `on_indexed` listener below runs
after every applied outbox batch), stored in Match (unique demand/achievement) and read
from the DB by pages and the API. Public entry points for scripts and benchmarks:

- `search(q, filters, page, per_page)` (from .searching): hits with ids, kinds, snippets, total.
- `propose_for(listing, push=False)`: compute and store one listing's proposals now;
  returns its Match rows best first.
- `repairing.recompute_all(progress=None, workers=1)`: proposals for every published listing (after `rebuild`).
"""
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import contains_eager
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..listings import counts
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


def ensure_can_dismiss(user, match):
    """PermissionDenied unless `user` may dismiss `match` (the dismiss page and the POST)."""
    if not can_dismiss(user, match):
        raise PermissionDenied("只有双方所有者、技术经纪人和管理员可以忽略推荐")


def still_open(match):
    """Whether the proposal can still be dismissed (it is still "proposed")."""
    return MATCH_MACHINE.can(match, "dismiss")


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
    _store_proposals_many(listing.kind, [listing], push)


def _store_proposals_many(kind, listings, push, run=None):
    """Compute and store the proposals of several listings of one kind (see propose_for), in one ranking
    pass and a few statements. `run`: a RepairRun kept across the batches of a full re-pairing."""
    shown = [listing for listing in listings if listing.status == "published"]
    for listing in listings:
        if listing.status != "published":
            drop_proposals(kind, listing.id)
    if not shown:
        return
    ids = [listing.id for listing in shown]
    docs = {row.id: to_document(kind, row) for row in db.session.execute(select_rows(kind, ids))}
    settled = {listing_id: set() for listing_id in ids}
    for side, other in db.session.execute(db.select(_side_column(kind), _other_column(kind)).where(
            _side_column(kind).in_(ids), Match.status != "proposed")):
        settled[side].add(other)
    blocked = feedback.blocked_counterparts_many(kind, shown)
    excludes = [settled[listing.id] | blocked[listing.id] for listing in shown]
    searcher = index.searcher()
    frequencies = run.frequencies if run is not None else None
    queries = [matcher.pair_terms(searcher, docs[listing.id], frequencies) for listing in shown]
    all_pairings = matcher.pair_many(searcher, kind, [docs[listing.id] for listing in shown],
                                     current_app.config["MATCH_TOP_K"], excludes, queries,
                                     run.postings if run is not None else None)
    floor = calibration.min_score(current_app.config["MATCH_MIN_STRENGTH"])
    all_pairings = [[p for p in pairings if p.score >= floor] for pairings in all_pairings]
    other = OTHER_KIND[kind]
    explained = run.counterparts if run is not None else {}  # counterpart id -> (field, explainable words)
    wanted = {p.listing_id for pairings in all_pairings for p in pairings} - set(explained)
    for row in db.session.execute(select_rows(other, wanted)):
        doc = to_document(other, row)
        explained[row.id] = (doc["field"], matcher.explainable(doc))
    existing = {}
    for match in db.session.scalars(db.select(Match).where(_side_column(kind).in_(ids), Match.status == "proposed")):
        side, counterpart = (match.demand_id, match.achievement_id) if kind == "demand" else \
            (match.achievement_id, match.demand_id)
        existing.setdefault(side, {})[counterpart] = match
    learned_by_field = {}
    new_rows, stale = [], []
    for listing, query, pairings in zip(shown, queries, all_pairings):
        if listing.field not in learned_by_field:
            learned_by_field[listing.field] = feedback.irrelevant_terms(listing)
        learned = learned_by_field[listing.field]
        current = existing.get(listing.id, {})
        for pairing in pairings:
            other_field, words_of = explained.get(pairing.listing_id, (None, None))
            shared = matcher.shared_terms(query, None, words_of=words_of) if words_of else []
            terms = ",".join(shared)[:500]
            learned_here = learned.get(other_field) if words_of else None
            score = pairing.score * (1 - feedback.penalty(learned_here, shared))
            if score < floor:  # its terms were dismissed as 不相关 often enough: no longer a recommendation
                continue
            score = round(score, 4)
            match = current.pop(pairing.listing_id, None)
            if match is None:
                new_rows.append({f"{kind}_id": listing.id, f"{other}_id": pairing.listing_id,
                                 "score": score, "terms": terms})
            else:
                match.score, match.terms = score, terms
        stale.extend(match.id for match in current.values())
    if stale:
        db.session.execute(db.delete(Match).where(Match.id.in_(stale)))
    if run is not None:
        run.forget_counterparts_if_full()
    fresh_ids = _insert_matches(new_rows)
    db.session.flush()
    if push and fresh_ids:
        fresh = db.session.scalars(db.select(Match).where(Match.id.in_(fresh_ids))).all()
        for listing in shown:
            _push(listing, [m for m in fresh if getattr(m, f"{kind}_id") == listing.id])


def _insert_matches(rows):
    """Insert proposed pairs unless they exist (unique uq_match_pair); the ids of the rows inserted.

    One INSERT .. ON CONFLICT DO NOTHING (SQLite and PostgreSQL), so a pair stored meanwhile by another
    worker is tolerated (theirs stands, no second push) instead of failing the whole batch.
    """
    if not rows:
        return []
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
    now = utcnow()
    values = [{"status": "proposed", "created_at": now, "updated_at": now, **row} for row in rows]
    # executemany with RETURNING: SQLAlchemy sends multi-row VALUES batches from one cached statement.
    statement = (insert(Match).on_conflict_do_nothing(index_elements=["demand_id", "achievement_id"])
                 .returning(Match.id))
    return [row_id for row_id in db.session.execute(statement, values).scalars() if row_id is not None]


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
             # each row shows its counterpart (title, field; its owner decides who may dismiss): loaded by the
             # same query, without its long texts
             .options(contains_eager(getattr(Match, OTHER_KIND[kind])).load_only(
                 other_model.id, other_model.title, other_model.field, other_model.status, other_model.owner_id))
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
    ensure_can_dismiss(user, match)
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
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=False)
    # the total only labels the pager: a COUNT over every strong proposal, kept per process for a few seconds
    pagination.total = counts.cached(("workbench", threshold), lambda: counts.count_of(query))
    return pagination

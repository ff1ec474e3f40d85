"""收藏: a logged-in user favourites achievements and demands (challenges are demands), sees them on /me,
and is told when one changes.

"Changes" are the listing's recorded transitions (workflow.StateMachine.apply adds an Event for every
status change: archived, challenge closed, awarded, ...): a before_flush hook turns each new Event of an
achievement or demand into one notification per follower, the actor excepted, in the same transaction.
"""
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Achievement, Demand, Event, Favourite, Notification
from ..models.listings import CHALLENGE_STATES, LISTING_STATES
from ..models.trust import FAVOURITE_KINDS
from ..timeutil import utcnow
from ..workflow import NotFound

MODELS = {"achievement": Achievement, "demand": Demand}
LIST_MAX = 200


def is_favourite(user, kind, subject_id):
    if not user.is_authenticated:
        return False
    return db.session.scalar(db.select(Favourite.id).where(
        Favourite.user_id == user.id, Favourite.subject_type == kind, Favourite.subject_id == subject_id)) is not None


def toggle(user, listing):
    """Add or remove the favourite; return True if it is now a favourite (the caller commits)."""
    if not listing.is_public:
        raise NotFound("该信息不存在或尚未发布")
    found = db.session.scalar(db.select(Favourite).where(
        Favourite.user_id == user.id, Favourite.subject_type == listing.kind, Favourite.subject_id == listing.id))
    if found is not None:
        db.session.delete(found)
        return False
    db.session.add(Favourite(user_id=user.id, subject_type=listing.kind, subject_id=listing.id, created_at=utcnow()))
    return True


def favourites_of(user):
    """[(favourite, listing)] newest first; listings no longer public are listed with their status."""
    rows = db.session.scalars(db.select(Favourite).where(Favourite.user_id == user.id)
                              .order_by(Favourite.id.desc()).limit(LIST_MAX)).all()
    ids = {kind: [f.subject_id for f in rows if f.subject_type == kind] for kind in FAVOURITE_KINDS}
    found = {}
    for kind, wanted in ids.items():
        if wanted:
            model = MODELS[kind]
            for listing in db.session.scalars(db.select(model).where(model.id.in_(wanted))):
                found[(kind, listing.id)] = listing
    return [(f, found[(f.subject_type, f.subject_id)]) for f in rows if (f.subject_type, f.subject_id) in found]


def _state_label(listing, state):
    if listing.kind == "demand" and listing.is_challenge and state in CHALLENGE_STATES:
        return CHALLENGE_STATES[state]
    return LISTING_STATES.get(state, CHALLENGE_STATES.get(state, state))


@sa_event.listens_for(Session, "before_flush")
def _notify_followers(session, flush_context, instances):
    events = [obj for obj in session.new if isinstance(obj, Event) and obj.subject_type in FAVOURITE_KINDS]
    if not events:
        return
    with session.no_autoflush:
        # One query for the followers of every listing that changed in this flush (an import publishing
        # hundreds of listings costs one query, not one per row).
        keys = {(e.subject_type, e.subject_id) for e in events}
        rows = session.execute(db.select(Favourite.subject_type, Favourite.subject_id, Favourite.user_id).where(
            Favourite.subject_type.in_({kind for kind, _ in keys}),
            Favourite.subject_id.in_({subject_id for _, subject_id in keys}))).all()
        followers = {}
        for kind, subject_id, user_id in rows:
            if (kind, subject_id) in keys:
                followers.setdefault((kind, subject_id), []).append(user_id)
        for change in events:
            user_ids = [u for u in followers.get((change.subject_type, change.subject_id), []) if u != change.actor_id]
            listing = session.get(MODELS[change.subject_type], change.subject_id) if user_ids else None
            if listing is None:
                continue
            label = _state_label(listing, change.to_state)
            message = f"您收藏的{listing.kind_label}《{listing.title}》状态变为「{label}」"[:500]
            for user_id in user_ids:
                session.add(Notification(user_id=user_id, kind="favourite_changed", message=message,
                                         url=f"/{listing.kind}s/{listing.id}", created_at=utcnow()))

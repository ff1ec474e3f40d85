"""The review lifecycle of both listing kinds, through the services (DESIGN §2)."""
import pytest

from marketplace.listings import services
from marketplace.models import Event, IndexOutbox, Notification
from marketplace.workflow import InvalidTransition, PermissionDenied, ValidationFailed

KINDS = ["achievement", "demand"]
OWNER_ROLE = {"achievement": "researcher", "demand": "enterprise"}


@pytest.fixture
def actors(make):
    return {"admin": make.user("admin"), **{kind: make.user(role) for kind, role in OWNER_ROLE.items()}}


def listing_in(make, kind, owner, status):
    return getattr(make, kind)(owner=owner, status=status)


def events_for(db, listing):
    return db.session.scalars(db.select(Event).where(Event.subject_type == listing.kind,
                                                     Event.subject_id == listing.id).order_by(Event.id)).all()


ALLOWED = [
    # (from, how, to); how: who acts and how
    ("draft", "submit", "pending"),
    ("rejected", "submit", "pending"),
    ("pending", "withdraw", "draft"),
    ("pending", "approve", "published"),
    ("pending", "reject", "rejected"),
    ("published", "archive", "archived"),
]


def act(action, listing, owner, admin, reason="材料不全"):
    if action == "submit":
        return services.submit_listing(listing, owner, note="请审核")
    if action == "withdraw":
        return services.withdraw_listing(listing, owner)
    if action == "approve":
        return services.approve_listing(listing, admin)
    if action == "reject":
        return services.reject_listing(listing, admin, reason)
    if action == "archive":
        return services.archive_listing(listing, owner)
    raise AssertionError(action)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("source,action,target", ALLOWED)
def test_allowed_transition_moves_and_records_event(db, make, actors, kind, source, action, target):
    owner, admin = actors[kind], actors["admin"]
    listing = listing_in(make, kind, owner, source)
    act(action, listing, owner, admin)
    db.session.commit()
    assert listing.status == target
    [event] = events_for(db, listing)
    acting = admin if action in ("approve", "reject") else owner
    assert (event.actor_id, event.from_state, event.to_state, event.action) == (acting.id, source, target, action)
    if action == "reject":
        assert event.note == "材料不全"
        assert listing.reject_reason == "材料不全"
    if action == "submit":
        assert event.note == "请审核"


REFUSED = [
    ("draft", "approve"), ("draft", "reject"), ("draft", "archive"), ("draft", "withdraw"),
    ("pending", "submit"), ("pending", "archive"),
    ("published", "submit"), ("published", "approve"), ("published", "reject"), ("published", "withdraw"),
    ("rejected", "approve"), ("rejected", "reject"), ("rejected", "withdraw"), ("rejected", "archive"),
    ("archived", "submit"), ("archived", "withdraw"), ("archived", "approve"), ("archived", "reject"),
    ("archived", "archive"),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("source,action", REFUSED)
def test_refused_transition_raises_and_changes_nothing(db, make, actors, kind, source, action):
    owner, admin = actors[kind], actors["admin"]
    listing = listing_in(make, kind, owner, source)
    with pytest.raises(InvalidTransition) as err:
        act(action, listing, owner, admin)
    assert err.value.status == 409
    db.session.rollback()
    assert db.session.get(type(listing), listing.id).status == source
    assert events_for(db, listing) == []


@pytest.mark.parametrize("kind", KINDS)
def test_full_round_trip_keeps_whole_history(db, make, actors, kind):
    owner, admin = actors[kind], actors["admin"]
    listing = listing_in(make, kind, owner, "draft")
    services.submit_listing(listing, owner)
    services.reject_listing(listing, admin, "缺少技术指标")
    services.submit_listing(listing, owner)
    services.approve_listing(listing, admin, note="通过")
    services.archive_listing(listing, admin)
    db.session.commit()
    steps = [(e.from_state, e.to_state) for e in services_history(listing)]
    assert steps == [("draft", "pending"), ("pending", "rejected"), ("rejected", "pending"),
                     ("pending", "published"), ("published", "archived")]
    assert listing.reject_reason is None  # cleared on approval


def services_history(listing):
    from marketplace.workflow import history

    return history(listing.kind, listing.id)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reject_without_reason_is_refused(db, make, actors, kind, reason):
    listing = listing_in(make, kind, actors[kind], "pending")
    with pytest.raises(ValidationFailed) as err:
        services.reject_listing(listing, actors["admin"], reason)
    assert "reason" in err.value.errors
    assert listing.status == "pending"
    assert events_for(db, listing) == []


@pytest.mark.parametrize("kind", KINDS)
def test_only_admin_approves_or_rejects(make, actors, kind):
    owner = actors[kind]
    listing = listing_in(make, kind, owner, "pending")
    for role in ("researcher", "enterprise", "broker"):
        someone = make.user(role)
        with pytest.raises(PermissionDenied):
            services.approve_listing(listing, someone)
        with pytest.raises(PermissionDenied):
            services.reject_listing(listing, someone, "不行")
    with pytest.raises(PermissionDenied):
        services.approve_listing(listing, owner)
    assert listing.status == "pending"


@pytest.mark.parametrize("kind", KINDS)
def test_only_owner_submits_and_withdraws(make, actors, kind):
    draft = listing_in(make, kind, actors[kind], "draft")
    pending = listing_in(make, kind, actors[kind], "pending")
    other = make.user(OWNER_ROLE[kind])
    with pytest.raises(PermissionDenied):
        services.submit_listing(draft, other)
    with pytest.raises(PermissionDenied):
        services.submit_listing(draft, actors["admin"])
    with pytest.raises(PermissionDenied):
        services.withdraw_listing(pending, other)
    with pytest.raises(PermissionDenied):
        services.archive_listing(listing_in(make, kind, actors[kind], "published"), other)


def test_approval_refused_for_unverified_organization(db, make):
    owner = make.user("researcher", verified_org=False)
    listing = make.achievement(owner=owner, status="pending")
    with pytest.raises(ValidationFailed):
        services.approve_listing(listing, make.user("admin"))
    assert listing.status == "pending"


def test_approval_publishes_notifies_and_queues_index(db, make, actors):
    listing = make.achievement(owner=actors["achievement"], status="pending")
    services.approve_listing(listing, actors["admin"])
    # Queued in the same transaction as the status change (applied after commit).
    assert db.session.scalar(db.select(IndexOutbox).where(IndexOutbox.key == f"achievement:{listing.id}"))
    db.session.commit()
    assert listing.published_at is not None
    note = db.session.scalar(db.select(Notification).where(Notification.user_id == listing.owner_id))
    assert note.kind == "listing_approved" and listing.title in note.message


def test_rejection_notifies_owner_with_reason(db, make, actors):
    listing = make.demand(owner=actors["demand"], status="pending")
    services.reject_listing(listing, actors["admin"], "预算不明确")
    db.session.commit()
    note = db.session.scalar(db.select(Notification).where(Notification.user_id == listing.owner_id))
    assert note.kind == "listing_rejected" and "预算不明确" in note.message


@pytest.mark.parametrize("kind", KINDS)
def test_owner_edits_only_draft_or_rejected(make, actors, kind):
    owner = actors[kind]
    data = {"title": "新标题", "summary": "简介", "description": "<p>描述</p>"}
    for status in ("draft", "rejected"):
        listing = listing_in(make, kind, owner, status)
        services.update_listing(listing, owner, data)
        assert listing.title == "新标题"
    for status in ("pending", "published", "archived"):
        listing = listing_in(make, kind, owner, status)
        with pytest.raises(PermissionDenied):
            services.update_listing(listing, owner, data)
    with pytest.raises(PermissionDenied):
        services.update_listing(listing_in(make, kind, owner, "draft"), make.user(OWNER_ROLE[kind]), data)


@pytest.mark.parametrize("kind,allowed", [("achievement", {"researcher", "admin"}),
                                          ("demand", {"enterprise", "admin"})])
def test_create_permission_by_role(make, kind, allowed):
    data = {"title": "标题", "summary": "简介", "description": "描述"}
    for role in ("researcher", "enterprise", "broker", "admin"):
        user = make.user(role)
        if role in allowed:
            listing = services.create_listing(kind, user, data)
            assert listing.status == "draft" and listing.owner_id == user.id
            assert listing.organization_id == user.organization_id
        else:
            with pytest.raises(PermissionDenied):
                services.create_listing(kind, user, data)


def test_visibility_of_unpublished_listing(make, actors):
    from flask_login import AnonymousUserMixin

    from marketplace.workflow import NotFound

    draft = make.achievement(owner=actors["achievement"], status="draft")
    for user in (AnonymousUserMixin(), make.user("researcher"), make.user("enterprise"), make.user("broker")):
        with pytest.raises(NotFound):
            services.get_visible("achievement", draft.id, user)
    assert services.get_visible("achievement", draft.id, actors["achievement"]) is draft
    assert services.get_visible("achievement", draft.id, actors["admin"]) is draft

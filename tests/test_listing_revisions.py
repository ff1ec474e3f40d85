"""Owners see their own details; published listings are revised through review (issue #11, item 3)."""
import pytest
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.listings import revisions
from marketplace.matching import services as search
from marketplace.models import ListingRevision, Notification
from marketplace.workflow import InvalidTransition, PermissionDenied, ValidationFailed

from .challenge_support import events, reload
from .matching_support import new_achievement

FORM = {"title": "一种石墨烯复合导热材料的制备方法", "summary": "本成果提供一种石墨烯复合导热材料，导热系数高。",
        "field": "新材料", "type": "发明专利", "maturity": "中试", "modes": ["转让", "许可"], "price": "50.00",
        "keywords": "石墨烯、导热材料", "description": "", "details": "", "patent_no": ""}


def text(response):
    return response.get_data(as_text=True)


def _notes(user, kind):
    return db.session.scalars(db.select(Notification).where(Notification.user_id == user.id,
                                                            Notification.kind == kind)).all()


# ---------------------------------------------------------------- owners see their own details

def test_owner_sees_the_confidential_details_of_their_published_achievement(make, client, login):
    owner = make.user("researcher")
    listing = make.achievement(owner=owner, details="<p>关键工艺参数：退火 800 度</p>")
    login(owner)
    page = text(client.get(f"/achievements/{listing.id}"))
    assert "关键工艺参数" in page and "请<a" not in page and 'id="details-hint"' not in page
    login(make.user("researcher"))  # another researcher still does not
    page = text(client.get(f"/achievements/{listing.id}"))
    assert "关键工艺参数" not in page and 'id="details-hint"' in page


def test_api_gives_the_owner_their_details(make, client):
    owner = make.user("researcher")
    listing = make.achievement(owner=owner, details="<p>保密参数</p>")
    token = client.post("/api/v1/tokens", json={"email": owner.email, "password": make.PASSWORD}).json["token"]
    body = client.get(f"/api/v1/achievements/{listing.id}", headers={"Authorization": f"Bearer {token}"}).json
    assert "保密参数" in body["details"]


# ---------------------------------------------------------------- proposing

def test_editing_a_published_listing_creates_a_revision_and_leaves_it_online(make, client, login):
    owner = make.user("researcher")
    listing = make.achievement(owner=owner)
    login(owner)
    form_page = text(client.get(f"/achievements/{listing.id}/edit"))
    assert 'id="revision-notice"' in form_page and "提交修改审核" in form_page
    response = client.post(f"/achievements/{listing.id}/edit", data={**FORM, "title": "新标题的导热材料"},
                           follow_redirects=True)
    assert "修改已提交审核" in text(response) and 'id="pending-revision"' in text(response)
    listing = reload(listing)
    assert listing.title == "一种石墨烯复合导热材料的制备方法" and listing.status == "published"
    revision = db.session.scalars(db.select(ListingRevision)).one()
    assert (revision.status, revision.listing_kind, revision.listing_id) == ("pending", "achievement", listing.id)
    assert "新标题的导热材料" not in text(client.get(f"/achievements/{listing.id}"))


def test_editing_again_updates_the_one_pending_revision(make, client, login):
    owner = make.user("researcher")
    listing = make.achievement(owner=owner)
    login(owner)
    client.post(f"/achievements/{listing.id}/edit", data={**FORM, "title": "第一次修改"})
    assert "第一次修改" in text(client.get(f"/achievements/{listing.id}/edit"))  # the form shows the pending one
    client.post(f"/achievements/{listing.id}/edit", data={**FORM, "title": "第二次修改"})
    rows = db.session.scalars(db.select(ListingRevision)).all()
    assert len(rows) == 1 and rows[0].data["title"] == "第二次修改"


def test_the_database_refuses_a_second_pending_revision(make):
    listing = make.achievement()
    for _ in range(2):
        db.session.add(ListingRevision(listing_kind="achievement", listing_id=listing.id, author_id=listing.owner_id,
                                       status="pending", data={}))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_invalid_or_unchanged_input_is_refused_in_chinese(make, client, login):
    owner = make.user("researcher")
    listing = make.achievement(owner=owner)
    login(owner)
    page = text(client.post(f"/achievements/{listing.id}/edit", data={**FORM, "title": ""}))
    assert "请填写成果名称" in page
    page = text(client.post(f"/achievements/{listing.id}/edit", data=FORM))
    assert "没有任何修改" in page
    assert db.session.scalar(db.select(db.func.count(ListingRevision.id))) == 0


def test_only_the_owner_may_revise(make):
    listing = make.achievement()
    for user in (make.user("researcher"), make.user("admin")):
        with pytest.raises(PermissionDenied):
            revisions.propose_revision(listing, user, {**FORM, "title": "别人的修改"})
    draft = make.achievement(status="draft")
    with pytest.raises(PermissionDenied):  # drafts are edited directly
        revisions.propose_revision(draft, draft.owner, FORM)


def test_a_demand_revision_cannot_turn_it_into_a_challenge(make):
    demand = make.demand()
    revision = revisions.propose_revision(demand, demand.owner, {
        "title": "新的需求名称", "description": "<p>描述</p>", "field": "新材料", "is_challenge": True,
        "bounty": "10", "deadline": "2099-01-01"})
    db.session.commit()
    revisions.approve_revision(revision, make.user("admin"))
    db.session.commit()
    demand = reload(demand)
    assert demand.title == "新的需求名称" and demand.is_challenge is False and demand.bounty is None


# ---------------------------------------------------------------- review

def test_admin_sees_the_differences_field_by_field(make, client, login):
    owner = make.user("researcher")
    listing = make.achievement(owner=owner)
    revision = revisions.propose_revision(listing, owner, {**FORM, "title": "改过的标题", "price": "80"})
    db.session.commit()
    login(make.user("admin"))
    queue = text(client.get("/admin/review"))
    assert 'id="revision-queue"' in queue and f"/admin/revisions/{revision.id}" in queue
    page = text(client.get(f"/admin/revisions/{revision.id}"))
    assert 'data-field="title"' in page and 'data-field="price"' in page and 'data-field="summary"' not in page
    assert "一种石墨烯复合导热材料的制备方法" in page and "改过的标题" in page
    assert "50.00" in page and "80.00" in page


def test_approval_applies_the_values_updates_search_and_notifies(make, client, login):
    listing = new_achievement(title="钙钛矿太阳能电池封装工艺")
    owner = listing.owner
    revision = revisions.propose_revision(listing, owner, {**FORM, "title": "柔性有机发光器件封装工艺",
                                                           "summary": listing.summary})
    db.session.commit()
    assert [hit.id for hit in search.search("钙钛矿").items] == [listing.id]
    login(make.user("admin"))
    response = client.post(f"/admin/revisions/{revision.id}/approve", data={"note": "同意"}, follow_redirects=True)
    assert "修改已审核通过" in text(response)
    assert reload(listing).title == "柔性有机发光器件封装工艺"
    assert [hit.id for hit in search.search("有机发光").items] == [listing.id]
    assert search.search("钙钛矿").items == []
    assert reload(revision).status == "approved"
    assert [e.action for e in events("listing_revision", revision.id)] == ["approve"]
    assert len(_notes(owner, "revision_approved")) == 1


def test_rejection_needs_a_reason_keeps_the_listing_and_tells_the_owner(make, client, login):
    owner = make.user("researcher")
    listing = make.achievement(owner=owner)
    revision = revisions.propose_revision(listing, owner, {**FORM, "title": "夸大的标题"})
    db.session.commit()
    login(make.user("admin"))
    response = client.post(f"/admin/revisions/{revision.id}/reject", data={"reason": ""})
    assert response.status_code == 400 and "请填写驳回原因" in text(response)
    client.post(f"/admin/revisions/{revision.id}/reject", data={"reason": "标题与专利不符"})
    assert reload(revision).status == "rejected"
    assert reload(listing).title == "一种石墨烯复合导热材料的制备方法"
    assert "标题与专利不符" in _notes(owner, "revision_rejected")[0].message
    login(owner)
    assert "标题与专利不符" in text(client.get(f"/achievements/{listing.id}/edit"))
    # a new edit starts a new pending revision
    client.post(f"/achievements/{listing.id}/edit", data={**FORM, "title": "如实的标题"})
    assert revisions.pending_revision(listing).data["title"] == "如实的标题"


def test_a_decided_revision_cannot_be_decided_again(make):
    admin = make.user("admin")
    listing = make.achievement()
    revision = revisions.propose_revision(listing, listing.owner, {**FORM, "title": "改一次"})
    db.session.commit()
    revisions.approve_revision(revision, admin)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        revisions.reject_revision(revision, admin, "晚了")


def test_a_revision_of_an_archived_listing_is_not_applied(make):
    admin = make.user("admin")
    listing = make.achievement()
    revision = revisions.propose_revision(listing, listing.owner, {**FORM, "title": "归档前的修改"})
    listing.status = "archived"
    db.session.commit()
    with pytest.raises(InvalidTransition):
        revisions.approve_revision(revision, admin)


def test_only_admins_review(make):
    listing = make.achievement()
    revision = revisions.propose_revision(listing, listing.owner, {**FORM, "title": "改一次"})
    with pytest.raises(PermissionDenied):
        revisions.approve_revision(revision, listing.owner)
    with pytest.raises(ValidationFailed):
        revisions.reject_revision(revision, make.user("admin"), "  ")

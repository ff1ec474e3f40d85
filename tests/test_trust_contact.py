"""Trust and contact (#11): a listing's contact person (logged-in users only), its view count, 收藏 with
the /me list and a notification when a favourite changes."""
import re
import threading

from marketplace.extensions import db as _db
from marketplace.models import Achievement, Favourite, Notification

from .challenge_support import reload


def text_of(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


CONTACT = {"contact_name": "王老师", "contact_role": "技术转移中心主任", "contact_phone": "0571-88889999",
           "contact_email": "wang@example.edu.cn"}


def test_contact_is_shown_to_logged_in_users_as_the_owner_chose(client, make, login):
    achievement = make.achievement(**CONTACT, contact_show="phone")
    page = text_of(client.get(f"/achievements/{achievement.id}"))
    assert "登录后查看联系方式" in page and "0571-88889999" not in page and "王老师" not in page
    login(make.user("enterprise"))
    page = text_of(client.get(f"/achievements/{achievement.id}"))
    assert "王老师" in page and "技术转移中心主任" in page and "0571-88889999" in page
    assert "wang@example.edu.cn" not in page  # the owner shows only the phone
    achievement.contact_show = "email"
    _db.session.commit()
    page = text_of(client.get(f"/achievements/{achievement.id}"))
    assert "wang@example.edu.cn" in page and "0571-88889999" not in page


def test_contact_fields_on_the_form_are_validated_and_saved(client, db, make, login):
    owner = login(make.user("researcher"))
    data = {"title": "一种导热膜", "summary": "简介", "field": "新材料", "type": "其他", "save": "保存草稿",
            **CONTACT, "contact_phone": "电话打不通", "contact_show": "both"}
    bad = client.post("/achievements/new", data=data)
    assert "联系电话格式不正确" in text_of(bad) and db.session.query(Achievement).count() == 0
    data["contact_phone"] = "13800001111"
    client.post("/achievements/new", data=data)
    saved = db.session.query(Achievement).filter_by(owner_id=owner.id).one()
    assert (saved.contact_name, saved.contact_phone, saved.contact_show) == ("王老师", "13800001111", "both")
    form = text_of(client.get(f"/achievements/{saved.id}/edit"))
    assert 'value="13800001111"' in form and "展示的联系方式" in form


def test_without_a_contact_the_owner_name_and_account_email_are_shown(client, make, login):
    demand = make.demand()
    login(make.user("researcher"))
    page = text_of(client.get(f"/demands/{demand.id}"))
    assert demand.owner.name in page and demand.owner.email in page


def test_views_are_counted_for_everyone_but_the_owner_and_bots(client, make, login):
    achievement = make.achievement()
    url = f"/achievements/{achievement.id}"
    client.get(url)
    client.get(url, headers={"User-Agent": "Mozilla/5.0 (compatible; Baiduspider/2.0)"})
    login(make.user("enterprise"))
    client.get(url)
    login(achievement.owner)
    page = text_of(client.get(url))
    assert reload(achievement).view_count == 2
    assert "浏览 2 次" in page
    draft = make.achievement(status="draft")
    login(None)
    client.get(f"/achievements/{draft.id}")  # 404: not counted
    assert reload(draft).view_count == 0


def test_concurrent_views_are_all_counted(app, make):
    """One atomic UPDATE per view: parallel requests neither lose counts nor fail."""
    achievement = make.achievement()
    url, errors = f"/achievements/{achievement.id}", []

    def view():
        with app.test_client() as own_client:
            for _ in range(5):
                if own_client.get(url).status_code != 200:
                    errors.append("not 200")

    threads = [threading.Thread(target=view) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and reload(achievement).view_count == 20


def test_favourite_toggle_me_list_and_notification_on_change(client, db, make, login):
    challenge = make.demand(challenge=True, title="高导热膜揭榜")
    achievement = make.achievement(title="可收藏的成果")
    fan = login(make.user("researcher"))
    assert "☆ 收藏" in text_of(client.get(f"/demands/{challenge.id}"))
    client.post(f"/demands/{challenge.id}/favourite")
    client.post(f"/achievements/{achievement.id}/favourite")
    assert "★ 已收藏" in text_of(client.get(f"/demands/{challenge.id}"))
    me = text_of(client.get("/me"))
    assert "我的收藏" in me and "高导热膜揭榜" in me and "可收藏的成果" in me

    login(challenge.owner)  # the owner closes the challenge early: the follower hears of it
    client.post(f"/challenges/{challenge.id}/close", data={"note": "提前截止"})
    assert reload(challenge).status == "reviewing"
    [note] = db.session.query(Notification).filter_by(user_id=fan.id, kind="favourite_changed").all()
    assert "高导热膜揭榜" in note.message and "评审中" in note.message and note.url == f"/demands/{challenge.id}"
    assert not db.session.query(Notification).filter_by(user_id=challenge.owner_id, kind="favourite_changed").all()

    login(achievement.owner)
    client.post(f"/achievements/{achievement.id}/archive")
    messages = [n.message for n in db.session.query(Notification).filter_by(user_id=fan.id, kind="favourite_changed")]
    assert any("可收藏的成果" in m and "已归档" in m for m in messages)

    login(fan)  # still listed on /me with its status; toggling again removes it
    assert "已归档" in text_of(client.get("/me"))
    client.post(f"/demands/{challenge.id}/favourite")
    assert db.session.query(Favourite).filter_by(user_id=fan.id, subject_type="demand").count() == 0


def test_favourites_need_login_and_a_public_listing(client, make, login):
    achievement = make.achievement()
    response = client.post(f"/achievements/{achievement.id}/favourite")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    draft = make.achievement(status="draft")
    login(draft.owner)
    assert client.post(f"/achievements/{draft.id}/favourite").status_code == 404


def test_views_are_added_up_in_the_process_and_written_together(app, client, make):
    """In production views are written every VIEW_FLUSH_SECONDS, not one write and commit per page view."""
    from marketplace.listings import contact

    achievement = make.achievement()
    url = f"/achievements/{achievement.id}"
    client.get(url)  # the first view of the process writes (nothing written yet) and starts the period
    app.config["VIEW_FLUSH_SECONDS"] = 3600
    try:
        with app.app_context():
            contact.flush_views()  # start a long period
        for _ in range(3):
            assert client.get(url).status_code == 200
        assert reload(achievement).view_count == 1  # held in the process
        with app.app_context():
            assert contact.flush_views() is True
            _db.session.commit()
        assert reload(achievement).view_count == 4
    finally:
        app.config["VIEW_FLUSH_SECONDS"] = 0
        contact._next_flush[0] = 0.0

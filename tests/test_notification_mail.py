"""Notifications by e-mail (notifications/mailing.py): opt-in per kind on the settings page, a mail right
after the commit or a daily digest, received by a real SMTP server; repeated notifications grouped."""
from datetime import datetime, timedelta

from marketplace.extensions import db
from marketplace.models import MailPreference, Notification
from marketplace.notifications import mailing, services
from marketplace.notifications.grouping import group_notifications

from .mail_support import body_of, smtp_inbox  # noqa: F401  (fixture)


def _settings(client, kinds, frequency):
    return client.post("/notifications/settings", data={"kinds": kinds, "frequency": frequency})


def _notify(user, kind="match_push", message="新的匹配推荐：《石墨烯导热膜》匹配度 63%", url="/achievements/1/matches"):
    note = services.notify(user, kind, message, url)
    db.session.commit()
    return note


def test_email_is_off_by_default(app, make, smtp_inbox):
    user = make.user()
    _notify(user)
    assert smtp_inbox.messages == []
    assert mailing.preference_of(user) is None


def test_settings_page_saves_kinds_and_frequency(client, login, make):
    user = login(make.user())
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "匹配推荐" in page and "密码重置（始终发送）" in page and 'value="match_push"' in page
    assert 'value="match_push" checked' not in page  # nothing chosen yet
    response = _settings(client, ["match_push", "deal_stage"], "daily")
    assert response.status_code == 302
    pref = mailing.preference_of(user)
    assert pref.kind_set == {"match_push", "deal_stage"} and pref.frequency == "daily"
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'id="kind-match_push" value="match_push" checked' in page
    assert 'id="frequency-daily" value="daily" checked' in page


def test_settings_refuse_unknown_kinds_and_frequencies(client, login, make):
    user = login(make.user())
    page = _settings(client, ["match_push", "nonsense"], "hourly").get_data(as_text=True)
    assert "通知类型无效" in page and "请选择邮件发送方式" in page
    assert mailing.preference_of(user) is None


def test_an_opted_in_kind_is_mailed_after_the_commit(app, client, login, make, smtp_inbox):
    user = login(make.user(name="王芳"))
    _settings(client, ["match_push"], "immediate")
    _notify(user, "deal_stage", "交易进展：已签约", "/deals/1")  # not chosen
    assert smtp_inbox.messages == []
    services.notify(user, "match_push", "新的匹配推荐：《石墨烯导热膜》匹配度 63%", "/achievements/1/matches")
    assert smtp_inbox.messages == []  # not before the commit
    db.session.commit()
    [message] = smtp_inbox.messages
    assert message["To"] == user.email and message["Subject"] == "【易智】匹配推荐"
    text = body_of(message)
    assert "王芳，您好" in text and "《石墨烯导热膜》匹配度 63%" in text
    assert "http://localhost:5000/achievements/1/matches" in text and "/notifications/settings" in text


def test_a_rolled_back_notification_is_not_mailed(app, client, login, make, smtp_inbox):
    user = login(make.user())
    _settings(client, ["match_push"], "immediate")
    services.notify(user, "match_push", "不会发出的通知", "/x")
    db.session.rollback()
    db.session.commit()
    assert smtp_inbox.messages == []


def test_daily_digest_groups_unread_notifications_and_is_sent_once_a_day(app, client, login, make, smtp_inbox):
    user = login(make.user(name="赵磊"))
    _settings(client, ["match_push", "deal_stage"], "daily")
    pref = mailing.preference_of(user)
    pref.digest_sent_at = datetime(2026, 11, 26, 0, 0)  # 08:00 Beijing time on the 26th
    for i in range(3):
        note = _notify(user, message=f"新的匹配推荐 {i}")
        note.created_at = datetime(2026, 11, 26, 12, i)
    _notify(user, "deal_stage", "交易进展：已签约", "/deals/7").created_at = datetime(2026, 11, 26, 13, 0)
    _notify(user, "listing_approved", "审核通过", "/achievements/2").created_at = datetime(2026, 11, 26, 13, 0)
    read = _notify(user, "deal_stage", "已读的那条", "/deals/8")
    read.created_at, read.read_at = datetime(2026, 11, 26, 13, 0), datetime(2026, 11, 26, 14, 0)
    db.session.commit()
    assert smtp_inbox.messages == []  # daily: nothing at once

    assert mailing.send_due_digests(now=datetime(2026, 11, 26, 23, 0)) == 0  # before 08:00 on the 27th
    assert mailing.send_due_digests(now=datetime(2026, 11, 27, 0, 30)) == 1  # 08:30 Beijing time
    [message] = smtp_inbox.messages
    assert message["Subject"] == "【易智】每日通知摘要（4 条未读）"
    text = body_of(message)
    assert "赵磊，您好" in text and "3 条新的匹配推荐" in text and "新的交易进展" in text
    assert "审核通过" not in text and "已读的那条" not in text
    assert mailing.send_due_digests(now=datetime(2026, 11, 27, 5, 0)) == 0  # once a day
    _notify(user, message="第二天的推荐").created_at = datetime(2026, 11, 27, 6, 0)
    db.session.commit()
    assert mailing.send_due_digests(now=datetime(2026, 11, 28, 0, 10)) == 1
    assert "第二天的推荐" in body_of(smtp_inbox.messages[1]) and "新的匹配推荐 0" not in body_of(smtp_inbox.messages[1])


def test_never_sends_nothing(app, client, login, make, smtp_inbox):
    user = login(make.user())
    _settings(client, ["match_push"], "never")
    _notify(user)
    assert mailing.send_due_digests(now=datetime.now() + timedelta(days=2)) == 0
    assert smtp_inbox.messages == []
    assert db.session.scalar(db.select(db.func.count(MailPreference.id))) == 1


def test_repeated_kinds_on_one_target_are_grouped(app, client, login, make):
    user = login(make.user())
    for i in range(3):
        _notify(user, message=f"推荐 {i}")
    _notify(user, message="另一个成果的推荐", url="/achievements/2/matches")
    _notify(user, "deal_stage", "交易进展", "/deals/1")
    page = client.get("/notifications/").get_data(as_text=True)
    assert page.count("3 条新的匹配推荐") == 1 and page.count('class="list-group-item notification-group') == 3
    assert "展开其余 2 条" in page and "推荐 2" in page and "推荐 0" in page
    notes = db.session.scalars(db.select(Notification).where(Notification.user_id == user.id)
                               .order_by(Notification.id.desc())).all()
    groups = group_notifications(notes)
    assert [len(g.items) for g in groups] == [1, 1, 3] and groups[2].title == "3 条新的匹配推荐"
    # "查看" on the group marks all three read
    response = client.post("/notifications/read", data={"id": groups[2].ids, "next": groups[2].url})
    assert response.status_code == 302 and response.location.endswith("/achievements/1/matches")
    assert services.unread_count(user) == 2
    assert group_notifications(notes)[2].title == "3 条匹配推荐"


def test_mark_all_read_says_how_many(client, login, make):
    user = login(make.user())
    for i in range(4):
        _notify(user, message=f"推荐 {i}")
    page = client.post("/notifications/read", follow_redirects=True).get_data(as_text=True)
    assert "已全部标为已读（4 条）" in page
    assert "已全部标为已读（没有未读通知）" in client.post("/notifications/read", follow_redirects=True).get_data(as_text=True)


def test_another_users_notifications_cannot_be_marked_read(client, login, make):
    owner, other = make.user(), make.user()
    note = _notify(owner)
    login(other)
    client.post("/notifications/read", data={"id": [note.id]})
    assert services.unread_count(owner) == 1


def test_every_kind_the_code_sends_has_a_chinese_name():
    """A notify(..., "kind", ...) added later without a row in kinds.py could not be chosen for e-mail."""
    import pathlib
    import re

    from marketplace.notifications.kinds import KIND_LABELS, kind_label

    root = pathlib.Path(__file__).parent.parent / "marketplace"
    sent = set()
    for path in root.rglob("*.py"):
        sent |= set(re.findall(r'notify(?:_many)?\([^,()]+(?:\([^()]*\))?[^,()]*,\s*"([a-z_]+)"', path.read_text()))
    assert {"match_push", "deal_stage", "join_requested"} <= sent  # the scan finds calls
    assert sent - set(KIND_LABELS) == set()
    assert kind_label("something_new") == "其他通知"

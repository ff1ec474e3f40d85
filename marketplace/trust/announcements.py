"""通知公告: short notices by the operator, managed by admins, listed on the home page and /announcements."""
from datetime import date, datetime

from ..parsing import parse_text
from ..extensions import db
from ..models import Announcement
from ..text import DESCRIPTION_MAX, TITLE_MAX
from ..timeutil import local_today, utcnow
from ..workflow import NotFound, PermissionDenied, ValidationFailed


def _require_admin(user):
    if not (user.is_authenticated and user.role == "admin"):
        raise PermissionDenied("只有管理员可以管理通知公告")


def _clean(data):
    errors = {}
    values = {"title": parse_text(data.get("title"), "标题", "title", errors, TITLE_MAX),
              "body": parse_text(data.get("body"), "正文", "body", errors, DESCRIPTION_MAX) or ""}
    raw = data.get("published_on")
    if isinstance(raw, (date, datetime)):
        values["published_on"] = raw if not isinstance(raw, datetime) else raw.date()
    elif not raw or not str(raw).strip():
        values["published_on"] = local_today()
    else:
        try:
            values["published_on"] = datetime.strptime(str(raw).strip(), "%Y-%m-%d").date()
        except ValueError:
            errors["published_on"] = "发布日期格式应为 YYYY-MM-DD"
    if errors:
        raise ValidationFailed("提交的内容有误，请修改后重试", errors)
    return values


def get(announcement_id, public=True):
    """An announcement; the public sees only those published by today."""
    item = db.session.get(Announcement, announcement_id)
    if item is None or (public and item.published_on > local_today()):
        raise NotFound("该公告不存在")
    return item


def save(user, data, announcement=None):
    _require_admin(user)
    values = _clean(data)
    if announcement is None:
        announcement = Announcement(created_by_id=user.id, created_at=utcnow(), **values)
        db.session.add(announcement)
    else:
        for key, value in values.items():
            setattr(announcement, key, value)
    db.session.flush()
    return announcement


def delete(user, announcement):
    _require_admin(user)
    db.session.delete(announcement)


def latest(limit=5):
    """The newest announcements already published (served by ix_announcement_published_on)."""
    return db.session.scalars(db.select(Announcement).where(Announcement.published_on <= local_today())
                              .order_by(Announcement.published_on.desc(), Announcement.id.desc()).limit(limit)).all()


def paginate(page, per_page=20, public=True):
    query = db.select(Announcement)
    if public:
        query = query.where(Announcement.published_on <= local_today())
    query = query.order_by(Announcement.published_on.desc(), Announcement.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)

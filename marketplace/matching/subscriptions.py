"""Subscriptions to technology fields and keywords: subscribers hear about new published listings."""
from ..extensions import db
from ..models import Notification, Subscription
from ..models.listings import FIELDS
from ..notifications.services import notify
from ..text import html_to_text, split_keywords
from ..workflow import NotFound, PermissionDenied, ValidationFailed
from .analysis import terms as analyze

MAX_SUBSCRIPTIONS = 20
KIND_LABELS = {"achievement": "科技成果", "demand": "技术需求"}


def list_for(user):
    return db.session.scalars(db.select(Subscription).where(Subscription.user_id == user.id)
                              .order_by(Subscription.id.desc())).all()


def add(user, field=None, keywords="", kind=None):
    """Subscribe user to a field and/or keywords (any of them), optionally one listing kind."""
    if not user.is_authenticated:
        raise PermissionDenied("请先登录")
    field = (field or "").strip() or None
    kind = (kind or "").strip() or None
    words = split_keywords(keywords)
    errors = {}
    if field is not None and field not in FIELDS:
        errors["field"] = "技术领域无效"
    if kind is not None and kind not in KIND_LABELS:
        errors["kind"] = "类型无效"
    if not field and not words:
        errors["keywords"] = "请至少选择一个技术领域或填写一个关键词"
    if len(",".join(words)) > 300:
        errors["keywords"] = "关键词总长度不能超过 300 个字符"
    if len(list_for(user)) >= MAX_SUBSCRIPTIONS:
        errors["keywords"] = f"最多订阅 {MAX_SUBSCRIPTIONS} 条"
    if errors:
        raise ValidationFailed("订阅内容有误", errors)
    subscription = Subscription(user_id=user.id, field=field, keywords=",".join(words), kind=kind)
    db.session.add(subscription)
    return subscription


def delete(user, subscription_id):
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None:
        raise NotFound("该订阅不存在")
    if subscription.user_id != user.id:
        raise PermissionDenied("只能删除自己的订阅")
    db.session.delete(subscription)


def _listing_terms(listing):
    body = listing.summary if listing.kind == "achievement" else html_to_text(listing.description)
    return set(analyze(" ".join([listing.title, " ".join(listing.keyword_list), body])))


def matches(subscription, listing, listing_terms):
    """Field (if set) and kind (if set) agree, and any keyword (all its terms) occurs in the listing."""
    if subscription.field and subscription.field != listing.field:
        return False
    if subscription.kind and subscription.kind != listing.kind:
        return False
    words = [w for w in (subscription.keywords or "").split(",") if w]
    if not words:
        return True
    return any(set(analyze(word)) and set(analyze(word)) <= listing_terms for word in words)


def notify_subscribers(listing):
    """Notify every subscriber (once per listing, never its owner) whose subscription matches."""
    query = db.select(Subscription).where(
        Subscription.user_id != listing.owner_id,
        db.or_(Subscription.field.is_(None), Subscription.field == listing.field),
        db.or_(Subscription.kind.is_(None), Subscription.kind == listing.kind))
    candidates = db.session.scalars(query).all()
    if not candidates:
        return 0
    url = f"/{listing.kind}s/{listing.id}"
    already = set(db.session.scalars(db.select(Notification.user_id).where(
        Notification.kind == "subscription_match", Notification.url == url)))
    listing_terms = _listing_terms(listing)
    sent = 0
    for subscription in candidates:
        if subscription.user_id in already or not matches(subscription, listing, listing_terms):
            continue
        already.add(subscription.user_id)
        notify(subscription.user, "subscription_match",
               f"您订阅的内容有新发布的{KIND_LABELS[listing.kind]}：《{listing.title}》", url)
        sent += 1
    return sent

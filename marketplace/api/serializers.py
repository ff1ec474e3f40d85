"""Models to JSON (DESIGN §6 field names). One small function per model, importable by every endpoint module."""
from ..timeutil import to_local


def money(value):
    """Decimal 万元 as a string with 2 decimals, or None (面议)."""
    return None if value is None else f"{value:.2f}"


def timestamp(dt):
    """A stored UTC time as ISO 8601 in local time (+08:00), or None."""
    local = to_local(dt)
    return local.isoformat() if local else None


def local_date(dt):
    """A stored UTC time as its local date YYYY-MM-DD, or None."""
    local = to_local(dt)
    return local.date().isoformat() if local else None


def serialize_user(user):
    return None if user is None else {"id": user.id, "name": user.name}


def serialize_event(event):
    return {"action": event.action, "from": event.from_state, "to": event.to_state, "note": event.note,
            "actor": serialize_user(event.actor), "at": timestamp(event.created_at)}


def _listing_common(listing):
    return {
        "id": listing.id,
        "kind": listing.kind,
        "title": listing.title,
        "field": listing.field,
        "keywords": listing.keyword_list,
        "status": listing.effective_status,
        "organization": listing.organization.name if listing.organization else None,
        "organization_id": listing.organization_id,
        "published_at": timestamp(listing.published_at),
    }


def serialize_achievement(achievement, details=False):
    """`details=True` adds the confidential part (for users services.can_see_details allows)."""
    data = _listing_common(achievement)
    data.update(summary=achievement.summary, description=achievement.description or "", type=achievement.type,
                patent_no=achievement.patent_no, maturity=achievement.maturity, modes=achievement.mode_list,
                price=money(achievement.price))
    if details:
        data["details"] = achievement.details or ""
    return data


def serialize_demand(demand):
    data = _listing_common(demand)
    data.update(description=demand.description, indicators=demand.indicators or "", budget=money(demand.budget),
                is_challenge=bool(demand.is_challenge), bounty=money(demand.bounty),
                deadline=local_date(demand.deadline), eligibility=demand.eligibility or "")
    return data


def serialize_listing(listing, details=False, history=None):
    """Either kind; `history` (a list of Events) adds the review history and the rejection reason."""
    if listing.kind == "achievement":
        data = serialize_achievement(listing, details=details)
    else:
        data = serialize_demand(listing)
    if history is not None:
        data["history"] = [serialize_event(e) for e in history]
        data["reason"] = listing.reject_reason
    return data

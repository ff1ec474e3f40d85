"""The sections of a user's own page (/me), contributed by each feature.

A feature adds a section by registering a provider, e.g. in its package's views module:

    from ..accounts.dashboard import dashboard_section, Section

    @dashboard_section(order=30)
    def my_challenges(user):
        if user.role != "enterprise":
            return None                      # not shown for this user
        return Section("我的揭榜挂帅", "challenges/_dashboard.html", {"items": ...})

The template is included with `section`, its context as `ctx`, `form` (an EmptyForm for POST buttons)
and `current_user`.
"""
from dataclasses import dataclass, field

from ..listings import services as listings


@dataclass
class Section:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    key: str = ""


_providers = []


def dashboard_section(order=100):
    """Register fn(user) -> Section | None; sections show in ascending order."""

    def decorator(fn):
        if fn not in [f for _, f in _providers]:
            _providers.append((order, fn))
            _providers.sort(key=lambda pair: pair[0])
        return fn

    return decorator


def sections_for(user):
    sections = []
    for _, provider in _providers:
        section = provider(user)
        if section is not None:
            sections.append(section)
    return sections


# ---------------------------------------------------------------- the listings sections

def _listing_section(user, kind, title, new_label, new_url):
    items = listings.owned_by(user, kind)
    if not items and (user.role in ("admin", "broker") or not listings.can_create(user, kind)):
        return None  # admins and brokers have their own dashboards (dashboard/sections.py)
    rows = [{"listing": item, "url": f"/{kind}s/{item.id}",
             "edit_url": f"/{kind}s/{item.id}/edit" if listings.can_edit(user, item) else None,
             "submit_url": f"/{kind}s/{item.id}/submit" if item.status in ("draft", "rejected") else None}
            for item in items]
    return Section(title, "accounts/_section_listings.html", key=f"{kind}s",
                   context={"rows": rows, "new_label": new_label,
                            "new_url": new_url if listings.can_create(user, kind) else None})


@dashboard_section(order=10)
def my_achievements(user):
    return _listing_section(user, "achievement", "我的科技成果", "发布科技成果", "/achievements/new")


@dashboard_section(order=20)
def my_demands(user):
    return _listing_section(user, "demand", "我的技术需求", "发布技术需求", "/demands/new")

"""A listing's contact person (shown to logged-in users only) and its view count.

The contact fields are cleaned with the rest of the listing (cleaning.clean_*), so the form, the API
and the importer accept them alike; `contact_show` says whether the phone, the e-mail or both are shown.
"""
import atexit
import re
import threading
import time

from flask import current_app

from ..extensions import db
from ..models.listings import CONTACT_SHOW

CONTACT_LIMITS = {"contact_name": ("联系人", 50), "contact_role": ("联系人职务", 50),
                  "contact_phone": ("联系电话", 30), "contact_email": ("联系邮箱", 200)}
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,28}[0-9](?:\s*(?:转|ext\.?|-)\s*[0-9]{1,6})?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_contact(data, errors):
    """The contact fields of a listing's input (all optional): {column: value}; problems go into errors."""
    values = {}
    for key, (label, limit) in CONTACT_LIMITS.items():
        raw = data.get(key)
        if raw is not None and not isinstance(raw, str):
            errors[key] = f"{label}必须是文本"
            raw = ""
        value = (raw or "").strip()
        if len(value) > limit:
            errors[key] = f"{label}不能超过 {limit} 个字符（当前 {len(value)} 个）"
        values[key] = value or None
    if values["contact_phone"] and "contact_phone" not in errors and not _PHONE_RE.match(values["contact_phone"]):
        errors["contact_phone"] = "联系电话格式不正确，例如 0571-88889999 或 13800001111"
    if values["contact_email"] and "contact_email" not in errors and not _EMAIL_RE.match(values["contact_email"]):
        errors["contact_email"] = "联系邮箱格式不正确"
    show = data.get("contact_show")
    show = show.strip() if isinstance(show, str) and show.strip() else "both"
    if show not in CONTACT_SHOW:
        errors["contact_show"] = f"联系方式展示选项无效，可选：{'、'.join(CONTACT_SHOW.values())}"
    values["contact_show"] = show
    return values


def contact_of(listing):
    """What the detail page shows logged-in users: name, role, and the phone / e-mail the owner chose to
    show (an empty contact falls back to the owner's name and account e-mail); None if nothing to show."""
    show = listing.contact_show or "both"
    phone = listing.contact_phone if show in ("both", "phone") else None
    email = listing.contact_email if show in ("both", "email") else None
    name = listing.contact_name
    if not (name or phone or email) and listing.owner is not None:
        name, email = listing.owner.name, (listing.owner.email if show in ("both", "email") else None)
    if not (name or phone or email):
        return None
    return {"name": name, "role": listing.contact_role, "phone": phone, "email": email}


def count_view(listing, user):
    """One detail-page view by anyone but the owner. Views are added up in the process and written every
    VIEW_FLUSH_SECONDS (0: at once), one atomic UPDATE per listing (no read-modify-write): a write and a
    commit on every page view would make the most read page the most expensive one. True when this call
    wrote, and the caller's request must commit."""
    if user.is_authenticated and user.id == listing.owner_id:
        return False
    with _views_lock:
        _pending_views[(type(listing), listing.id)] = _pending_views.get((type(listing), listing.id), 0) + 1
        due = time.monotonic() >= _next_flush[0]
    if due:
        return flush_views()
    return False


def flush_views():
    """Write the views counted in this process since the last flush (the caller commits); True if any."""
    with _views_lock:
        taken = dict(_pending_views)
        _pending_views.clear()
        _next_flush[0] = time.monotonic() + current_app.config["VIEW_FLUSH_SECONDS"]
        if not _at_exit:  # a stopping worker writes what it still holds
            _at_exit.append(current_app._get_current_object())
            atexit.register(_flush_at_exit)
    try:
        for (model, listing_id), views in taken.items():
            db.session.execute(db.update(model).where(model.id == listing_id)
                               .values(view_count=model.view_count + views)
                               .execution_options(synchronize_session=False))
    except Exception:
        with _views_lock:
            for key, views in taken.items():
                _pending_views[key] = _pending_views.get(key, 0) + views
        raise
    return bool(taken)


def _flush_at_exit():
    with _at_exit[0].app_context():
        if flush_views():
            db.session.commit()


_pending_views = {}
_views_lock = threading.Lock()
_next_flush = [0.0]
_at_exit = []

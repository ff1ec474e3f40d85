"""Feedback on proposals, and what the matcher learns from it (the one place for both).

Recorded feedback:
- a dismissal: Match.status "dismissed" with dismiss_reason (one of DISMISS_REASONS), dismiss_note
  (required for 其他), dismissed_by_id and dismissed_at (`record_dismissal`);
- a deal opened from a proposal: Match.status "converted" and Match.deal_id (deals/services.py);
- an enquiry from a proposal: an Enquiry for the proposal's achievement by the organization that owns its
  demand, made once the proposal existed. Read from the two tables (`conversion`), not copied.

What the ranking does with it (matching/services.py `_store_proposals`):
- `blocked_counterparts`: a dismissal for 不相关 or 已合作 of the pair (demand D, achievement X) means D's
  organization is never proposed X again (for any of its demands) and X's organization is never proposed D
  again (for any of its achievements). 条件不符 and 其他 concern that one pair only.
- `penalty`: dismissals for 不相关 teach which explanation terms mislead within a pair of technology fields.
  For a later pairing with explanation terms T between the same two fields,
      n_t = number of 不相关 dismissals (same demand field, same achievement field) whose terms included t
      penalty = min(TERM_PENALTY_CAP, TERM_PENALTY_STEP * (sum of n_t over T) / |T|)
      score  = score * (1 - penalty)
  Deterministic, bounded (a score loses at most 30 %), and zero without feedback (as in the evaluation).
"""
from collections import Counter

from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Achievement, Demand, Enquiry, Match
from ..timeutil import utcnow
from ..workflow import ValidationFailed
from .documents import KIND_MODELS, OTHER_KIND

DISMISS_REASONS = ("不相关", "已合作", "条件不符", "其他")
ORG_WIDE_REASONS = ("不相关", "已合作")
IRRELEVANT = "不相关"
NOTE_REQUIRED_FOR = "其他"
NOTE_MAX = 300
UNSTATED = "未说明"  # dismissals made before reasons were asked for
TERM_PENALTY_STEP = 0.1
TERM_PENALTY_CAP = 0.3


def _columns(kind):
    """(this side's Match column, the other side's Match column) for a listing of `kind`."""
    if kind == "demand":
        return Match.demand_id, Match.achievement_id
    return Match.achievement_id, Match.demand_id


# ---------------------------------------------------------------- recording

def parse_dismissal(data):
    """(reason, note or None) from submitted data; ValidationFailed with field errors otherwise."""
    reason = str(data.get("reason") or "").strip()
    note = str(data.get("note") or "").strip()
    errors = {}
    if reason not in DISMISS_REASONS:
        errors["reason"] = "请选择忽略原因：" + " / ".join(DISMISS_REASONS)
    elif reason == NOTE_REQUIRED_FOR and not note:
        errors["note"] = "选择“其他”时请填写说明"
    if len(note) > NOTE_MAX:
        errors["note"] = f"说明不能超过 {NOTE_MAX} 个字符"
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors)
    return reason, note or None


def record_dismissal(match, user, reason, note):
    """Store the dismissal's feedback and withdraw the proposals it blocks (the caller commits)."""
    match.dismiss_reason, match.dismiss_note = reason, note
    match.dismissed_by_id, match.dismissed_at = getattr(user, "id", None), utcnow()
    if reason in ORG_WIDE_REASONS:
        _withdraw_blocked(match)


def _withdraw_blocked(match):
    """Delete the open proposals this dismissal blocks (see `blocked_counterparts`)."""
    demand_org, achievement_org = match.demand.organization_id, match.achievement.organization_id
    if demand_org is not None:
        db.session.execute(db.delete(Match).where(
            Match.status == "proposed", Match.achievement_id == match.achievement_id,
            Match.demand_id.in_(db.select(Demand.id).where(Demand.organization_id == demand_org))))
    if achievement_org is not None:
        db.session.execute(db.delete(Match).where(
            Match.status == "proposed", Match.demand_id == match.demand_id,
            Match.achievement_id.in_(db.select(Achievement.id).where(Achievement.organization_id == achievement_org))))


# ---------------------------------------------------------------- used by the ranking

def blocked_counterparts(listing):
    """Ids of the counterparts (other kind) never to propose to this listing, after org-wide dismissals."""
    return blocked_counterparts_many(listing.kind, [listing])[listing.id]


def blocked_counterparts_many(kind, listings):
    """{listing id: blocked counterpart ids} for several listings of one kind, in three queries."""
    side_model, other_model = KIND_MODELS[kind], KIND_MODELS[OTHER_KIND[kind]]
    side_column, other_column = _columns(kind)
    org_wide = (Match.status == "dismissed", Match.dismiss_reason.in_(ORG_WIDE_REASONS))
    org_ids = {listing.organization_id for listing in listings if listing.organization_id is not None}
    by_org = {}  # dismissed for another listing of the same organization
    if org_ids:
        for org_id, other_id in db.session.execute(
                db.select(side_model.organization_id, other_column).join(side_model, side_model.id == side_column)
                .where(side_model.organization_id.in_(org_ids), *org_wide)):
            by_org.setdefault(org_id, set()).add(other_id)
    dismisser = aliased(other_model)  # organizations that dismissed this listing for one of theirs
    dismissed_by = {}
    for listing_id, org_id in db.session.execute(
            db.select(side_column, dismisser.organization_id).join(Match, other_column == dismisser.id)
            .where(side_column.in_([listing.id for listing in listings]), dismisser.organization_id.is_not(None),
                   *org_wide)):
        dismissed_by.setdefault(listing_id, set()).add(org_id)
    listings_of = {}
    orgs = set().union(*dismissed_by.values()) if dismissed_by else set()
    if orgs:
        for org_id, other_id in db.session.execute(
                db.select(other_model.organization_id, other_model.id).where(other_model.organization_id.in_(orgs))):
            listings_of.setdefault(org_id, set()).add(other_id)
    blocked = {}
    for listing in listings:
        ids = set(by_org.get(listing.organization_id, ()))
        for org_id in dismissed_by.get(listing.id, ()):
            ids |= listings_of.get(org_id, set())
        blocked[listing.id] = ids
    return blocked


def irrelevant_terms(listing):
    """{counterpart field: Counter(term -> 不相关 dismissals)} for pairs with this listing's field."""
    kind = listing.kind
    side_model, other_model = KIND_MODELS[kind], KIND_MODELS[OTHER_KIND[kind]]
    side_column, other_column = _columns(kind)
    rows = db.session.execute(
        db.select(other_model.field, Match.terms)
        .join(side_model, side_model.id == side_column).join(other_model, other_model.id == other_column)
        .where(Match.status == "dismissed", Match.dismiss_reason == IRRELEVANT, side_model.field == listing.field))
    learned = {}
    for field, terms in rows:
        learned.setdefault(field, Counter()).update(t for t in (terms or "").split(",") if t)
    return learned


def penalty(counts, terms):
    """min(CAP, STEP * sum of n_t / |T|): the share of a score lost for explanation terms T (module doc)."""
    if not counts or not terms:
        return 0.0
    return min(TERM_PENALTY_CAP, TERM_PENALTY_STEP * sum(counts[t] for t in terms) / len(terms))


# ---------------------------------------------------------------- reading: the matcher's conversion

def conversion(since=None):
    """What became of the proposals made (since `since`, or ever): counts and % of proposals.

    Proposals are the stored Match rows (open proposals that fell out of a listing's top k are
    forgotten, so they do not count). A proposal became an enquiry when its demand's organization
    enquired about its achievement after it was proposed; it became a deal when a deal was opened from it.
    """
    window = [Match.created_at >= since] if since is not None else []
    count = db.func.count

    proposals = db.session.scalar(db.select(count(Match.id)).where(*window))
    rows = db.session.execute(db.select(Match.dismiss_reason, count(Match.id))
                              .where(Match.status == "dismissed", *window).group_by(Match.dismiss_reason))
    by_reason = dict.fromkeys(DISMISS_REASONS, 0)
    for reason, n in rows:
        key = reason if reason in by_reason else UNSTATED
        by_reason[key] = by_reason.get(key, 0) + n
    enquiries = db.session.scalar(
        db.select(count(db.distinct(Match.id))).join(Demand, Demand.id == Match.demand_id)
        .join(Enquiry, db.and_(Enquiry.achievement_id == Match.achievement_id,
                               Enquiry.organization_id == Demand.organization_id))
        .where(Enquiry.created_at >= Match.created_at, *window))
    deals = db.session.scalar(db.select(count(Match.id)).where(
        db.or_(Match.status == "converted", Match.deal_id.is_not(None)), *window))

    def share(n):
        return round(100.0 * n / proposals, 1) if proposals else 0.0

    dismissed = sum(by_reason.values())
    return {"proposals": proposals, "dismissed": dismissed, "dismissed_pct": share(dismissed),
            "by_reason": {reason: (n, share(n)) for reason, n in by_reason.items()},
            "enquiries": enquiries, "enquiries_pct": share(enquiries), "deals": deals, "deals_pct": share(deals)}

"""Deal figures for the admins' page: funnel, conversion, time per stage, amounts.

Definitions (the page and the exports say the same):
- funnel, per stage of the main line: `reached` = deals that ever entered the stage (from the
  event log, so terminated deals count for the stages they got to) and the contract amount of
  those deals; `current` = deals now in the stage and their amount (terminated included).
- conversion: leads that became a signed contract — enquiries (all ever sent) and match proposals
  (all ever stored) whose deal reached `contract_signed`, over all of them.
- days per stage: for every stage a deal left, the time from the event that entered it to the
  next event, in days; the median over deals (and how many deals it is over).
- amounts by field and by month (of the signing date): contracts signed and not terminated.
"""
import statistics
from collections import defaultdict
from decimal import Decimal

from ..extensions import db
from ..models import Deal, Enquiry, Event, Match
from ..models.deals import DEAL_STAGES, STAGE_ORDER
from ..models.listings import FIELDS

ZERO = Decimal("0.00")
SECONDS_PER_DAY = Decimal(86400)


def _events_by_deal():
    rows = db.session.scalars(db.select(Event).where(Event.subject_type == "deal")
                              .order_by(Event.subject_id, Event.created_at, Event.id)).all()
    grouped = defaultdict(list)
    for event in rows:
        grouped[event.subject_id].append(event)
    return grouped


def _reached(events):
    """The stages a deal has been in: every deal starts negotiating."""
    return {"negotiating"} | {e.to_state for e in events}


def funnel(deals, events_by_deal):
    rows = []
    for stage in STAGE_ORDER + ("terminated",):
        reached = [d for d in deals if stage in _reached(events_by_deal.get(d.id, []))]
        current = [d for d in deals if d.stage == stage]
        rows.append({"stage": stage, "label": DEAL_STAGES[stage],
                     "reached": len(reached), "reached_amount": sum((d.amount or ZERO for d in reached), ZERO),
                     "current": len(current), "current_amount": sum((d.amount or ZERO for d in current), ZERO)})
    return rows


def _rate(numerator, denominator):
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


def conversion(deals, events_by_deal):
    signed = [d for d in deals if "contract_signed" in _reached(events_by_deal.get(d.id, []))]
    enquiries = db.session.scalar(db.select(db.func.count(Enquiry.id)))
    matches = db.session.scalar(db.select(db.func.count(Match.id)))
    from_enquiry = sum(1 for d in signed if d.enquiry_id is not None)
    from_match = sum(1 for d in signed if d.match_id is not None)
    rows = [("enquiry", "合作意向 → 签约", from_enquiry, enquiries),
            ("match", "匹配推荐 → 签约", from_match, matches),
            ("all", "全部线索 → 签约", from_enquiry + from_match, enquiries + matches)]
    return [{"source": key, "label": label, "signed": num, "leads": den, "rate": _rate(num, den)}
            for key, label, num, den in rows]


def stage_durations(events_by_deal):
    """{stage: [days, ...]} of every completed stay in a stage."""
    durations = defaultdict(list)
    for events in events_by_deal.values():
        for current, following in zip(events, events[1:]):
            seconds = Decimal(str((following.created_at - current.created_at).total_seconds()))
            durations[current.to_state].append(seconds / SECONDS_PER_DAY)
    return durations


def median_days(events_by_deal):
    durations = stage_durations(events_by_deal)
    rows = []
    for stage in STAGE_ORDER[:-1]:
        values = durations.get(stage, [])
        median = statistics.median(values).quantize(Decimal("0.1")) if values else None
        rows.append({"stage": stage, "label": DEAL_STAGES[stage], "median_days": median, "deals": len(values)})
    return rows


def _signed_live(deals):
    return [d for d in deals if d.amount is not None and d.stage != "terminated"]


def amounts_by_field(deals):
    totals = {}
    for deal in _signed_live(deals):
        row = totals.setdefault(deal.field, {"field": deal.field, "count": 0, "amount": ZERO})
        row["count"] += 1
        row["amount"] += deal.amount
    order = {field: i for i, field in enumerate(FIELDS)}
    return sorted(totals.values(), key=lambda r: (order.get(r["field"], len(order)), r["field"]))


def amounts_by_month(deals):
    totals = {}
    for deal in _signed_live(deals):
        month = deal.signed_on.strftime("%Y-%m") if deal.signed_on else "未知"
        row = totals.setdefault(month, {"month": month, "count": 0, "amount": ZERO})
        row["count"] += 1
        row["amount"] += deal.amount
    known = sorted(m for m in totals if m != "未知")
    months = _months_between(known[0], known[-1]) if known else []
    rows = [totals.get(m) or {"month": m, "count": 0, "amount": ZERO} for m in months]
    return rows + ([totals["未知"]] if "未知" in totals else [])


def _months_between(first, last):
    """Every month from first to last ("YYYY-MM"), so a month without contracts shows as zero."""
    year, month = map(int, first.split("-"))
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def compute():
    """All figures, from the DB as it is now."""
    deals = db.session.scalars(db.select(Deal).order_by(Deal.id)).all()
    events_by_deal = _events_by_deal()
    return {"total": len(deals),
            "funnel": funnel(deals, events_by_deal),
            "conversion": conversion(deals, events_by_deal),
            "median_days": median_days(events_by_deal),
            "by_field": amounts_by_field(deals),
            "by_month": amounts_by_month(deals)}


def percent(rate):
    return "—" if rate is None else f"{(rate * 100).quantize(Decimal('0.1'))}%"

"""Voucher models to JSON, for the API (money as strings with two decimals, dates YYYY-MM-DD)."""
from ..api.serializers import money, serialize_event, timestamp
from ..workflow import history
from .schemes import effective_status


def _day(value):
    return value.isoformat() if value else None


def scheme(s):
    return {"id": s.id, "year": s.year, "title": s.title, "budget": money(s.budget), "remaining": money(s.remaining),
            "reserved": money(s.reserved), "redeemed": money(s.redeemed), "settled": money(s.settled),
            "ratio": f"{s.ratio.normalize():f}", "cap_per_claim": money(s.cap_per_claim),
            "cap_per_enterprise": money(s.cap_per_enterprise), "validity_days": s.validity_days,
            "categories": s.category_list, "opens_on": _day(s.opens_on), "closes_on": _day(s.closes_on)}


def provider(p):
    return {"id": p.id, "organization": p.organization.name, "status": p.status, "categories": p.category_list,
            "note": p.note, "years": p.years, "contact": p.contact, "notice_ends_at": timestamp(p.notice_ends_at),
            "reason": p.reason, "objections": len(p.objections)}


def service(s):
    return {"id": s.id, "provider_id": s.provider_id, "provider": s.provider.organization.name, "title": s.title,
            "category": s.category, "description": s.description, "price": money(s.price),
            "price_basis": s.price_basis, "delivery_days": s.delivery_days, "status": s.status, "reason": s.reason}


def voucher(v, events=True):
    data = {"id": v.id, "scheme_id": v.scheme_id, "organization": v.organization.name, "status": effective_status(v),
            "requested": money(v.requested), "amount": money(v.amount), "remaining": money(v.remaining),
            "purpose": v.purpose, "code": v.code, "issued_on": _day(v.issued_on), "use_by": _day(v.use_by),
            "redeem_by": _day(v.redeem_by), "reason": v.reason, "created_at": timestamp(v.created_at)}
    if events:
        data["events"] = [serialize_event(e) for e in history("voucher", v.id)]
    return data


def order(o):
    return {"id": o.id, "voucher_id": o.voucher_id, "service_id": o.service_id, "provider_id": o.provider_id,
            "contract_amount": money(o.contract_amount), "contract_date": _day(o.contract_date),
            "status": o.status, "reason": o.reason, "delivery_note": o.delivery_note,
            "events": [serialize_event(e) for e in history("voucher_order", o.id)]}


def claim(c):
    return {"id": c.id, "order_id": c.order_id, "voucher_id": c.voucher_id, "invoice_no": c.invoice_no,
            "invoice_date": _day(c.invoice_date), "invoice_amount": money(c.invoice_amount),
            "payable": money(c.payable), "status": c.status, "reason": c.reason, "batch_id": c.batch_id,
            "events": [serialize_event(e) for e in history("voucher_claim", c.id)]}

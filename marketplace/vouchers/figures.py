"""Per-scheme figures: budget / issued / redeemed / settled / returned, by service category and by
institution, summed in SQL; CSV (UTF-8 with BOM) and XLSX exports from the same tables."""
from decimal import Decimal

from sqlalchemy import func

from ..exporting import tables_csv, tables_xlsx
from ..extensions import db
from ..models import Organization, ServiceProduct, ServiceProvider, Voucher, VoucherClaim, VoucherOrder
from ..models.vouchers import SERVICE_CATEGORIES
from .ledger import ledger_sums

ZERO = Decimal("0.00")
REDEEMED = ("approved", "settled")


def totals(scheme):
    issued = db.session.scalar(db.select(func.coalesce(func.sum(Voucher.amount), 0))
                               .where(Voucher.scheme_id == scheme.id, Voucher.status.in_(("issued", "expired"))))
    return {"budget": scheme.budget, "issued": Decimal(issued), "reserved": scheme.reserved,
            "redeemed": scheme.redeemed, "settled": scheme.settled,
            "returned": ledger_sums(scheme.id)["release"], "remaining": scheme.remaining}


def _grouped(scheme, key):
    amount = func.coalesce(func.sum(VoucherClaim.payable), 0)
    settled = func.coalesce(func.sum(db.case((VoucherClaim.status == "settled", VoucherClaim.payable),
                                             else_=0)), 0)
    rows = db.session.execute(
        db.select(key, func.count(VoucherClaim.id), amount, settled)
        .select_from(VoucherClaim).join(VoucherOrder, VoucherOrder.id == VoucherClaim.order_id)
        .join(Voucher, Voucher.id == VoucherClaim.voucher_id)
        .join(ServiceProduct, ServiceProduct.id == VoucherOrder.service_id)
        .join(ServiceProvider, ServiceProvider.id == VoucherOrder.provider_id)
        .join(Organization, Organization.id == ServiceProvider.organization_id)
        .where(Voucher.scheme_id == scheme.id, VoucherClaim.status.in_(REDEEMED))
        .group_by(key)).all()
    return {name: (count, Decimal(total), Decimal(done)) for name, count, total, done in rows}


def by_category(scheme):
    found = _grouped(scheme, ServiceProduct.category)
    return [{"name": c, "claims": found.get(c, (0,))[0], "redeemed": found.get(c, (0, ZERO))[1],
             "settled": found.get(c, (0, ZERO, ZERO))[2]} for c in SERVICE_CATEGORIES if c in found
            or c in scheme.category_list]


def by_institution(scheme):
    found = _grouped(scheme, Organization.name)
    return [{"name": name, "claims": v[0], "redeemed": v[1], "settled": v[2]}
            for name, v in sorted(found.items(), key=lambda kv: (-kv[1][1], kv[0]))]


def figures(scheme):
    return {"totals": totals(scheme), "by_category": by_category(scheme), "by_institution": by_institution(scheme)}


def tables(scheme, data):
    t = data["totals"]
    return [
        ("总体", ["预算(万元)", "已发放(万元)", "预留(万元)", "已兑付(万元)", "已结算(万元)", "退回预算(万元)",
                "剩余(万元)"],
         [[t["budget"], t["issued"], t["reserved"], t["redeemed"], t["settled"], t["returned"], t["remaining"]]]),
        ("按服务类别", ["服务类别", "兑付(笔)", "已兑付(万元)", "已结算(万元)"],
         [[r["name"], r["claims"], r["redeemed"], r["settled"]] for r in data["by_category"]]),
        ("按服务机构", ["服务机构", "兑付(笔)", "已兑付(万元)", "已结算(万元)"],
         [[r["name"], r["claims"], r["redeemed"], r["settled"]] for r in data["by_institution"]]),
    ]


def to_csv(scheme, data):
    return tables_csv(tables(scheme, data))


def to_xlsx(scheme, data):
    return tables_xlsx(tables(scheme, data))


def charts(data):
    """Bar charts of the amounts redeemed, by service category and by institution (the deal figures' chart)."""
    from ..deals.charts import bar_chart

    amount = lambda value: f"{Decimal(value or 0):,.2f}"  # noqa: E731
    return {"by_category": bar_chart(data["by_category"], "name", "redeemed", amount),
            "by_institution": bar_chart(data["by_institution"], "name", "redeemed", amount)}

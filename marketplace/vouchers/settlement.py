"""Monthly settlement: an admin gathers a scheme's approved claims (approved up to the month's end, not yet
in a batch) into one batch for the month; each claim is settled and the ledger records it. XLSX export."""
import calendar
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from ..extensions import db
from ..models import SettlementBatch, Voucher, VoucherClaim
from ..workflow import ValidationFailed, get_or_404
from . import ledger
from .common import CLAIM_MACHINE, Conflict, notify_org, require_admin

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month_end(month):
    year, mon = int(month[:4]), int(month[5:])
    return datetime.combine(date(year, mon, calendar.monthrange(year, mon)[1]), datetime.min.time()) \
        + timedelta(days=1)


def create_batch(admin, scheme, month):
    require_admin(admin)
    if not isinstance(month, str) or not MONTH_RE.match(month.strip()):
        raise ValidationFailed("结算月份格式应为 YYYY-MM", {"month": "格式应为 YYYY-MM"})
    month = month.strip()
    if db.session.scalar(db.select(SettlementBatch.id).where(SettlementBatch.scheme_id == scheme.id,
                                                             SettlementBatch.month == month)):
        raise Conflict(f"{month} 的结算批次已生成")
    claims = db.session.scalars(
        db.select(VoucherClaim).join(Voucher, Voucher.id == VoucherClaim.voucher_id)
        .where(Voucher.scheme_id == scheme.id, VoucherClaim.status == "approved",
               VoucherClaim.batch_id.is_(None), VoucherClaim.approved_at < _month_end(month))
        .order_by(VoucherClaim.id)).all()
    if not claims:
        raise Conflict("没有待结算的已通过兑付申请")
    batch = SettlementBatch(scheme_id=scheme.id, month=month, total=sum((c.payable for c in claims), Decimal("0")),
                            created_by_id=admin.id)
    db.session.add(batch)
    db.session.flush()
    for claim in claims:
        CLAIM_MACHINE.apply(claim, "settle", admin, note=f"结算批次 {month}")
        claim.batch_id = batch.id
        ledger.settle(claim)
        notify_org(claim.order.provider.organization_id, "voucher",
                   f"兑付 {claim.payable} 万元（发票 {claim.invoice_no}）已纳入 {month} 结算批次",
                   "/vouchers/provider", roles=("provider",))
    return batch


def get_batch(batch_id):
    return get_or_404(SettlementBatch, batch_id, "该结算批次不存在")


def batches(scheme):
    return db.session.scalars(db.select(SettlementBatch).where(SettlementBatch.scheme_id == scheme.id)
                              .order_by(SettlementBatch.month.desc())).all()


HEADER = ["序号", "券号", "企业", "服务机构", "服务类别", "发票号码", "开票日期", "发票金额(万元)", "兑付金额(万元)"]


def batch_rows(batch):
    return [[i, c.voucher.code, c.voucher.organization.name, c.order.provider.organization.name,
             c.order.service.category, c.invoice_no, c.invoice_date.isoformat(), c.invoice_amount, c.payable]
            for i, c in enumerate(batch.claims, 1)]


def to_xlsx(batch):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"结算清单 {batch.month}"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in batch_rows(batch):
        sheet.append(row)
    sheet.append(["合计", "", "", "", "", "", "", "", batch.total])
    for row in sheet.iter_rows(min_row=2):
        for cell in row[7:9]:
            cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

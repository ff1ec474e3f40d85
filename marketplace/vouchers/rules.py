"""The fraud rules (防套券规则), one function each, raising Conflict (409) with a message naming the rule.

Checked when an order is placed and again when its claim is filed (orders.py); the provider's own state
when it accepts an order. Each rule has a test that fails when the rule is removed (test_vouchers_rules.py).
"""
from ..extensions import db
from ..models import VoucherClaim
from ..timeutil import local_today
from .common import Conflict


def _lines(text):
    return {line.strip() for line in (text or "").replace("，", "\n").replace(",", "\n").splitlines()
            if line.strip()}


def _norm(value):
    """Compared without case, spaces or hyphens: "0571-8888 0000" is "057188880000", a code's x is X."""
    return "".join(ch for ch in (value or "").upper() if ch not in " -　")


def _same(a, b):
    return bool(_norm(a)) and _norm(a) == _norm(b)


def check_related_parties(voucher, provider):
    """No redemption between related parties: same organization, same credit code, same legal
    representative or contact phone, or a declared shareholding link either way."""
    enterprise, institution = voucher.organization, provider.organization
    if enterprise.id == institution.id:
        raise Conflict("关联方规则：企业与服务机构为同一单位，不能使用创新券")
    if _same(enterprise.credit_code, institution.credit_code):
        raise Conflict("关联方规则：企业与服务机构的统一社会信用代码相同，不能使用创新券")
    if _same(voucher.legal_representative, provider.legal_representative):
        raise Conflict("关联方规则：企业与服务机构的法定代表人相同，不能使用创新券")
    if _same(voucher.contact_phone, provider.contact_phone):
        raise Conflict("关联方规则：企业与服务机构的联系电话相同，不能使用创新券")
    declared_by_enterprise = {_norm(x) for x in _lines(voucher.shareholdings)}
    declared_by_provider = {_norm(x) for x in _lines(provider.shareholdings)}
    links = ({_norm(institution.name), _norm(institution.credit_code)} & declared_by_enterprise
             | {_norm(enterprise.name), _norm(enterprise.credit_code)} & declared_by_provider) - {""}
    if links:
        raise Conflict("关联方规则：企业与服务机构之间申报有股权关联，不能使用创新券")


def check_not_expired(voucher, for_claim=False):
    """An expired voucher cannot be used: no order after use_by, no claim after redeem_by."""
    today = local_today()
    if voucher.status == "expired" or (voucher.redeem_by and today > voucher.redeem_by):
        raise Conflict(f"过期规则：创新券已过期（兑付截止 {voucher.redeem_by}），不能再使用")
    if not for_claim and voucher.use_by and today > voucher.use_by:
        raise Conflict(f"过期规则：创新券已过使用期限（{voucher.use_by}），不能再下单")
    if voucher.status != "issued":
        raise Conflict("创新券尚未发放，不能使用")


def check_contract_date(voucher, contract_date):
    """The contract must be signed within the voucher's validity (issue date to use-by date)."""
    if not (voucher.issued_on <= contract_date <= voucher.use_by):
        raise Conflict(f"有效期规则：合同日期 {contract_date} 不在创新券有效期内"
                       f"（{voucher.issued_on} 至 {voucher.use_by}）")


def check_category(voucher, service):
    if service.category not in voucher.scheme.category_list:
        raise Conflict(f"服务类别规则：“{service.category}”不在本年度创新券方案支持的服务类别内")


def check_provider_active(provider):
    """A suspended (or not admitted) institution cannot accept new orders."""
    if provider.status == "suspended":
        raise Conflict("机构暂停规则：该服务机构已被暂停接券，不能接受新订单")
    if provider.status != "admitted":
        raise Conflict("该服务机构尚未入库，不能接受创新券订单")


def check_invoice_unused(invoice_no, claim_id=None):
    """An invoice number can be claimed once across the platform (the unique constraint backs this up)."""
    query = db.select(VoucherClaim.id).where(VoucherClaim.invoice_no == invoice_no)
    if claim_id is not None:
        query = query.where(VoucherClaim.id != claim_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise Conflict(f"发票唯一规则：发票号 {invoice_no} 已在平台申报过兑付，同一发票只能兑付一次")


def check_order_rules(voucher, service, contract_date):
    check_not_expired(voucher)
    check_contract_date(voucher, contract_date)
    check_category(voucher, service)
    check_provider_active(service.provider)
    check_related_parties(voucher, service.provider)


def check_claim_rules(order, invoice_no, claim_id=None):
    voucher = order.voucher
    check_not_expired(voucher, for_claim=True)
    check_contract_date(voucher, order.contract_date)
    check_category(voucher, order.service)
    check_related_parties(voucher, order.provider)
    check_invoice_unused(invoice_no, claim_id)

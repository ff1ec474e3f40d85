"""Files on a voucher order (attachments package): the service contract, the delivery report, the enterprise's
payment proof and the invoice. Seen by the order's two sides and admins; added by either side until a claim on
the order is settled."""
from ..attachments.registry import AttachmentTarget, register_target
from ..extensions import db
from ..models.vouchers import VoucherClaim, VoucherOrder
from . import orders

ORDER_FILE_KINDS = {"contract": "技术服务合同", "report": "交付报告", "payment": "企业自付部分付款凭证",
                    "invoice": "发票", "other": "其他材料"}


def _is_side(user, order):
    return orders.is_enterprise_side(user, order) or orders.is_provider_side(user, order)


def _can_upload(user, order):
    settled = db.session.scalar(db.select(VoucherClaim.id).where(VoucherClaim.order_id == order.id,
                                                                 VoucherClaim.status == "settled").limit(1))
    return _is_side(user, order) and settled is None


register_target(AttachmentTarget(
    name="voucher_order", label="创新券订单", load=lambda target_id: db.session.get(VoucherOrder, target_id),
    can_view=orders.can_see_order, can_upload=_can_upload, url=lambda order: f"/voucher-orders/{order.id}",
    kinds=ORDER_FILE_KINDS, owns=lambda user, order: False))

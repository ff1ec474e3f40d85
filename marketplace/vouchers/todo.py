"""The 待办 list of /me, per role: what waits for this user's next action."""
from ..accounts import membership
from ..extensions import db
from ..models import Voucher, VoucherClaim, VoucherOrder
from . import catalogue, orders, providers, schemes
from .schemes import effective_status


def _item(text, url, state=""):
    return {"text": text, "url": url, "state": state}


def todo_for(user):
    """A list of items (text, url, state), or None when vouchers do not concern the user."""
    if user.role == "admin":
        items = [_item(f"接券机构申请：{p.organization.name}（公示至 {p.notice_ends_at:%Y-%m-%d}）",
                       f"/vouchers/providers/{p.id}", "公示中") for p in providers.noticed_providers()]
        items += [_item(f"服务产品待审核：{s.title}", f"/services/{s.id}", "待审核") for s in catalogue.pending_services()]
        items += [_item(f"创新券申领待审批：{v.organization.name} {v.requested} 万元", f"/vouchers/{v.id}", "待审批")
                  for v in schemes.vouchers_waiting()]
        items += [_item(f"兑付待审核：发票 {c.invoice_no}，核定 {c.payable} 万元", f"/vouchers/{c.voucher_id}",
                        "待审核") for c in orders.claims_waiting()]
        return items
    if user.role == "provider":
        provider = providers.provider_of(user)
        if provider is None:
            return [_item("本机构尚未申请成为接券机构", "/vouchers/provider")]
        waiting = {"placed": "待接单", "accepted": "待交付", "disputed": "企业有异议，待重新交付",
                   "confirmed": "可申请兑付"}
        rows = db.session.scalars(db.select(VoucherOrder).where(VoucherOrder.provider_id == provider.id,
                                                                VoucherOrder.status.in_(waiting))
                                  .order_by(VoucherOrder.id)).all()
        claimed = set(db.session.scalars(db.select(VoucherClaim.order_id).where(
            VoucherClaim.order_id.in_([o.id for o in rows]), VoucherClaim.status != "returned")).all())
        items = [_item(f"订单 #{o.id}：{o.service.title}（{o.contract_amount} 万元）", "/vouchers/provider",
                       waiting[o.status]) for o in rows if o.id not in claimed]
        items += [_item(f"兑付被退回修改：发票 {c.invoice_no}", "/vouchers/provider", "退回修改")
                  for c in db.session.scalars(db.select(VoucherClaim).join(VoucherOrder)
                                              .where(VoucherOrder.provider_id == provider.id,
                                                     VoucherClaim.status == "returned")).all()]
        return items
    if user.role == "enterprise" and membership.member_org_id(user) is not None:
        items = []
        for v in schemes.vouchers_of_org(user.organization_id):
            state = effective_status(v)
            if state == "issued":
                items.append(_item(f"创新券 {v.code}：余额 {v.remaining} 万元，{v.use_by} 前签订服务合同",
                                   f"/vouchers/{v.id}", "已发放"))
            elif state == "submitted":
                items.append(_item(f"创新券申领 {v.requested} 万元审批中", f"/vouchers/{v.id}", "待审批"))
        delivered = db.session.scalars(db.select(VoucherOrder).join(Voucher)
                                       .where(Voucher.organization_id == user.organization_id,
                                              VoucherOrder.status == "delivered")).all()
        items += [_item(f"服务已交付，请确认：{o.service.title}", f"/vouchers/{o.voucher_id}", "待确认")
                  for o in delivered]
        return items
    return None



"""The built-in attachment targets: listings (achievements, demands), challenge applications and deals.

Visibility reuses each feature's own rules: a listing's files are seen by whoever may see its non-public
details (listings.services.can_see_details); an application's by its applicant, the challenge owner and
admins; a deal's by its parties, broker and admins.
"""
from ..challenges import applications
from ..deals import access as deal_access, services as deal_services
from ..extensions import db
from ..listings import services as listings
from ..models import Achievement, Application, Deal, Demand
from .registry import AttachmentTarget, register_target

LISTING_KINDS = {"certificate": "专利证书 / 受理通知书", "report": "检测 / 评估报告", "other": "其他材料"}


def _listing_target(model, name, label):
    def load(target_id):
        return db.session.get(model, target_id)

    def can_view(user, listing):
        return listings.can_view(user, listing) and listings.can_see_details(user, listing)

    def can_upload(user, listing):
        return listings.is_owner(user, listing) and listing.status in listings.EDITABLE_STATES

    return AttachmentTarget(name=name, label=label, load=load, can_view=can_view, can_upload=can_upload,
                            url=lambda listing: f"/{name}s/{listing.id}", kinds=LISTING_KINDS,
                            owns=listings.is_owner)


def _application_can_upload(user, app):
    return applications.can_edit(user, app)


def _deal_can_upload(user, deal):
    return deal_services.is_open(deal) and deal_access.can_view(user, deal)


register_target(_listing_target(Achievement, "achievement", "科技成果"))
register_target(_listing_target(Demand, "demand", "技术需求"))
register_target(AttachmentTarget(
    name="application", label="揭榜申请", load=lambda target_id: db.session.get(Application, target_id),
    can_view=applications.can_view, can_upload=_application_can_upload,
    url=lambda app: f"/applications/{app.id}",
    kinds={"proposal": "技术方案", "report": "证明材料", "other": "其他材料"},
    owns=lambda user, app: user.is_authenticated and app.applicant_id == user.id))
register_target(AttachmentTarget(
    name="deal", label="交易", load=lambda target_id: db.session.get(Deal, target_id),
    can_view=deal_access.can_view, can_upload=_deal_can_upload, url=lambda deal: f"/deals/{deal.id}",
    kinds={"contract": "技术合同", "registration": "认定登记证明", "invoice": "发票 / 付款凭证", "other": "其他材料"},
    owns=deal_access.can_manage))

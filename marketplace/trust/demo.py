"""Demo data of trust and contact (called once from demo.seed_demo; idempotent): announcements, a contact
person on every demo listing that has none, and one 我有相关成果 response."""
from datetime import timedelta

from ..extensions import db
from ..models import Achievement, Announcement, Demand, DemandResponse
from ..timeutil import local_today, utcnow
from . import responses

ANNOUNCEMENTS = (
    (0, "关于开展 2026 年度技术合同认定登记工作的通知",
     "各有关单位：\n为做好本年度技术合同认定登记工作，请于每月 25 日前通过平台提交已签订的技术合同。\n联系人：平台运营中心"),
    (6, "区科技成果转化“揭榜挂帅”第二批榜单发布",
     "第二批榜单共 6 项，涉及新材料、智能装备、现代农业等领域，欢迎高校院所团队揭榜。"),
    (20, "易智科技成果转化交易平台试运行公告",
     "平台即日起试运行，提供科技成果与技术需求发布、匹配推荐、技术经纪与成交公示等服务。"),
)
ROLE_TITLES = {"researcher": "课题负责人", "enterprise": "技术部经理"}


def seed_trust(users):
    created = 0
    for days_ago, title, body in ANNOUNCEMENTS:
        if db.session.scalar(db.select(Announcement.id).where(Announcement.title == title)) is None:
            db.session.add(Announcement(title=title, body=body, published_on=local_today() - timedelta(days=days_ago),
                                        created_by_id=users["admin"].id, created_at=utcnow()))
            created += 1
    for model in (Achievement, Demand):
        for n, listing in enumerate(db.session.scalars(db.select(model).where(model.contact_name.is_(None)))):
            owner = listing.owner
            listing.contact_name = owner.name
            listing.contact_role = ROLE_TITLES.get(owner.role)
            listing.contact_phone = f"0571-8860{(listing.id * 37 + n) % 10000:04d}"
            listing.contact_email = owner.email
            listing.contact_show = "both" if listing.id % 3 else "phone"
    researcher = users["r1"]
    achievement = db.session.scalar(db.select(Achievement).where(Achievement.owner_id == researcher.id,
                                                                 Achievement.status == "published")
                                    .order_by(Achievement.id))
    demand = db.session.scalar(db.select(Demand).where(Demand.status == "published", Demand.is_challenge.is_(False))
                               .order_by(Demand.id))
    if achievement is not None and demand is not None and responses.existing(demand.id, achievement.id) is None \
            and db.session.scalar(db.select(DemandResponse.id).limit(1)) is None:
        responses.create_response(researcher, demand.id, {
            "achievement_id": achievement.id,
            "message": "我们团队的这项成果与贵司需求方向一致，可提供样品测试数据，希望进一步交流。"})
        created += 1
    return created

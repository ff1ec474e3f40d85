"""Each role's own dashboard on /me: the admin's review queues and counts, the broker's leads, due next steps
and deals. (Researchers and enterprises see their listings, challenges and deals: accounts/dashboard.py,
challenges/views.py, deals/views.py.)"""
from datetime import timedelta

from ..accounts.dashboard import Section, dashboard_section
from ..accounts.membership import pending_counts
from ..admin import services as admin
from ..deals.queries import OPEN_STAGES, is_overdue, open_enquiries
from ..extensions import db
from ..models import Deal, Demand, ImportJob, Match
from ..timeutil import local_today

DUE_WITHIN_DAYS = 7  # the broker's list shows next steps due within a week, and every overdue one


def _count(query):
    return db.session.scalar(query) or 0


def admin_todo():
    """The admin's queues: [(label, count, url, key)], the ones that need action first."""
    overview = admin.overview()
    joins, changes = pending_counts()
    today = local_today()
    return [
        ("待审核信息", overview["pending"], "/admin/review", "pending"),
        ("未认证单位", overview["unverified_orgs"], "/admin/organizations?status=unverified", "unverified"),
        ("待处理加入申请", sum(joins.values()) + len(changes), "/admin/organizations", "joins"),
        ("评审中的榜单", _count(db.select(db.func.count(Demand.id)).where(Demand.status == "reviewing")),
         "/challenges/admin?status=reviewing", "reviewing"),
        ("下一步已逾期的交易", _count(db.select(db.func.count(Deal.id)).where(
            Deal.stage.in_(OPEN_STAGES), Deal.next_step_on < today)), "/deals/board", "overdue"),
        ("排队或进行中的导入", _count(db.select(db.func.count(ImportJob.id)).where(
            ImportJob.status.notin_(("succeeded", "failed")))), "/admin/import", "imports"),
    ]


def due_next_steps(broker, today=None):
    """The broker's open deals whose next step is due within DUE_WITHIN_DAYS (or overdue), soonest first."""
    horizon = (today or local_today()) + timedelta(days=DUE_WITHIN_DAYS)
    return db.session.scalars(db.select(Deal).where(
        Deal.broker_id == broker.id, Deal.stage.in_(OPEN_STAGES), Deal.next_step_on.is_not(None),
        Deal.next_step_on <= horizon).order_by(Deal.next_step_on, Deal.id)).all()


@dashboard_section(order=5)
def admin_dashboard(user):
    if user.role != "admin":
        return None
    return Section("管理待办", "dashboard/_admin_section.html", {"todo": admin_todo()}, key="admin")


@dashboard_section(order=5)
def broker_dashboard(user):
    if user.role != "broker":
        return None
    proposals = _count(db.select(db.func.count(Match.id)).where(Match.status == "proposed"))
    return Section("经纪工作台", "dashboard/_broker_section.html", key="broker", context={
        "enquiries": len(open_enquiries()), "proposals": proposals,
        "due": due_next_steps(user), "is_overdue": is_overdue, "days": DUE_WITHIN_DAYS})

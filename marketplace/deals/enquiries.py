"""Enquiries (合作意向): an enterprise's interest in an achievement, a lead for brokers."""
from ..accounts.membership import can_act_for_org, member_org_id, membership_of
from ..extensions import db
from ..models import Achievement, Enquiry
from ..models.deals import ENQUIRY_MODES, ENQUIRY_TRANSITIONS
from ..notifications.services import notify
from ..text import SUMMARY_MAX
from ..timeutil import utcnow
from ..workflow import NotFound, PermissionDenied, StateMachine, ValidationFailed
from .access import require_worker
from ..parsing import parse_choice, parse_text

# Leads leave the queue through the state-machine helper, so two brokers cannot convert one twice.
ENQUIRY_MACHINE = StateMachine("enquiry", ENQUIRY_TRANSITIONS)
CLOSE_NOTE_MAX = 500


def default_mode(achievement):
    """The enquiry form starts on the first mode the achievement offers (else the first mode)."""
    return next((m for m in achievement.mode_list if m in ENQUIRY_MODES), ENQUIRY_MODES[0])


def can_enquire(user):
    return user.is_authenticated and user.role == "enterprise" and can_act_for_org(user)


def create_enquiry(user, achievement_id, data):
    """Record the enquiry and tell the achievement's owner (the caller commits)."""
    achievement = db.session.get(Achievement, achievement_id)
    if achievement is None or achievement.status != "published":
        raise NotFound("该科技成果不存在或尚未发布")
    if not can_enquire(user):
        raise PermissionDenied("只有已加入单位的企业用户可以提交合作意向")
    errors = {}
    mode = parse_choice(data.get("mode"), "合作方式", "mode", errors, ENQUIRY_MODES)
    message = parse_text(data.get("message"), "意向说明", "message", errors, SUMMARY_MAX)
    if errors:
        raise ValidationFailed("提交的内容有误，请修改后重试", errors)
    duplicate = db.session.scalar(db.select(Enquiry.id).where(
        Enquiry.achievement_id == achievement.id, Enquiry.user_id == user.id, Enquiry.status == "open"))
    if duplicate is not None:
        raise ValidationFailed("您已对该成果提交过合作意向，技术经纪人会尽快联系您", {"message": "请勿重复提交"})
    enquiry = Enquiry(achievement_id=achievement.id, user_id=user.id, organization_id=member_org_id(user),
                      mode=mode, message=message, status="open", created_at=utcnow())
    db.session.add(enquiry)
    db.session.flush()
    org = membership_of(user)
    org_name = org.name if org else user.name
    notify(achievement.owner, "enquiry_received",
           f"{org_name} 对您的成果《{achievement.title}》提交了合作意向（{mode}）", f"/achievements/{achievement.id}")
    return enquiry


def close_enquiry(enquiry_id, actor, note=None):
    require_worker(actor)
    enquiry = db.session.get(Enquiry, enquiry_id)
    if enquiry is None:
        raise NotFound("该意向不存在")
    errors = {}
    note = parse_text(note, "关闭说明", "note", errors, CLOSE_NOTE_MAX, required=False)
    if errors:
        raise ValidationFailed(errors["note"], errors)
    event = ENQUIRY_MACHINE.apply(enquiry, "close", actor, note)
    notify(enquiry.user, "enquiry_closed", f"您对《{enquiry.achievement.title}》的合作意向已关闭",
           f"/achievements/{enquiry.achievement_id}")
    return event

"""Who sees what in monitoring: admins everything; a unit liaison (User.unit_id) the league and the full detail of
their own unit; everyone else nothing (403)."""
from ..workflow import PermissionDenied

DENIED = "仅管理员和镇街/园区联络员可查看创新监测"


def is_admin(user):
    return user.is_authenticated and user.role == "admin"


def liaison_unit_id(user):
    return None if is_admin(user) or not user.is_authenticated else user.unit_id


def require_admin(user):
    if not is_admin(user):
        raise PermissionDenied("仅管理员可查看完整报表" if liaison_unit_id(user) else DENIED)


def require_league(user):
    """Admins and liaisons."""
    if not (is_admin(user) or liaison_unit_id(user)):
        raise PermissionDenied(DENIED)


def require_unit(user, unit_id):
    """Admins, and the unit's own liaison."""
    require_league(user)
    if not is_admin(user) and liaison_unit_id(user) != unit_id:
        raise PermissionDenied("联络员只能查看本单位的详细数据")

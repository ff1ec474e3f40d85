"""Admins' upkeep of monitoring: the units (镇街/园区), their liaisons, the indicator catalogue and yearly targets.

Every function takes plain form data, raises ValidationFailed with Chinese field errors, and leaves the commit to
the caller."""
from decimal import Decimal

from sqlalchemy import func, select

from ..extensions import db
from ..models import Indicator, IndicatorTarget, Unit, User
from ..models.monitoring import DIRECTIONS, INDICATOR_SOURCES
from ..models.units import UNIT_KINDS
from ..parsing import parse_choice, parse_text
from ..workflow import ValidationFailed, get_or_404
from . import indicators

NUMBER_MAX = Decimal("1000000000000")


def parse_number(value, label, key, errors, required=True):
    """A non-negative figure with at most two decimals (a count, 万元, a percentage), as a Decimal."""
    text = str(value if value is not None else "").replace(",", "").replace("，", "").strip()
    if not text:
        if required:
            errors[key] = f"请填写{label}"
        return None
    try:
        number = Decimal(text)
    except ArithmeticError:
        errors[key] = f"{label}必须是数字，例如 12 或 3.50"
        return None
    if not number.is_finite() or number < 0 or number >= NUMBER_MAX:
        errors[key] = f"{label}必须是不小于 0 的数字"
        return None
    if number != number.quantize(Decimal("0.01")):
        errors[key] = f"{label}最多保留两位小数"
        return None
    return number.quantize(Decimal("0.01"))


def _parse_int(value, label, key, errors, low, high, default=None):
    text = str(value if value is not None else "").strip()
    if not text and default is not None:
        return default
    if not text.lstrip("-").isdigit() or not low <= int(text) <= high:
        errors[key] = f"{label}必须是 {low} 到 {high} 之间的整数"
        return None
    return int(text)


# ---------------------------------------------------------------- units

def all_units():
    return db.session.scalars(select(Unit).order_by(Unit.active.desc(), Unit.sort_order, Unit.id)).all()


def save_unit(data, unit=None):
    errors = {}
    name = parse_text(data.get("name"), "单位名称", "name", errors, 50)
    kind = parse_choice(data.get("kind"), "类型", "kind", errors, UNIT_KINDS)
    order = _parse_int(data.get("sort_order"), "排序", "sort_order", errors, 0, 999, default=0)
    col = _parse_int(data.get("map_col"), "示意图列", "map_col", errors, 0, 19)
    row = _parse_int(data.get("map_row"), "示意图行", "map_row", errors, 0, 19)
    if name and db.session.scalar(select(Unit.id).where(Unit.name == name, Unit.id != (unit.id if unit else -1))):
        errors["name"] = "已有同名单位"
    if not errors and db.session.scalar(select(Unit.name).where(
            Unit.map_col == col, Unit.map_row == row, Unit.active, Unit.id != (unit.id if unit else -1))):
        errors["map_col"] = "示意图上该位置已有其他单位"
    if errors:
        raise ValidationFailed("请修正标出的字段", errors)
    unit = unit or Unit()
    unit.name, unit.kind, unit.sort_order, unit.map_col, unit.map_row = name, kind, order, col, row
    db.session.add(unit)
    db.session.flush()
    return unit


def set_unit_active(unit, active):
    unit.active = active


def liaisons(unit):
    return db.session.scalars(select(User).where(User.unit_id == unit.id).order_by(User.id)).all()


def set_liaison(unit, email, attach=True):
    """Attach the user with this e-mail to the unit as its liaison (or detach them)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == (email or "").strip().lower()))
    if user is None:
        raise ValidationFailed("没有使用该邮箱的用户", {"email": "没有使用该邮箱的用户"})
    if user.role == "admin":
        raise ValidationFailed("管理员已可查看全部单位，无需设为联络员", {"email": "管理员无需设为联络员"})
    user.unit_id = unit.id if attach else None
    return user


# ---------------------------------------------------------------- indicators

def all_indicators():
    return db.session.scalars(select(Indicator).order_by(Indicator.active.desc(), Indicator.sort_order,
                                                         Indicator.id)).all()


def free_keys(current=None):
    """Registry entries not yet in the catalogue (plus the indicator's own key when editing)."""
    used = set(db.session.scalars(select(Indicator.key).where(Indicator.key.is_not(None))))
    return {key: entry for key, entry in indicators.REGISTRY.items() if key not in used or key == current}


def save_indicator(data, indicator=None):
    errors = {}
    name = parse_text(data.get("name"), "指标名称", "name", errors, 60)
    source = parse_choice(data.get("source"), "来源", "source", errors, INDICATOR_SOURCES)
    direction = parse_choice(data.get("direction"), "方向", "direction", errors, DIRECTIONS)
    weight = parse_number(data.get("weight"), "权重", "weight", errors)
    cap = _parse_int(data.get("cap_percent"), "封顶完成率（%）", "cap_percent", errors, 100, 300, default=120)
    order = _parse_int(data.get("sort_order"), "排序", "sort_order", errors, 0, 999, default=0)
    key, measure = None, parse_text(data.get("measure"), "计量单位", "measure", errors, 20, required=False) or ""
    if weight is not None and weight > 1000:
        errors["weight"] = "权重不能超过 1000"
    if source == "computed":
        key = (data.get("key") or "").strip()
        if key not in free_keys(indicator.key if indicator else None):
            errors["key"] = "请选择一个尚未使用的平台计算指标"
        else:
            measure = measure or indicators.REGISTRY[key].measure
    if name and db.session.scalar(select(Indicator.id).where(Indicator.name == name,
                                                             Indicator.id != (indicator.id if indicator else -1))):
        errors["name"] = "已有同名指标"
    if errors:
        raise ValidationFailed("请修正标出的字段", errors)
    indicator = indicator or Indicator()
    indicator.name, indicator.source, indicator.key, indicator.measure = name, source, key, measure
    indicator.direction, indicator.weight, indicator.cap_percent, indicator.sort_order = direction, weight, cap, order
    indicator.prorate = bool(data.get("prorate"))
    indicator.active = bool(data.get("active")) if indicator.id else True
    db.session.add(indicator)
    db.session.flush()
    return indicator


def get_indicator(indicator_id):
    return get_or_404(Indicator, indicator_id, "没有该指标")


def targets(indicator, year):
    return {t.unit_id: t.target for t in db.session.scalars(
        select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id, IndicatorTarget.year == year))}


def save_targets(indicator, year, data, units):
    """Yearly targets from fields `target-<unit_id>`; an empty field removes the unit's target."""
    errors, parsed = {}, {}
    for unit in units:
        parsed[unit.id] = parse_number(data.get(f"target-{unit.id}"), f"{unit.name}的目标", f"target-{unit.id}",
                                       errors, required=False)
    if errors:
        raise ValidationFailed("请修正标出的目标值", errors)
    existing = {t.unit_id: t for t in db.session.scalars(
        select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id, IndicatorTarget.year == year))}
    for unit_id, value in parsed.items():
        row = existing.get(unit_id)
        if value is None and row is not None:
            db.session.delete(row)
        elif value is not None and row is None:
            db.session.add(IndicatorTarget(indicator_id=indicator.id, unit_id=unit_id, year=year, target=value))
        elif value is not None:
            row.target = value
    db.session.flush()

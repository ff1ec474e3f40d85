"""Reported figures (填报): typed by admins in a grid, or imported from an XLSX sheet, all or nothing.

The sheet: a header row `单位 | 指标 | 期间 | 数值`, then one figure per row (期间 YYYY-MM or YYYYQn,
the year-to-date value at the period's end). Every error names its row; nothing is saved unless all rows pass."""
from sqlalchemy import select

from ..extensions import db
from ..imports.readers import cell_text
from ..imports.xlsx import ImportFailed, Limits, xlsx_rows
from ..models import Indicator, ReportedValue, Unit
from ..workflow import ValidationFailed
from . import periods
from .catalogue import parse_number

HEADERS = ("单位", "指标", "期间", "数值")
MAX_ROWS = 5000


def reported_indicators():
    return db.session.scalars(select(Indicator).where(Indicator.source == "reported", Indicator.active)
                              .order_by(Indicator.sort_order, Indicator.id)).all()


def values_for(period_name):
    return {(r.indicator_id, r.unit_id): r.value for r in db.session.scalars(
        select(ReportedValue).where(ReportedValue.period == period_name))}


def _upsert(indicator_id, unit_id, period_name, value, actor):
    row = db.session.scalar(select(ReportedValue).where(
        ReportedValue.indicator_id == indicator_id, ReportedValue.unit_id == unit_id,
        ReportedValue.period == period_name))
    if value is None:
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        row = ReportedValue(indicator_id=indicator_id, unit_id=unit_id, period=period_name)
        db.session.add(row)
    row.value, row.entered_by_id = value, actor.id


def save_grid(period_name, data, units, actor):
    """Fields `value-<indicator_id>-<unit_id>`; an empty field removes the figure. Returns how many are set."""
    period = periods.parse_period(period_name)
    errors, parsed = {}, {}
    for indicator in reported_indicators():
        for unit in units:
            key = f"value-{indicator.id}-{unit.id}"
            parsed[(indicator.id, unit.id)] = parse_number(data.get(key), f"{unit.name}的{indicator.name}", key,
                                                           errors, required=False)
    if errors:
        raise ValidationFailed("请修正标出的数值", errors)
    for (indicator_id, unit_id), value in parsed.items():
        _upsert(indicator_id, unit_id, period.name, value, actor)
    db.session.flush()
    return sum(value is not None for value in parsed.values())


def import_sheet(data, actor):
    """Import an .xlsx of reported figures; raise ValidationFailed (row-numbered errors) and save nothing on any
    error. Returns the number of figures saved."""
    table = xlsx_rows(data, Limits(max_rows=MAX_ROWS, max_columns=10, max_cell_chars=200), cell_text)
    if not table or [cell_text(v) for v in table[0][1][:4]] != list(HEADERS):
        raise ImportFailed("第 1 行表头应为：" + " | ".join(HEADERS))
    units = {u.name: u for u in db.session.scalars(select(Unit))}
    catalogue = {i.name: i for i in reported_indicators()}
    errors, figures = [], {}
    for number, raw in table[1:]:
        cells = (list(raw) + [""] * 4)[:4]
        if not any(cells):
            continue
        unit_name, indicator_name, period_name, value_text = cells
        row_errors = {}
        unit, indicator = units.get(unit_name), catalogue.get(indicator_name)
        if unit is None:
            row_errors["单位"] = f"没有名为“{unit_name}”的单位"
        if indicator is None:
            row_errors["指标"] = f"“{indicator_name}”不是填报类指标"
        try:
            period = periods.parse_period(period_name)
        except ValidationFailed as err:
            row_errors["期间"], period = err.message, None
        value = parse_number(value_text, "数值", "数值", row_errors)
        if not row_errors and (indicator.id, unit.id, period.name) in figures:
            row_errors["单位"] = "与前面的行重复（同一单位、指标和期间）"
        if row_errors:
            errors.extend(f"第 {number} 行 {column}：{message}" for column, message in row_errors.items())
        else:
            figures[(indicator.id, unit.id, period.name)] = value
    if errors:
        raise ValidationFailed(f"{len(errors)} 处错误，未导入任何数据", {"rows": errors})
    if not figures:
        raise ImportFailed("文件中没有数据行（第 1 行是表头，数据从第 2 行开始）")
    for (indicator_id, unit_id, period_name), value in figures.items():
        _upsert(indicator_id, unit_id, period_name, value, actor)
    db.session.flush()
    return len(figures)

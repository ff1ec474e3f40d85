"""Reporting periods: a month `YYYY-MM` or a quarter `YYYYQn`. Values are year-to-date at the period's end."""
import re
from dataclasses import dataclass
from datetime import date

from ..workflow import ValidationFailed

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True)
class Period:
    name: str
    kind: str  # month | quarter
    year: int
    start: date  # 1 January of the year: figures are year-to-date
    end: date  # the first day after the period (exclusive)
    first_day: date  # the first day of the period itself

    @property
    def label(self):
        if self.kind == "quarter":
            return f"{self.year}年第{self.name[-1]}季度"
        return f"{self.year}年{self.first_day.month}月"

    @property
    def months(self):
        """Months from 1 January to the period's end (序时进度 = months ÷ 12)."""
        return (self.end.year - self.year) * 12 + self.end.month - 1

    @property
    def last_month(self):
        """The month that closes the period (a quarter's reported figures may be filed under it)."""
        month = self.end.month - 1 or 12
        return f"{self.year}-{month:02d}"


def _month_start(year, month):
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse_period(text):
    """A Period from its name, or ValidationFailed."""
    text = (text or "").strip()
    if match := MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        return Period(text, "month", year, date(year, 1, 1), _month_start(year, month + 1), date(year, month, 1))
    if match := QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        first = date(year, 3 * quarter - 2, 1)
        return Period(text, "quarter", year, date(year, 1, 1), _month_start(year, 3 * quarter + 1), first)
    raise ValidationFailed("期间格式应为 YYYY-MM（月度）或 YYYYQn（季度），例如 2026-03 或 2026Q1", {"period": "格式不正确"})


def previous(period):
    """The period before, of the same kind."""
    if period.kind == "quarter":
        quarter = int(period.name[-1])
        return parse_period(f"{period.year - 1}Q4" if quarter == 1 else f"{period.year}Q{quarter - 1}")
    month = period.first_day.month
    return parse_period(f"{period.year - 1}-12" if month == 1 else f"{period.year}-{month - 1:02d}")


def containing(day, kind):
    """The period of `kind` that contains `day`."""
    if kind == "quarter":
        return parse_period(f"{day.year}Q{(day.month - 1) // 3 + 1}")
    return parse_period(f"{day.year}-{day.month:02d}")


def sort_key(name):
    """Chronological order of period names (a quarter after the months it closes)."""
    period = parse_period(name)
    return (period.end, period.kind == "quarter")

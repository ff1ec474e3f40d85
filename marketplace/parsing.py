"""The one parser per kind of value that users type: money in 万元, dates, short texts, choices, ids.

Shared by every form's view, the JSON API and the importers, so all refuse the same input the same way, with a
Chinese message keyed by field in `errors`. Money is always a Decimal with two places, never a float, and a
value with more places is refused rather than rounded.
"""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .limits import json_id
from .timeutil import local_today

AMOUNT_MAX = Decimal("10000000000")  # 100 亿万元: beyond any real contract, inside Numeric(12, 2)
CENT = Decimal("0.01")
MONEY_TEXT_MAX = 30  # "9,999,999,999.99" and then some: longer is not an amount
EARLIEST_DATE = date(1980, 1, 1)  # before the technology-contract registration system


def parse_amount(value, label, key, errors, required=True, allow_zero=False):
    """An amount in 万元 with at most two decimals, as a Decimal; never a float. Positive unless `allow_zero`
    (a price or budget may be 0 = 面议); an empty optional value is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[key] = f"请填写{label}（万元）"
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)) or len(str(value)) > MONEY_TEXT_MAX:
        errors[key] = f"{label}必须是数字（万元），例如 \"12.50\""
        return None
    try:
        # str() of a JSON float is its shortest repr, so 12.5 stays 12.5 exactly.
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except (InvalidOperation, ValueError):
        errors[key] = f"{label}必须是数字（万元），例如 \"12.50\""
        return None
    if not amount.is_finite():
        errors[key] = f"{label}必须是数字（万元）"
        return None
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(CENT):
        errors[key] = f"{label}最多保留两位小数（单位：万元），请勿填写 {value}"
        return None
    if allow_zero and (amount < 0 or amount >= AMOUNT_MAX):
        errors[key] = f"{label}必须是非负数且小于 100 亿万元"
        return None
    if not allow_zero and (amount <= 0 or amount >= AMOUNT_MAX):
        errors[key] = f"{label}必须大于 0 且小于 100 亿万元"
        return None
    return amount.quantize(CENT)


def parse_date(value, label, key, errors, required=True, not_after_today=True, years_ahead=10):
    """A date given as YYYY-MM-DD (or a date object from a form), from 1980 to the end of the year
    `years_ahead` from now (a later one is a typo such as 9999-12-31); not after today unless allowed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[key] = f"请填写{label}"
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = datetime.strptime(str(value).strip(), "%Y-%m-%d").date()
        except ValueError:
            errors[key] = f"{label}格式应为 YYYY-MM-DD"
            return None
    if not_after_today and day > local_today():
        errors[key] = f"{label}不能晚于今天"
        return None
    if day.year > local_today().year + years_ahead:
        errors[key] = f"{label}不能晚于 {local_today().year + years_ahead} 年底"
        return None
    if day < EARLIEST_DATE:
        errors[key] = f"{label}不能早于 {EARLIEST_DATE.year} 年"
        return None
    return day


def parse_text(value, label, key, errors, limit, required=True):
    if value is not None and not isinstance(value, str):
        errors[key] = f"{label}必须是文本"
        return None
    text = (value or "").strip()
    if required and not text:
        errors[key] = f"请填写{label}"
        return None
    if len(text) > limit:
        errors[key] = f"{label}不能超过 {limit} 个字符（当前 {len(text)} 个）"
        return None
    return text or None


def parse_choice(value, label, key, errors, choices):
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        errors[key] = f"请选择{label}"
        return None
    if text not in choices:
        errors[key] = f"{label}无效，可选：{'、'.join(choices)}"
        return None
    return text


def parse_id(value, label, key, errors):
    """An optional id from JSON or a query string: an integer or a string of digits within the database's
    range (limits.json_id); a float (1.7, 1e30), a bool or a list is refused, never rounded."""
    try:
        return json_id(value)
    except ValueError:
        errors[key] = f"{label}必须是正整数编号"
        return None


COUNT_MAX = 10_000_000  # people or items: beyond any enterprise


def parse_count(value, label, key, errors, required=False):
    """A non-negative whole number (people, patents): an int or a string of digits; a float or bool is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[key] = f"请填写{label}"
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or \
            (isinstance(value, str) and not value.strip().isdigit()):
        errors[key] = f"{label}必须是非负整数"
        return None
    number = int(value)
    if number >= COUNT_MAX:
        errors[key] = f"{label}不能超过 {COUNT_MAX - 1}"
        return None
    return number

"""Parsing the voucher forms' and API's fields (on marketplace/parsing.py), one place for each field."""
from ..models.vouchers import SERVICE_CATEGORIES
from ..parsing import parse_amount, parse_choice, parse_date, parse_text
from ..workflow import ValidationFailed

__all__ = ["parse_amount", "parse_date", "parse_text", "parse_choice", "parse_categories", "parse_int", "done"]


def parse_categories(value, errors, key="categories", label="服务类别"):
    """A non-empty list of names from SERVICE_CATEGORIES (a JSON list, or a form's list)."""
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
        errors[key] = f"请选择{label}（可选：{'、'.join(SERVICE_CATEGORIES)}）"
        return None
    names = [v.strip() for v in value]
    unknown = [v for v in names if v not in SERVICE_CATEGORIES]
    if unknown:
        errors[key] = f"{label}无效：{'、'.join(unknown)}；可选：{'、'.join(SERVICE_CATEGORIES)}"
        return None
    return [c for c in SERVICE_CATEGORIES if c in names]  # the fixed order, no duplicates


def parse_int(value, label, key, errors, low, high, required=True):
    if value is None or value == "":
        if required:
            errors[key] = f"请填写{label}"
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        errors[key] = f"{label}必须是整数"
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[key] = f"{label}必须是整数"
        return None
    if not low <= number <= high:
        errors[key] = f"{label}必须在 {low} 到 {high} 之间"
        return None
    return number


def done(errors, message="填写有误，请修改后重试"):
    if errors:
        raise ValidationFailed(message + "：" + "；".join(errors.values()), errors)

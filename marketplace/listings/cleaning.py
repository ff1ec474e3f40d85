"""The one cleaner of listing input, for the pages, the JSON API and the importer alike.

Every limit is checked before any costly step (sanitizing, splitting) and refused with a Chinese message
keyed by field, never cut: DESIGN §6 "Limits"."""
import re

from ..models.listings import (ACHIEVEMENT_TYPES, FIELDS, MATURITIES, MATURITY_LABELS, MODES, OLD_MATURITIES,
                               PATENT_TYPES, TRL_STAGES)
from ..parsing import parse_amount, parse_date
from ..text import (DESCRIPTION_MAX, KEYWORDS_INPUT_MAX, KEYWORDS_MAX, SUMMARY_MAX, TITLE_MAX, html_to_text,
                    keywords_error, sanitize_html, split_keywords, split_modes, too_long)
from ..timeutil import end_of_local_day_utc, utcnow
from ..validators import normalize_patent_no
from ..workflow import ValidationFailed
from .contact import clean_contact

MODES_INPUT_MAX = 100
DEADLINE_MAX_YEARS = 5  # a challenge deadline further ahead than this is a typo (9999-12-31)


def _plain(data, key, label, errors):
    """The value as text; any other JSON type (number, list, object, bool) is refused."""
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[key] = f"{label}必须是文本"
        return ""
    return value


def _text(data, key, label, limit, errors, required=False):
    value = _plain(data, key, label, errors).strip()
    if required and not value:
        errors[key] = f"请填写{label}"
    elif len(value) > limit:
        errors[key] = too_long(value, label, limit)
    return value


def _html(data, key, label, errors, required=False):
    """Rich text: the length is checked on the input before sanitizing (bleach's work grows with it), and
    again on the sanitized HTML that is stored (escaping can lengthen it)."""
    raw = _plain(data, key, label, errors)
    if len(raw) > DESCRIPTION_MAX:
        errors[key] = too_long(raw, label, DESCRIPTION_MAX)
        return ""
    value = sanitize_html(raw)
    if required and not html_to_text(value).strip():
        errors[key] = f"请填写{label}"
    elif len(value) > DESCRIPTION_MAX:
        errors[key] = f"{label}不能超过 {DESCRIPTION_MAX} 个字符（清理格式后 {len(value)} 个）"
    return value


def _choice(data, key, label, choices, errors, default=None):
    value = _plain(data, key, label, errors).strip() or default
    if value is not None and value not in choices:
        errors[key] = f"{label}无效，可选：{'、'.join(choices)}"
    return value


def normalize_maturity(value):
    """TRL1 … TRL9 from a code (TRL5, trl 5), a label (TRL 5 · 小试), a stage name (小试) or an older name
    (实验室 → TRL4); None if it is none of them."""
    text = re.sub(r"\s+", "", str(value or "")).upper()
    if text in MATURITIES:
        return text
    if text in OLD_MATURITIES:
        return OLD_MATURITIES[text]
    for code, name in TRL_STAGES.items():
        if text in (name, f"{code}·{name}", f"{code}{name}"):
            return code
    return None


def _maturity(data, errors):
    raw = _plain(data, "maturity", "成熟度", errors).strip()
    if not raw:
        return None
    code = normalize_maturity(raw)
    if code is None:
        errors["maturity"] = f"成熟度无效，可选：{'、'.join(MATURITY_LABELS.values())}（也可填 TRL1–TRL9）"
    return code


def _keywords(data, errors):
    """Keywords as text (separated by 、 , ; or spaces) or a list of texts; too many or too long is refused."""
    raw = data.get("keywords")
    if raw is None:
        return ""
    if isinstance(raw, (list, tuple)):
        if len(raw) > KEYWORDS_MAX or not all(isinstance(k, str) for k in raw):
            errors["keywords"] = (f"关键词最多 {KEYWORDS_MAX} 个" if len(raw) > KEYWORDS_MAX
                                  else "关键词必须是文本或文本列表")
            return ""
        raw = ",".join(raw)
    elif not isinstance(raw, str):
        errors["keywords"] = "关键词必须是文本或文本列表"
        return ""
    problem = too_long(raw, "关键词", KEYWORDS_INPUT_MAX)
    words = [] if problem else split_keywords(raw)
    problem = problem or keywords_error(words)
    if problem:
        errors["keywords"] = problem
        return ""
    return ",".join(words)


def _modes(data, errors):
    raw = data.get("modes")
    if raw is None or raw == "":
        return ""
    if isinstance(raw, str) and len(raw) <= MODES_INPUT_MAX:
        modes = split_modes(raw)
    elif isinstance(raw, (list, tuple)) and len(raw) <= len(MODES) and all(isinstance(m, str) for m in raw):
        modes = [m.strip() for m in raw]
    else:
        errors["modes"] = f"交易方式应为以下几项中的若干项：{'、'.join(MODES)}"
        return ""
    bad = [m for m in modes if m not in MODES]
    if bad:
        errors["modes"] = f"交易方式无效：{'、'.join(bad)}；可选：{'、'.join(MODES)}"
    return ",".join(dict.fromkeys(modes))


def clean_achievement(data):
    """Validate a dict of achievement fields (English names of DESIGN §6); raise ValidationFailed."""
    errors = {}
    values = {
        "title": _text(data, "title", "成果名称", TITLE_MAX, errors, required=True),
        "summary": _text(data, "summary", "成果简介", SUMMARY_MAX, errors, required=True),
        "description": _html(data, "description", "详细介绍", errors),
        "details": _html(data, "details", "非公开详情", errors),
        "field": _choice(data, "field", "技术领域", FIELDS, errors, default="其他"),
        "type": _choice(data, "type", "成果类型", ACHIEVEMENT_TYPES, errors, default="其他"),
        "maturity": _maturity(data, errors),
        "price": parse_amount(data.get("price"), "参考价格", "price", errors, required=False, allow_zero=True),
        "keywords": _keywords(data, errors),
    }
    values["modes"] = _modes(data, errors)
    patent_no = _plain(data, "patent_no", "专利号", errors).strip()
    if patent_no and values["type"] in PATENT_TYPES:
        normalized = normalize_patent_no(patent_no)
        if normalized is None:
            errors["patent_no"] = "专利申请号格式或校验位不正确（例如 201710601862.3）"
        patent_no = normalized or patent_no
    elif len(patent_no) > 40:
        errors["patent_no"] = "登记号不能超过 40 个字符"
    values["patent_no"] = patent_no or None
    values.update(clean_contact(data, errors))
    if errors:
        raise ValidationFailed("提交的内容有误，请修改后重试", errors)
    return values


def clean_demand(data):
    errors = {}
    values = {
        "title": _text(data, "title", "需求名称", TITLE_MAX, errors, required=True),
        "description": _html(data, "description", "需求描述", errors, required=True),
        "indicators": _text(data, "indicators", "技术指标", DESCRIPTION_MAX, errors),
        "field": _choice(data, "field", "技术领域", FIELDS, errors, default="其他"),
        "budget": parse_amount(data.get("budget"), "预算", "budget", errors, required=False, allow_zero=True),
        "keywords": _keywords(data, errors),
        "is_challenge": _truthy(data.get("is_challenge")),
        "eligibility": _text(data, "eligibility", "申报条件", SUMMARY_MAX, errors),
    }
    values["bounty"] = parse_amount(data.get("bounty"), "悬赏金额", "bounty", errors, required=False, allow_zero=True)
    values["deadline"] = None
    if values["is_challenge"]:
        if values["bounty"] is None and "bounty" not in errors:
            errors["bounty"] = "揭榜挂帅需填写悬赏金额"
        deadline = parse_date(data.get("deadline"), "截止日期", "deadline", errors, required=False,
                              not_after_today=False, years_ahead=DEADLINE_MAX_YEARS)
        if deadline is None and "deadline" not in errors:
            errors["deadline"] = "揭榜挂帅需填写截止日期"
        elif deadline is not None:
            values["deadline"] = end_of_local_day_utc(deadline)
            if values["deadline"] <= utcnow():
                errors["deadline"] = "截止日期必须晚于今天"
    values.update(clean_contact(data, errors))
    if errors:
        raise ValidationFailed("提交的内容有误，请修改后重试", errors)
    return values


def _truthy(value):
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "y", "on", "是")


CLEANERS = {"achievement": clean_achievement, "demand": clean_demand}

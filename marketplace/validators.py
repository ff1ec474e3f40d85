"""Check digits of Chinese identifiers."""
import re

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_char(first17):
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31]


def is_valid_credit_code(code):
    """统一社会信用代码 (GB 32100-2015): 18 characters, the last one a check character."""
    code = (code or "").strip().upper()
    return bool(_USCC_RE.match(code)) and uscc_check_char(code[:17]) == code[17]


_PATENT_RE = re.compile(r"^(?:ZL|CN)?\s*(\d{8}|\d{12})\.?([0-9X])$")


def patent_check_char(digits):
    weights = (2, 3, 4, 5, 6, 7, 8, 9)
    total = sum(int(d) * weights[i % 8] for i, d in enumerate(digits))
    check = total % 11
    return "X" if check == 10 else str(check)


def normalize_patent_no(number):
    """Return '202310123456.7' for a valid Chinese application number, else None.

    12-digit numbers (since 2003) and 8-digit ones both end in a check character:
    the digits weighted 2,3,4,5,6,7,8,9,2,3,4,5 summed modulo 11, 10 written X.
    """
    text = (number or "").strip().upper().replace(" ", "")
    m = _PATENT_RE.match(text)
    if not m or patent_check_char(m.group(1)) != m.group(2):
        return None
    return f"{m.group(1)}.{m.group(2)}"

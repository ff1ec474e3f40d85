"""Bounded work per request: body size, JSON shape and text, integer ranges. One place for each rule.

- Every request body has a byte limit (config MAX_JSON_BODY / MAX_FORM_BODY, per-endpoint overrides in
  BODY_LIMITS), checked on Content-Length before anything parses the body, and enforced on the read too
  (chunked bodies): 413.
- A JSON body is checked for depth on its raw text (linear, no recursion) before it is parsed; then one
  iterative pass refuses U+0000 and lone surrogates (PostgreSQL and UTF-8 cannot store them): 400.
- `<int:...>` in URLs matches only 0..2⁶³-1 (the database's BIGINT), so a bigger id is a 404.
- Integers read from query strings and forms with `.get(name, type=int)` are within ±2⁶³, or the default.
"""
import json
import re
from itertools import accumulate

from flask import Request, current_app, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from .workflow import DomainError, ValidationFailed

DB_INT_MAX = 2 ** 31 - 1  # id columns are INTEGER: 32-bit on PostgreSQL (SQLite would take 64)
DB_INT_DIGITS = len(str(DB_INT_MAX))
MAX_PAGE = 10000  # beyond any real list; keeps OFFSET far from overflowing
JSON_MAX_DEPTH = 20
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NUL_MESSAGE = "输入中含有不允许的空字符（\\0），请删除后重试"
SURROGATE_MESSAGE = "输入中含有无效的 Unicode 字符（单独的代理项），请检查后重试"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


# ---------------------------------------------------------------- integers

def db_int(value):
    """int() that refuses what the database cannot hold (ValueError, so MultiDict.get returns the default)."""
    text = str(value).strip()
    if len(text.lstrip("+-")) > DB_INT_DIGITS:  # before int(): no work on a 100,000-digit number
        raise ValueError("integer out of range")
    number = int(text)
    if not -DB_INT_MAX - 1 <= number <= DB_INT_MAX:
        raise ValueError("integer out of range")
    return number


def json_id(value):
    """An id from JSON or a form: a positive int (not bool, not float) or a string of digits, in range;
    None when absent. Raises ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("not an integer")
    if isinstance(value, str) and not value.strip().isdigit():
        raise ValueError("not an integer")
    number = db_int(value)
    if number < 1:
        raise ValueError("not positive")
    return number


def page_arg(name="page"):
    """A page number from the query string, clamped to 1..MAX_PAGE (junk is page 1)."""
    return max(1, min(request.args.get(name, 1, type=int), MAX_PAGE))


class BoundedIntConverter(IntegerConverter):
    """`<int:id>`: an id the id columns can hold (≤ 2³¹-1, PostgreSQL INTEGER). Longer digit runs do not match
    the rule; a 10-digit value beyond the range is a 404 at once (a converter's ValidationError would let the
    router answer 405 for a path that another method's rule shares)."""

    regex = r"\d{1,%d}" % DB_INT_DIGITS

    def to_python(self, value):
        number = int(value)
        if number > DB_INT_MAX:
            raise NotFound()
        return number


class BoundedArgs(ImmutableMultiDict):
    """Query-string and form values: `.get(key, default, type=int)` yields an int the database can hold."""

    def get(self, key, default=None, type=None):
        return super().get(key, default, db_int if type is int else type)


class BoundedRequest(Request):
    parameter_storage_class = BoundedArgs


# ---------------------------------------------------------------- request bodies

def body_limit():
    config = current_app.config
    override = config["BODY_LIMITS"].get(request.endpoint)
    if override is not None:
        return override
    return config["MAX_JSON_BODY"] if request.is_json else config["MAX_FORM_BODY"]


def bound_request_body():
    """before_request, registered first: refuse an over-long body before anything reads it."""
    limit = body_limit()
    request.max_content_length = limit  # Werkzeug stops a longer (chunked) read with a 413
    request.max_form_memory_size = limit
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(f"请求内容过大（上限 {_size(limit)}）")
    if request.is_json:
        check_json_body()
    elif request.mimetype in FORM_TYPES:
        values = request.form.to_dict(flat=False)
        if any("\x00" in item for key, items in values.items() for item in [key, *items]):
            raise ValidationFailed(NUL_MESSAGE)


def _size(limit):
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


# Escape pairs first (so no quote inside a string is left escaped), then whole strings, then all but
# brackets: three linear passes that never backtrack across the text.
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
# Only escapes can put U+0000 or a lone surrogate into a strictly decoded body.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def json_depth(text):
    """How deeply brackets nest in JSON text, ignoring brackets inside strings: linear, no recursion.
    (Outside strings an escape is invalid JSON, which the parser refuses before reaching any depth.)"""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", _ESCAPE.sub("", text)))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def check_json_body():
    """Depth and encoding checked on the raw text (bounded by the size limit); then, only when the text
    has a suspicious escape, one iterative pass over the parsed values."""
    raw = request.get_data(cache=True)
    if not raw:
        return
    try:
        text = raw.decode(json.detect_encoding(raw))  # strict: no encoded surrogates
    except UnicodeDecodeError:
        raise ValidationFailed("请求体不是有效的 UTF-8 文本") from None
    if json_depth(text) > JSON_MAX_DEPTH:
        raise ValidationFailed(f"JSON 嵌套不能超过 {JSON_MAX_DEPTH} 层")
    if _SUSPECT_ESCAPE.search(text):
        problem = bad_text(request.get_json(silent=True))
        if problem:
            raise ValidationFailed(problem)


def bad_text(data):
    """The refusal message if any key or string in data holds U+0000 or a lone surrogate, else None."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return NUL_MESSAGE
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return SURROGATE_MESSAGE
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def init_app(app):
    """Before the extensions: the body check must run before CSRF protection reads the form."""
    app.request_class = BoundedRequest
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(bound_request_body)

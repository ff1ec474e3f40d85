"""Text rules shared by every form, the API and the importer."""
import functools
import re

import bleach

ALLOWED_TAGS = ["p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "h5",
                "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "sub", "sup"]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["colspan", "rowspan"], "td": ["colspan", "rowspan"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]

TITLE_MAX = 200
SUMMARY_MAX = 2000
DESCRIPTION_MAX = 20000
KEYWORD_MAX = 50  # characters in one keyword
SEARCH_QUERY_MAX = 500  # characters in a search box (pages and API): a longer query is refused, not cut
KEYWORDS_MAX = 30  # keywords on one listing (the official lists have up to 21)
KEYWORDS_INPUT_MAX = 1000  # characters typed into the keywords field, separators included
KEYWORDS_TOTAL_MAX = 500  # the keywords joined by "," (the column's size)

_KEYWORD_SPLIT = re.compile(r"[、,，;；\s]+")
_MODE_SPLIT = re.compile(r"[、,，;；]+")


def sanitize_html(html):
    """Keep a small set of formatting tags; drop scripts, handlers and javascript: URLs."""
    cleaned = bleach.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                           protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True)
    if "\n" in cleaned and "<" not in cleaned:
        # Plain text typed into the editor: keep its paragraphs.
        cleaned = "".join(f"<p>{line}</p>" for line in cleaned.splitlines() if line.strip())
    return cleaned.strip()


def html_to_text(html):
    return _html_to_text(html or "")


@functools.lru_cache(maxsize=4096)
def _html_to_text(html):
    # A pure function of the text, kept per process: search pages show the same listings' snippets again and
    # again, and bleach's HTML parser costs about half a millisecond a description.
    return bleach.clean(html, tags=[], strip=True).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def split_keywords(text):
    """Keywords separated by 、 , ; or spaces; duplicates dropped, order kept (linear: a dict keeps order).
    Nothing is cut here: callers refuse what is too long or too many."""
    return list(dict.fromkeys(word for word in _KEYWORD_SPLIT.split(text or "") if word))


def too_long(value, label, limit):
    """The refusal message when value is longer than limit characters, else None. Check input with it
    BEFORE any costly step (sanitizing, splitting), so the work per request stays bounded."""
    if len(value) > limit:
        return f"{label}不能超过 {limit} 个字符（当前 {len(value)} 个）"
    return None


def keywords_error(words):
    """The refusal message for a list of keywords that breaks a limit, else None."""
    if len(words) > KEYWORDS_MAX:
        return f"关键词最多 {KEYWORDS_MAX} 个（当前 {len(words)} 个）"
    longer = [word for word in words if len(word) > KEYWORD_MAX]
    if longer:
        return f"每个关键词不能超过 {KEYWORD_MAX} 个字符：“{longer[0][:KEYWORD_MAX]}…”"
    return too_long(",".join(words), "关键词总长度", KEYWORDS_TOTAL_MAX)


def split_modes(text):
    return [m.strip() for m in _MODE_SPLIT.split(text or "") if m.strip()]

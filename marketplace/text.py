"""Text rules shared by every form, the API and the importer."""
import re

import bleach

ALLOWED_TAGS = ["p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "h5",
                "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "sub", "sup"]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["colspan", "rowspan"], "td": ["colspan", "rowspan"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]

TITLE_MAX = 200
SUMMARY_MAX = 2000
DESCRIPTION_MAX = 20000

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
    return bleach.clean(html or "", tags=[], strip=True).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def split_keywords(text):
    """Keywords separated by 、 , ; or spaces; duplicates dropped, order kept."""
    seen = []
    for word in _KEYWORD_SPLIT.split(text or ""):
        word = word.strip()
        if word and word not in seen:
            seen.append(word[:50])
    return seen[:20]


def split_modes(text):
    return [m.strip() for m in _MODE_SPLIT.split(text or "") if m.strip()]

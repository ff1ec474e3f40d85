"""Highlighted snippets: user text is escaped first, <mark> only ever wraps escaped text."""
from markupsafe import Markup, escape

from .analysis import iter_terms

SNIPPET_CHARS = 160


def _spans(text, terms):
    """Marked (start, end) spans, longest first at each start; spans inside a marked one are skipped."""
    spans, cursor = [], 0
    for term, start, end in iter_terms(text):  # by start, a word before its sub-words
        if term in terms and start >= cursor:
            spans.append((start, end))
            cursor = end
    return spans


def _render(text, spans, start, end):
    out, cursor = [], start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        out.append(str(escape(text[cursor:span_start])))
        out.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    out.append(str(escape(text[cursor:end])))
    return "".join(out)


def highlight(text, terms):
    """The whole text, escaped, with matching terms marked."""
    text = text or ""
    return Markup(_render(text, _spans(text, set(terms)), 0, len(text)))


def snippet(text, terms, size=SNIPPET_CHARS):
    """A window of about `size` characters around the densest run of matches, escaped and marked."""
    text = " ".join((text or "").split())
    spans = _spans(text, set(terms)) if terms else []
    if len(text) <= size:
        return Markup(_render(text, spans, 0, len(text)))
    start = _best_window(spans, size)
    end = min(len(text), start + size)
    start = max(0, min(start, end - size))
    body = _render(text, spans, start, end)
    return Markup(("…" if start > 0 else "") + body + ("…" if end < len(text) else ""))


def _best_window(spans, size):
    """Start offset of the window holding most matches (a little context before the first)."""
    if not spans:
        return 0
    best_start, best_count, right = spans[0][0], 0, 0
    for left, (start, _) in enumerate(spans):
        while right < len(spans) and spans[right][1] - start <= size:
            right += 1
        if right - left > best_count:
            best_start, best_count = start, right - left
    return max(0, best_start - 20)

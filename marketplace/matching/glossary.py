"""The bilingual domain glossary: Chinese and English names of the same technical concept.

Data, not code: marketplace/data/glossary.tsv (or the file named by the MARKETPLACE_GLOSSARY_PATH
environment variable; GLOSSARY_PATH is still read), one concept a line, tab-separated:

    field <TAB> Chinese names separated by | <TAB> English names separated by |

e.g. `新材料	石墨烯	graphene`. Lines starting with # and blank lines are skipped. A concept
needs at least two names in all (`check_concept`: the one validation, for the file and the admin
page alike). The file's Chinese names are also added to the segmenter's dictionary, so they are
cut whole. The file is loaded once per process, on first use (`shipped()`).

Admins add concepts on /admin/glossary (GlossaryConcept rows, glossary_admin.py). `glossary()` is
the effective glossary, file + admin concepts: each process checks a cheap revision stamp of the
table at most every GLOSSARY_CHECK_SECONDS and rebuilds its Glossary only when the stamp moved, so
web workers and the queue worker expand queries with a new concept without a restart. Admin
concepts never change the segmenter (see `shipped()`): their names are expanded as the shipped
dictionary cuts them, the same in every process and in every index generation.

`expansions(text)` gives, for every concept one of whose names occurs in text (Chinese
names as substrings, English names as whole stemmed words, so "Lithium Batteries" finds
"lithium battery"), the analyzed whole words of its other names that text lacks.
"""
import os
import re
import threading
import time
import unicodedata
from dataclasses import dataclass

from whoosh.lang.porter import stem

DEFAULT_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "glossary.tsv")
_ENGLISH_WORD = re.compile(r"[a-z0-9]+")
_lock = threading.Lock()
_loaded = {}
PATH_VARIABLES = ("MARKETPLACE_GLOSSARY_PATH", "GLOSSARY_PATH")  # the README's name first; the older one still read
NAME_MAX = 60  # characters of one name (the analyzer drops longer words)
NAMES_MAX = 10  # names of one language in one concept
NOTE_MAX = 500
DEFAULT_CHECK_SECONDS = 30


class GlossaryError(ValueError):
    """A malformed glossary file (the message names the line)."""


@dataclass(frozen=True)
class Concept:
    field: str
    chinese: tuple
    english: tuple
    id: int = None  # a GlossaryConcept's id; None for a concept of the shipped file

    @property
    def names(self):
        return self.chinese + self.english


def _fold(text):
    return unicodedata.normalize("NFKC", text or "").lower()


def english_key(text):
    """' word word ' of the stemmed English words of text (for whole-word containment)."""
    words = [stem(w) if w.isalpha() else w for w in _ENGLISH_WORD.findall(_fold(text))]
    return " " + " ".join(words) + " "


class Glossary:
    def __init__(self, concepts):
        self.concepts = list(concepts)
        by_name = {}
        for concept in self.concepts:
            for name in concept.chinese:
                by_name.setdefault(_fold(name), []).append(concept)
        self._chinese = sorted(by_name.items(), key=lambda item: -len(item[0]))  # 石墨烯 is not also 石墨
        self._english = [(english_key(name), concept) for concept in self.concepts for name in concept.english]
        self._expansion_cache = {}

    def __len__(self):
        return len(self.concepts)

    def chinese_terms(self):
        return tuple(dict.fromkeys(name for concept in self.concepts for name in concept.chinese
                                   if len(name) > 1 and " " not in name))

    def concepts_in(self, text):
        """The concepts one of whose names occurs in text, in glossary order, each once."""
        folded = _fold(text)
        found = {}
        for name, concepts in self._chinese:  # longest names first, each masking what it covers
            if name in folded:
                found.update((id(concept), concept) for concept in concepts)
                folded = folded.replace(name, "\x00")
        if any(c.isascii() and c.isalpha() for c in folded):
            key = english_key(folded)
            for name, concept in self._english:
                if name in key:
                    found[id(concept)] = concept
        return [c for c in self.concepts if id(c) in found]

    def expansions(self, text, present=()):
        """Analyzed whole words of the other names of the concepts in text, not in `present`."""
        from .analysis import whole_terms

        present = set(present)
        out = []
        for concept in self.concepts_in(text):
            words = self._expansion_cache.get(id(concept))
            if words is None:
                words = self._expansion_cache[id(concept)] = list(dict.fromkeys(
                    term for name in concept.names for term in whole_terms(name)))
            out.extend(w for w in words if w not in present)
            present.update(words)
        return out


def _names(value, label, key, errors):
    """The trimmed, distinct names of one language: a sequence of names, or one text of names joined by |."""
    if value is None:
        value = ()
    if isinstance(value, str):
        value = value.split("|")
    names = []
    for name in value:
        name = unicodedata.normalize("NFC", str(name)).strip()
        if not name:
            continue
        if "|" in name or "\t" in name or "\n" in name or "\r" in name:
            errors.setdefault(key, f"{label}“{name[:20]}”中不能含有 | 、制表符或换行（每行填写一个名称）")
        elif len(name) > NAME_MAX:
            errors.setdefault(key, f"{label}“{name[:20]}…”过长：每个名称不能超过 {NAME_MAX} 个字符（当前 {len(name)} 个）")
        elif name not in names:
            names.append(name)
    if len(names) > NAMES_MAX:
        errors.setdefault(key, f"{label}最多 {NAMES_MAX} 个（当前 {len(names)} 个）")
    return tuple(names)


def check_concept(field, chinese, english, concept_id=None):
    """(Concept, errors): the one validation of a concept, for the shipped file and the admin page alike.

    `chinese`, `english`: names as a sequence or as text joined by |. errors maps field, chinese,
    english to a message in Chinese (empty when the concept is valid)."""
    from ..models.listings import FIELDS

    errors = {}
    field = (field or "").strip() if isinstance(field, str) else ""
    if field not in FIELDS:
        errors["field"] = f"领域“{field[:20]}”无效，可选：{'、'.join(FIELDS)}" if field else "请选择技术领域"
    chinese = _names(chinese, "中文名称", "chinese", errors)
    english = _names(english, "英文名称", "english", errors)
    if not errors.keys() & {"chinese", "english"} and len(chinese) + len(english) < 2:
        errors["chinese"] = "一个概念至少需要两个名称（中文名称与英文名称合计）"
    return Concept(field, chinese, english, concept_id), errors


def parse(lines, source="glossary"):
    """Concepts from TSV lines; GlossaryError naming the first bad line."""
    concepts = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise GlossaryError(f"{source}:{number}: 需要 3 列（领域、中文名、英文名），以制表符分隔")
        concept, errors = check_concept(*parts)
        if errors:
            raise GlossaryError(f"{source}:{number}: {next(iter(errors.values()))}")
        concepts.append(concept)
    return concepts


def to_tsv(concepts):
    """The lines of a glossary file (the format `parse` reads) for concepts, with a header comment."""
    yield "# 易智 bilingual domain glossary: field <TAB> Chinese names (|) <TAB> English names (|)\n"
    for concept in concepts:
        yield f"{concept.field}\t{'|'.join(concept.chinese)}\t{'|'.join(concept.english)}\n"


def load(path):
    with open(path, encoding="utf-8") as handle:
        return Glossary(parse(handle, os.path.basename(path)))


def file_path():
    """The shipped glossary file: MARKETPLACE_GLOSSARY_PATH, else GLOSSARY_PATH, else marketplace/data/glossary.tsv."""
    for name in PATH_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    return DEFAULT_PATH


def shipped():
    """The glossary of the shipped file, loaded once per process.

    Only its Chinese names join the segmenter's dictionary (analysis.segmenter): a dictionary that
    changed at run time would cut texts differently in processes that did and did not rebuild their
    segmenter, and differently from the documents indexed before, so listings could stop matching."""
    path = file_path()
    current = _loaded.get(path)
    if current is None:
        with _lock:
            current = _loaded.get(path)
            if current is None:
                current = _loaded[path] = load(path)
    return current


def check_seconds(app):
    """GLOSSARY_CHECK_SECONDS, or its default: 30, 0 when TESTING."""
    seconds = app.config.get("GLOSSARY_CHECK_SECONDS")
    if seconds is None:
        return 0 if app.config.get("TESTING") else DEFAULT_CHECK_SECONDS
    return float(seconds)


def glossary():
    """The effective glossary: the shipped file plus the admins' concepts (the file alone outside an app).

    The admin concepts are re-read only when their revision stamp changed, and the stamp is read at most
    every GLOSSARY_CHECK_SECONDS per app (0: on every call, as under TESTING)."""
    from flask import current_app, has_app_context

    base = shipped()
    if not has_app_context():
        return base
    app = current_app._get_current_object()
    state = app.extensions.setdefault("glossary", {"checked": None, "stamp": None, "glossary": None})
    now = time.monotonic()
    every = check_seconds(app)
    current = state["glossary"]
    if current is not None and current[0] is base and state["checked"] is not None and now - state["checked"] < every:
        return current[1]
    from .glossary_admin import admin_concepts, revision

    stamp = revision()
    if current is None or current[0] is not base or stamp != state["stamp"]:
        extra = admin_concepts() if stamp[0] else []
        current = state["glossary"] = (base, Glossary(base.concepts + extra) if extra else base)
        state["stamp"] = stamp
    state["checked"] = now
    return current[1]

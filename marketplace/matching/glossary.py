"""The bilingual domain glossary: Chinese and English names of the same technical concept.

Data, not code: marketplace/data/glossary.tsv (or the file named by the GLOSSARY_PATH
environment variable), one concept a line, tab-separated:

    field <TAB> Chinese names separated by | <TAB> English names separated by |

e.g. `新材料	石墨烯	graphene`. Lines starting with # and blank lines are skipped. A concept
needs at least two names in all. The Chinese names are also added to the segmenter's
dictionary, so they are cut whole. Loaded once per process, on first use.

`expansions(text)` gives, for every concept one of whose names occurs in text (Chinese
names as substrings, English names as whole stemmed words, so "Lithium Batteries" finds
"lithium battery"), the analyzed whole words of its other names that text lacks.
"""
import os
import re
import threading
import unicodedata
from dataclasses import dataclass

from whoosh.lang.porter import stem

DEFAULT_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "glossary.tsv")
_ENGLISH_WORD = re.compile(r"[a-z0-9]+")
_lock = threading.Lock()
_loaded = {}


class GlossaryError(ValueError):
    """A malformed glossary file (the message names the line)."""


@dataclass(frozen=True)
class Concept:
    field: str
    chinese: tuple
    english: tuple

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
        field, chinese, english = (p.strip() for p in parts)
        chinese = tuple(n.strip() for n in chinese.split("|") if n.strip())
        english = tuple(n.strip() for n in english.split("|") if n.strip())
        if len(chinese) + len(english) < 2:
            raise GlossaryError(f"{source}:{number}: 一个概念至少需要两个名称")
        concepts.append(Concept(field, chinese, english))
    return concepts


def load(path):
    with open(path, encoding="utf-8") as handle:
        return Glossary(parse(handle, os.path.basename(path)))


def glossary():
    """The process's glossary (GLOSSARY_PATH or the shipped file), loaded once."""
    path = os.environ.get("GLOSSARY_PATH") or DEFAULT_PATH
    current = _loaded.get(path)
    if current is None:
        with _lock:
            current = _loaded.get(path)
            if current is None:
                current = _loaded[path] = load(path)
    return current

"""Synthetic but realistic listings for the speed benchmark.

The vocabulary is mined from the real records in ../shared/data (CSL abstracts): per technology
field, the nouns and technical words rjieba tags in titles and abstracts (about 10,000 distinct
terms) and the authors' keyword phrases (about 3,000). Titles, summaries and descriptions are
built from sentence templates filled with terms of the listing's field (and a few from other
fields, as real texts wander), so the index sees a broad, Zipf-like vocabulary instead of a few
hundred repeated words. Deterministic for a given seed.
"""
import csv
import os
import random
import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import rjieba

from marketplace.models.listings import ACHIEVEMENT_TYPES, FIELDS, MATURITIES, MODES
from marketplace.timeutil import utcnow

KEEP_TAGS = ("n", "nz", "nt", "vn", "eng")  # nouns, technical nouns, verbal nouns, Latin words
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,11}$")


def _is_term(word, tag):
    return tag in KEEP_TAGS and bool(_CJK_WORD.match(word) or _LATIN_WORD.match(word))

TITLE_TEMPLATES = (
    "一种基于{k}的{n}{n}方法", "{k}在{n}中的应用", "{n}{k}关键技术", "高性能{n}{n}及其制备方法",
    "面向{n}的{k}系统", "{k}与{n}协同{n}技术", "新型{n}{n}装置", "{n}{n}智能{n}平台",
)
DEMAND_TITLE_TEMPLATES = (
    "寻求{k}技术解决方案", "征集{n}{n}关键技术", "{n}{k}技术攻关", "需要{n}的{n}工艺",
    "求购{k}相关成果", "{n}生产线{n}改造需求",
)
SENTENCES = (
    "针对{n}过程中{n}{n}不足的问题，提出了一种基于{k}的{n}方法。",
    "该技术以{n}为核心，结合{k}和{n}，实现了{n}的{n}。",
    "实验结果表明，{n}的{n}提高了{pct}%，{n}降低了{pct2}%。",
    "本成果已在{n}、{n}和{n}等领域开展应用验证。",
    "通过{k}对{n}进行{n}，显著改善了{n}的稳定性。",
    "系统包括{n}模块、{n}模块和{n}模块，支持{k}。",
    "与传统{n}相比，具有{n}高、成本低、{n}好等优点。",
    "采用{n}{n}工艺，{n}达到国内领先水平。",
)
DEMAND_SENTENCES = (
    "我公司主要从事{n}和{n}的研发生产，目前在{n}环节存在{n}问题。",
    "希望引进{k}相关技术，提升{n}的{n}。",
    "要求{n}指标不低于{pct}，{n}满足{n}标准。",
    "可采用技术转让、合作开发等方式，欢迎高校院所{n}团队对接。",
    "现有{n}设备难以满足{k}的要求，需要{n}方面的解决方案。",
)


def _data_rows(data_dir):
    rows = []
    for name, body in (("achievements.csv", "summary"), ("demands.csv", "description")):
        path = os.path.join(data_dir, name)
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                rows.append((row.get("field") or "其他", row["title"] + "。" + row[body], row.get("keywords") or ""))
    return rows


def mine_vocabulary(data_dir):
    """{field: (terms, keyword phrases)} from the shared records."""
    terms, phrases = defaultdict(set), defaultdict(set)
    for field, text, keywords in _data_rows(data_dir):
        for word, tag in rjieba.tag(text):
            word = word.strip()
            if _is_term(word, tag):
                terms[field].add(word)
        for phrase in keywords.split("、"):
            if 2 <= len(phrase.strip()) <= 20:
                phrases[field].add(phrase.strip())
    vocabulary = {}
    for field in FIELDS:
        field_terms = sorted(terms.get(field) or terms["其他"])
        field_phrases = sorted(phrases.get(field) or phrases["其他"]) or field_terms
        vocabulary[field] = (field_terms, field_phrases)
    return vocabulary


class ListingGenerator:
    def __init__(self, data_dir, seed=20240601):
        self.vocabulary = mine_vocabulary(data_dir)
        self.all_terms = sorted({t for terms, _ in self.vocabulary.values() for t in terms})
        self.rng = random.Random(seed)

    @property
    def distinct_terms(self):
        return len(self.all_terms) + len({p for _, ps in self.vocabulary.values() for p in ps})

    def _term(self, field):
        # Mostly the listing's own field, sometimes any field; a skewed pick gives a Zipf-like spread.
        terms = self.vocabulary[field][0] if self.rng.random() < 0.85 else self.all_terms
        return terms[int(len(terms) * self.rng.random() ** 1.6)]

    def _fill(self, template, field):
        phrases = self.vocabulary[field][1]
        text = template
        while "{n}" in text:
            text = text.replace("{n}", self._term(field), 1)
        while "{k}" in text:
            text = text.replace("{k}", self.rng.choice(phrases), 1)
        return text.replace("{pct}", str(self.rng.randint(5, 95))).replace("{pct2}", str(self.rng.randint(5, 60)))

    def _text(self, templates, field, count):
        return "".join(self._fill(self.rng.choice(templates), field) for _ in range(count))

    def _keywords(self, field):
        phrases = self.vocabulary[field][1]
        return ",".join(dict.fromkeys(self.rng.choice(phrases) for _ in range(self.rng.randint(3, 5))))

    def achievement(self, owner_id, organization_id):
        field = self.rng.choice(FIELDS)
        now = utcnow()
        return {
            "title": self._fill(self.rng.choice(TITLE_TEMPLATES), field)[:200],
            "summary": self._text(SENTENCES, field, self.rng.randint(3, 6))[:2000],
            "description": "<p>" + self._text(SENTENCES, field, self.rng.randint(2, 5)) + "</p>",
            "details": "", "field": field, "type": self.rng.choice(ACHIEVEMENT_TYPES),
            "maturity": self.rng.choice(MATURITIES[:5]),
            "modes": ",".join(self.rng.sample(MODES, self.rng.randint(1, 3))),
            "price": Decimal(self.rng.randint(5, 2000)) if self.rng.random() < 0.7 else None,
            "keywords": self._keywords(field), "status": "published", "owner_id": owner_id,
            "organization_id": organization_id, "created_at": now, "updated_at": now, "published_at": now,
        }

    def demand(self, owner_id, organization_id):
        field = self.rng.choice(FIELDS)
        now = utcnow()
        challenge = self.rng.random() < 0.1
        return {
            "title": self._fill(self.rng.choice(DEMAND_TITLE_TEMPLATES), field)[:200],
            "description": "<p>" + self._text(DEMAND_SENTENCES, field, self.rng.randint(3, 5)) + "</p>",
            "indicators": self._fill("{n}≥{pct}，{n}满足{n}要求", field), "field": field,
            "budget": Decimal(self.rng.randint(10, 1000)) if self.rng.random() < 0.6 else None,
            "is_challenge": challenge, "bounty": Decimal(self.rng.randint(50, 500)) if challenge else None,
            "deadline": now + timedelta(days=60) if challenge else None, "eligibility": "",
            "keywords": self._keywords(field), "status": "published", "owner_id": owner_id,
            "organization_id": organization_id, "created_at": now, "updated_at": now, "published_at": now,
        }

"""The Chinese/English analyzer shared by the index and every query built against it.

The index pickles its schema, and with it `ChineseTokenizer` by this import path: keep the
class name and module where they are.

One pass over rjieba's search-mode tokens: every word at every granularity the dictionary
knows (锂离子电池 also yields 锂离子, 离子 and 电池; 锂电池 yields 锂电 and 电池), so a query
matches the words it contains. Whitespace and punctuation are dropped, English words
lowercased and Porter-stemmed, Chinese and English stop words dropped. Positions count whole
words: the sub-words of a word share its position (so phrase queries over whole words work).
Domain terms such as 石墨烯 or 高熵合金 stay whole thanks to a user dictionary (DOMAIN_TERMS and the shipped
glossary file's Chinese names, never the admins' concepts: see glossary.shipped) loaded, once
per process, into a private rjieba instance (reading it is thread-safe).

`bigrams(text)` and `characters(text)` feed the character fields the matcher fuses with the word fields.
"""
import functools
import re
import threading
import unicodedata

import rjieba
from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.lang.porter import stem

# Domain words rjieba would otherwise split (e.g. 石墨|烯, 高|熵|合金, 氮化|镓).
DOMAIN_TERMS = (
    "石墨烯", "氧化石墨烯", "高熵合金", "非晶合金", "形状记忆合金", "钛合金", "镁合金", "铝合金", "高温合金",
    "氮化镓", "碳化硅", "砷化镓", "氧化镓", "钙钛矿", "量子点", "碳纳米管", "碳纤维", "气凝胶", "超材料",
    "锂离子电池", "固态电池", "钠离子电池", "燃料电池", "液流电池", "储能", "光伏", "氢能", "电解水",
    "正极材料", "负极材料", "电解质", "隔膜", "导热材料", "复合材料", "纳米材料", "生物材料", "3D打印",
    "增材制造", "激光熔覆", "热处理", "机器视觉", "机器学习", "深度学习", "神经网络", "卷积神经网络",
    "知识图谱", "大数据", "云计算", "边缘计算", "物联网", "区块链", "数字孪生", "自动驾驶", "工业机器人",
    "协作机器人", "无人机", "传感器", "芯片", "集成电路", "半导体", "毫米波", "太赫兹",
    "基因编辑", "单克隆抗体", "抗体", "疫苗", "mRNA", "靶向药物", "干细胞", "细胞治疗", "生物医药",
    "医疗器械", "体外诊断", "中药", "有机肥", "生物农药", "节水灌溉", "土壤修复", "污水处理",
    "废气处理", "挥发性有机物", "脱硫脱硝", "碳捕集", "余热回收", "固废", "垃圾焚烧",
)

CHINESE_STOP_WORDS = frozenset("""
的 了 和 与 及 或 是 在 对 为 以 于 由 把 被 将 并 且 而 其 之 这 那 该 本 此 等 中 上 下 内 外 个 种 一种 一个
我们 你们 他们 我 你 他 她 它 也 都 又 就 还 但 如 若 则 即 从 到 向 给 让 使 通过 进行 能够 可以 可 能 已 已经
具有 包括 以及 同时 主要 一 二 三 些 一些 各 每 所 所述 其中 基于 采用 利用 用于 提供 实现 得到 根据 方面 我司
公司 需要 需求 寻求 希望 要求 方法 技术 研究 问题 结果 表明 分析 提出 及其 相关 有效 较 更 很 最 不 没有 有 无
""".split())

STOP = frozenset(STOP_WORDS) | CHINESE_STOP_WORDS

_ASCII_WORD = re.compile(r"^[0-9a-z][0-9a-z_.+\-]*$")
_HAS_WORD_CHAR = re.compile(r"\w")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_lock = threading.Lock()
_jieba = None
_recent = threading.local()  # the last few texts' tokens: a listing's fields are read twice when indexed
_RECENT = 8
PIECES = "\x1e"  # joins the title, keywords and body given to the `parts` and `grams` fields


def segmenter():
    """The process's rjieba instance with the domain dictionary (built once, on first use)."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                from .glossary import shipped
                jieba = rjieba.Jieba()
                for word in DOMAIN_TERMS + shipped().chinese_terms():
                    jieba.add_word(word, None, None)
                _jieba = jieba
    return _jieba


@functools.lru_cache(maxsize=1 << 16)  # a pure function of the word; the vocabulary repeats
def normalize(word):
    """Lowercase; stem plain English words; None for a dropped token (stop word, punctuation)."""
    word = unicodedata.normalize("NFKC", word).strip().lower()
    if not word or not _HAS_WORD_CHAR.search(word):
        return None
    if word.isascii():
        word = word.strip("-_.+")
        if not word:
            return None
        if word.isalpha():
            word = stem(word)
    if word in STOP or len(word) > 60:
        return None
    return word


def iter_positioned(text):
    """(term, position, startchar, endchar, whole) for every kept token, each word before its parts.

    The position counts kept whole words; a sub-word (whole=False) shares the position of the
    word it is part of.
    """
    if not text:
        return
    offset = 0
    for piece in text.split(PIECES):
        yield from _positioned(piece, offset)
        offset += len(piece) + 1


def _positioned(text, offset):
    cache = getattr(_recent, "tokens", None)
    if cache is None:
        cache = _recent.tokens = {}
    out = cache.get(text)
    if out is None:
        out = list(_segment_positioned(text))
        if len(cache) >= _RECENT:
            cache.pop(next(iter(cache)))
        cache[text] = out
    if offset:
        return [(term, pos, start + offset, end + offset, whole) for term, pos, start, end, whole in out]
    return out


def _segment_positioned(text):
    tokens = sorted(segmenter().tokenize(text, "search"), key=lambda t: (t[1], -t[2]))
    position, span_end = -1, -1
    for word, start, end in tokens:
        whole = start >= span_end
        if whole:
            span_end = end
        term = normalize(word)
        if term is None:
            continue
        if whole:
            position += 1
        yield term, max(position, 0), start, end, whole


def iter_terms(text):
    """(term, startchar, endchar) for every kept token of text at every granularity, by start."""
    for term, _, start, end, _ in iter_positioned(text):
        yield term, start, end


def terms(text):
    """The analyzed terms of text at every granularity (duplicates kept, in order)."""
    return [term for term, _, _ in iter_terms(text)]


def whole_terms(text):
    """The analyzed whole words of text (what the title/keywords/body fields index)."""
    return [term for term, _, _, _, whole in iter_positioned(text) if whole]


def part_terms(text):
    """The analyzed sub-words of text's words (what the `parts` field indexes): 电池 of 锂电池."""
    return [term for term, _, _, _, whole in iter_positioned(text) if not whole]


def bigrams(text):
    """The overlapping character bigrams of text's Chinese runs (a lone character stays alone)."""
    out = []
    for run in _CJK_RUN.findall(unicodedata.normalize("NFKC", text or "")):
        if len(run) == 1:
            if run not in STOP:
                out.append(run)
            continue
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def characters(text):
    """The Chinese characters of text, stop characters (的, 和, ...) out: the `chars` field. Two words that
    name one thing often share a character and no bigram (移栽 ~ 移植, 胸围 ~ 胸径, 乔木 ~ 树木)."""
    return [char for char in _CJK_CHAR.findall(unicodedata.normalize("NFKC", text or "")) if char not in STOP]


class ChineseTokenizer(Tokenizer):
    """Whoosh tokenizer over rjieba: whole words; positions count kept words, so phrases match."""

    wanted = (True,)  # which tokens: whole words (True) and/or sub-words (False)

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        for term, pos, start, end, whole in iter_positioned(value):
            if whole not in self.wanted:
                continue
            pos += start_pos
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token

    def terms(self, value):
        """The kept terms of value, as plain strings (documents.CountedText indexes these)."""
        return [term for term, _, _, _, whole in iter_positioned(value) if whole in self.wanted]


class SubwordTokenizer(ChineseTokenizer):
    """Only the sub-words of longer words (电池 and 锂电 of 锂电池): the `parts` field."""

    wanted = (False,)


def ChineseAnalyzer():  # noqa: N802  (whoosh's analyzer factories are capitalized)
    return ChineseTokenizer()


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer for the character-bigram field (no positions, no chars)."""

    split = staticmethod(bigrams)

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, gram in enumerate(self.split(value) if tokenize else [value], start_pos):
            token.text = token.original = gram
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            yield token

    def terms(self, value):
        return self.split(value)


class CharacterTokenizer(BigramTokenizer):
    """Whoosh tokenizer for the single-character field (`chars`)."""

    split = staticmethod(characters)

"""What one listing looks like in the index: the schema and the DB reads that feed it.

Rows are read with plain column selects (not ORM objects) so that a rebuild of 100,000
listings spends its time indexing, not hydrating models.
"""
import hashlib
from collections import Counter

from whoosh.fields import BOOLEAN, DATETIME, ID, STORED, TEXT, Schema
from whoosh.system import pack_uint

from ..extensions import db
from ..models import Achievement, Demand, Organization
from ..models.listings import PUBLIC_STATES
from ..text import html_to_text
from ..listings.cleaning import normalize_maturity
from .analysis import PIECES, BigramTokenizer, CharacterTokenizer, ChineseAnalyzer, SubwordTokenizer

KIND_MODELS = {"achievement": Achievement, "demand": Demand}
OTHER_KIND = {"achievement": "demand", "demand": "achievement"}
# Which states are indexed (searchable): the same ones the public lists show.
INDEXED_STATES = {"achievement": ("published",), "demand": PUBLIC_STATES}
# The `grams` field covers the title, the keywords and this many leading characters of the body:
# bigrams are most of the postings (and of the rebuild time), and a listing's opening says what it is.
GRAMS_BODY_CHARS = 100


class CountedText(TEXT):
    """A TEXT field without positions whose postings come straight from the analyzer's term list.

    Same postings as TEXT(phrase=False) (term, frequency, weight), without building a Whoosh
    Token per occurrence: most of the rebuild is spent per posting, and this is the cheap half.
    The index pickles its schema, and with it this class by this import path: keep it here.
    """

    def __init__(self, analyzer, **kwargs):
        super().__init__(analyzer=analyzer, phrase=False, **kwargs)

    def index(self, value, **kwargs):
        boost = self.format.field_boost
        for term, freq in Counter(self.analyzer.terms(value)).items():
            yield term.encode("utf-8"), freq, freq * boost, pack_uint(freq)


def make_schema():
    analyzer = ChineseAnalyzer()
    return Schema(
        key=ID(unique=True, stored=True),
        kind=ID(stored=True),
        lid=STORED(),
        title=TEXT(analyzer=analyzer, phrase=True),
        keywords=CountedText(analyzer),
        body=CountedText(analyzer),  # no positions: a third faster to index
        organization=CountedText(analyzer),
        # The technology field's label as words (人工智能 finds listings of 大数据与人工智能).
        topic=CountedText(analyzer),
        # The sub-words of title, keywords and body (电池 of 锂电池): partial matches rank below whole ones.
        parts=CountedText(SubwordTokenizer()),
        # Character bigrams of title, keywords and the body's opening (gram_text): the matcher's second view.
        grams=CountedText(BigramTokenizer()),
        # Single characters of title and keywords (char_text): what the listing is about, matched by characters
        # (移栽 ~ 移植) where no word or bigram is shared. The pairing's third view; never searched.
        chars=CountedText(CharacterTokenizer()),
        field=ID(stored=True),
        type=ID(),
        maturity=ID(),
        status=ID(stored=True),
        is_challenge=BOOLEAN(),
        published_at=DATETIME(sortable=True),
        version=ID(stored=True),
    )


def parse_key(key):
    kind, _, raw_id = (key or "").partition(":")
    if kind not in KIND_MODELS or not raw_id.isdigit():
        return None, None
    return kind, int(raw_id)


def version_of(doc):
    """A hash of everything the document shows: any difference (an org rename too) changes it."""
    content = "\x1f".join(f"{name}={doc[name]}" for name in sorted(doc) if name != "version")
    return hashlib.blake2b(content.encode(), digest_size=12).hexdigest()


def _columns(kind):
    model = KIND_MODELS[kind]
    cols = [model.id, model.title, model.keywords, model.field, model.status, model.updated_at,
            model.published_at, Organization.name.label("organization")]
    if kind == "achievement":
        cols += [model.summary, model.description, model.type, model.maturity]
    else:
        cols += [model.description, model.indicators, model.is_challenge]
    return cols


def select_rows(kind, ids=None, indexed_only=False):
    """A select of the columns the index needs, optionally for some ids / indexed states only."""
    model = KIND_MODELS[kind]
    query = db.select(*_columns(kind)).outerjoin(Organization, Organization.id == model.organization_id)
    if ids is not None:
        query = query.where(model.id.in_(ids))
    if indexed_only:
        query = query.where(model.status.in_(INDEXED_STATES[kind]))
    return query.order_by(model.id)


def is_indexed(kind, row):
    return row is not None and row.status in INDEXED_STATES[kind]


def body_text(kind, row):
    if kind == "achievement":
        description = html_to_text(row.description) if row.description else ""
        return f"{row.summary}\n{description}".strip()
    return f"{html_to_text(row.description)}\n{row.indicators or ''}".strip()


def keywords_text(row):
    return " ".join(k for k in (row.keywords or "").split(",") if k)


def gram_text(title, keywords, body):
    """What the `grams` field indexes (and the pairing query's bigrams are taken from)."""
    return PIECES.join((title, keywords, body[:GRAMS_BODY_CHARS]))


def char_text(title, keywords):
    """What the `chars` field indexes: only what the listing says it is about (a body's characters are noise)."""
    return PIECES.join((title, keywords))


def to_document(kind, row):
    """The Whoosh document for one listing row."""
    title, keywords, body = row.title or "", keywords_text(row), body_text(kind, row)
    text = PIECES.join((title, keywords, body))  # segmented piece by piece (cached from the word fields)
    doc = {
        "key": f"{kind}:{row.id}",
        "kind": kind,
        "lid": row.id,
        "title": title,
        "keywords": keywords,
        "body": body,
        "organization": row.organization or "",
        "topic": row.field or "",
        "parts": text,
        "grams": gram_text(title, keywords, body),
        "chars": char_text(title, keywords),
        "field": row.field or "",
        "type": getattr(row, "type", None) or "",
        "maturity": normalize_maturity(getattr(row, "maturity", None)) or getattr(row, "maturity", None) or "",
        "status": row.status,
        "is_challenge": bool(getattr(row, "is_challenge", False)),
        "published_at": row.published_at,
    }
    doc["version"] = version_of(doc)
    return doc


def count_indexed():
    return sum(db.session.scalar(db.select(db.func.count()).select_from(model)
                                 .where(model.status.in_(INDEXED_STATES[kind])))
               for kind, model in KIND_MODELS.items())

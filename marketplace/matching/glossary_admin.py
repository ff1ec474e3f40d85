"""Glossary concepts added by admins (/admin/glossary): the rules, the list, the revision stamp.

The shipped file's concepts are read-only (labelled 内置); admin concepts (GlossaryConcept rows) are
added, edited and deleted here. Validation is glossary.check_concept's (the same as the file's).
A name that already belongs to another concept:
- of another admin concept: refused (the same concept entered twice; edit that one instead);
- of a shipped concept: saved, with a warning. That is how an admin gives a built-in concept more
  names (石墨烯 + "graphene sheet"): a text naming either expands to the names of both.

Every change moves the table's revision stamp (`revision()`), which each process's glossary() checks.
"""
from dataclasses import dataclass

from ..extensions import db
from ..models import GlossaryConcept
from ..models.listings import FIELDS
from ..parsing import parse_text
from ..timeutil import utcnow
from ..workflow import PermissionDenied, ValidationFailed, get_or_404
from .glossary import NOTE_MAX, Concept, _fold, check_concept, shipped, to_tsv
from .searching import SearchPage

PER_PAGE = 30


@dataclass
class Entry:
    """One line of the admin list: a concept, and its row when an admin added it (None: 内置)."""
    concept: Concept
    row: GlossaryConcept = None

    @property
    def builtin(self):
        return self.row is None


def _require_admin(user):
    if not (user.is_authenticated and user.role == "admin"):
        raise PermissionDenied("只有管理员可以维护领域词表")


def revision():
    """(count, max id, max updated_at) of the admin concepts: moves with every add, edit and delete."""
    row = db.session.execute(db.select(db.func.count(GlossaryConcept.id), db.func.max(GlossaryConcept.id),
                                       db.func.max(GlossaryConcept.updated_at))).one()
    return tuple(row)


def _to_concept(row):
    return Concept(row.field, row.chinese_names, row.english_names, row.id)


def admin_concepts():
    """The admin concepts as glossary Concepts, oldest first."""
    return [_to_concept(row) for row in db.session.scalars(db.select(GlossaryConcept).order_by(GlossaryConcept.id))]


def get(concept_id):
    return get_or_404(GlossaryConcept, concept_id, "该词条不存在或已被删除")


def entries(q="", field=""):
    """Admin concepts (newest change first), then the shipped ones in file order, filtered by text and field."""
    rows = db.session.scalars(db.select(GlossaryConcept).order_by(GlossaryConcept.updated_at.desc(),
                                                                  GlossaryConcept.id.desc())).all()
    out = [Entry(_to_concept(row), row) for row in rows] + [Entry(c) for c in shipped().concepts]
    if field in FIELDS:
        out = [e for e in out if e.concept.field == field]
    needle = _fold(q).strip()
    if needle:
        out = [e for e in out if any(needle in _fold(name) for name in e.concept.names)
               or (e.row is not None and needle in _fold(e.row.note))]
    return out


def page(q="", field="", number=1, per_page=PER_PAGE):
    found = entries(q, field)
    number = min(max(int(number or 1), 1), max(1, -(-len(found) // per_page)))
    return SearchPage(found[(number - 1) * per_page:number * per_page], len(found), number, per_page)


def _lines(value):
    """Names from a form's textarea (one a line) or a list (the API shape)."""
    if isinstance(value, str):
        return value.splitlines()
    return list(value or ())


def _clean(data, concept_id=None):
    concept, errors = check_concept(data.get("field"), _lines(data.get("chinese")), _lines(data.get("english")),
                                    concept_id)
    note = parse_text(data.get("note"), "备注", "note", errors, NOTE_MAX, required=False)
    warnings = []
    if not errors:
        mine = {_fold(name): name for name in concept.names}
        for other in db.session.scalars(db.select(GlossaryConcept)):
            if other.id == concept_id:
                continue
            taken = [mine[_fold(n)] for n in other.chinese_names + other.english_names if _fold(n) in mine]
            if taken:
                key = "chinese" if taken[0] in concept.chinese else "english"
                errors[key] = (f"名称“{taken[0]}”已属于另一个管理员添加的概念（{_label(_to_concept(other))}），"
                               "请直接编辑该概念")
                break
        for other in shipped().concepts:
            taken = [mine[_fold(n)] for n in other.names if _fold(n) in mine]
            if taken:
                warnings.append(f"名称“{taken[0]}”也属于内置概念（{_label(other)}），两个概念的名称将互相扩展")
    if errors:
        raise ValidationFailed("提交的词条有误，请修改后重试", errors)
    return concept, note, warnings


def _label(concept):
    return " / ".join(concept.names[:3])


def save(user, data, row=None):
    """Add (row None) or change an admin concept; returns (row, warnings). ValidationFailed on bad input."""
    _require_admin(user)
    concept, note, warnings = _clean(data, row.id if row is not None else None)
    now = utcnow()
    if row is None:
        row = GlossaryConcept(created_by_id=user.id, created_at=now)
        db.session.add(row)
    row.field, row.chinese, row.english, row.note = (concept.field, "|".join(concept.chinese),
                                                     "|".join(concept.english), note)
    row.updated_by_id, row.updated_at = user.id, now
    db.session.flush()
    return row, warnings


def delete(user, row):
    _require_admin(user)
    db.session.delete(row)
    db.session.flush()


def export_lines():
    """The effective glossary (shipped file, then admin concepts) as glossary.tsv lines."""
    return to_tsv(list(shipped().concepts) + admin_concepts())

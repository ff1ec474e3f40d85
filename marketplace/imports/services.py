"""Bulk import of achievements and demands (CLI `import-listings` and /admin/import).

Two phases so that a failed import writes nothing:
1. validate every row with the same cleaners as the forms and the API (listings.services);
2. only if no row failed, insert all rows in the caller's transaction (the caller commits).

Decisions (see README "Bulk import"):
- Only admins import. The owner of every imported listing is the importing admin.
- 单位 / organization is looked up by exact name; an unknown name is created *verified*, because an
  admin import is the operator vouching for an official list. `org_name` (--org) overrides the column
  for every row; a row without either falls back to the importer's own organization.
- Listings land `pending` (an Event draft→pending, note 批量导入) unless `publish`, which also applies
  the review machine's `approve` as the importer (an Event pending→published), sets published_at; the
  index change is queued in the same transaction by the flush hook (matching/sync.py).
"""
from dataclasses import dataclass, field

from flask import current_app, has_app_context

from ..extensions import db
from ..listings.services import MACHINES, model_for
from ..listings.services import clean_achievement, clean_demand
from ..models import Organization, User
from ..timeutil import utcnow
from ..workflow import PermissionDenied, ValidationFailed
from .readers import COLUMNS, ImportFailed, Limits, read_sheet

KIND_ARGS = {"achievements": "achievement", "demands": "demand", "figures": "figures"}
CLEANERS = {"achievement": clean_achievement, "demand": clean_demand}
IMPORT_NOTE = "批量导入"
PUBLISH_NOTE = "批量导入并发布"
ORG_NAME_MAX = 200
MONEY_COLUMNS = ("price", "budget", "bounty")
NEGOTIABLE = ("面议", "面谈", "议价")  # an amount cell that says "negotiable" means no amount

__all__ = ["ImportFailed", "ImportReport", "RowError", "ListingImport", "import_file", "importer_for", "kind_from_arg"]


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"第 {self.row} 行（{self.column}）：{self.message}"

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    kind: str
    total: int = 0
    errors: list = field(default_factory=list)
    created_ids: list = field(default_factory=list)
    published: bool = False
    new_organizations: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors and bool(self.created_ids)

    def as_dict(self):
        return {"kind": self.kind, "total": self.total, "created": len(self.created_ids),
                "published": self.published, "new_organizations": self.new_organizations,
                "errors": [e.as_dict() for e in self.errors]}


def kind_from_arg(value):
    """'achievements' / 'demands' (also the singular) -> the listing kind."""
    value = (value or "").strip().lower()
    if value in KIND_ARGS.values():
        return value
    if value not in KIND_ARGS:
        raise ImportFailed("类型必须是 achievements（科技成果）、demands（技术需求）或 figures（企业经营数据）")
    return KIND_ARGS[value]


def import_limits():
    """Row, column, cell and size limits of an import file (IMPORT_MAX_* config, see readers.Limits)."""
    return Limits.from_config(current_app.config) if has_app_context() else Limits()


def guess_org_kind(name, listing_kind):
    """A new organization's kind from its name; demands come from enterprises."""
    if any(word in name for word in ("大学", "学院", "学校")):
        return "university"
    if any(word in name for word in ("研究院", "研究所", "科学院", "实验室", "研究中心")):
        return "institute"
    return "institute" if listing_kind == "achievement" else "enterprise"


def importer_for(kind, admin, filename, data, publish=False, org_name=None):
    """The importer of a kind: listings here, enterprises' figures in enterprises/importer.py."""
    if kind_from_arg(kind) == "figures":
        from ..enterprises.importer import FiguresImport

        return FiguresImport(admin, filename, data)
    return ListingImport(kind, admin, filename, data, publish=publish, org_name=org_name)


class ListingImport:
    """One import run: `validate()` then, if no errors, `insert()`; each can report progress per row."""

    def __init__(self, kind, admin, filename, data, publish=False, org_name=None):
        if admin is None or not admin.is_authenticated or admin.role != "admin":
            raise PermissionDenied("只有管理员可以批量导入")
        self.kind = kind_from_arg(kind)
        self.admin_id = admin.id
        self.filename = filename
        self.publish = publish
        self.org_name = (org_name or "").strip() or None
        if self.org_name and len(self.org_name) > ORG_NAME_MAX:
            raise ImportFailed(f"单位名称不能超过 {ORG_NAME_MAX} 个字符")
        self.rows = read_sheet(self.kind, filename, data, limits=import_limits())
        self.report = ImportReport(kind=self.kind, total=len(self.rows), published=publish)
        self._cleaned = []  # (row, values, organization name or None)
        self._orgs = {}  # name -> Organization or None (to be created)

    @property
    def admin(self):
        """Loaded from the current session: a streamed response runs in a fresh session."""
        return db.session.get(User, self.admin_id)

    # ------------------------------------------------------------ phase 1

    def iter_validate(self):
        """Validate row by row, yielding how many rows are done; writes nothing."""
        for done, row in enumerate(self.rows, start=1):
            self._validate_row(row)
            yield done

    def _validate_row(self, row):
        data = {key: "" if key in MONEY_COLUMNS and value in NEGOTIABLE else value
                for key, value in row.values.items()}
        try:
            values = CLEANERS[self.kind](data)
        except ValidationFailed as err:
            for key, message in err.errors.items():
                self.report.errors.append(RowError(row.number, self._column(key), message))
            return
        org_name = self.org_name or row.values.get("organization") or None
        problem = self._check_organization(org_name)
        if problem:
            self.report.errors.append(RowError(row.number, self._column("organization"), problem))
            return
        self._cleaned.append((row, values, org_name))

    def _check_organization(self, name):
        if name is None:
            org = self.admin.organization
            if self.publish and (org is None or not org.verified):
                return "直接发布需要已认证的单位：请填写“单位”列或指定 --org"
            return None
        if len(name) > ORG_NAME_MAX:
            return f"单位名称不能超过 {ORG_NAME_MAX} 个字符"
        if name not in self._orgs:
            self._orgs[name] = db.session.scalar(db.select(Organization).where(Organization.name == name))
        org = self._orgs[name]
        if self.publish and org is not None and not org.verified:
            return f"单位“{name}”尚未认证，不能直接发布（请先在后台认证，或不加 --publish 导入为待审核）"
        return None

    def _column(self, key):
        chinese = COLUMNS[self.kind].get(key)
        return f"{chinese} / {key}" if chinese else key

    def validate(self, progress=None):
        for done in self.iter_validate():
            if progress:
                progress(done, len(self.rows))
        return not self.report.errors

    # ------------------------------------------------------------ phase 2

    def iter_insert(self):
        """Insert every validated row in the current transaction, yielding rows done; the caller commits."""
        if self.report.errors:
            raise ImportFailed("存在错误的行，未导入任何数据")
        model = model_for(self.kind)
        listings = []
        for row, values, org_name in self._cleaned:
            org = self._organization(org_name)
            listing = model(owner_id=self.admin.id, organization_id=org.id if org else None, status="draft",
                            **values)
            db.session.add(listing)
            listings.append(listing)
        db.session.flush()
        machine = MACHINES[self.kind]
        for done, listing in enumerate(listings, start=1):
            machine.apply(listing, "submit", self.admin, f"{IMPORT_NOTE}（{self.filename}）"[:200])
            if self.publish:
                machine.apply(listing, "approve", self.admin, PUBLISH_NOTE)
                listing.published_at = utcnow()
            self.report.created_ids.append(listing.id)
            yield done

    def _organization(self, name):
        if name is None:
            return self.admin.organization
        org = self._orgs.get(name)
        if org is None:
            org = Organization(name=name, kind=guess_org_kind(name, self.kind), verified=True,
                               verified_at=utcnow())
            db.session.add(org)
            db.session.flush()
            self._orgs[name] = org
            self.report.new_organizations.append(name)
        return org

    def insert(self, progress=None):
        for done in self.iter_insert():
            if progress:
                progress(done, len(self._cleaned))
        return self.report


def import_file(kind, admin, filename, data, publish=False, org_name=None):
    """Validate then insert in one go (no progress); returns the ImportReport. The caller commits
    when `report.ok`; on errors nothing was written."""
    job = importer_for(kind, admin, filename, data, publish=publish, org_name=org_name)
    if job.validate():
        job.insert()
    return job.report

"""The `figures` import kind: enterprises' yearly figures from the district's data (工商/税务/镇街走访), by the
same machinery as listings (imports/: CSV or XLSX, Chinese or English headers, row-numbered errors, all or
nothing, a background ImportJob run by tasks.run_import).

A row names the enterprise (统一社会信用代码 first, else the exact name: an unknown one is created as a verified
enterprise, as a listing import does), the year and any figures; an empty cell leaves a value as it is. Every
value changed is logged with source "import" and the evaluation and pools are refreshed per enterprise."""
from types import SimpleNamespace

from ..extensions import db
from ..imports.readers import COLUMNS, read_sheet
from ..imports.services import ImportReport, RowError, import_limits
from ..models import Organization, User
from ..models.enterprises import EnterpriseFigures
from ..timeutil import utcnow
from ..units import unit_by_name
from ..validators import is_valid_credit_code
from ..workflow import PermissionDenied, ValidationFailed
from . import figures, services

KIND = "figures"
NAME_MAX = 200


class FiguresImport:
    """Same interface as imports.services.ListingImport: `rows`, `report`, `iter_validate()`, `iter_insert()`."""

    def __init__(self, admin, filename, data):
        if admin is None or not admin.is_authenticated or admin.role != "admin":
            raise PermissionDenied("只有管理员可以批量导入")
        self.admin_id, self.filename = admin.id, filename
        self.rows = read_sheet(KIND, filename, data, limits=import_limits())
        self.report = ImportReport(kind=KIND, total=len(self.rows))
        self._cleaned = []  # (org or name, year, unit, data)
        self._seen = {}

    def _column(self, key):
        return f"{COLUMNS[KIND][key]} / {key}" if key in COLUMNS[KIND] else key

    def _error(self, row, key, message):
        self.report.errors.append(RowError(row.number, self._column(key), message))

    def iter_validate(self):
        for done, row in enumerate(self.rows, start=1):
            self._validate_row(row)
            yield done

    def _validate_row(self, row):
        values = row.values
        org, name = self._organization(row)
        if org is None and name is None:
            return
        year_text = values.get("year", "")
        if not year_text.isdigit():
            return self._error(row, "year", "年度必须是四位数字，例如 2025")
        try:
            year = figures.check_year(int(year_text))
        except ValidationFailed as err:
            return self._error(row, "year", err.message)
        key = (org.id if org else name, year)
        if key in self._seen:
            return self._error(row, "year", f"与第 {self._seen[key]} 行重复（同一企业同一年度）")
        self._seen[key] = row.number
        unit = None
        if values.get("unit"):
            unit = unit_by_name(values["unit"])
            if unit is None:
                return self._error(row, "unit", f"镇街/园区“{values['unit']}”不在本区名单中")
        data = {k: v for k, v in values.items() if k in figures.ACCEPTED and v != ""}
        try:
            cleaned, profile = figures.clean(data, strict=False)
            figures.check_consistency(self._merged(org, year, cleaned))
        except ValidationFailed as err:
            for field, message in err.errors.items():
                self._error(row, field, message)
            return
        self._cleaned.append((org or name, year, unit, data))

    def _organization(self, row):
        code = (row.values.get("credit_code") or "").strip().upper()
        name = (row.values.get("organization") or "").strip()
        if code:
            if not is_valid_credit_code(code):
                self._error(row, "credit_code", "统一社会信用代码无效")
                return None, None
            org = db.session.scalar(db.select(Organization).where(Organization.credit_code == code))
            if org is not None:
                return self._enterprise(row, org)
        if not name:
            self._error(row, "organization", "请填写企业名称或统一社会信用代码")
            return None, None
        if len(name) > NAME_MAX:
            self._error(row, "organization", f"企业名称不能超过 {NAME_MAX} 个字符")
            return None, None
        org = db.session.scalar(db.select(Organization).where(Organization.name == name))
        if org is None:
            return None, (name, code or None)
        return self._enterprise(row, org)

    def _enterprise(self, row, org):
        if org.kind != "enterprise":
            self._error(row, "organization", f"“{org.name}”不是企业（{org.kind_label}），不能导入经营数据")
            return None, None
        return org, None

    @staticmethod
    def _merged(org, year, cleaned):
        """The year's figures as they will be stored: the existing row with this file's values over it."""
        current = None
        if org is not None:
            current = db.session.scalar(db.select(EnterpriseFigures).where(
                EnterpriseFigures.organization_id == org.id, EnterpriseFigures.year == year))
        merged = {name: getattr(current, name) if current else None for name in figures.ORDER}
        merged.update(cleaned)
        return SimpleNamespace(**merged)

    def validate(self, progress=None):
        for done in self.iter_validate():
            if progress:
                progress(done, len(self.rows))
        return not self.report.errors

    def iter_insert(self):
        if self.report.errors:
            raise ValidationFailed("存在错误的行，未导入任何数据")
        admin = db.session.get(User, self.admin_id)
        created = {}
        for done, (who, year, unit, data) in enumerate(self._cleaned, start=1):
            org = who if isinstance(who, Organization) else created.get(who[0])
            if org is None:
                org = Organization(name=who[0], credit_code=who[1], kind="enterprise", verified=True,
                                   verified_at=utcnow())
                db.session.add(org)
                db.session.flush()
                created[who[0]] = org
                self.report.new_organizations.append(who[0])
            if unit is not None and org.unit_id != unit.id:
                figures.log_change(org, None, "unit_id", org.unit_id, unit.id, admin, "import")
                org.unit_id = unit.id
            services.save(org, year, data, admin, "import", strict=False)
            self.report.created_ids.append(org.id)
            yield done

    def insert(self, progress=None):
        for done in self.iter_insert():
            if progress:
                progress(done, len(self._cleaned))
        return self.report

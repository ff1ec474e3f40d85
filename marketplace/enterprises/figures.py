"""An enterprise's profile and yearly figures: one cleaner for the page, the API and the import; every change
logged (FiguresChange: who, when, old, new); the evaluation refreshed in the same transaction (services.refresh)."""
from ..extensions import db
from ..models import Organization
from ..models.enterprises import EnterpriseFigures, EnterpriseProfile, FiguresChange
from ..models.listings import FIELDS
from ..parsing import parse_amount, parse_count, parse_date, parse_text
from ..timeutil import local_today
from ..workflow import ValidationFailed

COUNTS = {"employees": "职工总数", "tech_staff": "科技人员数", "ip_class1": "Ⅰ类知识产权", "ip_class2": "Ⅱ类知识产权",
          "standards_led": "主导制定标准数"}
AMOUNTS = {"revenue": "销售收入", "rd_expense": "研发费用", "total_cost": "成本费用总额",
           "high_tech_revenue": "高新技术产品收入", "total_assets": "资产总额", "net_assets": "净资产"}
FIGURE_LABELS = {**COUNTS, **AMOUNTS}
PROFILE_LABELS = {"registered_on": "注册日期", "field": "行业领域", "hte_cert_no": "高企证书编号",
                  "hte_cert_on": "高企发证日期"}
ORDER = ("employees", "tech_staff", "revenue", "rd_expense", "total_cost", "high_tech_revenue", "total_assets",
         "net_assets", "ip_class1", "ip_class2", "standards_led")
ACCEPTED = set(ORDER) | set(PROFILE_LABELS)
EARLIEST_YEAR = 2000


def check_year(year):
    if not isinstance(year, int) or not EARLIEST_YEAR <= year <= local_today().year:
        raise ValidationFailed(f"年度必须在 {EARLIEST_YEAR} 至 {local_today().year} 之间", {"year": "年度无效"})
    return year


def clean(data, strict=True):
    """(figures, profile) dicts of the keys present in `data`, parsed; ValidationFailed with every field's
    message. `strict`: an unknown key is refused (the API); the page and the import pass only known keys."""
    errors = {}
    unknown = sorted(k for k in data if k not in ACCEPTED)
    if strict and unknown:
        raise ValidationFailed("未知字段：" + "、".join(unknown), {k: "未知字段" for k in unknown})
    figures, profile = {}, {}
    for key, label in COUNTS.items():
        if key in data:
            figures[key] = parse_count(data[key], label, key, errors)
    for key, label in AMOUNTS.items():
        if key in data:
            figures[key] = parse_amount(data[key], label, key, errors, required=False, allow_zero=True)
    for key in ("registered_on", "hte_cert_on"):
        if key in data:
            profile[key] = parse_date(data[key], PROFILE_LABELS[key], key, errors, required=False)
    if "hte_cert_no" in data:
        profile["hte_cert_no"] = parse_text(data["hte_cert_no"], "高企证书编号", "hte_cert_no", errors, 40,
                                            required=False)
    if "field" in data:
        value = data["field"] if isinstance(data["field"], str) else None
        if value and value.strip() not in FIELDS:
            errors["field"] = f"行业领域无效，可选：{'、'.join(FIELDS)}"
        profile["field"] = (value or "").strip() or None
    if errors:
        raise ValidationFailed("；".join(errors.values()), errors)
    return figures, profile


def check_consistency(row):
    """staff ≤ employees, R&D ≤ cost, high-tech revenue ≤ revenue: on the year as it will be stored."""
    errors = {}
    if row.tech_staff is not None and row.employees is not None and row.tech_staff > row.employees:
        errors["tech_staff"] = f"科技人员数（{row.tech_staff}）不能超过职工总数（{row.employees}）"
    if row.rd_expense is not None and row.total_cost is not None and row.rd_expense > row.total_cost:
        errors["rd_expense"] = f"研发费用（{row.rd_expense}）不能超过成本费用总额（{row.total_cost}）"
    if row.high_tech_revenue is not None and row.revenue is not None and row.high_tech_revenue > row.revenue:
        errors["high_tech_revenue"] = f"高新技术产品收入（{row.high_tech_revenue}）不能超过销售收入（{row.revenue}）"
    if errors:
        raise ValidationFailed("；".join(errors.values()), errors)


def profile_of(org, create=False):
    profile = db.session.get(EnterpriseProfile, org.id)
    if profile is None and create:
        profile = EnterpriseProfile(organization_id=org.id)
        db.session.add(profile)
    return profile


def years_of(org_id):
    return db.session.scalars(db.select(EnterpriseFigures).where(EnterpriseFigures.organization_id == org_id)
                              .order_by(EnterpriseFigures.year)).all()


def log_change(org, year, name, old, new, actor, source):
    if old == new:
        return False
    db.session.add(FiguresChange(organization_id=org.id, year=year, name=name, source=source,
                                 old_value=None if old is None else str(old)[:40],
                                 new_value=None if new is None else str(new)[:40],
                                 actor_id=getattr(actor, "id", None)))
    return True


def apply(org, year, figures, profile, actor, source):
    """Write the cleaned values (a year's figures and/or the profile), logging each change; returns the
    number of values changed. The caller refreshes the evaluation and commits."""
    if org.kind != "enterprise":
        raise ValidationFailed("只有企业可以填报经营数据")
    changed = 0
    if profile:
        row = profile_of(org, create=True)
        for name, value in profile.items():
            changed += log_change(org, None, name, getattr(row, name), value, actor, source)
            setattr(row, name, value)
    if figures:
        row = db.session.scalar(db.select(EnterpriseFigures).where(EnterpriseFigures.organization_id == org.id,
                                                                   EnterpriseFigures.year == check_year(year)))
        if row is None:
            row = EnterpriseFigures(organization_id=org.id, year=year)
            db.session.add(row)
        for name, value in figures.items():
            changed += log_change(org, year, name, getattr(row, name), value, actor, source)
            setattr(row, name, value)
        check_consistency(row)
    db.session.flush()
    return changed


def changes_of(org_id, limit=50):
    return db.session.scalars(db.select(FiguresChange).where(FiguresChange.organization_id == org_id)
                              .order_by(FiguresChange.id.desc()).limit(limit)).all()


def enterprise_or_404(org_id):
    from ..workflow import get_or_404

    return get_or_404(Organization, org_id, "企业不存在", visible=lambda org: org.kind == "enterprise")

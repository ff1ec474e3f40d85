"""The `figures` import kind: the listings' import machinery (CSV/XLSX, Chinese or English headers, row-numbered
errors, all or nothing, a background job) for enterprises' yearly figures; a few hundred enterprises land in the
right pools with the right scores and gaps."""
import io

from openpyxl import Workbook

from marketplace.enterprises import services
from marketplace.extensions import db
from marketplace.imports.services import import_file
from marketplace.models import ImportJob, Organization
from marketplace.models.enterprises import EnterpriseFigures, FiguresChange, PoolMember

from marketplace.units import ensure_units

from .deals_support import person
from .factories import credit_code

HEADER = "企业名称,统一社会信用代码,年度,镇街/园区,行业领域,注册日期,职工总数,科技人员数,销售收入(万元),研发费用(万元)," \
         "成本费用总额(万元),高新技术产品收入(万元),资产总额(万元),Ⅰ类知识产权,Ⅱ类知识产权\n"
# (科技人员, 研发费用, Ⅰ类, Ⅱ类) -> expected (score, pools) with 100 staff, sales 3000, cost 2500, high-tech 2000,
# assets 5000 (hand-worked in tests/test_enterprise_rules.py: 甲, 丙, 乙)
PATTERNS = [((30, "180", 1, 0), 100, ["准高企"]), ((22, "96", 0, 3), 50, ["准科技型"]), ((12, "96", 0, 3), 42, [])]


def _csv(count):
    lines = [HEADER]
    for n in range(count):
        (staff, rd, class1, class2), _score, _pools = PATTERNS[n % 3]
        lines.append(f"导入企业{n:03d},{credit_code(900000 + n)},2025,{'百丈镇' if n % 2 else '径山镇'},新材料,2018-03-01,"
                     f"100,{staff},3000,{rd},2500,2000,5000,{class1},{class2}\n")
    return "".join(lines).encode("utf-8-sig")


def test_three_hundred_enterprises_land_in_the_right_pools(make):
    ensure_units()
    admin = person(make, "admin", "管理员")
    report = import_file("figures", admin, "figures.csv", _csv(300))
    assert report.ok and report.errors == [] and len(report.new_organizations) == 300
    db.session.commit()
    for n in (0, 1, 2, 297, 298, 299):
        org = db.session.scalar(db.select(Organization).where(Organization.name == f"导入企业{n:03d}"))
        _figures, score, pools = PATTERNS[n % 3]
        result = services.evaluate(org)
        assert (result.score, result.pools, services.pools_of(org)) == (score, pools, pools)
    counts = dict(db.session.execute(db.select(PoolMember.pool, db.func.count()).group_by(PoolMember.pool)).all())
    assert counts == {"near-hte": 100, "near-sme": 100}
    assert db.session.scalar(db.select(db.func.count(FiguresChange.id)).where(FiguresChange.source == "import")) > 300


def test_english_headers_xlsx_and_empty_cells_keep_values(make):
    admin = person(make, "admin", "管理员")
    org = make.organization(name="已有企业", kind="enterprise")
    services.save(org, 2025, {"employees": 100, "tech_staff": 30, "revenue": "3000"}, admin, "page")
    db.session.commit()
    workbook = Workbook()
    workbook.active.append(["organization", "year", "rd_expense", "employees"])
    workbook.active.append(["已有企业", 2025, 180, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_file("figures", admin, "f.xlsx", buffer.getvalue())
    assert report.ok, report.as_dict()
    db.session.commit()
    row = db.session.scalar(db.select(EnterpriseFigures).where(EnterpriseFigures.organization_id == org.id))
    assert (row.employees, row.tech_staff, str(row.rd_expense)) == (100, 30, "180.00")


def test_bad_rows_are_reported_by_row_and_nothing_is_written(make):
    ensure_units()
    admin = person(make, "admin", "管理员")
    make.organization(name="某大学", kind="university")
    data = (HEADER + "好企业,,2025,百丈镇,新材料,2018-03-01,100,30,3000,180,2500,2000,5000,1,0\n"
            "坏企业一,,2025,火星镇,,,100,30,3000,180,2500,2000,5000,1,0\n"
            "坏企业二,,2025,,,,10,30,3000,180,2500,2000,5000,1,0\n"
            "坏企业三,,二〇二五,,,,,,,,,,,,\n"
            "某大学,,2025,,,,10,1,,,,,,,\n"
            "好企业,,2025,,,,,,,,,,,,\n").encode("utf-8-sig")
    report = import_file("figures", admin, "bad.csv", data)
    found = {(e.row, e.column.split(" / ")[1]) for e in report.errors}
    assert found == {(3, "unit"), (4, "tech_staff"), (5, "year"), (6, "organization"), (7, "year")}
    assert db.session.scalar(db.select(db.func.count(EnterpriseFigures.id))) == 0
    assert db.session.scalar(db.select(Organization).where(Organization.name == "好企业")) is None


def test_the_admin_upload_runs_a_figures_job(make, client, login):
    ensure_units()
    db.session.commit()
    login(person(make, "admin", "管理员"))
    form = {"kind": "figures", "file": (io.BytesIO(_csv(6)), "f.csv"), "org": ""}
    response = client.post("/admin/import", data=form, content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.expire_all()
    job = db.session.scalar(db.select(ImportJob).order_by(ImportJob.id.desc()))
    assert (job.kind, job.status, job.report["created"]) == ("figures", "succeeded", 6)
    assert "企业经营数据" in client.get(f"/admin/import/jobs/{job.id}").get_data(as_text=True)

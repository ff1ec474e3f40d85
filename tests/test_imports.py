"""Bulk import through the service and the CLI: formats, headers, row errors, atomicity, publish."""
import io
import os
from datetime import date, timedelta

import pytest
from openpyxl import Workbook

from marketplace.imports.services import ImportFailed, import_file
from marketplace.matching import index
from marketplace.matching.services import search
from marketplace.models import Achievement, Demand, Event, ImportJob, IndexOutbox, Organization, User

SHARED_DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
FUTURE = (date.today() + timedelta(days=60)).isoformat()
# A real 12-digit application number with its check digit, and the same with a wrong one.
GOOD_PATENT = "201710601862.3"
BAD_PATENT = "201710601862.4"


def csv_bytes(lines, bom=False):
    text = "\n".join(lines) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def count(db, model):
    return db.session.query(model).count()


@pytest.fixture
def admin(make):
    return make.user("admin")


def test_csv_with_bom_and_chinese_headers_lands_pending(db, admin):
    data = csv_bytes(["成果名称,成果简介,技术领域,成果类型,专利号,成熟度,交易方式,参考价格(万元),关键词,单位",
                      f"高效钙钛矿电池,一种钙钛矿电池的制备方法,新能源,发明专利,{GOOD_PATENT},中试,转让、许可,120.5,"
                      "钙钛矿、光伏;电池,华东理工大学"], bom=True)
    report = import_file("achievements", admin, "a.csv", data)
    db.session.commit()
    assert report.ok and report.errors == []
    item = db.session.get(Achievement, report.created_ids[0])
    # 中试 (an older maturity name the import contract accepts) is stored on the one scale, as TRL6
    assert (item.title, item.status, item.field, item.maturity) == ("高效钙钛矿电池", "pending", "新能源", "TRL6")
    assert item.patent_no == GOOD_PATENT and item.mode_list == ["转让", "许可"]
    assert str(item.price) == "120.50" and item.keyword_list == ["钙钛矿", "光伏", "电池"]
    assert item.owner_id == admin.id and item.published_at is None
    org = item.organization
    assert org.name == "华东理工大学" and org.verified and org.kind == "university"
    events = db.session.query(Event).filter_by(subject_type="achievement", subject_id=item.id).all()
    assert [(e.from_state, e.to_state, e.actor_id) for e in events] == [("draft", "pending", admin.id)]
    assert count(db, IndexOutbox) == 0


def test_csv_without_bom_and_english_headers(db, admin):
    data = csv_bytes(["title,description,field,indicators,budget,is_challenge,bounty,deadline,keywords,extra",
                      f"寻求锂电池回收技术,<p>回收正极材料</p>,新能源,回收率≥95%,80,是,200,{FUTURE},锂电池 回收,ignored",
                      "寻求水处理膜,需要耐污染的膜材料,节能环保,,面议,否,,,膜"])
    report = import_file("demands", admin, "d.csv", data)
    db.session.commit()
    assert report.ok and len(report.created_ids) == 2
    first, second = (db.session.get(Demand, i) for i in report.created_ids)
    assert first.is_challenge and str(first.bounty) == "200.00" and first.deadline is not None
    assert str(first.budget) == "80.00" and first.keyword_list == ["锂电池", "回收"]
    assert second.is_challenge is False and second.budget is None and second.organization_id == admin.organization_id


def test_xlsx_with_typed_cells(db, admin):
    book = Workbook()
    sheet = book.active
    sheet.append(["需求名称", "需求描述", "预算（万元）", "是否揭榜挂帅", "悬赏金额(万元)", "截止日期", "关键词"])
    sheet.append(["寻求高精度减速器", "谐波减速器精度提升", 150, "是", 300.0, date.today() + timedelta(days=30),
                  "减速器、机器人"])
    sheet.append([None, None, None, None, None, None, None])  # a blank row is skipped
    sheet.append(["寻求视觉检测算法", "表面缺陷检测", 12.5, None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_file("demands", admin, "list.XLSX", buffer.getvalue())
    db.session.commit()
    assert report.ok and len(report.created_ids) == 2
    challenge, plain = (db.session.get(Demand, i) for i in report.created_ids)
    assert challenge.is_challenge and str(challenge.bounty) == "300.00" and str(challenge.budget) == "150.00"
    assert plain.title == "寻求视觉检测算法" and str(plain.budget) == "12.50"


def test_xlsx_bad_row_number_counts_blank_rows(db, admin):
    book = Workbook()
    sheet = book.active
    sheet.append(["title", "summary"])
    sheet.append(["好成果", "简介"])
    sheet.append([None, None])
    sheet.append([None, "没有名称"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_file("achievements", admin, "a.xlsx", buffer.getvalue())
    assert [(e.row, e.column) for e in report.errors] == [(4, "成果名称 / title")]


def test_bad_rows_are_reported_with_row_numbers_and_reasons(db, admin):
    data = csv_bytes(["title,summary,field,type,patent_no",
                      "好的成果,简介,新材料,发明专利," + GOOD_PATENT,
                      ",缺少名称的行,新材料,,",
                      "领域错误,简介,量子玄学,,",
                      "专利号错误,简介,新材料,发明专利," + BAD_PATENT])
    report = import_file("achievements", admin, "a.csv", data)
    found = {(e.row, e.column): e.message for e in report.errors}
    assert found[(3, "成果名称 / title")] == "请填写成果名称"
    assert "技术领域无效" in found[(4, "技术领域 / field")]
    assert "校验位" in found[(5, "专利号 / patent_no")]
    assert len(found) == 3 and not report.ok and report.created_ids == []
    assert "第 3 行（成果名称 / title）：请填写成果名称" in [str(e) for e in report.errors]


def test_bad_demand_rows_date_and_bounty(db, admin):
    past = (date.today() - timedelta(days=3)).isoformat()
    data = csv_bytes(["需求名称,需求描述,是否揭榜挂帅,悬赏金额(万元),截止日期,预算(万元)",
                      "日期格式错误,描述,是,100,2025/13/01,",
                      f"缺少悬赏,描述,是,,{FUTURE},",
                      f"截止日期已过,描述,是,100,{past},",
                      "预算不是数字,描述,否,,,很多"])
    report = import_file("demands", admin, "d.csv", data)
    found = {(e.row, e.column.split(" / ")[1]): e.message for e in report.errors}
    assert found == {(2, "deadline"): "截止日期格式应为 YYYY-MM-DD", (3, "bounty"): "揭榜挂帅需填写悬赏金额",
                     (4, "deadline"): "截止日期必须晚于今天", (5, "budget"): "预算必须是数字（万元），例如 \"12.50\""}


def test_one_bad_row_writes_nothing(db, admin):
    before = (count(db, Achievement), count(db, Event), count(db, Organization), count(db, IndexOutbox))
    lines = ["成果名称,成果简介,单位"] + [f"成果{i},简介{i},新单位{i}" for i in range(50)] + ["坏行,"]
    report = import_file("achievements", admin, "a.csv", csv_bytes(lines), publish=True)
    db.session.commit()  # a caller that commits anyway still writes nothing
    assert [(e.row, e.column) for e in report.errors] == [(52, "成果简介 / summary")]
    after = (count(db, Achievement), count(db, Event), count(db, Organization), count(db, IndexOutbox))
    assert after == before


def test_publish_makes_published_listings_with_approval_events(db, admin):
    data = csv_bytes(["title,summary,organization", "石墨烯导热膜,简介甲,新材料研究所", "锂电池回收工艺,简介乙,新材料研究所"])
    report = import_file("achievements", admin, "a.csv", data, publish=True)
    db.session.commit()
    items = [db.session.get(Achievement, i) for i in report.created_ids]
    assert [i.status for i in items] == ["published", "published"]
    assert all(i.published_at is not None for i in items)
    assert items[0].organization_id == items[1].organization_id
    assert items[0].organization.kind == "institute" and report.new_organizations == ["新材料研究所"]
    approvals = db.session.query(Event).filter_by(action="approve", to_state="published").all()
    assert sorted(e.subject_id for e in approvals) == sorted(report.created_ids)
    assert {e.actor_id for e in approvals} == {admin.id}
    # The index changes were queued with the listings and applied after the commit: they are searchable.
    assert count(db, IndexOutbox) == 0
    with index.get_index().searcher() as searcher:
        indexed = {fields["key"] for fields in searcher.all_stored_fields()}
    assert indexed == {f"achievement:{i}" for i in report.created_ids}
    assert [hit.id for hit in search("石墨烯").items] == [report.created_ids[0]]


def test_org_option_applies_to_every_row_and_unverified_org_cannot_publish(db, admin, make):
    make.organization(name="未认证公司", verified=False)
    data = csv_bytes(["title,description,organization", "需求甲,描述,别的公司", "需求乙,描述,"])
    report = import_file("demands", admin, "d.csv", data, org_name="统一企业")
    db.session.commit()
    assert {db.session.get(Demand, i).organization.name for i in report.created_ids} == {"统一企业"}
    refused = import_file("demands", admin, "d.csv", data, publish=True, org_name="未认证公司")
    assert [e.row for e in refused.errors] == [2, 3] and "尚未认证" in refused.errors[0].message
    pending = import_file("demands", admin, "d.csv", data, org_name="未认证公司")
    assert pending.ok


@pytest.mark.parametrize("lines, message", [
    (["名称,简介"], "缺少必需的列：成果名称 / title；成果简介 / summary"),
    (["title,成果名称,summary"], "重复"),
    (["title,summary"], "没有数据行"),
    ([], "文件为空"),
])
def test_file_level_problems_are_clear_errors(db, admin, lines, message):
    with pytest.raises(ImportFailed) as caught:
        import_file("achievements", admin, "a.csv", csv_bytes(lines) if lines else b"")
    assert message in caught.value.message


def test_non_utf8_and_unknown_extension_are_refused(db, admin):
    with pytest.raises(ImportFailed, match="UTF-8"):
        import_file("achievements", admin, "a.csv", "title,summary\n成果,简介\n".encode("gbk"))
    with pytest.raises(ImportFailed, match=".xlsx"):
        import_file("achievements", admin, "a.xls", b"whatever")
    with pytest.raises(ImportFailed, match="无法读取"):
        import_file("achievements", admin, "a.xlsx", b"not a zip file")


def test_only_admins_import(db, make):
    from marketplace.workflow import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_file("achievements", make.user("broker"), "a.csv", csv_bytes(["title,summary", "甲,乙"]))


def test_hostile_cells_are_sanitized(db, admin):
    script = "<script>alert(1)</script>"
    data = csv_bytes(["title,description,indicators,keywords",
                      f'"{script}标题","<img src=x onerror=alert(1)><p>正文</p>{script}",{script},"{script}"'])
    report = import_file("demands", admin, "d.csv", data)
    db.session.commit()
    item = db.session.get(Demand, report.created_ids[0])
    assert "<script" not in item.description and "onerror" not in item.description
    assert "<p>正文</p>" in item.description
    assert item.title == script + "标题"  # plain text, escaped by every template that shows it


def test_shared_data_imports_655_rows_each(db, admin):
    for kind, name in (("achievements", "achievements.csv"), ("demands", "demands.csv")):
        with open(os.path.join(SHARED_DATA, name), "rb") as handle:
            report = import_file(kind, admin, name, handle.read())
        db.session.commit()
        assert report.errors == [] and len(report.created_ids) == 655
    # (published imports of these files are exercised end to end by `python -m bench.evaluate`)
    assert db.session.query(Achievement).filter_by(status="pending").count() == 655
    assert db.session.query(Demand).filter_by(status="pending").count() == 655
    assert db.session.query(Event).filter_by(to_state="pending").count() == 1310


# ---------------------------------------------------------------- CLI

def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_cli_imports_and_exits_zero(app, db, tmp_path):
    path = write(tmp_path, "a.csv", csv_bytes(["成果名称,成果简介", "成果一,简介一", "成果二,简介二"], bom=True))
    result = app.test_cli_runner().invoke(args=["import-listings", "achievements", path, "--publish"])
    assert result.exit_code == 0, result.output
    assert "已导入 2 条（已发布）" in result.output
    db.session.expire_all()
    admin = db.session.query(User).filter_by(role="admin").one()  # created: the database had no admin
    assert admin.organization.verified
    assert {a.status for a in db.session.query(Achievement)} == {"published"}
    assert {a.owner_id for a in db.session.query(Achievement)} == {admin.id}


def test_cli_uses_the_first_existing_admin_and_org_option(app, db, make, tmp_path):
    first = make.user("admin")
    make.user("admin")
    path = write(tmp_path, "d.csv", csv_bytes(["title,description", "需求,描述"]))
    result = app.test_cli_runner().invoke(args=["import-listings", "demands", path, "--org", "某某科技有限公司"])
    assert result.exit_code == 0, result.output
    item = db.session.query(Demand).one()
    assert item.owner_id == first.id and item.status == "pending"
    assert item.organization.name == "某某科技有限公司" and item.organization.kind == "enterprise"


def test_cli_bad_rows_exit_nonzero_with_row_numbers(app, db, tmp_path):
    path = write(tmp_path, "a.csv", csv_bytes(["title,summary,field", "好,简介,新材料", ",简介,新材料",
                                               "坏领域,简介,不存在"]))
    result = app.test_cli_runner().invoke(args=["import-listings", "achievements", path])
    assert result.exit_code == 1
    assert "第 3 行（成果名称 / title）：请填写成果名称" in result.output
    assert "第 4 行（技术领域 / field）" in result.output and "未导入任何数据" in result.output
    assert db.session.query(Achievement).count() == 0
    job = db.session.query(ImportJob).one()  # recorded like a web upload, with its report
    assert job.status == "failed" and [e["row"] for e in job.report["errors"]] == [3, 4]


def test_cli_refuses_the_same_file_twice_unless_allowed(app, db, tmp_path):
    path = write(tmp_path, "a.csv", csv_bytes(["title,summary", "成果一,简介一"]))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["import-listings", "achievements", path])
    assert first.exit_code == 0 and "导入任务 #1" in first.output
    again = runner.invoke(args=["import-listings", "achievements", path])
    assert again.exit_code == 1 and "这个文件已经导入过：任务 #1" in again.output and "--allow-duplicate" in again.output
    assert db.session.query(Achievement).count() == 1
    allowed = runner.invoke(args=["import-listings", "achievements", path, "--allow-duplicate"])
    assert allowed.exit_code == 0, allowed.output
    assert db.session.query(Achievement).count() == 2


@pytest.mark.parametrize("args, message", [
    (["import-listings", "achievements", "/nonexistent/file.csv"], "文件不存在"),
    (["import-listings", "listings", "x.csv"], "Invalid value"),
    (["import-listings", "achievements", "{dir}/plain.txt"], "只支持"),
    (["import-listings", "achievements", "{dir}/a.csv", "--admin", "nobody@example.com"], "不是管理员"),
])
def test_cli_bad_input_exits_nonzero(app, tmp_path, args, message):
    write(tmp_path, "plain.txt", b"title,summary\nx,y\n")
    write(tmp_path, "a.csv", b"title,summary\nx,y\n")
    args = [a.replace("{dir}", str(tmp_path)) for a in args]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and message in result.output

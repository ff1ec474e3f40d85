"""/admin/import: authorization per role, the report page, the streamed progress, hostile cells."""
import io
import json

import pytest

from marketplace.models import Achievement, Demand

URL = "/admin/import"


def upload(client, data, name="a.csv", kind="achievements", publish=False, org="", stream=False):
    form = {"kind": kind, "file": (io.BytesIO(data), name), "org": org}
    if publish:
        form["publish"] = "y"
    headers = {"Accept": "application/x-ndjson"} if stream else {}
    return client.post(URL, data=form, content_type="multipart/form-data", headers=headers)


def test_visitor_is_sent_to_login(client):
    for response in (client.get(URL), upload(client, b"title,summary\na,b\n")):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["researcher", "enterprise", "broker"])
def test_other_roles_are_forbidden(client, db, make, login, role):
    login(make.user(role))
    assert client.get(URL).status_code == 403
    assert upload(client, b"title,summary\na,b\n").status_code == 403
    assert db.session.query(Achievement).count() == 0


def test_admin_sees_the_form_with_both_header_sets(client, make, login):
    login(make.user("admin"))
    response = client.get(URL)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page and "imports.js" in page
    assert "成果名称" in page and "<code>patent_no</code>" in page and "悬赏金额(万元)" in page


def test_admin_upload_imports_and_reports(client, db, make, login):
    admin = login(make.user("admin"))
    data = "成果名称,成果简介,技术领域\n成果一,简介一,新材料\n成果二,简介二,新能源\n".encode("utf-8-sig")
    response = upload(client, data, publish=True, org="上海交通大学")
    assert response.status_code == 200
    assert "已导入 2 条，均已发布" in response.get_data(as_text=True)
    items = db.session.query(Achievement).all()
    assert {(a.status, a.owner_id, a.organization.name) for a in items} == {("published", admin.id, "上海交通大学")}


def test_admin_upload_with_bad_rows_shows_them_and_writes_nothing(client, db, make, login):
    login(make.user("admin"))
    data = "需求名称,需求描述,是否揭榜挂帅\n好需求,描述,否\n,描述,否\n揭榜,描述,是\n".encode()
    response = upload(client, data, kind="demands")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "3 处错误，未导入任何数据" in page
    assert "<td>3</td><td>需求名称 / title</td><td>请填写需求名称</td>" in page
    assert "<td>4</td><td>悬赏金额(万元) / bounty</td><td>揭榜挂帅需填写悬赏金额</td>" in page
    assert "<td>4</td><td>截止日期 / deadline</td>" in page
    assert db.session.query(Demand).count() == 0


def test_admin_form_errors_rerender_in_chinese(client, make, login):
    login(make.user("admin"))
    response = client.post(URL, data={"kind": "achievements"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "请选择要上传的文件" in response.get_data(as_text=True)
    response = upload(client, b"x", name="a.xls")
    assert response.status_code == 400 and "只支持 .csv 和 .xlsx 文件" in response.get_data(as_text=True)


def test_file_level_error_is_shown(client, make, login):
    login(make.user("admin"))
    response = upload(client, "名称,简介\n甲,乙\n".encode())
    assert response.status_code == 400
    assert "缺少必需的列：成果名称 / title" in response.get_data(as_text=True)


def lines_of(response):
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines() if line.strip()]


def test_stream_reports_progress_of_both_phases_then_the_report(client, db, make, login):
    login(make.user("admin"))
    rows = "".join(f"成果{i},简介{i}\n" for i in range(120))
    response = upload(client, ("title,summary\n" + rows).encode(), stream=True)
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    messages = lines_of(response)
    validate = [m["done"] for m in messages if m["phase"] == "validate"]
    insert = [m["done"] for m in messages if m["phase"] == "insert"]
    assert validate == sorted(validate) and validate[-1] == 120 and len(validate) > 10
    assert insert[-1] == 120 and len(insert) > 10
    assert messages[-1] == {"phase": "done", "ok": True, "report": {
        "kind": "achievement", "total": 120, "created": 120, "published": False, "new_organizations": [],
        "errors": []}}
    assert db.session.query(Achievement).filter_by(status="pending").count() == 120


def test_stream_with_bad_row_stops_after_validation(client, db, make, login):
    login(make.user("admin"))
    response = upload(client, "title,summary\n甲,乙\n丙,\n".encode(), stream=True)
    messages = lines_of(response)
    assert [m["phase"] for m in messages] == ["validate", "validate", "done"]
    assert messages[-1]["report"]["errors"] == [{"row": 3, "column": "成果简介 / summary", "message": "请填写成果简介"}]
    assert db.session.query(Achievement).count() == 0


def test_stream_form_and_file_errors_are_json(client, make, login):
    login(make.user("admin"))
    response = client.post(URL, data={"kind": "achievements"}, content_type="multipart/form-data",
                           headers={"Accept": "application/x-ndjson"})
    assert response.status_code == 400 and response.json["error"]["fields"]["file"] == "请选择要上传的文件"
    response = upload(client, "名称\n甲\n".encode(), stream=True)
    assert response.status_code == 400 and "缺少必需的列" in response.json["error"]["message"]


def test_hostile_cells_come_back_escaped_on_the_report(client, db, make, login):
    login(make.user("admin"))
    script = "<script>alert(1)</script>"
    data = (f'title,summary,modes\n"{script}","<img src=x onerror=alert(1)>","{script}"\n').encode()
    page = upload(client, data).get_data(as_text=True)
    assert "交易方式无效：&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    data = f'title,summary,organization\n"{script}",简介,"<img src=x onerror=alert(1)>研究所"\n'.encode()
    page = upload(client, data).get_data(as_text=True)
    assert "新建已认证单位：&lt;img src=x onerror=alert(1)&gt;研究所" in page
    assert "<img src=x" not in page
    assert db.session.query(Achievement).one().title == script

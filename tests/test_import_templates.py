"""Import templates on /admin/import: each downloaded template imports through the real importer."""
import csv
import io
import re

import pytest
from openpyxl import load_workbook

from marketplace.imports.readers import COLUMNS
from marketplace.imports.samples import EXAMPLES
from marketplace.models import Achievement, Demand, ImportJob

MODELS = {"achievement": Achievement, "demand": Demand}


def header_and_rows(kind, fmt, data):
    if fmt == "csv":
        assert data.startswith("\ufeff".encode("utf-8"))  # Excel needs the BOM to read the Chinese
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["achievement", "demand"])
def test_downloaded_template_imports_through_the_admin_page(client, db, make, login, kind, fmt):
    admin = login(make.user("admin"))
    page = client.get("/admin/import").get_data(as_text=True)
    link = f"/admin/import/template/{kind}.{fmt}"
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = header_and_rows(kind, fmt, response.data)
    assert rows[0] == list(COLUMNS[kind].values())  # DESIGN §6's Chinese headers, in order
    assert len(rows) == 2 and rows[1][0] == EXAMPLES[kind]["title"]

    form = {"kind": f"{kind}s", "file": (io.BytesIO(response.data), f"template.{fmt}"), "org": ""}
    done = client.post("/admin/import", data=form, content_type="multipart/form-data", follow_redirects=True)
    assert done.status_code == 200
    db.session.expire_all()
    job = db.session.query(ImportJob).one()
    assert job.status == "succeeded", job.report
    assert job.report["created"] == 1
    listing = db.session.query(MODELS[kind]).one()
    assert listing.title == EXAMPLES[kind]["title"] and listing.owner_id == admin.id
    assert listing.keyword_list and listing.field == EXAMPLES[kind]["field"]


@pytest.mark.parametrize("role", ["visitor", "researcher", "broker"])
def test_only_admins_download_templates(client, make, login, role):
    if role != "visitor":
        login(make.user(role))
    response = client.get("/admin/import/template/demand.csv")
    assert response.status_code == (302 if role == "visitor" else 403)


def test_unknown_template_is_404(client, make, login):
    login(make.user("admin"))
    assert client.get("/admin/import/template/challenge.csv").status_code == 404
    assert client.get("/admin/import/template/demand.xls").status_code == 404
    assert re.search("科技成果", client.get("/admin/import").get_data(as_text=True))

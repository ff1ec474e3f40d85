"""Attachments: what a file is (by content), size and count limits, who may see, add and delete, the
download's headers, and file names that try to leave the upload directory."""
import os

import pytest

from marketplace.attachments import services, sniffing
from marketplace.extensions import db
from marketplace.models import Attachment
from marketplace.workflow import PermissionDenied, ValidationFailed

from .attachment_support import DOCX, HTML, JPEG, OLE2, PDF, PNG, PPTX, XLSX, office_zip, upload
from .challenge_support import application
from .deals_support import open_deal, world


def _only_attachment():
    return db.session.scalars(db.select(Attachment)).one()


def _sniff_bytes(tmp_path, content, name="x"):
    path = tmp_path / "f"
    path.write_bytes(content)
    return sniffing.sniff(str(path), name)


@pytest.mark.parametrize("content,name,expected", [
    (PDF, "a.pdf", "application/pdf"), (PNG, "a.exe", "image/png"), (JPEG, "photo", "image/jpeg"),
    (DOCX, "a.docx", sniffing.DOCX.content_type), (XLSX, "a.bin", sniffing.XLSX.content_type),
    (PPTX, "a.pptx", sniffing.PPTX.content_type), (OLE2, "old.doc", "application/msword"),
    (OLE2, "old.XLS", "application/vnd.ms-excel"),
])
def test_file_types_are_recognised_by_content(tmp_path, content, name, expected):
    assert _sniff_bytes(tmp_path, content, name).content_type == expected


@pytest.mark.parametrize("content,name", [
    (HTML, "report.pdf"), (b"MZ\x90\x00 an exe", "setup.pdf"), (OLE2, "old.msi"),
    (office_zip("word/document.xml", "x", declare=False), "a.docx"),  # no declared main part
    (office_zip("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                ".main+xml", include=False), "a.docx"),  # declared but missing
    (office_zip("evil.html", "text/html"), "a.docx"), (b"PK\x03\x04 not a zip", "a.xlsx"), (b"", "a.pdf"),
])
def test_other_content_is_not_accepted_whatever_the_name(tmp_path, content, name):
    assert _sniff_bytes(tmp_path, content, name) is None


def test_owner_uploads_to_a_draft_and_the_file_is_kept_under_a_random_name(app, make, client, login):
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    login(owner)
    page = upload(client, "achievement", draft.id, PDF, "专利受理通知书.pdf", kind="certificate")
    assert page.status_code == 200
    assert "已上传附件：专利受理通知书.pdf" in page.get_data(as_text=True)
    row = _only_attachment()
    assert (row.original_name, row.kind, row.size, row.content_type) == (
        "专利受理通知书.pdf", "certificate", len(PDF), "application/pdf")
    assert os.listdir(app.config["UPLOAD_DIR"]) == [row.stored_name]
    assert "专利" not in row.stored_name and len(row.stored_name) == 36  # 32 hex + ".pdf"
    detail = client.get(f"/achievements/{draft.id}").get_data(as_text=True)
    assert "专利受理通知书.pdf" in detail and f"/attachments/{row.id}" in detail


def test_html_named_pdf_is_refused_with_a_chinese_message_and_nothing_is_stored(app, make, client, login):
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    login(owner)
    page = upload(client, "achievement", draft.id, HTML, "report.pdf").get_data(as_text=True)
    assert "上传失败：不支持的文件类型（按文件内容判断）" in page
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
    assert os.listdir(app.config["UPLOAD_DIR"]) == []


def test_png_named_exe_is_accepted_as_png_and_served_as_a_download(make, client, login):
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    login(owner)
    upload(client, "achievement", draft.id, PNG, "photo.exe")
    row = _only_attachment()
    assert row.content_type == "image/png"
    response = client.get(f"/attachments/{row.id}")
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "photo.exe.png" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_download_keeps_a_chinese_name_in_the_header(make, client, login):
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    login(owner)
    upload(client, "achievement", draft.id, DOCX, "技术评估报告.docx", kind="report")
    response = client.get(f"/attachments/{_only_attachment().id}")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert response.headers["Content-Type"] == sniffing.DOCX.content_type


@pytest.mark.parametrize("name,expected", [
    ("../../etc/passwd.pdf", "passwd.pdf"), ("..\\..\\windows\\a.pdf", "a.pdf"), ("/abs/path/合同.pdf", "合同.pdf"),
    ("a<b>:c|d?.pdf", "a_b_c_d_.pdf"), ("..", "附件"), ("bad\x00name.pdf", "bad_name.pdf"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
])
def test_file_names_are_cleaned(name, expected):
    assert services.clean_filename(name) == expected


def test_path_traversal_in_the_name_never_reaches_the_file_system(app, make, client, login, tmp_path):
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    login(owner)
    upload(client, "achievement", draft.id, PDF, "../../../outside.pdf")
    row = _only_attachment()
    assert row.original_name == "outside.pdf"
    assert os.listdir(app.config["UPLOAD_DIR"]) == [row.stored_name]
    assert not any("outside" in name for _root, _dirs, files in os.walk(tmp_path) for name in files)


def test_a_body_over_the_upload_limit_is_413(app, make, client, login):
    app.config["BODY_LIMITS"] = {**app.config["BODY_LIMITS"], "attachments.upload": 4096}
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    login(owner)
    response = upload(client, "achievement", draft.id, PDF + b"0" * 10000, "big.pdf", follow=False)
    assert response.status_code == 413
    assert "上传内容过大" in response.get_data(as_text=True) or "请求内容过大" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_a_file_over_the_file_limit_gets_a_field_message(app, make, client, login):
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    login(owner)
    page = upload(client, "achievement", draft.id, PDF + b"0" * 2000, "big.pdf").get_data(as_text=True)
    assert "文件过大：单个附件不能超过 1 KB" in page
    assert os.listdir(app.config["UPLOAD_DIR"]) == []


def test_the_default_limits_are_20_mb_and_20_files(app):
    assert app.config["ATTACHMENT_MAX_BYTES"] == 20 * 1024 * 1024
    assert app.config["BODY_LIMITS"]["attachments.upload"] > 20 * 1024 * 1024
    assert app.config["ATTACHMENT_MAX_COUNT"] == 20


def test_a_full_object_takes_no_more_files(app, make, client, login):
    app.config["ATTACHMENT_MAX_COUNT"] = 2
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    login(owner)
    upload(client, "achievement", draft.id, PDF, "1.pdf")
    upload(client, "achievement", draft.id, PDF, "2.pdf")
    page = upload(client, "achievement", draft.id, PDF, "3.pdf").get_data(as_text=True)
    assert "每个科技成果最多 2 个附件" in page
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 2


def test_listing_attachments_are_seen_by_those_who_see_its_details(make, client, login):
    owner = make.user("researcher")
    listing = make.achievement(owner=owner, status="rejected")
    login(owner)
    upload(client, "achievement", listing.id, PDF, "证书.pdf")
    row = _only_attachment()
    listing.status = "published"
    db.session.commit()
    url = f"/attachments/{row.id}"
    assert client.get(url).status_code == 200  # the owner
    for role, expected in (("enterprise", 200), ("broker", 200), ("admin", 200), ("researcher", 404)):
        login(make.user(role))
        assert client.get(url).status_code == expected, role
    login(None)
    assert client.get(url).status_code == 302  # to the login page


def test_stranger_cannot_upload_or_delete_and_published_listings_take_no_files(make, client, login):
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    login(owner)
    upload(client, "achievement", draft.id, PDF, "a.pdf")
    row = _only_attachment()
    login(make.user("researcher"))
    assert upload(client, "achievement", draft.id, PDF, "b.pdf", follow=False).status_code == 404
    assert client.post(f"/attachments/{row.id}/delete").status_code == 404
    login(make.user("enterprise"))  # sees a published listing's files, may not add any
    published = make.achievement(owner=owner)
    assert upload(client, "achievement", published.id, PDF, "c.pdf", follow=False).status_code == 403
    with pytest.raises(PermissionDenied):
        services.store_attachment(owner, "achievement", published, None)


def test_owner_deletes_while_editable_and_the_file_goes_after_commit(app, make, client, login):
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    login(owner)
    upload(client, "achievement", draft.id, PDF, "a.pdf")
    row = _only_attachment()
    page = client.post(f"/attachments/{row.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "已删除附件：a.pdf" in page
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
    assert os.listdir(app.config["UPLOAD_DIR"]) == []


def test_a_rolled_back_upload_leaves_no_file(app, make):
    from werkzeug.datastructures import FileStorage
    import io
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    services.store_attachment(owner, "achievement", draft, FileStorage(io.BytesIO(PDF), "a.pdf"))
    assert len(os.listdir(app.config["UPLOAD_DIR"])) == 1
    db.session.rollback()
    assert os.listdir(app.config["UPLOAD_DIR"]) == []


def test_application_files_for_applicant_challenge_owner_and_admin(make, client, login):
    challenge = make.demand(challenge=True)
    applicant = make.user("researcher")
    app_row = application(challenge, applicant)
    login(applicant)
    page = client.get(f"/applications/{app_row.id}").get_data(as_text=True)
    assert 'id="attachment-upload"' in page
    upload(client, "application", app_row.id, DOCX, "技术方案.docx", kind="proposal")
    row = _only_attachment()
    for user, expected in ((challenge.owner, 200), (make.user("admin"), 200), (make.user("researcher"), 404),
                           (make.user("enterprise"), 404)):
        login(user)
        assert client.get(f"/attachments/{row.id}").status_code == expected
    login(challenge.owner)  # sees the files, adds none
    assert upload(client, "application", app_row.id, PDF, "x.pdf", follow=False).status_code == 403
    with pytest.raises(ValidationFailed):
        services.store_attachment(applicant, "application", app_row, None)


def test_deal_files_for_parties_and_broker_only(make, client, login):
    w = world(make)
    deal = open_deal(w)
    login(w.broker)
    page = upload(client, "deal", deal.id, PDF, "技术合同.pdf", kind="contract").get_data(as_text=True)
    assert "已上传附件：技术合同.pdf" in page
    login(w.enterprise)  # a party adds the registration certificate
    upload(client, "deal", deal.id, JPEG, "登记证明.jpg", kind="registration")
    rows = db.session.scalars(db.select(Attachment).order_by(Attachment.id)).all()
    assert [r.kind for r in rows] == ["contract", "registration"]
    for user in (w.researcher, w.enterprise, w.broker, w.admin):
        login(user)
        assert client.get(f"/attachments/{rows[0].id}").status_code == 200
    for user in (w.other_enterprise, w.other_researcher, w.other_broker):
        login(user)
        assert client.get(f"/attachments/{rows[0].id}").status_code == 404
        assert upload(client, "deal", deal.id, PDF, "x.pdf", follow=False).status_code == 404
    login(w.enterprise)  # not the uploader, not the deal's manager
    assert client.post(f"/attachments/{rows[0].id}/delete").status_code == 403
    login(w.broker)  # the deal's broker may remove a party's file
    assert client.post(f"/attachments/{rows[1].id}/delete").status_code == 302


def test_unknown_target_type_is_404(make, client, login):
    login(make.user("admin"))
    assert upload(client, "nonsense", 1, PDF, "a.pdf", follow=False).status_code == 404


# ---------------------------------------------------------------- API

def _token(client, user):
    from .factories import PASSWORD
    token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).json["token"]
    return {"Authorization": f"Bearer {token}"}


def test_api_lists_uploads_and_downloads(make, client):
    import io
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    headers = _token(client, owner)
    created = client.post(f"/api/v1/achievements/{draft.id}/attachments", headers=headers,
                          data={"kind": "report", "file": (io.BytesIO(XLSX), "数据.xlsx")},
                          content_type="multipart/form-data")
    assert created.status_code == 201
    assert (created.json["name"], created.json["kind"], created.json["content_type"]) == (
        "数据.xlsx", "report", sniffing.XLSX.content_type)
    listing = client.get(f"/api/v1/achievements/{draft.id}/attachments", headers=headers).json
    assert [item["id"] for item in listing["items"]] == [created.json["id"]]
    download = client.get(created.json["url"], headers=headers)
    assert download.data == XLSX and download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_api_refuses_disguised_files_and_strangers_with_json_errors(make, client):
    import io
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    refused = client.post(f"/api/v1/achievements/{draft.id}/attachments", headers=_token(client, owner),
                          data={"file": (io.BytesIO(HTML), "a.pdf")}, content_type="multipart/form-data")
    assert refused.status_code == 400 and refused.json["error"]["code"] == "invalid"
    assert "不支持的文件类型" in refused.json["error"]["fields"]["file"]
    stranger = client.get(f"/api/v1/achievements/{draft.id}/attachments", headers=_token(client, make.user("admin")))
    assert stranger.status_code == 200  # admins see drafts
    hidden = client.get(f"/api/v1/achievements/{draft.id}/attachments",
                        headers=_token(client, make.user("researcher")))
    assert hidden.status_code == 404 and hidden.json["error"]["code"] == "not_found"


def test_api_upload_over_the_body_limit_is_413(app, make, client):
    import io
    app.config["BODY_LIMITS"] = {**app.config["BODY_LIMITS"], "api.attachment_upload": 4096}
    owner = make.user("researcher")
    draft = make.achievement(owner=owner, status="draft")
    response = client.post(f"/api/v1/achievements/{draft.id}/attachments", headers=_token(client, owner),
                           data={"file": (io.BytesIO(PDF + b"0" * 10000), "big.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"

"""Limits are refused with a message, never cut (a search query, an import's organization name, an enquiry's
close note); the import CLI goes through the account service."""
import pytest

from marketplace.deals import enquiries
from marketplace.imports import jobs
from marketplace.models import Enquiry
from marketplace.workflow import ValidationFailed


def test_a_too_long_search_query_is_refused_on_the_page_and_kept_in_the_box(client, make):
    make.achievement(title="石墨烯导热膜")
    assert "共找到 1 条结果" in client.get("/search?q=" + "石墨烯" + " " * 497).get_data(as_text=True)
    response = client.get("/search?q=" + "石" * 501)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "搜索内容不能超过 500 个字符（当前 501 个）" in page
    assert 'value="' + "石" * 501 + '"' in page  # the whole text stays, to be shortened by the user
    assert "共找到 0 条结果" in page


def test_an_import_refuses_a_too_long_organization_name(app, make):
    admin = make.user("admin")
    with pytest.raises(ValidationFailed) as refused:
        jobs.create_job(admin, "achievements", "a.csv", b"title\n", org_name="单" * 201)
    assert refused.value.errors == {"org": "单位名称不能超过 200 个字符（当前 201 个）"}
    job = jobs.create_job(admin, "achievements", "a.csv", b"title\n", org_name=" " + "单" * 200 + " ")
    assert job.org_name == "单" * 200


def test_an_enquiry_close_note_over_the_limit_is_refused_not_cut(app, make, db):
    broker, enterprise = make.user("broker"), make.user("enterprise")
    enquiry = enquiries.create_enquiry(enterprise, make.achievement().id, {"mode": "转让", "message": "想合作"})
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        enquiries.close_enquiry(enquiry.id, broker, "说" * (enquiries.CLOSE_NOTE_MAX + 1))
    assert "关闭说明不能超过 500 个字符" in refused.value.message
    db.session.rollback()
    assert db.session.get(Enquiry, enquiry.id).status == "open"


def test_the_import_cli_creates_its_system_admin_through_the_account_service(app, db):
    from marketplace.imports.cli import PLATFORM_ORG, SYSTEM_ADMIN_EMAIL, system_admin

    admin = system_admin()
    db.session.commit()
    assert (admin.email, admin.role, admin.organization.name, admin.organization.verified) == (
        SYSTEM_ADMIN_EMAIL, "admin", PLATFORM_ORG, True)
    assert system_admin().id == admin.id  # the first active admin from then on

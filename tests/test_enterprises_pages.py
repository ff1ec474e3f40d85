"""Enterprise pages (issue #12): the profile with score, components and gap list; forms with field errors;
admin pool pages with counts, export and publication; tags; policies with read receipts; /me."""
import io

from openpyxl import load_workbook

from marketplace.enterprises import services
from marketplace.extensions import db
from marketplace.models import Notification
from marketplace.models.enterprises import FiguresChange, PolicyDelivery, Tag
from marketplace.units import unit_by_name

from .deals_support import person
from .enterprise_support import NEAR, STRONG, WEAK, enterprise


def test_member_sees_score_components_gaps_and_recommendations(make, client, login):
    org = enterprise(make, "画像科技有限公司", WEAK)
    login(person(make, "enterprise", "画像成员", org))
    make.achievement(field="新材料", title="一种高导热复合材料")
    page = client.get(f"/enterprises/{org.id}").get_data(as_text=True)
    assert "42" in page and "4 / 20" in page and "20 / 50" in page and "18 / 30" in page
    assert "研发投入占比 3.2%，距 4% 差 0.8 个百分点，约 24 万元" in page
    assert "/services?category=" in page and "研发设计" in page and "知识产权" in page
    assert "一种高导热复合材料" in page


def test_others_cannot_see_an_enterprises_figures(make, client, login):
    org = enterprise(make, "保密科技有限公司", STRONG)
    login(person(make, "enterprise", "他人"))
    assert client.get(f"/enterprises/{org.id}").status_code == 404
    assert client.post(f"/enterprises/{org.id}/figures", data={"year": "2025"}).status_code == 404
    login(None)
    assert client.get(f"/enterprises/{org.id}").status_code == 302


def test_the_figures_form_shows_field_errors_in_chinese_and_saves_nothing(make, client, login):
    org = enterprise(make, "表单科技有限公司", STRONG)
    login(person(make, "enterprise", "表单成员", org))
    before = db.session.scalar(db.select(db.func.count(FiguresChange.id)))
    data = dict(STRONG, year="2025", tech_staff="200", revenue="abc")
    response = client.post(f"/enterprises/{org.id}/figures", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "销售收入必须是数字" in page
    assert db.session.scalar(db.select(db.func.count(FiguresChange.id))) == before
    response = client.post(f"/enterprises/{org.id}/figures", data=dict(STRONG, year="2025", tech_staff="200"))
    assert response.status_code == 400 and "不能超过职工总数" in response.get_data(as_text=True)
    response = client.post(f"/enterprises/{org.id}/figures", data=dict(STRONG, year="2025", tech_staff="31"))
    assert response.status_code == 303
    assert "科技人员数" in client.get(f"/enterprises/{org.id}").get_data(as_text=True)


def test_profile_form_sets_unit_and_field(make, client, login):
    org = enterprise(make, "信息科技有限公司", STRONG, unit=None)
    login(person(make, "enterprise", "信息成员", org))
    unit = unit_by_name("径山镇")
    response = client.post(f"/enterprises/{org.id}/profile", data={"unit_id": str(unit.id), "field": "生物医药",
                                                                   "registered_on": "2019-01-01"})
    assert response.status_code == 303
    db.session.refresh(org)
    assert org.unit_id == unit.id
    response = client.post(f"/enterprises/{org.id}/profile", data={"field": "火星科技"})
    assert response.status_code == 400 and "行业领域无效" in response.get_data(as_text=True)


def test_admin_pool_page_counts_export_and_publication(make, client, login):
    enterprise(make, "库一科技", NEAR, unit="百丈镇")
    enterprise(make, "库二科技", NEAR, unit="径山镇", field="生物医药")
    enterprise(make, "库外科技", WEAK, unit="径山镇")
    login(person(make, "admin", "管理员"))
    page = client.get("/admin/pools/near-sme").get_data(as_text=True)
    assert "库一科技" in page and "库二科技" in page and "库外科技" not in page and "共 2 家" in page
    workbook = load_workbook(io.BytesIO(client.get("/admin/pools/near-sme.xlsx").data))
    names = [row[0].value for row in workbook.active.iter_rows(min_row=2)]
    assert sorted(names) == ["库一科技", "库二科技"]
    assert "库一科技" not in client.get("/pools").get_data(as_text=True)
    assert client.post("/admin/pools/near-sme/publish", data={"published": "1"}).status_code == 303
    login(None)
    public = client.get("/pools").get_data(as_text=True)
    assert "库一科技" in public and "百丈镇" in public and "库外科技" not in public
    assert "50" not in public.split("培育库名单", 1)[1].split("</table>")[0]  # names and units only, no scores


def test_tags_filters_and_manual_tags(make, client, login):
    strong = enterprise(make, "标签一科技", STRONG, unit="百丈镇")
    enterprise(make, "标签二科技", NEAR, unit="径山镇")
    admin = login(person(make, "admin", "管理员"))
    assert client.post("/admin/tags", data={"name": "专精特新"}).status_code == 303
    assert client.post("/admin/tags", data={"name": "科技型中小企业"}).status_code == 400  # exists (computed)
    tag = db.session.scalar(db.select(Tag).where(Tag.name == "专精特新"))
    client.post(f"/admin/enterprises/{strong.id}/tags", data={"tag_id": str(tag.id)})
    page = client.get("/admin/enterprises?tag=科技型中小企业&tag=专精特新").get_data(as_text=True)
    assert "标签一科技" in page and "标签二科技" not in page
    page = client.get(f"/admin/enterprises?unit={unit_by_name('径山镇').id}").get_data(as_text=True)
    assert "标签二科技" in page and "标签一科技" not in page
    computed = db.session.scalar(db.select(Tag).where(Tag.name == "准科技型"))
    response = client.post(f"/admin/enterprises/{strong.id}/tags", data={"tag_id": str(computed.id)})
    assert response.status_code == 303  # refused with a message: computed tags are never typed
    assert "准科技型" not in [t.name for t in services.tags_of(strong)]
    assert admin.role == "admin"


def test_policy_page_and_me_show_the_push_and_record_the_read(make, client, login):
    near = enterprise(make, "政策科技", NEAR)
    member = person(make, "enterprise", "政策成员", near)
    enterprise(make, "无关科技", WEAK)
    login(person(make, "admin", "管理员"))
    response = client.post("/admin/policies", data={"title": "研发费用补助", "body": "补助说明", "pools": "near-sme"})
    assert response.status_code == 303
    policy_url = response.headers["Location"]
    assert "已推送 <strong>1</strong> 家企业，已读 <strong>0</strong>" in client.get(policy_url).get_data(as_text=True)
    assert client.post("/admin/policies", data={"title": "", "body": ""}).status_code == 400
    login(member)
    assert "研发费用补助" in client.get("/me").get_data(as_text=True)
    assert db.session.scalar(db.select(Notification).where(Notification.user_id == member.id)) is not None
    assert client.get(policy_url).status_code == 200
    delivery = db.session.scalar(db.select(PolicyDelivery))
    assert delivery.read_at is not None and delivery.read_by_id == member.id


def test_the_public_organization_page_shows_only_public_tags(make, client, login):
    org = enterprise(make, "公开标签科技", STRONG)  # 科技型中小企业 (public), 准高企 and 有发明专利 (not public)
    page = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    public = page.split('id="public-tags"', 1)[1].split("</div>", 1)[0]
    assert "科技型中小企业" in public and "准高企" not in public and "有发明专利" not in public
    assert "企业画像（评价与差距清单）" not in page
    login(person(make, "enterprise", "成员", org))
    assert "企业画像（评价与差距清单）" in client.get(f"/orgs/{org.id}").get_data(as_text=True)


def test_a_declared_hte_needs_number_and_date(make, client, login):
    org = enterprise(make, "高企科技", STRONG)
    login(person(make, "enterprise", "高企成员", org))
    client.post(f"/enterprises/{org.id}/profile", data={"hte_cert_on": "2025-01-01", "field": "新材料"})
    assert "高新技术企业" not in [t.name for t in services.tags_of(org)]
    client.post(f"/enterprises/{org.id}/profile", data={"hte_cert_on": "2025-01-01", "hte_cert_no": "GR202533000123",
                                                       "field": "新材料"})
    names = [t.name for t in services.tags_of(org)]
    assert "高新技术企业" in names and "准高企" not in names  # already a 高企: out of the 准高企 pool


def test_seed_demo_fills_both_pools_and_pushes_policies(app):
    from marketplace.models.enterprises import PolicyDelivery, PoolMember

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    counts = dict(db.session.execute(db.select(PoolMember.pool, db.func.count()).group_by(PoolMember.pool)).all())
    assert counts.get("near-sme", 0) >= 3 and counts.get("near-hte", 0) >= 3
    assert db.session.scalar(db.select(db.func.count(PolicyDelivery.id))) > 0
    second = runner.invoke(args=["seed-demo"])
    assert "0 enterprises given figures" in second.output
    assert dict(db.session.execute(db.select(PoolMember.pool, db.func.count()).group_by(PoolMember.pool)).all()) == counts

"""Home page (#11): live figures counted in SQL (and cached a minute), the latest 通知公告 (admin CRUD),
and the footer's operator details and ICP 备案号 from configuration."""
import re
from datetime import date, timedelta
from decimal import Decimal

from marketplace.extensions import db as _db
from marketplace.main import figures
from marketplace.models import Announcement, Deal
from marketplace.timeutil import local_today

from .deals_support import advance_to, open_deal, world


def text_of(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_live_figures(app, client, make):
    app.config["HOME_FIGURES_CACHE_SECONDS"] = 0
    w = world(make)  # one published achievement, one published demand
    make.achievement(status="draft")
    make.demand(status="pending")
    make.demand(challenge=True, bounty=Decimal("100.00"))
    make.demand(challenge=True, status="reviewing", bounty=Decimal("50.50"))
    make.demand(challenge=True, status="draft", bounty=Decimal("999.00"))
    signed = advance_to(open_deal(w), "contract_signed", w.broker)
    signed.signed_on = local_today()
    old = advance_to(open_deal(w, achievement_id=make.achievement(owner=w.researcher).id, demand_id=None,
                               buyer_org_id=w.enterprise.organization_id), "contract_signed", w.broker)
    old.signed_on = date(local_today().year - 1, 12, 31)
    _db.session.commit()
    result = figures.compute()
    assert result["achievements"] == 2 and result["demands"] == 3  # world + the old deal's; demand + 2 challenges
    assert result["bounty"] == Decimal("150.50") and result["deals"] == 1
    assert result["deal_amount"] == Decimal("120.50") and result["year"] == local_today().year
    page = text_of(client.get("/"))
    assert 'id="figure-achievements">2<' in page and "150.50 万元" in page and "120.50 万元" in page
    assert f"{local_today().year} 年签约" in page


def test_figures_are_cached_for_the_configured_time(app, client, make):
    app.config["HOME_FIGURES_CACHE_SECONDS"] = 60
    make.achievement()
    assert 'id="figure-achievements">1<' in text_of(client.get("/"))
    make.achievement()
    assert 'id="figure-achievements">1<' in text_of(client.get("/"))  # within the minute
    app.config["HOME_FIGURES_CACHE_SECONDS"] = 0
    assert 'id="figure-achievements">2<' in text_of(client.get("/"))


def test_counts_use_indexes_not_table_scans(app):
    """At 100,000 listings the home page must stay fast: the counts are served by indexes."""
    if _db.engine.dialect.name != "sqlite":
        return
    with _db.engine.connect() as connection:
        for sql in ("SELECT count(*) FROM achievement WHERE status = 'published'",
                    "SELECT count(*) FROM demand WHERE status NOT IN ('draft', 'pending', 'rejected', 'archived')"):
            plan = " ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "INDEX" in plan, plan


def test_announcements_admin_crud_and_home_list(client, db, make, login):
    assert "通知公告" not in text_of(client.get("/")).split("site-footer")[0]  # none yet: no empty box
    admin = login(make.user("admin"))
    bad = client.post("/admin/announcements", data={"title": "", "body": "", "published_on": "明天"})
    page = text_of(bad)
    assert bad.status_code == 400 and "请填写标题" in page and "发布日期格式应为 YYYY-MM-DD" in page
    client.post("/admin/announcements", data={"title": "关于开展 2026 年技术合同登记的通知", "body": "第一行\n第二行"})
    future = (local_today() + timedelta(days=3)).isoformat()
    client.post("/admin/announcements", data={"title": "下周的公告", "body": "未到日期", "published_on": future})
    item = db.session.query(Announcement).filter_by(title="关于开展 2026 年技术合同登记的通知").one()
    assert item.created_by_id == admin.id and item.published_on == local_today()
    assert "下周的公告" in text_of(client.get("/admin/announcements"))
    login(None)
    home = text_of(client.get("/"))
    assert "关于开展 2026 年技术合同登记的通知" in home and "下周的公告" not in home
    detail = client.get(f"/announcements/{item.id}").get_data(as_text=True)
    assert "第一行<br>第二行" in detail
    hidden = db.session.query(Announcement).filter_by(title="下周的公告").one()
    assert client.get(f"/announcements/{hidden.id}").status_code == 404
    login(admin)
    client.post(f"/admin/announcements/{item.id}/edit", data={"title": "已修订的通知", "body": "正文",
                                                              "published_on": item.published_on.isoformat()})
    assert "已修订的通知" in text_of(client.get("/announcements"))
    client.post(f"/admin/announcements/{item.id}/delete")
    assert db.session.get(Announcement, item.id) is None


def test_footer_shows_the_configured_operator_and_hides_empty_values(app, client):
    page = text_of(client.get("/"))
    assert 'id="footer-operator"' not in page and 'id="footer-icp"' not in page
    app.config.update(OPERATOR_NAME="某区科技创新服务中心", OPERATOR_PHONE="0571-88886666",
                      OPERATOR_EMAIL="service@example.gov.cn", ICP_NUMBER="浙ICP备12345678号-1")
    page = text_of(client.get("/achievements"))
    assert "运营单位：某区科技创新服务中心" in page and "0571-88886666" in page and "service@example.gov.cn" in page
    assert "浙ICP备12345678号-1" in page
    app.config.update(OPERATOR_PHONE="", OPERATOR_EMAIL="")
    page = text_of(client.get("/"))
    assert "运营单位" in page and "电话：" not in page and "邮箱：" not in page


def test_operator_settings_come_from_the_environment(monkeypatch, tmp_path):
    from marketplace import create_app

    monkeypatch.setenv("MARKETPLACE_ICP_NUMBER", "京ICP备00000001号")
    monkeypatch.setenv("MARKETPLACE_OPERATOR_NAME", "运营方")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                      "INDEX_DIR": str(tmp_path / "index")})
    assert app.config["ICP_NUMBER"] == "京ICP备00000001号" and app.config["OPERATOR_NAME"] == "运营方"
    assert Deal  # (the model module is imported with the app)

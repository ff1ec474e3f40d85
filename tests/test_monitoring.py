"""Monitoring end to end on a real database: computed and reported figures, frozen snapshots, access, the API,
the exports (the PDF's text is extracted), the XLSX import and the scheduled task."""
import io
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from marketplace.extensions import db
from marketplace.models import Deal, Event, Indicator, IndicatorTarget, ReportedValue, Snapshot, SnapshotValue
from marketplace.monitoring import catalogue, snapshots
from marketplace.tasks import take_monitoring_snapshots
from marketplace.units import ensure_units, unit_by_name

from .deals_support import person

AFTER_Q1 = datetime(2026, 4, 2, 1, 0)  # UTC, after 2026Q1 ended in Beijing time


@pytest.fixture
def district(app, make):
    """Two units with enterprises; 仓前街道: 3 achievements in Q1, 2 buyers' deals (suppressed);
    未来科技城: 1 achievement, 3 buyers' deals. Indicators: achievements (w 40), contract amount (w 30),
    reported R&D (w 30, prorated); targets for 2026."""
    ensure_units()
    cq, wl = unit_by_name("仓前街道"), unit_by_name("未来科技城")
    orgs = {name: make.organization(name=name, unit_id=unit.id) for name, unit in
            (("仓前甲公司", cq), ("仓前乙公司", cq), ("未来甲公司", wl), ("未来乙公司", wl), ("未来丙公司", wl))}
    owner = person(make, "enterprise", "仓前企业", orgs["仓前甲公司"])
    other = person(make, "enterprise", "未来企业", orgs["未来甲公司"])
    for n in range(3):
        _achievement(make, owner, f"仓前成果{n}", datetime(2026, 2, 1 + n))
    _achievement(make, other, "未来成果", datetime(2026, 3, 1))
    _achievement(make, other, "四月成果", datetime(2026, 4, 5))  # outside Q1
    for buyer, amount in (("仓前甲公司", "100"), ("仓前乙公司", "50"), ("未来甲公司", "10"), ("未来乙公司", "20"),
                          ("未来丙公司", "30")):
        db.session.add(Deal(title="合同", stage="contract_signed", buyer_org_id=orgs[buyer].id, amount=D(amount),
                            signed_on=date(2026, 3, 10)))
    achievements = Indicator(name="成果发布数", source="computed", key="achievements_listed", measure="项",
                             direction="higher", weight=D(40), cap_percent=120, sort_order=0, prorate=False)
    amount = Indicator(name="技术合同成交额", source="computed", key="contract_amount", measure="万元",
                       direction="higher", weight=D(30), cap_percent=120, sort_order=1, prorate=False)
    rnd = Indicator(name="研发经费投入", source="reported", measure="万元", direction="higher", weight=D(30),
                    cap_percent=120, sort_order=2, prorate=True)  # Q1: 序时目标 = 1000 × 3 ÷ 12 = 250
    db.session.add_all([achievements, amount, rnd])
    db.session.flush()
    for indicator, target in ((achievements, "4"), (amount, "100"), (rnd, "1000")):
        for unit in (cq, wl):
            db.session.add(IndicatorTarget(indicator_id=indicator.id, unit_id=unit.id, year=2026, target=D(target)))
    db.session.add(ReportedValue(indicator_id=rnd.id, unit_id=cq.id, period="2026-03", value=D("500")))
    db.session.add(ReportedValue(indicator_id=rnd.id, unit_id=wl.id, period="2026Q1", value=D("900")))
    db.session.commit()
    return {"cq": cq, "wl": wl, "rnd": rnd, "achievements": achievements, "amount": amount, "owner": owner}


def _achievement(make, owner, title, published_at):
    listing = make.achievement(owner=owner, title=title)
    listing.published_at = published_at
    db.session.commit()
    return listing


def _cells(report, unit_name):
    unit = next(u for u in report["units"] if u["unit"] == unit_name)
    return unit, {c["name"]: c for c in unit["cells"]}


def test_snapshot_freezes_computed_and_reported_figures(district, make):
    snapshot = snapshots.take("2026Q1", now=AFTER_Q1)
    db.session.commit()
    report = snapshots.report(snapshot)
    cq, cells = _cells(report, "仓前街道")
    assert cells["成果发布数"]["value"] == D("3.00") and cells["成果发布数"]["completion"] == D("75.0")
    assert cells["技术合同成交额"]["value"] == D("150.00") and cells["技术合同成交额"]["suppressed"]  # 2 buyers
    assert cells["研发经费投入"]["value"] == D("500.00")  # filed under the quarter's last month
    wl, wcells = _cells(report, "未来科技城")
    assert wcells["成果发布数"]["value"] == D("1.00")  # the April one is outside the period
    assert wcells["技术合同成交额"]["value"] == D("60.00") and not wcells["技术合同成交额"]["suppressed"]
    assert wcells["研发经费投入"]["value"] == D("900.00")
    assert (cells["研发经费投入"]["target"], cells["研发经费投入"]["yearly_target"]) == (D("250.00"), D("1000.00"))
    assert wcells["研发经费投入"]["completion"] == D("360.0")
    # 仓前: 40×75/100 + 30×120/100 (150 % capped) + 30×120/100 (500 of 250 = 200 %, capped) = 30 + 36 + 36 = 102.00
    # 未来: 40×25/100 + 30×60/100 + 30×120/100 (900 of 250, capped) = 10 + 18 + 36 = 64.00
    assert (cq["total"], cq["rank"], wl["total"], wl["rank"]) == (D("102.00"), 1, D("64.00"), 2)
    before = [(v.unit_id, v.indicator_id, v.value, v.target, v.yearly_target) for v in snapshot.values]

    # Later edits: more data, new targets, a corrected reported figure, a renamed indicator.
    _achievement(make, district["owner"], "迟到的成果", datetime(2026, 2, 20))
    db.session.get(ReportedValue, 1).value = D("9999")
    for target in db.session.scalars(db.select(IndicatorTarget)):
        target.target = D("1")
    district["rnd"].name = "研发投入（改名）"
    db.session.commit()
    db.session.expire_all()
    again = snapshots.report(snapshots.get_snapshot("2026Q1"))
    assert [(v.unit_id, v.indicator_id, v.value, v.target, v.yearly_target) for v in again["snapshot"].values] == before
    assert _cells(again, "仓前街道")[0]["total"] == D("102.00")
    assert "研发经费投入" in _cells(again, "仓前街道")[1]
    with pytest.raises(snapshots.SnapshotExists):
        snapshots.take("2026Q1")  # a final snapshot is never rewritten


def test_a_provisional_snapshot_is_replaced_by_the_scheduled_final_one(district, make):
    snapshots.take("2026Q1", now=datetime(2026, 3, 15))
    db.session.commit()
    assert not snapshots.is_final(snapshots.get_snapshot("2026Q1"))
    _achievement(make, district["owner"], "三月下旬成果", datetime(2026, 3, 25))
    taken = snapshots.take_due(today=date(2026, 4, 1), now=AFTER_Q1)
    assert taken == ["2026-03", "2026Q1"]
    final = snapshots.get_snapshot("2026Q1")
    assert snapshots.is_final(final)
    assert _cells(snapshots.report(final), "仓前街道")[1]["成果发布数"]["value"] == D("4.00")
    assert snapshots.take_due(today=date(2026, 4, 20), now=datetime(2026, 4, 20)) == []
    assert db.session.scalar(db.select(db.func.count(Snapshot.id))) == 2


def test_the_periodic_task_runs_in_the_queue(district):
    taken = take_monitoring_snapshots.call_local()
    assert len(taken) == 2 and db.session.scalar(db.select(db.func.count(Snapshot.id))) == 2
    assert db.session.scalar(db.select(db.func.count(SnapshotValue.id))) > 0


def _token(client, user):
    from marketplace.api.auth import issue_token

    return {"Authorization": f"Bearer {issue_token(user.email, 'Testpass-123')}"}


def test_api_contracts_and_who_sees_what(district, make, client):
    snapshots.take("2025Q4", now=datetime(2026, 1, 2))
    snapshots.take("2026Q1", now=AFTER_Q1)
    db.session.commit()
    admin = make.user("admin", password="Testpass-123")
    liaison = make.user("enterprise", password="Testpass-123")
    liaison.unit_id = district["wl"].id
    researcher = make.user("researcher", password="Testpass-123")
    db.session.commit()

    listing = client.get("/api/v1/monitoring/reports", headers=_token(client, admin)).get_json()
    assert [i["period"] for i in listing["items"]] == ["2026Q1", "2025Q4"] and listing["items"][0]["taken_at"]
    body = client.get("/api/v1/monitoring/reports/2026Q1", headers=_token(client, admin)).get_json()
    assert body["period"] == "2026Q1" and body["rule"] == "quintile"
    first = body["units"][0]
    assert {"unit_id", "unit", "score", "rank", "colour", "rank_change", "indicators"} <= set(first)
    assert [u["rank"] for u in body["units"]] == sorted(u["rank"] for u in body["units"])
    assert {u["colour"] for u in body["units"]} <= {"red", "orange", "yellow", "blue", "green"}
    cq = next(u for u in body["units"] if u["unit"] == "仓前街道")
    amount = next(i for i in cq["indicators"] if i["name"] == "技术合同成交额")
    assert amount["value"] is None and amount["completion"] is None and amount["suppressed"]
    assert {"name", "value", "target", "completion"} <= set(amount)

    mine = client.get("/api/v1/monitoring/reports/2026Q1", headers=_token(client, liaison)).get_json()
    own = next(u for u in mine["units"] if u["unit_id"] == district["wl"].id)
    assert own["indicators"] and all(u["indicators"] == [] for u in mine["units"] if u is not own)
    series = client.get(f"/api/v1/monitoring/units/{district['wl'].id}/series?indicator=成果发布数",
                        headers=_token(client, liaison))
    assert series.status_code == 200 and [p["period"] for p in series.get_json()["items"]] == ["2025Q4", "2026Q1"]
    other = client.get(f"/api/v1/monitoring/units/{district['cq'].id}/series", headers=_token(client, liaison))
    assert other.status_code == 403 and other.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/monitoring/reports", headers=_token(client, researcher)).status_code == 403
    missing = client.get("/api/v1/monitoring/reports/2019Q1", headers=_token(client, admin))
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    bad = client.get("/api/v1/monitoring/reports/2026Q9", headers=_token(client, admin))
    assert bad.status_code == 400
    unknown = client.get(f"/api/v1/monitoring/units/{district['wl'].id}/series?indicator=无此指标",
                         headers=_token(client, admin))
    assert unknown.status_code == 404


def test_pages_exports_and_liaison_limits(district, make, client, login):
    snapshots.take("2025Q4", now=datetime(2026, 1, 2))
    snapshots.take("2026Q1", now=AFTER_Q1)
    db.session.commit()
    admin = login(make.user("admin"))
    page = client.get("/monitoring/reports/2026Q1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "五色图" in html and "数据截至" in html and "不足3家，不公开" in html
    assert "<svg" in html and 'href="#unit-' in html and "第1名" in html
    assert client.post("/monitoring/reports/2026Q1/rule", data={"rule": "bands"}).status_code == 302
    assert snapshots.get_snapshot("2026Q1").rule == "bands"
    assert "按完成率分档" in client.get("/monitoring/reports/2026Q1").get_data(as_text=True)

    xlsx = client.get("/monitoring/reports/2026Q1.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "创新高分报表 2026年第1季度" and rows[2][:3] == ["排名", "单位", "总分"]
    assert rows[3][:3] == [1, "仓前街道", "102"] and "不足3家，不公开" in rows[3]
    pdf = client.get("/monitoring/reports/2026Q1.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "仓前街道" in text and "未来科技城" in text and "创新高分报表" in text
    fonts = [f for p in reader.pages for f in p["/Resources"]["/Font"].values()]
    assert any("/FontFile2" in f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
               if "/DescendantFonts" in f.get_object() else "/FontFile2" in f.get_object().get("/FontDescriptor", {})
               for f in fonts)
    assert client.get("/monitoring/league?indicator=abc").status_code == 200
    by_indicator = client.get(f"/monitoring/league?indicator={district['achievements'].id}").get_data(as_text=True)
    assert by_indicator.index("仓前街道") < by_indicator.index("未来科技城")
    by_unit = client.get("/monitoring/reports/2026Q1?sort=unit").get_data(as_text=True)
    assert by_unit.index('data-unit="未来科技城"') > by_unit.index('data-unit="仓前街道"')

    liaison = make.user("enterprise")
    liaison.unit_id = district["wl"].id
    db.session.commit()
    login(liaison)
    assert client.get("/monitoring/").status_code == 302
    league = client.get("/monitoring/league").get_data(as_text=True)
    assert "本单位" in league and "仓前街道" in league
    assert client.get(f"/monitoring/units/{district['wl'].id}").status_code == 200
    assert client.get(f"/monitoring/units/{district['cq'].id}").status_code == 403
    assert client.get("/monitoring/reports/2026Q1").status_code == 403
    assert client.get("/monitoring/reports/2026Q1.pdf").status_code == 403
    login(make.user("researcher"))
    assert client.get("/monitoring/league").status_code == 403
    assert admin.role == "admin"


def test_pdf_without_the_font_says_so_in_chinese(district, make, client, login, monkeypatch):
    from marketplace.monitoring import exports

    snapshots.take("2026Q1", now=AFTER_Q1)
    db.session.commit()
    login(make.user("admin"))
    monkeypatch.setattr(exports, "FONT_FILE", "/nonexistent/wqy.ttc")
    monkeypatch.setattr(exports, "FONT_NAME", "MissingFontForTest")
    response = client.get("/monitoring/reports/2026Q1.pdf")
    assert response.status_code == 503 and "fonts-wqy-microhei" in response.get_data(as_text=True)


def _sheet(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_reported_import_is_all_or_nothing_with_row_numbers(district, make, client, login):
    login(make.user("admin"))
    bad = _sheet([["单位", "指标", "期间", "数值"], ["仓前街道", "研发经费投入", "2026Q2", 700],
                  ["无此镇", "研发经费投入", "2026Q2", 1], ["未来科技城", "成果发布数", "2026Q2", 2],
                  ["未来科技城", "研发经费投入", "2026Q7", "-3"]])
    response = client.post("/monitoring/admin/reported/import",
                           data={"file": (io.BytesIO(bad), "figures.xlsx")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第 3 行 单位" in html and "第 4 行 指标" in html and "第 5 行 期间" in html and "第 5 行 数值" in html
    assert db.session.scalar(db.select(db.func.count(ReportedValue.id)).where(ReportedValue.period == "2026Q2")) == 0
    good = _sheet([["单位", "指标", "期间", "数值"], ["仓前街道", "研发经费投入", "2026Q2", 700],
                   ["未来科技城", "研发经费投入", "2026Q2", "1,250.5"]])
    response = client.post("/monitoring/admin/reported/import",
                           data={"file": (io.BytesIO(good), "figures.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 302
    values = reported_values("2026Q2")
    assert values == {"仓前街道": D("700.00"), "未来科技城": D("1250.50")}
    grid = client.post("/monitoring/admin/reported", data={
        "period": "2026Q2", f"value-{district['rnd'].id}-{district['cq'].id}": "abc"})
    assert grid.status_code == 400 and "必须是数字" in grid.get_data(as_text=True)


def reported_values(period):
    from marketplace.models import Unit

    rows = db.session.execute(db.select(Unit.name, ReportedValue.value).join(Unit, Unit.id == ReportedValue.unit_id)
                              .where(ReportedValue.period == period)).all()
    return dict(rows)


def test_admin_keeps_units_liaisons_indicators_and_targets(district, make, client, login):
    login(make.user("admin"))
    taken = client.post("/monitoring/admin/units", data={"name": "仓前街道", "kind": "town", "map_col": "9",
                                                          "map_row": "9"})
    assert taken.status_code == 400 and "已有同名单位" in taken.get_data(as_text=True)
    assert client.post("/monitoring/admin/units", data={"name": "新园区", "kind": "park", "map_col": "5",
                                                         "map_row": "3"}).status_code == 302
    new = unit_by_name("新园区")
    assert (new.kind, new.map_col, new.map_row, new.active) == ("park", 5, 3, True)
    assert client.post(f"/monitoring/admin/units/{new.id}/deactivate").status_code == 302
    assert not new.active
    person_ = make.user("enterprise", email="town@example.com")
    client.post(f"/monitoring/admin/units/{new.id}/liaisons", data={"email": "TOWN@example.com"})
    assert person_.unit_id == new.id
    free = catalogue.free_keys()
    assert "achievements_listed" not in free and "demands_posted" in free
    added = client.post("/monitoring/admin/indicators", data={
        "name": "需求发布数", "source": "computed", "key": "demands_posted", "direction": "higher", "weight": "10",
        "cap_percent": "150"})
    assert added.status_code == 302
    indicator = db.session.scalar(db.select(Indicator).where(Indicator.name == "需求发布数"))
    assert (indicator.key, indicator.measure, indicator.cap_percent) == ("demands_posted", "项", 150)
    refused = client.post("/monitoring/admin/indicators", data={
        "name": "重复", "source": "computed", "key": "demands_posted", "direction": "higher", "weight": "x"})
    assert refused.status_code == 400 and "尚未使用" in refused.get_data(as_text=True)
    saved = client.post(f"/monitoring/admin/indicators/{indicator.id}", data={
        "part": "targets", "year": "2026", f"target-{district['cq'].id}": "12", f"target-{district['wl'].id}": ""})
    assert saved.status_code == 302 and catalogue.targets(indicator, 2026) == {district["cq"].id: D("12.00")}
    assert client.get(f"/monitoring/admin/indicators/{indicator.id}").status_code == 200
    assert client.get("/monitoring/admin/reported?period=bad").status_code == 200


def test_empty_states_and_a_snapshot_without_indicators(app, make, client, login):
    ensure_units()
    db.session.commit()
    login(make.user("admin"))
    assert "还没有任何监测快照" in client.get("/monitoring/league").get_data(as_text=True)
    unit = unit_by_name("仓前街道")
    assert "还没有任何监测快照" in client.get(f"/monitoring/units/{unit.id}").get_data(as_text=True)
    future = client.post("/monitoring/snapshots", data={"period": "2099Q1"}, follow_redirects=True)
    assert "尚未开始" in future.get_data(as_text=True)
    assert client.post("/monitoring/snapshots", data={"period": "2026Q1"}).status_code == 302
    for path in ("/monitoring/reports/2026Q1", "/monitoring/league", f"/monitoring/units/{unit.id}",
                 "/monitoring/reports/2026Q1.xlsx", "/monitoring/reports/2026Q1.pdf", "/monitoring/",
                 "/monitoring/reports/2026Q1?sort=unit", "/monitoring/reports/2026Q1?sort=completion"):
        assert client.get(path).status_code == 200, path


def test_challenges_awarded_counts_the_award_event(district, make):
    from marketplace.monitoring import indicators

    challenge = make.demand(owner=district["owner"], challenge=True, status="awarded")
    db.session.add(Event(subject_type="demand", subject_id=challenge.id, action="select", from_state="reviewing",
                         to_state="awarded", created_at=datetime(2026, 2, 1)))
    db.session.commit()
    figures = indicators.compute("challenges_awarded", date(2026, 1, 1), date(2026, 4, 1))
    assert figures[district["cq"].id].value == D("1.00")
    assert indicators.compute("challenges_awarded", date(2026, 4, 1), date(2026, 7, 1)) == {}
    assert indicators.compute("contracts_signed", date(2026, 1, 1), date(2026, 4, 1))[district["wl"].id] == \
        indicators.Figure(D("3.00"), 3)

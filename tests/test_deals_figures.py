"""Deal figures on a known fixture: funnel, conversion, median days from set event times,
amounts by field and month; the page's SVG charts; CSV and XLSX exports."""
import io
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from marketplace.deals import enquiries, figures, services
from marketplace.extensions import db
from marketplace.models import Event, Match

from .deals_support import COMPLETE, DELIVER, make_match, world


def _move(deal, actor, target, data, at):
    services.advance_deal(deal, actor, target, data)
    _stamp(deal, target, at)


def _stamp(deal, to_state, at):
    event = db.session.scalar(db.select(Event).where(Event.subject_type == "deal", Event.subject_id == deal.id,
                                                     Event.to_state == to_state))
    event.created_at = datetime.fromisoformat(at)
    db.session.commit()


def sign(amount, on):
    return {"contract_type": "技术转让", "amount": amount, "signed_on": on}


def register(on):
    return {"registration_no": "REG-" + on, "registered_on": on}


@pytest.fixture
def fixture(make, app):
    """Four deals: A commercialized (match), B registered (enquiry), C terminated after signing
    (scratch), D negotiating (match); plus one more proposal and one more enquiry left open."""
    w = world(make)
    gear = make.achievement(owner=w.researcher, title="六轴协作机器人", field="智能装备")
    other_demand = make.demand(owner=w.enterprise, title="机器人需求")
    third_demand = make.demand(owner=w.enterprise, title="第三个需求")
    db.session.execute(db.delete(Match))  # the matcher's own proposals: this fixture sets its leads exactly
    db.session.commit()
    b = w.broker
    a_deal = services.create_deal(b, {"match_id": make_match(w, 0.9).id})
    _stamp(a_deal, "negotiating", "2024-01-01T00:00:00")
    _move(a_deal, b, "contract_signed", sign("100", "2024-01-10"), "2024-01-05T00:00:00")
    _move(a_deal, b, "registered", register("2024-01-15"), "2024-01-15T00:00:00")
    _move(a_deal, b, "delivering", DELIVER, "2024-01-20T00:00:00")
    _move(a_deal, b, "commercialized", COMPLETE, "2024-02-19T00:00:00")

    enquiry = enquiries.create_enquiry(w.enterprise, gear.id, {"mode": "转让", "message": "想买"})
    b_deal = services.create_deal(b, {"enquiry_id": enquiry.id})
    _stamp(b_deal, "negotiating", "2024-01-01T00:00:00")
    _move(b_deal, b, "contract_signed", sign("50.25", "2024-02-05"), "2024-01-03T12:00:00")
    _move(b_deal, b, "registered", register("2024-02-06"), "2024-01-09T12:00:00")

    c_deal = services.create_deal(b, {"achievement_id": w.achievement.id, "buyer_org_id": w.enterprise.organization_id})
    _stamp(c_deal, "negotiating", "2024-01-01T00:00:00")
    _move(c_deal, b, "contract_signed", sign("30.00", "2024-02-20"), "2024-01-11T00:00:00")
    services.terminate_deal(c_deal, b, "买方撤资")
    _stamp(c_deal, "terminated", "2024-01-12T12:00:00")

    d_deal = services.create_deal(b, {"match_id": make_match(w, 0.7, demand=other_demand).id})
    make_match(w, 0.5, demand=third_demand)
    enquiries.create_enquiry(w.other_enterprise, w.achievement.id, {"mode": "许可", "message": "了解一下"})
    db.session.commit()
    return {"w": w, "deals": (a_deal, b_deal, c_deal, d_deal)}


def test_funnel_counts_and_amounts(fixture):
    rows = {r["stage"]: r for r in figures.compute()["funnel"]}
    reached = {s: (r["reached"], r["reached_amount"]) for s, r in rows.items()}
    current = {s: (r["current"], r["current_amount"]) for s, r in rows.items()}
    assert reached == {"negotiating": (4, Decimal("180.25")), "contract_signed": (3, Decimal("180.25")),
                       "registered": (2, Decimal("150.25")), "delivering": (1, Decimal("100.00")),
                       "commercialized": (1, Decimal("100.00")), "terminated": (1, Decimal("30.00"))}
    assert current == {"negotiating": (1, Decimal("0.00")), "contract_signed": (0, Decimal("0.00")),
                       "registered": (1, Decimal("50.25")), "delivering": (0, Decimal("0.00")),
                       "commercialized": (1, Decimal("100.00")), "terminated": (1, Decimal("30.00"))}
    assert all(isinstance(r["reached_amount"], Decimal) for r in rows.values())


def test_conversion_rates(fixture):
    rows = {r["source"]: r for r in figures.compute()["conversion"]}
    assert (rows["enquiry"]["signed"], rows["enquiry"]["leads"], rows["enquiry"]["rate"]) == (1, 2, Decimal("0.5000"))
    assert (rows["match"]["signed"], rows["match"]["leads"], rows["match"]["rate"]) == (1, 3, Decimal("0.3333"))
    assert (rows["all"]["signed"], rows["all"]["leads"], rows["all"]["rate"]) == (2, 5, Decimal("0.4000"))
    assert figures.percent(rows["match"]["rate"]) == "33.3%"


def test_median_days_per_stage(fixture):
    rows = {r["stage"]: (r["median_days"], r["deals"]) for r in figures.compute()["median_days"]}
    # negotiating: 4, 2.5, 10 days; contract_signed: 10, 6, 1.5; registered: 5; delivering: 30
    assert rows == {"negotiating": (Decimal("4.0"), 3), "contract_signed": (Decimal("6.0"), 3),
                    "registered": (Decimal("5.0"), 1), "delivering": (Decimal("30.0"), 1)}


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(app):
    events = {1: [Event(to_state="negotiating", created_at=datetime(2024, 1, 1)),
                  Event(to_state="contract_signed", created_at=datetime(2024, 1, 2))],
              2: [Event(to_state="negotiating", created_at=datetime(2024, 1, 1)),
                  Event(to_state="contract_signed", created_at=datetime(2024, 1, 5, 12))]}
    assert figures.median_days(events)[0]["median_days"] == Decimal("2.8")  # (1 + 4.5) / 2 = 2.75 → 2.8


def test_amounts_by_field_and_month_exclude_terminated(fixture):
    data = figures.compute()
    assert [(r["field"], r["count"], r["amount"]) for r in data["by_field"]] == [
        ("智能装备", 1, Decimal("50.25")), ("新材料", 1, Decimal("100.00"))]
    assert [(r["month"], r["count"], r["amount"]) for r in data["by_month"]] == [
        ("2024-01", 1, Decimal("100.00")), ("2024-02", 1, Decimal("50.25"))]


def test_figures_page_is_for_admins_with_svg_and_tables(fixture, client, login):
    w = fixture["w"]
    for user in (w.broker, w.enterprise, w.researcher):
        login(user)
        assert client.get("/deals/figures").status_code == 403
        assert client.get("/deals/figures.csv").status_code == 403
        assert client.get("/deals/figures.xlsx").status_code == 403
    login(w.admin)
    html = client.get("/deals/figures").get_data(as_text=True)
    assert html.count("<svg") == 5 and "<script" not in html.split("</footer>")[0].split("<main")[1]
    assert "cdn" not in html.lower()
    assert "33.3%" in html and "180.25" in html and "30.0" in html
    assert 'width="180"' in html  # the longest bar fills the bar area


def test_csv_export_has_bom_and_exact_rows(fixture, client, login):
    login(fixture["w"].admin)
    response = client.get("/deals/figures.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "交易漏斗"
    assert "已签约,3,180.25,0,0.00" in lines
    assert "全部线索 → 签约,2,5,40.0%" in lines
    assert "洽谈中,4.0,3" in lines
    assert "智能装备,1,50.25" in lines and "2024-02,1,50.25" in lines


def test_xlsx_export_sheets_and_numbers(fixture, client, login):
    login(fixture["w"].admin)
    response = client.get("/deals/figures.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["交易漏斗", "转化率", "各阶段停留天数", "按技术领域签约金额", "按月份签约金额"]
    funnel = [list(row) for row in book["交易漏斗"].iter_rows(values_only=True)]
    assert funnel[0][0] == "阶段" and funnel[2][:2] == ["已签约", 3]
    assert funnel[2][2] == pytest.approx(180.25) and book["交易漏斗"]["C3"].number_format == "#,##0.00"
    months = list(book["按月份签约金额"].iter_rows(values_only=True))
    assert months[1][0] == "2024-01" and months[1][2] == 100


def test_empty_figures_render(make, client, login):
    login(make.user("admin"))
    html = client.get("/deals/figures").get_data(as_text=True)
    assert "暂无数据" in html and "共 0 笔交易" in html

"""The evaluation rules (marketplace/enterprises/rules.py): a test at every band edge, and a fixture of
enterprises whose score, qualification, 高企 conditions and pools were worked out by hand."""
from datetime import date
from decimal import Decimal as D

import pytest

from marketplace.enterprises import rules

TODAY = date(2026, 11, 28)  # the next 高企 window closes 2027-06-30


@pytest.mark.parametrize("ratio, points", [
    ("30", 20), ("29.99", 16), ("25", 16), ("24.99", 12), ("20", 12), ("19.99", 8), ("15", 8), ("14.99", 4),
    ("10", 4), ("9.99", 0), ("0", 0)])
def test_staff_band_edges(ratio, points):
    assert rules.band_points(D(ratio), rules.STAFF_BANDS) == points
    # the same edge through real figures: 10,000 employees, ratio% of them 科技人员
    staff = int(D(ratio) * 100)
    assert rules.sme_score({"employees": 10000, "tech_staff": staff})[1]["staff"] == points


@pytest.mark.parametrize("ratio, points", [
    ("6", 50), ("5.99", 40), ("5", 40), ("4.99", 30), ("4", 30), ("3.99", 20), ("3", 20), ("2.99", 10),
    ("2", 10), ("1.99", 0)])
def test_rd_by_sales_band_edges(ratio, points):
    assert rules.band_points(D(ratio), rules.RD_SALES_BANDS) == points
    figures = {"revenue": D("10000.00"), "rd_expense": D(ratio) * 100, "total_cost": None}
    assert rules.sme_score(figures)[1]["rd"] == points


@pytest.mark.parametrize("ratio, points", [
    ("30", 50), ("29.99", 40), ("25", 40), ("24.99", 30), ("20", 30), ("19.99", 20), ("15", 20), ("14.99", 10),
    ("10", 10), ("9.99", 0)])
def test_rd_by_cost_band_edges(ratio, points):
    assert rules.band_points(D(ratio), rules.RD_COST_BANDS) == points
    figures = {"revenue": None, "rd_expense": D(ratio) * 100, "total_cost": D("10000.00")}
    assert rules.sme_score(figures)[1]["rd"] == points


def test_rd_takes_the_better_of_the_two_ratios():
    # R&D 50 of sales 2000 (2.5 % → 10) and of cost 200 (25 % → 40)
    assert rules.sme_score({"rd_expense": D(50), "revenue": D(2000), "total_cost": D(200)})[1]["rd"] == 40


@pytest.mark.parametrize("class1, class2, points", [
    (1, 0, 30), (3, 7, 30), (0, 5, 24), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)])
def test_ip_band_edges(class1, class2, points):
    assert rules.sme_score({"ip_class1": class1, "ip_class2": class2})[1]["ip"] == points


def _figures(**values):
    base = {"employees": 100, "tech_staff": 30, "revenue": D("3000.00"), "rd_expense": D("180.00"),
            "total_cost": D("2500.00"), "high_tech_revenue": D("2000.00"), "total_assets": D("5000.00"),
            "net_assets": D("3000.00"), "ip_class1": 1, "ip_class2": 0, "standards_led": 0}
    base.update(values)
    return base


@pytest.mark.parametrize("employees, revenue, assets, ok", [
    (500, D(20000), D(20000), True), (501, D(100), D(100), False), (10, D("20000.01"), D(100), False),
    (10, D(100), D("20000.01"), False), (None, D(100), D(100), None)])
def test_size_limit_edges(employees, revenue, assets, ok):
    assert rules.within_size({"employees": employees, "revenue": revenue, "total_assets": assets}) is ok


def test_pass_mark_edge_and_staff_not_zero():
    # staff 20 % → 12, R&D 4 % → 30, two Ⅱ类 → 12: 54, not qualified; one more Ⅱ类 → 18: 60 qualified
    at_54 = _figures(tech_staff=20, rd_expense=D("120.00"), total_cost=D("9000.00"), ip_class1=0, ip_class2=2)
    result = rules.evaluate({2025: at_54}, today=TODAY)
    assert (result.score, result.qualified) == (54, False)
    result = rules.evaluate({2025: dict(at_54, ip_class2=3)}, today=TODAY)
    assert (result.score, result.qualified) == (60, True)
    # 科技人员 9 %: staff scores 0, so even 80 points do not qualify
    result = rules.evaluate({2025: _figures(tech_staff=9)}, today=TODAY)
    assert (result.score, result.components["staff"], result.qualified) == (80, 0, False)


def test_hte_rd_minimum_by_sales():
    assert rules.hte_rd_minimum(D(5000)) == 5 and rules.hte_rd_minimum(D("5000.01")) == 4
    assert rules.hte_rd_minimum(D(20000)) == 4 and rules.hte_rd_minimum(D("20000.01")) == 3


def test_hte_thresholds_edges():
    years = {2025: _figures(tech_staff=10, high_tech_revenue=D("1800.00"))}  # exactly 10 % and 60 %
    by_key = {c.key: c for c in rules.hte_conditions(years, date(2020, 1, 1), TODAY)}
    assert by_key["staff"].met is True and by_key["high_tech"].met is True
    years = {2025: _figures(tech_staff=9, high_tech_revenue=D("1799.99"))}
    by_key = {c.key: c for c in rules.hte_conditions(years, date(2020, 1, 1), TODAY)}
    assert by_key["staff"].met is False and by_key["staff"].short_by == 1
    assert by_key["high_tech"].met is False


def test_registration_counts_to_the_next_window():
    conditions = rules.hte_conditions({}, date(2026, 6, 30), TODAY)
    assert conditions[0].met is True  # one year old on 2027-06-30, the window
    conditions = rules.hte_conditions({}, date(2026, 7, 1), TODAY)
    assert conditions[0].met is False and "2027-07-01" in conditions[0].message


# ---------------------------------------------------------------- the hand-worked fixture
# Each enterprise's figures, and the expected result computed by hand from the tables above.

FIXTURE = [
    # 甲: staff 30/100 = 30 % → 20; R&D 180/3000 = 6 % → 50; Ⅰ类 1 → 30: 100, qualified.
    # 高企: IP yes, staff 30 % ≥ 10, 3-year R&D 6 % ≥ 5 % (sales ≤ 5000), high-tech 2000/3000 = 66.7 % ≥ 60.
    ("甲", {2025: _figures()}, date(2018, 3, 1), 100, {"staff": 20, "rd": 50, "ip": 30}, True, ["准高企"]),
    # 乙: staff 12/100 = 12 % → 4; R&D 96/3000 = 3.2 % → 20, 96/2500 = 3.84 % → 0; Ⅱ类 3 → 18: 42, no pool.
    ("乙", {2025: _figures(tech_staff=12, rd_expense=D("96.00"), ip_class1=0, ip_class2=3)}, date(2018, 3, 1),
     42, {"staff": 4, "rd": 20, "ip": 18}, False, []),
    # 丙: staff 22/100 → 12; R&D 96/3000 = 3.2 % → 20; Ⅱ类 2 → 12: 44 … one more Ⅱ类 (3 → 18) = 50: 准科技型.
    ("丙", {2025: _figures(tech_staff=22, rd_expense=D("96.00"), ip_class1=0, ip_class2=3)}, date(2018, 3, 1),
     50, {"staff": 12, "rd": 20, "ip": 18}, False, ["准科技型"]),
    # 丁: 80 points but total assets unknown: not qualified, ≥ 60 with a missing datum → 准科技型; 高企 R&D 3-year
    # (150+160+180)/(2800+2900+3000) = 490/8700 = 5.63 % ≥ 5 → met; all met → also 准高企 (score ≥ 60).
    ("丁", {2023: _figures(rd_expense=D("150.00"), revenue=D("2800.00")),
           2024: _figures(rd_expense=D("160.00"), revenue=D("2900.00")),
           2025: _figures(total_assets=None)}, date(2019, 5, 5), 100, {"staff": 20, "rd": 50, "ip": 30}, False,
     ["准科技型", "准高企"]),
    # 戊: qualified (staff 25 % → 16, R&D 5 % → 40, Ⅰ类 → 30 = 86); 高企 R&D over 3 years
    # (100+120+150)/(3000+3000+3000) = 4.11 % < 5 → short 0.89 points, within the 1-point margin: 准高企.
    ("戊", {2023: _figures(rd_expense=D("100.00")), 2024: _figures(rd_expense=D("120.00")),
           2025: _figures(tech_staff=25, rd_expense=D("150.00"))}, date(2015, 1, 1), 86,
     {"staff": 16, "rd": 40, "ip": 30}, True, ["准高企"]),
    # 己: same as 戊 but registered 2026-09-01: not one year old by 2027-06-30 → no 准高企.
    ("己", {2025: _figures(tech_staff=25, rd_expense=D("150.00"))}, date(2026, 9, 1), 86,
     {"staff": 16, "rd": 40, "ip": 30}, True, []),
    # 庚: 600 employees: outside the size limits, never 科技型 nor 准科技型 though it scores 100; but a score
    # ≥ 60 with every 高企 condition met (staff 200/600 = 33 %) puts it in 准高企 (高企 has no size limit).
    ("庚", {2025: _figures(employees=600, tech_staff=200)}, date(2010, 1, 1), 100,
     {"staff": 20, "rd": 50, "ip": 30}, False, ["准高企"]),
]


@pytest.mark.parametrize("name, years, registered, score, components, qualified, pools", FIXTURE,
                         ids=[row[0] for row in FIXTURE])
def test_hand_worked_enterprises(name, years, registered, score, components, qualified, pools):
    result = rules.evaluate(years, registered_on=registered, today=TODAY)
    assert result.score == score
    assert result.components == components
    assert result.qualified is qualified
    assert result.pools == pools


def test_gap_message_names_the_shortfall_in_points_and_money():
    # R&D 96 of sales 3000 = 3.2 %: to 4 % is 0.8 points, 24 万元 (the example)
    result = rules.evaluate({2025: _figures(tech_staff=12, rd_expense=D("96.00"), ip_class1=0, ip_class2=3)},
                            registered_on=date(2018, 3, 1), today=TODAY)
    messages = [g["message"] for g in result.gaps if g["item"] == "rd"]
    assert "研发投入占比 3.2%，距 4% 差 0.8 个百分点，约 24 万元（可得 30 分）" in messages


def test_hte_condition_unknown_and_short_reported():
    result = rules.evaluate({2025: _figures(high_tech_revenue=None, ip_class1=0, ip_class2=0)},
                            registered_on=date(2018, 3, 1), today=TODAY)
    by_key = {c.key: c for c in result.conditions}
    assert by_key["high_tech"].met is None and by_key["ip"].met is False
    assert "准高企" not in result.pools  # an unknown condition keeps it out


def test_computed_tags():
    years = {2024: _figures(revenue=D("2000.00")), 2025: _figures()}
    result = rules.evaluate(years, registered_on=date(2018, 3, 1), hte_cert_on=date(2025, 1, 1),
                            field_name="新材料", today=TODAY)
    assert result.tags == ["科技型中小企业", "高新技术企业", "有发明专利", "研发投入强度高", "成长型", "新材料"]
    assert result.pools == []  # already a 高企
    expired = rules.evaluate(years, registered_on=date(2018, 3, 1), hte_cert_on=date(2023, 11, 28), today=TODAY)
    assert "高新技术企业" not in expired.tags

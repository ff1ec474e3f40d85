"""marketplace/parsing.py is the one parser of money: listings, quotes and deals refuse the same input alike."""
from decimal import Decimal

import pytest

from marketplace.parsing import parse_amount


@pytest.mark.parametrize("value, expected", [("12.5", Decimal("12.50")), ("1,234.56", Decimal("1234.56")),
                                             (12.5, Decimal("12.50")), (7, Decimal("7.00")),
                                             ("12.500", Decimal("12.50"))])
def test_amounts_are_decimals_with_two_places(value, expected):
    errors = {}
    assert parse_amount(value, "金额", "amount", errors) == expected and errors == {}


@pytest.mark.parametrize("value", ["12.345", "abc", "1e400", "NaN", "-1", "0", True, [1], "9" * 31, "10000000000"])
def test_bad_amounts_are_refused_with_a_message(value):
    errors = {}
    assert parse_amount(value, "金额", "amount", errors) is None
    assert errors["amount"].startswith("金额")


def test_zero_is_allowed_only_where_asked_and_empty_only_when_optional():
    errors = {}
    assert parse_amount("0", "参考价格", "price", errors, required=False, allow_zero=True) == Decimal("0.00")
    assert parse_amount("", "参考价格", "price", errors, required=False, allow_zero=True) is None
    assert errors == {}
    parse_amount("", "报价", "quote", errors, allow_zero=True)
    assert errors == {"quote": "请填写报价（万元）"}


def test_listing_price_quote_and_deal_amount_refuse_three_decimals_alike(app):
    from marketplace.challenges.applications import clean_application
    from marketplace.listings.cleaning import clean_achievement
    from marketplace.workflow import ValidationFailed

    with pytest.raises(ValidationFailed) as listing:
        clean_achievement({"title": "成果", "description": "描述", "field": "新材料", "price": "12.345"})
    assert "最多保留两位小数" in listing.value.errors["price"]
    with pytest.raises(ValidationFailed) as quote:
        clean_application({"proposal": "方案", "quote": "12.345"})
    assert "最多保留两位小数" in quote.value.errors["quote"]


def test_dates_are_parsed_by_one_function_with_its_bounds():
    from datetime import date

    from marketplace.parsing import parse_date
    from marketplace.timeutil import local_today

    errors = {}
    assert parse_date("2025-03-01", "签约日期", "signed_on", errors) == date(2025, 3, 1)
    assert parse_date(" ", "计划日期", "on", errors, required=False) is None and errors == {}
    far = f"{local_today().year + 6}-01-01"
    for value, kwargs, message in [
        ("2025/03/01", {}, "签约日期格式应为 YYYY-MM-DD"),
        ("1979-12-31", {}, "签约日期不能早于 1980 年"),
        (far, {}, "签约日期不能晚于今天"),
        (far, {"not_after_today": False, "years_ahead": 5}, f"签约日期不能晚于 {local_today().year + 5} 年底"),
    ]:
        errors = {}
        assert parse_date(value, "签约日期", "signed_on", errors, **kwargs) is None
        assert errors == {"signed_on": message}


def test_a_challenge_deadline_and_a_milestone_date_use_the_one_date_parser(app, make):
    from marketplace.challenges.milestones import clean_milestone
    from marketplace.listings.cleaning import clean_demand
    from marketplace.timeutil import local_today
    from marketplace.workflow import ValidationFailed

    late = f"{local_today().year + 6}-01-01"
    with pytest.raises(ValidationFailed) as refused:
        clean_demand({"title": "榜单", "description": "<p>需求</p>", "is_challenge": "1", "bounty": "10",
                      "deadline": late})
    assert refused.value.errors["deadline"] == f"截止日期不能晚于 {local_today().year + 5} 年底"
    with pytest.raises(ValidationFailed) as refused:
        clean_milestone({"title": "小试", "share_percent": "10", "due_on": "2026-13-01"},
                        make.demand(challenge=True))
    assert refused.value.errors == {"due_on": "计划完成日期格式应为 YYYY-MM-DD"}

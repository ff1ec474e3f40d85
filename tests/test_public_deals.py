"""成交公示 (/deals/public): registered deals, newest first, paginated, amount as a band; either party opts out."""
import re
from datetime import date
from decimal import Decimal

import pytest

from marketplace.deals import public
from marketplace.workflow import PermissionDenied

from .deals_support import REGISTER, advance_to, open_deal, world


def text_of(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.mark.parametrize("amount, band", [(None, "未公开"), ("9.99", "10 万元以下"), ("10", "10–50 万元"),
                                          ("120.50", "100–500 万元"), ("999.99", "500–1000 万元"),
                                          ("1000", "1000 万元及以上")])
def test_amount_bands(amount, band):
    assert public.amount_band(None if amount is None else Decimal(amount)) == band


def test_registered_deals_are_listed_with_a_band_not_the_amount(client, db, make):
    w = world(make)
    negotiating = open_deal(w)
    assert "暂无公示的成交项目" in text_of(client.get("/deals/public"))
    signed = advance_to(open_deal(w, demand_id=None, achievement_id=make.achievement(owner=w.researcher).id,
                                  buyer_org_id=w.enterprise.organization_id), "contract_signed", w.admin)
    deal = advance_to(negotiating, "registered", w.broker)
    page = text_of(client.get("/deals/public"))
    assert w.achievement.title in page and "华南理工测试大学" in page and "广州测试科技有限公司" in page
    assert "技术转让" in page and "100–500 万元" in page and REGISTER["registered_on"] in page
    assert "120.50" not in page and "120.5" not in page  # never the exact amount
    assert page.count(w.achievement.title) == 2  # table and phone cards: one deal; the signed one is not listed
    assert signed.stage == "contract_signed" and deal.stage == "registered"


def test_newest_registration_first_and_paginated(client, db, make):
    w = world(make)
    titles = []
    for n in range(public.PER_PAGE + 1):
        achievement = make.achievement(owner=w.researcher, title=f"公示成果{n:02d}")
        deal = open_deal(w, achievement_id=achievement.id, demand_id=None, buyer_org_id=w.enterprise.organization_id)
        advance_to(deal, "contract_signed", w.broker)
        deal.stage, deal.registered_on, deal.registration_no = "registered", date(2025, 1, 1 + n), f"R{n}"
        titles.append(achievement.title)
    db.session.commit()
    first = text_of(client.get("/deals/public"))
    assert first.index("公示成果20") < first.index("公示成果19")
    assert "公示成果00" not in first and "下一页" in first
    assert "公示成果00" in text_of(client.get("/deals/public?page=2"))


def test_either_party_opts_out_on_the_deal_page(client, db, make, login):
    w = world(make)
    deal = advance_to(open_deal(w), "registered", w.broker)
    login(w.buyer_colleague)  # any member of the buyer's organization speaks for the buyer
    page = text_of(client.get(f"/deals/{deal.id}"))
    assert "不在成交公示中展示本交易" in page and "公示中" in page
    client.post(f"/deals/{deal.id}/public", data={"hidden": "y"})
    db.session.refresh(deal)
    assert deal.public_optout_buyer and not deal.public_optout_supplier
    assert w.achievement.title not in text_of(client.get("/deals/public"))
    login(w.researcher)  # the other side cannot undo the buyer's choice
    client.post(f"/deals/{deal.id}/public", data={})
    db.session.refresh(deal)
    assert deal.public_optout_buyer and not public.is_listed(deal)
    login(w.enterprise)
    client.post(f"/deals/{deal.id}/public", data={})
    assert w.achievement.title in text_of(client.get("/deals/public"))
    login(w.broker)  # the broker sees the deal but is no party
    assert "不在成交公示中展示本交易" not in text_of(client.get(f"/deals/{deal.id}"))
    assert client.post(f"/deals/{deal.id}/public", data={"hidden": "y"}).status_code == 403
    with pytest.raises(PermissionDenied):
        public.set_optout(w.admin, deal, True)
    login(w.other_enterprise)
    assert client.post(f"/deals/{deal.id}/public", data={"hidden": "y"}).status_code == 404


def test_terminated_deals_are_not_listed(client, db, make):
    w = world(make)
    deal = advance_to(open_deal(w), "registered", w.broker)
    deal.stage = "terminated"
    db.session.commit()
    assert w.achievement.title not in text_of(client.get("/deals/public"))

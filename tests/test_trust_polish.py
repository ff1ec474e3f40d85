"""Issue #11 "Seen, to fix": texts and flows that made the product look untrustworthy."""
import re
from datetime import timedelta

from marketplace.timeutil import utcnow

from .challenge_support import reload


def text_of(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# ---------------------------------------------------------------- 1. one time text per challenge

def test_closed_challenge_never_shows_days_left(client, login, make):
    challenge = make.demand(challenge=True, deadline=utcnow() + timedelta(days=20, hours=1))
    login(challenge.owner)
    client.post(f"/challenges/{challenge.id}/close", data={"note": "提前截止"})
    assert reload(challenge).status == "reviewing"
    login(None)
    for url in (f"/demands/{challenge.id}", "/demands", "/challenges?tab=reviewing"):
        page = text_of(client.get(url))
        assert "已截止" in page, url
        assert "剩余 20 天" not in page, url


def test_unpublished_challenge_shows_days_left_not_closed(client, login, make):
    challenge = make.demand(challenge=True, status="pending", deadline=utcnow() + timedelta(days=64, hours=1))
    login(challenge.owner)
    for url in (f"/demands/{challenge.id}", f"/challenges/{challenge.id}/manage"):
        page = text_of(client.get(url))
        assert "剩余 64 天" in page, url
        assert "已截止" not in page, url


def test_time_text_has_no_padding_inside_brackets(client, make):
    challenge = make.demand(challenge=True, deadline=utcnow() + timedelta(days=30, hours=1))
    page = client.get(f"/demands/{challenge.id}").get_data(as_text=True)
    assert "（剩余 30 天）" in page

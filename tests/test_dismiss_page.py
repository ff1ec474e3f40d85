"""Dismissing a proposal through one form per page (issue #15): a row carries only a link to GET
/matches/<id>/dismiss (the form on its own page, without JavaScript); the page's one <dialog> holds the form that
static/js/dismiss.js opens for the clicked row. The POST itself is tested in test_matching_feedback.py."""
import re
from urllib.parse import quote

import pytest

from marketplace.extensions import db
from marketplace.matching import calibration, feedback
from marketplace.models import Match

DISMISS_FORM = re.compile(r'<form method="post" action="[^"]*" data-dismiss-form>')
DISMISS_LINK = re.compile(r'href="/matches/(\d+)/dismiss\?next=([^"]*)" data-dismiss-dialog')


def _strong():
    return max(0.95, calibration.min_score(0) + 0.01)


def _pairings(make, n, status="proposed"):
    """A demand with `n` proposals (strong ones, so that the workbench lists them too)."""
    need = make.demand(title="寻求某种散热方案")
    matches = [make.match(need, make.achievement(title=f"某散热成果{i}"), score=_strong(), status=status)
               for i in range(n)]
    return need, matches


@pytest.mark.parametrize("n", [1, 5])
def test_the_pairings_page_has_one_form_and_a_link_per_proposal(client, login, make, n):
    need, matches = _pairings(make, n)
    login(make.user("broker"))
    page = client.get(f"/demands/{need.id}/matches").get_data(as_text=True)
    assert len(DISMISS_FORM.findall(page)) == 1 and page.count("<dialog") == 1
    assert page.count('name="reason"') == 1
    links = DISMISS_LINK.findall(page)
    assert sorted(int(match_id) for match_id, _ in links) == sorted(m.id for m in matches)
    assert {next_q for _, next_q in links} == {quote(f"/demands/{need.id}/matches")}
    assert "不感兴趣" in page and "js/dismiss.js" in page


def test_the_workbench_has_one_form_and_a_link_per_row_keeping_its_page(client, login, make):
    _, matches = _pairings(make, 4)
    login(make.user("broker"))
    page = client.get("/matching/workbench?page=1").get_data(as_text=True)
    assert len(DISMISS_FORM.findall(page)) == 1 and page.count('name="reason"') == 1
    links = DISMISS_LINK.findall(page)
    assert {m.id for m in matches} <= {int(match_id) for match_id, _ in links}
    assert len(links) == len({match_id for match_id, _ in links})
    assert {next_q for _, next_q in links} == {"/matching/workbench%3Fpage%3D1"}
    assert 'name="next" value="/matching/workbench?page=1"' in page


def test_a_converted_row_gets_no_link(client, login, make):
    need, [match] = _pairings(make, 1)
    login(need.owner)
    assert f"/matches/{match.id}/dismiss" in client.get(f"/demands/{need.id}/matches").get_data(as_text=True)
    make.match(need, match.achievement, score=_strong(), status="converted")
    page = client.get(f"/demands/{need.id}/matches").get_data(as_text=True)
    assert "已立项" in page and f"/matches/{match.id}/dismiss" not in page


@pytest.mark.parametrize("who", ["demand owner", "achievement owner", "broker", "admin"])
def test_the_dismiss_page_shows_the_form_to_who_may_dismiss(client, login, make, who):
    need, [match] = _pairings(make, 1)
    user = {"demand owner": need.owner, "achievement owner": match.achievement.owner}.get(who) or make.user(who)
    login(user)
    back = f"/demands/{need.id}/matches"
    response = client.get(f"/matches/{match.id}/dismiss?next={quote(back)}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "忽略推荐" in page and need.title in page and match.achievement.title in page
    assert f'action="/matches/{match.id}/dismiss"' in page and 'name="csrf_token"' in page
    assert all(f'<option value="{r}">' in page for r in feedback.DISMISS_REASONS)
    assert f'name="next" value="{back}"' in page and f'href="{back}">返回' in page
    assert 'data-strength="' in page


def test_the_dismiss_page_refuses_others_and_unknown_ids(client, login, make):
    need, [match] = _pairings(make, 1)
    assert client.get(f"/matches/{match.id}/dismiss").status_code == 302  # to the login page
    login(make.user("researcher"))
    response = client.get(f"/matches/{match.id}/dismiss")
    assert response.status_code == 403 and "可以忽略推荐" in response.get_data(as_text=True)
    login(make.user("enterprise"))
    assert client.get(f"/matches/{match.id}/dismiss").status_code == 403
    login(need.owner)
    assert client.get("/matches/999999/dismiss").status_code == 404


def test_an_unsafe_next_falls_back_to_the_demands_pairings(client, login, make):
    need, [match] = _pairings(make, 1)
    login(need.owner)
    page = client.get(f"/matches/{match.id}/dismiss?next=https://evil.example/").get_data(as_text=True)
    assert "evil.example" not in page and f'name="next" value="/demands/{need.id}/matches"' in page


def test_the_dismiss_page_posts_and_then_says_the_proposal_is_gone(client, login, make):
    need, [match] = _pairings(make, 1)
    login(need.owner)
    back = f"/demands/{need.id}/matches"
    response = client.post(f"/matches/{match.id}/dismiss", data={"reason": "不相关", "next": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    db.session.expire_all()
    assert db.session.get(Match, match.id).status == "dismissed"
    response = client.get(f"/matches/{match.id}/dismiss?next={quote(back)}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "该推荐已被忽略，无需再忽略" in page
    assert 'name="reason"' not in page and f'href="{back}">返回' in page

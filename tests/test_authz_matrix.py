"""The authorization matrix: every route of the app × every role gets exactly the answer it should.

The table below lists, for each (rule, method) of the app's url_map, one or more cases (a concrete
URL built from the fixture's objects) with the expected outcome per role. A route added later
without a row here makes test_every_route_is_in_the_matrix fail.

Outcomes:  OK 200 · LOGIN 302 to /login · REDIR 302 elsewhere · F 403 · N 404 · U 401 (API, no token)
           A  "allowed": anything but 302-to-login / 401 / 403 / 404 (and never a 5xx) — used for
              POST actions, whose answer (200 / 201 / 302 / 400 / 409) depends on the form and state.

Roles: visitor (not logged in, no token) · researcher (owns the achievements, applied to the challenge,
won the running challenge, supplier party of the deal, org admin of its university) · enterprise (owns the
demands and challenges, enquired, buyer party of the deal, a plain member of its company) · broker (assigned
to the deal) · other_broker (a broker not assigned to the deal) · admin · other_researcher and other_enterprise (same roles, own nothing here, belong to other
organizations) · pending_member (a researcher who registered into the researcher's university and waits
for approval: sees what a visitor sees; by default expected to fare like other_researcher).

One database is built per module and copied back before every case, so POST actions cannot leak
state into the next case (a file copy on SQLite, a database cloned from a saved one on PostgreSQL).
"""
import hashlib
import shutil
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from werkzeug.routing import AnyConverter

import pytest

from marketplace import create_app
from marketplace.accounts import membership, services as accounts
from marketplace.extensions import db
from marketplace.matching import index
from marketplace.models import (ApiToken, Application, Enquiry, ImportJob, Milestone, Notification,
                                Subscription)
from marketplace.timeutil import utcnow

from . import databases, factories
from .deals_support import person

ROLES = ("visitor", "researcher", "enterprise", "broker", "admin", "other_researcher", "other_enterprise",
         "pending_member", "other_broker")
OK, LOGIN, REDIR, F, N, U, A = "200", "login", "redirect", "403", "404", "401", "allowed"


def E(visitor, researcher, enterprise, broker, admin, other_researcher, other_enterprise, pending_member=None,
      other_broker=None):
    """Expected outcomes, in ROLES order; a pending member fares like other_researcher and an unassigned broker like
    the broker unless given."""
    pending_member = other_researcher if pending_member is None else pending_member
    other_broker = broker if other_broker is None else other_broker
    return dict(zip(ROLES, (visitor, researcher, enterprise, broker, admin, other_researcher, other_enterprise,
                            pending_member, other_broker)))


def everyone(code):
    return E(*[code] * len(ROLES))


def only(allowed_roles, code, visitor=LOGIN, others=F):
    """`code` for the listed roles (an unassigned broker with the broker), `visitor` for visitors, `others` for the rest."""
    allowed = set(allowed_roles) | ({"other_broker"} if "broker" in allowed_roles else set())
    return {role: (visitor if role == "visitor" else code if role in allowed else others) for role in ROLES}


ADMIN = ("admin",)
WORKERS = ("broker", "admin")
LOGGED_IN = ROLES[1:]
RESEARCHERS = ("researcher", "other_researcher")
ENTERPRISES = ("enterprise", "other_enterprise")

API_BODY = {"reason": "不符合要求", "note": "测试说明", "proposal": "<p>采用化学气相沉积法</p>", "quote": "30",
            "title": "一种新型散热材料", "summary": "一段简介", "description": "<p>需求描述</p>",
            "to": "contract_signed", "contract_type": "技术转让", "amount": "12.50", "signed_on": "2024-03-01"}
LISTING_FORM = {"title": "一种新型散热材料", "summary": "一段简介", "description": "<p>描述</p>", "field": "新材料",
                "type": "发明专利", "maturity": "中试", "modes": "转让"}


# ---------------------------------------------------------------- the table
# (method, url_map rule, URL with {placeholders} from the fixture's ids, expectations[, form/JSON body])

PAGE_CASES = [
    # main and accounts
    ("GET", "/", "/", everyone(OK)),
    ("GET", "/healthz", "/healthz", everyone(OK)),
    ("GET", "/favicon.ico", "/favicon.ico", everyone(OK)),
    ("GET", "/login", "/login", E(OK, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR)),
    ("POST", "/login", "/login", E(OK, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR),
     {"email": "nobody@example.com", "password": "wrong-password"}),
    ("POST", "/logout", "/logout", everyone(REDIR)),
    ("GET", "/register", "/register", E(OK, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR)),
    ("POST", "/register", "/register", E(A, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR)),
    ("GET", "/account/password", "/account/password", only(LOGGED_IN, OK)),
    ("POST", "/account/password", "/account/password", only(LOGGED_IN, A)),
    ("POST", "/account/tokens/<int:token_id>/revoke", "/account/tokens/{token_researcher}/revoke",
     E(LOGIN, REDIR, N, N, N, N, N)),
    ("POST", "/account/tokens/<int:token_id>/revoke", "/account/tokens/999999/revoke", only(LOGGED_IN, N)),
    ("GET", "/me", "/me", only(LOGGED_IN, OK)),
    ("GET", "/org", "/org", E(LOGIN, OK, OK, OK, OK, OK, OK, REDIR)),
    ("POST", "/org", "/org", E(LOGIN, A, F, F, A, F, F, REDIR), {"name": "矩阵测试大学", "kind": "university",
                                                                "region": "新区"}),
    ("GET", "/org/members", "/org/members", E(LOGIN, OK, F, F, OK, F, F, REDIR)),
    ("POST", "/org/requests/<int:request_id>/<any(approve, reject):action>", "/org/requests/{join}/approve",
     E(LOGIN, A, N, N, A, N, N, N)),
    ("POST", "/org/requests/<int:request_id>/<any(approve, reject):action>", "/org/requests/{join}/reject",
     E(LOGIN, A, N, N, A, N, N, N), {"reason": "查无此人"}),
    ("GET", "/org/join", "/org/join", only(LOGGED_IN, REDIR)),
    ("POST", "/org/join", "/org/join", only(LOGGED_IN, REDIR), {"org_mode": "existing", "org_id": "{org_researcher}"}),
    ("GET", "/orgs/<int:org_id>", "/orgs/{org_researcher}", everyone(OK)),
    ("GET", "/orgs/<int:org_id>", "/orgs/999999", everyone(N)),

    # listings: achievements
    ("GET", "/achievements", "/achievements", everyone(OK)),
    ("GET", "/achievements/new", "/achievements/new", only(("researcher", "admin", "other_researcher"), OK)),
    ("POST", "/achievements/new", "/achievements/new", only(("researcher", "admin", "other_researcher"), A),
     LISTING_FORM),
    ("GET", "/achievements/<int:listing_id>", "/achievements/{ach_pub}", everyone(OK)),
    ("GET", "/achievements/<int:listing_id>", "/achievements/{ach_draft}", E(N, OK, N, N, OK, N, N)),
    ("GET", "/achievements/<int:listing_id>", "/achievements/{ach_pending}", E(N, OK, N, N, OK, N, N)),
    ("GET", "/achievements/<int:listing_id>", "/achievements/999999", everyone(N)),
    ("GET", "/achievements/<int:listing_id>/edit", "/achievements/{ach_draft}/edit", E(LOGIN, OK, N, N, F, N, N)),
    ("GET", "/achievements/<int:listing_id>/edit", "/achievements/{ach_pub}/edit", only((), OK)),
    ("POST", "/achievements/<int:listing_id>/edit", "/achievements/{ach_draft}/edit", E(LOGIN, A, N, N, F, N, N),
     LISTING_FORM),
    ("POST", "/achievements/<int:listing_id>/<any(submit, withdraw, archive):action>",
     "/achievements/{ach_draft}/submit", E(LOGIN, A, N, N, F, N, N)),
    ("POST", "/achievements/<int:listing_id>/<any(submit, withdraw, archive):action>",
     "/achievements/{ach_pending}/withdraw", E(LOGIN, A, N, N, F, N, N)),
    ("POST", "/achievements/<int:listing_id>/<any(submit, withdraw, archive):action>",
     "/achievements/{ach_pub}/archive", E(LOGIN, A, F, F, A, F, F)),

    # listings: demands
    ("GET", "/demands", "/demands", everyone(OK)),
    ("GET", "/demands/new", "/demands/new", only(("enterprise", "admin", "other_enterprise"), OK)),
    ("POST", "/demands/new", "/demands/new", only(("enterprise", "admin", "other_enterprise"), A), LISTING_FORM),
    ("GET", "/demands/<int:listing_id>", "/demands/{dem_pub}", everyone(OK)),
    ("GET", "/demands/<int:listing_id>", "/demands/{chal}", everyone(OK)),
    ("GET", "/demands/<int:listing_id>", "/demands/{chal_run}", everyone(OK)),
    ("GET", "/demands/<int:listing_id>", "/demands/{dem_draft}", E(N, N, OK, N, OK, N, N)),
    ("GET", "/demands/<int:listing_id>", "/demands/{chal_draft}", E(N, N, OK, N, OK, N, N)),
    ("GET", "/demands/<int:listing_id>/edit", "/demands/{dem_draft}/edit", E(LOGIN, N, OK, N, F, N, N)),
    ("GET", "/demands/<int:listing_id>/edit", "/demands/{dem_pub}/edit", only((), OK)),
    ("POST", "/demands/<int:listing_id>/edit", "/demands/{dem_draft}/edit", E(LOGIN, N, A, N, F, N, N),
     LISTING_FORM),
    ("POST", "/demands/<int:listing_id>/<any(submit, withdraw, archive):action>",
     "/demands/{dem_draft}/submit", E(LOGIN, N, A, N, F, N, N)),
    ("POST", "/demands/<int:listing_id>/<any(submit, withdraw, archive):action>",
     "/demands/{dem_pending}/withdraw", E(LOGIN, N, A, N, F, N, N)),
    ("POST", "/demands/<int:listing_id>/<any(submit, withdraw, archive):action>",
     "/demands/{dem_pub}/archive", E(LOGIN, F, A, F, A, F, F)),

    # matching
    ("GET", "/search", "/search?q=石墨烯", everyone(OK)),
    ("GET", "/achievements/<int:listing_id>/matches", "/achievements/{ach_pub}/matches",
     E(LOGIN, OK, F, OK, OK, F, F)),
    ("GET", "/achievements/<int:listing_id>/matches", "/achievements/{ach_draft}/matches",
     E(LOGIN, OK, N, N, OK, N, N)),
    ("GET", "/demands/<int:listing_id>/matches", "/demands/{dem_pub}/matches", E(LOGIN, F, OK, OK, OK, F, F)),
    ("GET", "/demands/<int:listing_id>/matches", "/demands/{dem_draft}/matches", E(LOGIN, N, OK, N, OK, N, N)),
    ("POST", "/matches/<int:match_id>/dismiss", "/matches/{match}/dismiss", E(LOGIN, A, A, A, A, F, F),
     {"reason": "条件不符"}),
    ("GET", "/matching/workbench", "/matching/workbench", only(WORKERS, OK)),
    ("GET", "/matching/subscriptions", "/matching/subscriptions", only(LOGGED_IN, OK)),
    ("POST", "/matching/subscriptions", "/matching/subscriptions", only(LOGGED_IN, A),
     {"field": "新材料", "keywords": "石墨烯", "kind": ""}),
    ("POST", "/matching/subscriptions/<int:subscription_id>/delete", "/matching/subscriptions/{subscription}/delete",
     only(("researcher",), A)),

    # notifications
    ("GET", "/notifications/", "/notifications/", only(LOGGED_IN, OK)),
    ("POST", "/notifications/read", "/notifications/read", only(LOGGED_IN, A), {"id": "{notification}"}),

    # deals
    ("GET", "/deals/", "/deals/", only(WORKERS, OK)),
    ("GET", "/deals/board", "/deals/board", only(WORKERS, OK)),
    ("GET", "/deals/leads", "/deals/leads", only(WORKERS, OK)),
    ("POST", "/deals/enquiries/<int:enquiry_id>/close", "/deals/enquiries/{enquiry}/close", only(WORKERS, A)),
    ("GET", "/deals/new", "/deals/new", only(WORKERS, OK)),
    ("GET", "/deals/new", "/deals/new?match_id={match}", only(WORKERS, OK)),
    ("POST", "/deals/new", "/deals/new", only(WORKERS, A),
     {"achievement_id": "{ach_pub}", "buyer_org_id": "{org_enterprise}"}),
    ("GET", "/deals/<int:deal_id>", "/deals/{deal}", E(LOGIN, OK, OK, OK, OK, N, N, other_broker=N)),
    ("GET", "/deals/<int:deal_id>", "/deals/999999", E(LOGIN, N, N, N, N, N, N)),
    ("POST", "/deals/<int:deal_id>/advance", "/deals/{deal}/advance", E(LOGIN, F, F, A, A, N, N, other_broker=N),
     {"to": "contract_signed", "contract_type": "技术转让", "amount": "12.50", "signed_on": "2024-03-01"}),
    ("POST", "/deals/<int:deal_id>/terminate", "/deals/{deal}/terminate", E(LOGIN, F, F, A, A, N, N, other_broker=N),
     {"reason": "双方未达成一致"}),
    ("POST", "/deals/<int:deal_id>/notes", "/deals/{deal}/notes", E(LOGIN, F, F, A, A, N, N, other_broker=N),
     {"body": "已电话沟通"}),
    ("POST", "/deals/<int:deal_id>/next-step", "/deals/{deal}/next-step", E(LOGIN, F, F, A, A, N, N, other_broker=N),
     {"next_step": "约见企业", "next_step_on": "2030-01-01"}),
    ("POST", "/deals/<int:deal_id>/assign", "/deals/{deal}/assign", only(ADMIN, A), {"broker_id": "{broker}"}),
    ("GET", "/deals/figures", "/deals/figures", only(ADMIN, OK)),
    ("GET", "/deals/figures.csv", "/deals/figures.csv", only(ADMIN, OK)),
    ("GET", "/deals/figures.xlsx", "/deals/figures.xlsx", only(ADMIN, OK)),
    ("GET", "/achievements/<int:achievement_id>/enquire", "/achievements/{ach_pub}/enquire", only(ENTERPRISES, OK)),
    ("GET", "/achievements/<int:achievement_id>/enquire", "/achievements/{ach_draft}/enquire",
     only((), OK, others=N)),
    ("POST", "/achievements/<int:achievement_id>/enquire", "/achievements/{ach_pub}/enquire", only(ENTERPRISES, A),
     {"mode": "转让", "message": "希望洽谈转让事宜"}),

    # 揭榜挂帅: public list, applying, applications
    ("GET", "/challenges", "/challenges", everyone(OK)),
    ("GET", "/challenges/<int:demand_id>/apply", "/challenges/{chal}/apply", E(LOGIN, REDIR, F, F, F, OK, F, F)),
    ("GET", "/challenges/<int:demand_id>/apply", "/challenges/{chal_draft}/apply", E(LOGIN, N, F, F, F, N, F)),
    ("POST", "/challenges/<int:demand_id>/apply", "/challenges/{chal}/apply", only(RESEARCHERS, A),
     {"proposal": "<p>方案</p>", "quote": "30", "team": "团队", "plan": "计划"}),
    ("GET", "/applications/<int:app_id>", "/applications/{application}", E(LOGIN, OK, OK, N, OK, N, N)),
    ("POST", "/applications/<int:app_id>", "/applications/{application}", E(LOGIN, A, F, N, F, N, N),
     {"proposal": "<p>新方案</p>", "quote": "40", "team": "团队", "plan": "计划"}),
    ("POST", "/applications/<int:app_id>/withdraw", "/applications/{application}/withdraw",
     E(LOGIN, A, F, N, F, N, N)),
    ("POST", "/applications/<int:app_id>/<any(shortlist, select, decline):action>",
     "/applications/{application}/shortlist", E(LOGIN, F, A, F, F, F, N)),
    ("POST", "/applications/<int:app_id>/<any(shortlist, select, decline):action>",
     "/applications/{application}/select", E(LOGIN, F, A, F, F, F, N)),
    ("POST", "/applications/<int:app_id>/<any(shortlist, select, decline):action>",
     "/applications/{application}/decline", E(LOGIN, F, A, F, F, F, N), {"code": "route", "reason": "路线不符"}),

    # 揭榜挂帅: the owner's management
    ("GET", "/challenges/<int:demand_id>/manage", "/challenges/{chal}/manage", only(("enterprise",), OK)),
    ("GET", "/challenges/<int:demand_id>/manage", "/challenges/{chal_draft}/manage",
     E(LOGIN, F, OK, F, F, F, N)),
    ("GET", "/challenges/<int:demand_id>/manage", "/challenges/{dem_pub}/manage", E(LOGIN, F, N, F, F, F, N)),
    ("POST", "/challenges/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     "/challenges/{chal}/close", only(("enterprise",), A)),
    ("POST", "/challenges/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     "/challenges/{chal}/cancel", only(("enterprise",), A), {"reason": "需求变化"}),
    ("POST", "/challenges/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     "/challenges/{chal_draft}/close", E(LOGIN, F, A, F, F, F, N)),
    ("POST", "/challenges/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     "/challenges/{chal_run}/accept", only(("enterprise",), A)),
    ("POST", "/challenges/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     "/challenges/{chal}/unclaimed", only(("enterprise",), A), {"note": "无合适团队"}),
    ("POST", "/challenges/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     "/challenges/{chal_run}/start", only(("enterprise",), A)),
    ("POST", "/challenges/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     "/challenges/{chal_run}/fail", only(("enterprise",), A), {"reason": "指标未达到"}),
    ("POST", "/challenges/<int:demand_id>/milestones", "/challenges/{chal}/milestones", only(("enterprise",), A),
     {"title": "小试", "share_percent": "30", "due_on": "2030-01-01"}),
    ("POST", "/challenges/<int:demand_id>/milestones/<int:milestone_id>/<any(report, accept, reject):action>",
     "/challenges/{chal_run}/milestones/{milestone}/report", only(("researcher", "enterprise"), A),
     {"note": "完成小试"}),
    ("POST", "/challenges/<int:demand_id>/milestones/<int:milestone_id>/<any(report, accept, reject):action>",
     "/challenges/{chal_run}/milestones/{milestone}/accept", only(("enterprise",), A), {"note": "通过"}),
    ("POST", "/challenges/<int:demand_id>/milestones/<int:milestone_id>/<any(report, accept, reject):action>",
     "/challenges/{chal_run}/milestones/{milestone}/reject", only(("enterprise",), A), {"note": "需要整改"}),
    ("GET", "/challenges/admin", "/challenges/admin", only(WORKERS, OK)),
    ("GET", "/challenges/admin/<int:demand_id>", "/challenges/admin/{chal_draft}", only(WORKERS, OK)),
    ("GET", "/challenges/admin/<int:demand_id>", "/challenges/admin/{dem_pub}", only(WORKERS, N)),

    # admin area
    ("GET", "/admin/", "/admin/", only(ADMIN, OK)),
    ("GET", "/admin/review", "/admin/review", only(ADMIN, OK)),
    ("GET", "/admin/review/<kind>/<int:listing_id>", "/admin/review/achievement/{ach_pending}", only(ADMIN, OK)),
    ("GET", "/admin/review/<kind>/<int:listing_id>", "/admin/review/demand/{dem_pending}", only(ADMIN, OK)),
    ("GET", "/admin/review/<kind>/<int:listing_id>", "/admin/review/nonsense/{dem_pending}", only(ADMIN, N)),
    ("POST", "/admin/review/<kind>/<int:listing_id>/approve", "/admin/review/achievement/{ach_pending}/approve",
     only(ADMIN, A)),
    ("POST", "/admin/review/<kind>/<int:listing_id>/reject", "/admin/review/demand/{dem_pending}/reject",
     only(ADMIN, A), {"reason": "材料不全"}),
    ("GET", "/admin/organizations", "/admin/organizations", only(ADMIN, OK)),
    ("GET", "/admin/organizations/<int:org_id>", "/admin/organizations/{org_researcher}", only(ADMIN, OK)),
    ("GET", "/admin/organizations/<int:org_id>", "/admin/organizations/999999", only(ADMIN, N)),
    ("POST", "/admin/organizations/<int:org_id>/tags", "/admin/organizations/{org_researcher}/tags", only(ADMIN, A),
     {"tags": "高新技术企业"}),
    ("POST", "/admin/organizations/<int:org_id>/members/<int:user_id>/<any(promote, demote):action>",
     "/admin/organizations/{org_enterprise}/members/{enterprise}/promote", only(ADMIN, A)),
    ("POST", "/admin/organizations/<int:org_id>/members/<int:user_id>/<any(promote, demote):action>",
     "/admin/organizations/{org_enterprise}/members/{enterprise}/demote", only(ADMIN, A)),
    ("POST", "/admin/org-changes/<int:change_id>/<any(approve, reject):action>", "/admin/org-changes/{change}/approve",
     only(ADMIN, A)),
    ("POST", "/admin/org-changes/<int:change_id>/<any(approve, reject):action>", "/admin/org-changes/{change}/reject",
     only(ADMIN, A), {"reason": "与执照不符"}),
    ("POST", "/admin/organizations/<int:org_id>/verify", "/admin/organizations/{org_unverified}/verify",
     only(ADMIN, A)),
    ("POST", "/admin/organizations/<int:org_id>/unverify", "/admin/organizations/{org_researcher}/unverify",
     only(ADMIN, A)),
    ("GET", "/admin/users", "/admin/users", only(ADMIN, OK)),
    ("POST", "/admin/users/new", "/admin/users/new", only(ADMIN, A),
     {"email": "new-user@example.com", "role": "broker", "password": "Another-pass-123", "name": "新经纪人"}),
    ("POST", "/admin/users/<int:user_id>/deactivate", "/admin/users/{other_researcher}/deactivate", only(ADMIN, A)),
    ("POST", "/admin/users/<int:user_id>/activate", "/admin/users/{other_researcher}/activate", only(ADMIN, A)),
    ("GET", "/admin/import", "/admin/import", only(ADMIN, OK)),
    ("POST", "/admin/import", "/admin/import", only(ADMIN, A)),
    ("GET", "/admin/import/jobs/<int:job_id>", "/admin/import/jobs/{import_job}", only(ADMIN, OK)),
    ("GET", "/admin/import/jobs/<int:job_id>", "/admin/import/jobs/999999", only(ADMIN, N)),
    ("GET", "/admin/import/jobs/<int:job_id>/status", "/admin/import/jobs/{import_job}/status", only(ADMIN, OK)),
    ("GET", "/admin/import/jobs/<int:job_id>/status", "/admin/import/jobs/999999/status", only(ADMIN, N)),
]

# API: the visitor sends no token; every other role sends its own Bearer token and no session cookie.
API = "/api/v1"
API_CASES = [
    ("POST", f"{API}/tokens", f"{API}/tokens", everyone(OK), {"email": "{researcher_email}", "password": "{PASSWORD}"}),
    ("DELETE", f"{API}/tokens/<int:token_id>", f"{API}/tokens/{{token_researcher}}", E(U, "204", N, N, N, N, N)),
    ("DELETE", f"{API}/tokens/<int:token_id>", f"{API}/tokens/999999", E(U, N, N, N, N, N, N)),

    # listings
    ("GET", f"{API}/achievements", f"{API}/achievements", everyone(OK)),
    ("GET", f"{API}/demands", f"{API}/demands", everyone(OK)),
    ("GET", f"{API}/achievements/<int:listing_id>", f"{API}/achievements/{{ach_pub}}", everyone(OK)),
    ("GET", f"{API}/achievements/<int:listing_id>", f"{API}/achievements/{{ach_draft}}", E(N, OK, N, N, OK, N, N)),
    ("GET", f"{API}/demands/<int:listing_id>", f"{API}/demands/{{dem_pub}}", everyone(OK)),
    ("GET", f"{API}/demands/<int:listing_id>", f"{API}/demands/{{dem_draft}}", E(N, N, OK, N, OK, N, N)),
    ("POST", f"{API}/achievements", f"{API}/achievements",
     E(U, A, F, F, A, A, F, F), {"title": "API 成果", "summary": "简介"}),
    ("POST", f"{API}/demands", f"{API}/demands", E(U, F, A, F, A, F, A), {"title": "API 需求", "description": "描述"}),
    ("POST", f"{API}/achievements/<int:listing_id>/<any(submit, approve, reject):action>",
     f"{API}/achievements/{{ach_draft}}/submit", E(U, A, N, N, F, N, N)),
    ("POST", f"{API}/achievements/<int:listing_id>/<any(submit, approve, reject):action>",
     f"{API}/achievements/{{ach_pending}}/approve", E(U, F, N, N, A, N, N)),
    ("POST", f"{API}/achievements/<int:listing_id>/<any(submit, approve, reject):action>",
     f"{API}/achievements/{{ach_pub}}/approve", E(U, F, F, F, A, F, F)),
    ("POST", f"{API}/achievements/<int:listing_id>/<any(submit, approve, reject):action>",
     f"{API}/achievements/{{ach_pending}}/reject", E(U, F, N, N, A, N, N), {"reason": "材料不全"}),
    ("POST", f"{API}/demands/<int:listing_id>/<any(submit, approve, reject):action>",
     f"{API}/demands/{{dem_draft}}/submit", E(U, N, A, N, F, N, N)),
    ("POST", f"{API}/demands/<int:listing_id>/<any(submit, approve, reject):action>",
     f"{API}/demands/{{dem_pending}}/approve", E(U, N, F, N, A, N, N)),
    ("POST", f"{API}/demands/<int:listing_id>/<any(submit, approve, reject):action>",
     f"{API}/demands/{{dem_pending}}/reject", E(U, N, F, N, A, N, N), {"reason": "材料不全"}),

    # matching
    ("GET", f"{API}/achievements/<int:listing_id>/matches", f"{API}/achievements/{{ach_pub}}/matches",
     E(U, OK, F, OK, OK, F, F)),
    ("GET", f"{API}/achievements/<int:listing_id>/matches", f"{API}/achievements/{{ach_draft}}/matches",
     E(U, OK, N, N, OK, N, N)),
    ("GET", f"{API}/demands/<int:listing_id>/matches", f"{API}/demands/{{dem_pub}}/matches",
     E(U, F, OK, OK, OK, F, F)),
    ("GET", f"{API}/demands/<int:listing_id>/matches", f"{API}/demands/{{dem_draft}}/matches",
     E(U, N, OK, N, OK, N, N)),

    # challenges
    ("POST", f"{API}/demands/<int:demand_id>/applications", f"{API}/demands/{{chal}}/applications",
     E(U, A, F, F, F, A, F, F)),
    ("POST", f"{API}/demands/<int:demand_id>/applications", f"{API}/demands/{{chal_draft}}/applications",
     E(U, N, F, N, F, N, N)),
    ("GET", f"{API}/demands/<int:demand_id>/applications", f"{API}/demands/{{chal}}/applications",
     E(U, F, OK, F, OK, F, F)),
    ("GET", f"{API}/demands/<int:demand_id>/applications", f"{API}/demands/{{chal_draft}}/applications",
     E(U, N, OK, N, OK, N, N)),
    ("GET", f"{API}/applications/<int:app_id>", f"{API}/applications/{{application}}", E(U, OK, OK, N, OK, N, N)),
    ("PATCH", f"{API}/applications/<int:app_id>", f"{API}/applications/{{application}}", E(U, A, F, N, F, N, N)),
    ("PUT", f"{API}/applications/<int:app_id>", f"{API}/applications/{{application}}", E(U, A, F, N, F, N, N)),
    ("POST", f"{API}/applications/<int:app_id>/withdraw", f"{API}/applications/{{application}}/withdraw",
     E(U, A, F, N, F, N, N)),
    ("POST", f"{API}/applications/<int:app_id>/<any(shortlist, select, decline):action>",
     f"{API}/applications/{{application}}/shortlist", E(U, F, A, N, F, N, N)),
    ("POST", f"{API}/applications/<int:app_id>/<any(shortlist, select, decline):action>",
     f"{API}/applications/{{application}}/select", E(U, F, A, N, F, N, N)),
    ("POST", f"{API}/applications/<int:app_id>/<any(shortlist, select, decline):action>",
     f"{API}/applications/{{application}}/decline", E(U, F, A, N, F, N, N), {"code": "route", "reason": "路线不符"}),
    ("POST", f"{API}/demands/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     f"{API}/demands/{{chal}}/close", E(U, F, A, F, F, F, F)),
    ("POST", f"{API}/demands/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     f"{API}/demands/{{chal}}/cancel", E(U, F, A, F, F, F, F)),
    ("POST", f"{API}/demands/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     f"{API}/demands/{{chal_draft}}/close", E(U, N, A, N, F, N, N)),
    ("POST", f"{API}/demands/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     f"{API}/demands/{{chal_run}}/accept", E(U, F, A, F, F, F, F)),
    ("POST", f"{API}/demands/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     f"{API}/demands/{{chal}}/unclaimed", E(U, F, A, F, F, F, F)),
    ("POST", f"{API}/demands/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     f"{API}/demands/{{chal_run}}/start", E(U, F, A, F, F, F, F)),
    ("POST", f"{API}/demands/<int:demand_id>/<any(close, cancel, unclaimed, start, accept, fail):action>",
     f"{API}/demands/{{chal_run}}/fail", E(U, F, A, F, F, F, F)),

    # deals
    ("POST", f"{API}/deals", f"{API}/deals", E(U, F, F, A, A, F, F), {"achievement_id": "{ach_pub}"}),
    ("GET", f"{API}/deals/<int:deal_id>", f"{API}/deals/{{deal}}", E(U, OK, OK, OK, OK, N, N, other_broker=N)),
    ("POST", f"{API}/deals/<int:deal_id>/advance", f"{API}/deals/{{deal}}/advance",
     E(U, F, F, A, A, N, N, other_broker=N)),
    ("POST", f"{API}/deals/<int:deal_id>/terminate", f"{API}/deals/{{deal}}/terminate",
     E(U, F, F, A, A, N, N, other_broker=N)),
]

TABLE = [("page", *row) for row in PAGE_CASES] + [("api", *row) for row in API_CASES]


def _case_id(row, role):
    kind, method, _rule, url = row[:4]
    return f"{method} {url} [{role}]"


CASES = [pytest.param(row, role, id=_case_id(row, role)) for row in TABLE for role in ROLES]


# ---------------------------------------------------------------- the fixture world

TOKENS = {role: f"token-for-{role}" for role in ROLES[1:]}


def _build_world():
    """Create the users and objects of the matrix (inside an app context); return their ids."""
    org_researcher = factories.organization(name="矩阵测试大学", kind="university")
    org_enterprise = factories.organization(name="矩阵测试科技有限公司", kind="enterprise")
    users = {
        "researcher": person(factories, "researcher", "矩阵研究员", org_researcher),
        "enterprise": person(factories, "enterprise", "矩阵企业", org_enterprise),
        "broker": person(factories, "broker", "矩阵经纪人"),
        "other_broker": person(factories, "broker", "未分配经纪人"),
        "admin": person(factories, "admin", "矩阵管理员"),
        "other_researcher": person(factories, "researcher", "他校研究员"),
        "other_enterprise": person(factories, "enterprise", "他家企业"),
    }
    researcher, enterprise = users["researcher"], users["enterprise"]
    researcher.is_org_admin = True
    users["pending_member"] = _pending_member(org_researcher)
    tokens = {role: ApiToken(user_id=user.id, token_hash=hashlib.sha256(TOKENS[role].encode()).hexdigest(),
                             expires_at=utcnow() + timedelta(days=30)) for role, user in users.items()}
    db.session.add_all(tokens.values())

    ach_pub = factories.achievement(owner=researcher)
    dem_pub = factories.demand(owner=enterprise)
    chal = factories.demand(owner=enterprise, challenge=True, title="高导热散热膜揭榜挂帅")
    chal_run = factories.demand(owner=enterprise, challenge=True, status="in_progress", title="攻关中的榜单")
    application = Application(demand_id=chal.id, applicant_id=researcher.id, organization_id=org_researcher.id,
                              proposal="<p>方案</p>", quote=Decimal("50.00"), status="submitted")
    winner = Application(demand_id=chal_run.id, applicant_id=researcher.id, organization_id=org_researcher.id,
                         proposal="<p>中标方案</p>", quote=Decimal("60.00"), status="selected")
    milestone = Milestone(demand_id=chal_run.id, position=1, title="中试验证", share_percent=50,
                          due_on=(utcnow() + timedelta(days=60)).date(), status="planned")
    match = factories.match(dem_pub, ach_pub)  # (the matcher may have paired them already)
    enquiry = Enquiry(achievement_id=ach_pub.id, user_id=enterprise.id, organization_id=org_enterprise.id,
                      mode="转让", message="希望洽谈", status="open")
    notification = Notification(user_id=researcher.id, kind="test", message="一条测试通知", url="/me")
    subscription = Subscription(user_id=researcher.id, field="新材料", keywords="石墨烯")
    import_job = ImportJob(kind="achievement", filename="矩阵.csv", checksum="0" * 64, created_by_id=users["admin"].id,
                           status="failed", phase="validate", message="1 处错误，未导入任何数据（共 1 行）",
                           report={"kind": "achievement", "total": 1, "created": 0, "published": False,
                                   "new_organizations": [], "errors": [{"row": 2, "column": "成果简介 / summary",
                                                                        "message": "请填写成果简介"}]})
    db.session.add_all([application, winner, milestone, enquiry, notification, subscription, import_job])
    db.session.commit()

    from marketplace.deals import services as deals

    # Its own achievement: a pair with a running deal is sent to that deal instead of /deals/new (#11).
    ach_deal = factories.achievement(owner=researcher, title="交易用成果")
    deal = deals.create_deal(users["broker"], {"achievement_id": ach_deal.id, "demand_id": dem_pub.id})
    db.session.commit()
    index.rebuild()
    ids = {
        "org_researcher": org_researcher.id, "org_enterprise": org_enterprise.id,
        "org_unverified": factories.organization(name="待认证单位", verified=False).id,
        "ach_pub": ach_pub.id, "ach_draft": factories.achievement(owner=researcher, status="draft").id,
        "ach_pending": factories.achievement(owner=researcher, status="pending").id,
        "dem_pub": dem_pub.id, "dem_draft": factories.demand(owner=enterprise, status="draft").id,
        "dem_pending": factories.demand(owner=enterprise, status="pending").id,
        "chal": chal.id, "chal_run": chal_run.id,
        "chal_draft": factories.demand(owner=enterprise, challenge=True, status="draft").id,
        "application": application.id, "milestone": milestone.id, "match": match.id, "enquiry": enquiry.id,
        "notification": notification.id, "subscription": subscription.id, "deal": deal.id,
        "import_job": import_job.id,
        "researcher_email": researcher.email, "PASSWORD": factories.PASSWORD,
        "token_researcher": tokens["researcher"].id,
        "join": membership.pending_request_of(users["pending_member"]).id,
        "change": membership.request_identity_change(researcher, org_researcher, "矩阵测试大学（更名）", "university",
                                                     None).id,
    }
    db.session.commit()
    ids.update({role: user.id for role, user in users.items()})
    ids.update({f"session_{role}": user.get_id() for role, user in users.items()})
    return ids


def _pending_member(org):
    """A researcher who registered into `org`: a pending join request, no organization yet."""
    user = accounts.register_user({"role": "researcher", "name": "待审核研究员", "email": "pending@example.com",
                                   "password": factories.PASSWORD, "org_id": org.id})
    db.session.commit()
    return user


class World:
    def __init__(self, app, base, ids):
        self.app, self.base, self.ids = app, base, ids
        self.copies = 0
        self.dirty = True

    def restore(self):
        """Put the pristine database back, and after a POST a pristine copy of the index: every case starts
        from the same state."""
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        databases.restore(self.app.config["SQLALCHEMY_DATABASE_URI"])
        if self.dirty:
            self.copies += 1
            shutil.copytree(self.base / "template-index", self.base / f"index-{self.copies}")
            self.app.config["INDEX_DIR"] = str(self.base / f"index-{self.copies}")
            self.dirty = False


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("authz")
    uri = databases.fresh_uri(base, "matrix")
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "testing",
                      "SQLALCHEMY_DATABASE_URI": uri, "INDEX_DIR": str(base / "index"),
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.create_all()
        ids = _build_world()
        db.session.remove()
        db.engine.dispose()
    databases.save(uri)
    shutil.copytree(base / "index", base / "template-index")
    yield World(app, base, ids)
    with app.app_context():
        index.join_background(app, timeout=5)
        db.engine.dispose()
    databases.discard(uri)


# ---------------------------------------------------------------- the checks

def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


def _request(world, kind, method, url, role, body):
    client = world.app.test_client()
    headers = {}
    if kind == "api":
        if role != "visitor":
            headers["Authorization"] = f"Bearer {TOKENS[role]}"
        payload = {"json": body if body is not None else API_BODY} if method != "GET" else {}
    else:
        if role != "visitor":
            with client.session_transaction() as session:
                session["_user_id"] = world.ids[f"session_{role}"]
                session["_fresh"] = True
        payload = {"data": body or {}} if method != "GET" else {}
    return client.open(url, method=method, headers=headers, **payload)


def _outcome(response):
    location = urlsplit(response.headers.get("Location", ""))
    if response.status_code in (301, 302, 303):
        return LOGIN if location.path == "/login" else REDIR
    return str(response.status_code)


# Access rules are Python over the same SQL on both engines; the service and page tests keep the SQL on PostgreSQL.
@pytest.mark.engine_neutral
@pytest.mark.parametrize("row, role", CASES)
def test_route_answers_each_role_as_expected(world, row, role):
    kind, method, _rule, url, expected = row[:5]
    body = _fill(row[5], world.ids) if len(row) > 5 else None
    world.restore()
    world.dirty = method != "GET"
    response = _request(world, kind, method, _fill(url, world.ids), role, body)
    got = _outcome(response)
    want = expected[role]
    assert response.status_code < 500, f"{role}: {method} {url} crashed with {response.status_code}"
    if want == A:
        assert got not in (LOGIN, U, F, N), f"{role} should be allowed to {method} {url}, got {got}"
    else:
        assert got == want, f"{role}: {method} {url} answered {got}, expected {want}"
    if kind == "api" and response.status_code >= 400:
        assert set(response.get_json()["error"]) >= {"code", "message"}


def _endpoint_actions(app):
    """Every (endpoint, method, action) the app answers: a rule's `any(...)` parts are expanded, so each action
    of an action route (select, unclaimed, start, fail, reject, ...) is a route of its own here."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        combos = [()]
        for name, options in _choices(rule):
            combos = [combo + ((name, option),) for combo in combos for option in options]
        found |= {(rule.endpoint, method, combo) for method in rule.methods - {"HEAD", "OPTIONS"} for combo in combos}
    return found


def _row_target(adapter, row):
    """(endpoint, method, the any(...) values) that a row's URL reaches."""
    kind, method, rule, url = row[:4]
    path = urlsplit(url.format_map(_AnyId())).path
    endpoint, args = adapter.match(path, method=method)
    rule_obj = next(r for r in adapter.map.iter_rules(endpoint) if r.rule == rule)
    return endpoint, method, tuple((name, args[name]) for name, _ in _choices(rule_obj))


def _choices(rule):
    """The rule's `any(...)` parts: (argument name, its sorted values)."""
    return [(name, sorted(converter.items)) for name, converter in rule._converters.items()
            if isinstance(converter, AnyConverter)]


class _AnyId(dict):
    def __missing__(self, key):
        return "1"


def test_every_route_is_in_the_matrix():
    """A route (endpoint × method × action) added later without a row in the table, or a row for a route that no
    longer exists, fails."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "INDEX_DIR": "/nonexistent"})
    adapter = app.url_map.bind("localhost")
    routes = _endpoint_actions(app)
    covered = {_row_target(adapter, row) for row in TABLE}
    assert sorted(routes - covered) == [], "routes missing from the authorization matrix"
    assert sorted(covered - routes) == [], "matrix rows for routes that do not exist"
    for row in TABLE:
        assert set(row[4]) == set(ROLES), f"{row[1]} {row[3]} must give an expectation for every role"


def test_a_deactivated_users_session_no_longer_counts(world):
    """An admin deactivates a logged-in researcher: the old session is treated as a visitor's at once."""
    world.restore()
    client = world.app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = world.ids["session_researcher"]
    assert client.get("/me").status_code == 200
    with world.app.app_context():
        from marketplace.models import User

        db.session.get(User, world.ids["researcher"]).active = False
        db.session.commit()
    world.dirty = True
    assert _outcome(client.get("/me")) == LOGIN
    assert _outcome(client.get(f"/achievements/{world.ids['ach_draft']}")) == N
    assert _outcome(client.post(f"/achievements/{world.ids['ach_draft']}/submit")) == LOGIN
    response = client.get(f"/api/v1/achievements/{world.ids['ach_draft']}",
                          headers={"Authorization": f"Bearer {TOKENS['researcher']}"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "account_disabled"

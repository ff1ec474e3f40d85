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
import io
import shutil
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from werkzeug.routing import AnyConverter

import pytest

from marketplace import create_app
from marketplace.accounts import membership, services as accounts
from marketplace.attachments import storage
from marketplace.extensions import db
from marketplace.matching import index
from marketplace.models import (Achievement, Announcement, ApiToken, Application, Attachment, DemandResponse, Enquiry,
                                GlossaryConcept, ImportJob, ListingRevision, Milestone, Notification, Policy,
                                PolicyDelivery, Subscription, Tag)
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
    ("GET", "/password/forgot", "/password/forgot", everyone(OK)),
    # the same answer for every e-mail: back to the login page with "如果该邮箱已注册……"
    ("POST", "/password/forgot", "/password/forgot", everyone(LOGIN), {"email": "nobody@example.com"}),
    ("GET", "/password/reset/<token>", "/password/reset/not-a-valid-token", everyone(OK)),
    ("POST", "/password/reset/<token>", "/password/reset/not-a-valid-token", everyone(OK),
     {"new_password": "A-new-pass-2026", "confirm": "A-new-pass-2026"}),
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
    ("GET", "/achievements/<int:listing_id>/edit", "/achievements/{ach_pub}/edit", E(LOGIN, OK, F, F, F, F, F)),
    ("POST", "/achievements/<int:listing_id>/edit", "/achievements/{ach_pub}/edit", E(LOGIN, A, F, F, F, F, F),
     {**LISTING_FORM, "title": "修改已发布的成果"}),
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
    ("GET", "/demands/<int:listing_id>/edit", "/demands/{dem_pub}/edit", E(LOGIN, F, OK, F, F, F, F)),
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
    ("GET", "/matches/<int:match_id>/dismiss", "/matches/{match}/dismiss", E(LOGIN, OK, OK, OK, OK, F, F)),
    ("GET", "/matches/<int:match_id>/dismiss", "/matches/999999/dismiss", only(LOGGED_IN, N)),
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
    ("GET", "/notifications/settings", "/notifications/settings", only(LOGGED_IN, OK)),
    ("POST", "/notifications/settings", "/notifications/settings", only(LOGGED_IN, A),
     {"frequency": "daily", "kinds": "match_push"}),

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
    ("POST", "/challenges/<int:demand_id>/milestones/<int:milestone_id>/delete",
     "/challenges/{chal_run}/milestones/{milestone}/delete", only(("enterprise",), A)),
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

    # attachments (files on listings, applications, deals): seen by who sees the object's details
    ("GET", "/attachments/<int:attachment_id>", "/attachments/{att_pub}", E(LOGIN, OK, OK, OK, OK, N, OK)),
    ("GET", "/attachments/<int:attachment_id>", "/attachments/{att_draft}", E(LOGIN, OK, N, N, OK, N, N)),
    ("GET", "/attachments/<int:attachment_id>", "/attachments/{att_app}", E(LOGIN, OK, OK, N, OK, N, N)),
    ("GET", "/attachments/<int:attachment_id>", "/attachments/{att_deal}", E(LOGIN, OK, OK, OK, OK, N, N, other_broker=N)),
    ("GET", "/attachments/<int:attachment_id>", "/attachments/999999", only(LOGGED_IN, N)),
    ("POST", "/attachments/<target_type>/<int:target_id>", "/attachments/achievement/{ach_draft}",
     E(LOGIN, A, N, N, F, N, N)),
    ("POST", "/attachments/<target_type>/<int:target_id>", "/attachments/achievement/{ach_pub}",
     E(LOGIN, F, F, F, F, N, F)),
    ("POST", "/attachments/<target_type>/<int:target_id>", "/attachments/demand/{dem_draft}",
     E(LOGIN, N, A, N, F, N, N)),
    ("POST", "/attachments/<target_type>/<int:target_id>", "/attachments/application/{application}",
     E(LOGIN, A, F, N, F, N, N)),
    ("POST", "/attachments/<target_type>/<int:target_id>", "/attachments/deal/{deal}", E(LOGIN, A, A, A, A, N, N, other_broker=N)),
    ("POST", "/attachments/<target_type>/<int:target_id>", "/attachments/nonsense/1", only(LOGGED_IN, N)),
    ("POST", "/attachments/<int:attachment_id>/delete", "/attachments/{att_draft_del}/delete",
     E(LOGIN, A, N, N, F, N, N)),
    ("POST", "/attachments/<int:attachment_id>/delete", "/attachments/{att_deal_del}/delete",
     E(LOGIN, F, F, A, A, N, N, other_broker=N)),

    # admin area
    ("GET", "/admin/", "/admin/", only(ADMIN, OK)),
    ("POST", "/admin/proposals/recompute", "/admin/proposals/recompute", only(ADMIN, A)),
    ("GET", "/admin/review", "/admin/review", only(ADMIN, OK)),
    ("GET", "/admin/review/<kind>/<int:listing_id>", "/admin/review/achievement/{ach_pending}", only(ADMIN, OK)),
    ("GET", "/admin/review/<kind>/<int:listing_id>", "/admin/review/demand/{dem_pending}", only(ADMIN, OK)),
    ("GET", "/admin/review/<kind>/<int:listing_id>", "/admin/review/nonsense/{dem_pending}", only(ADMIN, N)),
    ("POST", "/admin/review/<kind>/<int:listing_id>/approve", "/admin/review/achievement/{ach_pending}/approve",
     only(ADMIN, A)),
    ("POST", "/admin/review/<kind>/<int:listing_id>/reject", "/admin/review/demand/{dem_pending}/reject",
     only(ADMIN, A), {"reason": "材料不全"}),
    ("GET", "/admin/revisions/<int:revision_id>", "/admin/revisions/{revision}", only(ADMIN, OK)),
    ("GET", "/admin/revisions/<int:revision_id>", "/admin/revisions/999999", only(ADMIN, N)),
    ("POST", "/admin/revisions/<int:revision_id>/approve", "/admin/revisions/{revision}/approve", only(ADMIN, A)),
    ("POST", "/admin/revisions/<int:revision_id>/reject", "/admin/revisions/{revision}/reject", only(ADMIN, A),
     {"reason": "与专利不符"}),
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
    ("GET", "/admin/outbox", "/admin/outbox", only(ADMIN, OK)),
    ("GET", "/admin/outbox/<name>", "/admin/outbox/20260101T000000-00000000000000000000000000000000.eml",
     only(ADMIN, N)),
    ("POST", "/admin/users/new", "/admin/users/new", only(ADMIN, A),
     {"email": "new-user@example.com", "role": "broker", "password": "Another-pass-123", "name": "新经纪人"}),
    ("POST", "/admin/users/<int:user_id>/deactivate", "/admin/users/{other_researcher}/deactivate", only(ADMIN, A)),
    ("POST", "/admin/users/<int:user_id>/activate", "/admin/users/{other_researcher}/activate", only(ADMIN, A)),
    ("GET", "/admin/import", "/admin/import", only(ADMIN, OK)),
    ("POST", "/admin/import", "/admin/import", only(ADMIN, A)),
    ("GET", "/admin/import/template/<any(achievement, demand):kind>.<any(csv, xlsx):fmt>",
     "/admin/import/template/achievement.xlsx", only(ADMIN, OK)),
    ("GET", "/admin/import/jobs/<int:job_id>", "/admin/import/jobs/{import_job}", only(ADMIN, OK)),
    ("GET", "/admin/import/jobs/<int:job_id>", "/admin/import/jobs/999999", only(ADMIN, N)),
    ("GET", "/admin/import/jobs/<int:job_id>/status", "/admin/import/jobs/{import_job}/status", only(ADMIN, OK)),
    ("GET", "/admin/import/jobs/<int:job_id>/status", "/admin/import/jobs/999999/status", only(ADMIN, N)),

    # trust and contact (#11): favourites, 我有相关成果, 成交公示, 通知公告
    ("POST", "/achievements/<int:listing_id>/favourite", "/achievements/{ach_pub}/favourite", only(LOGGED_IN, A)),
    ("POST", "/achievements/<int:listing_id>/favourite", "/achievements/{ach_draft}/favourite",
     only((), OK, others=N)),
    ("POST", "/demands/<int:listing_id>/favourite", "/demands/{chal}/favourite", only(LOGGED_IN, A)),
    ("GET", "/demands/<int:demand_id>/respond", "/demands/{dem_pub}/respond", E(LOGIN, OK, F, F, F, OK, F, F)),
    ("GET", "/demands/<int:demand_id>/respond", "/demands/{chal}/respond", only((), OK)),
    ("GET", "/demands/<int:demand_id>/respond", "/demands/{dem_draft}/respond", E(LOGIN, N, F, N, F, N, N, N)),
    ("POST", "/demands/<int:demand_id>/respond", "/demands/{dem_pub}/respond", E(LOGIN, A, F, F, F, A, F, F),
     {"achievement_id": "", "capability": "团队有十年导热材料研发经验", "message": "希望与贵司交流"}),
    ("POST", "/deals/responses/<int:response_id>/close", "/deals/responses/{response}/close", only(WORKERS, A)),
    ("GET", "/deals/public", "/deals/public", everyone(OK)),
    ("POST", "/deals/<int:deal_id>/public", "/deals/{deal}/public", E(LOGIN, A, A, F, F, N, N, N, N), {"hidden": "y"}),
    ("GET", "/announcements", "/announcements", everyone(OK)),
    ("GET", "/announcements/<int:announcement_id>", "/announcements/{announcement}", everyone(OK)),
    ("GET", "/announcements/<int:announcement_id>", "/announcements/999999", everyone(N)),
    ("GET", "/admin/announcements", "/admin/announcements", only(ADMIN, OK)),
    ("POST", "/admin/announcements", "/admin/announcements", only(ADMIN, A), {"title": "公告", "body": "正文"}),
    ("GET", "/admin/announcements/<int:announcement_id>/edit", "/admin/announcements/{announcement}/edit",
     only(ADMIN, OK)),
    ("POST", "/admin/announcements/<int:announcement_id>/edit", "/admin/announcements/{announcement}/edit",
     only(ADMIN, A), {"title": "公告（修订）", "body": "正文"}),
    ("POST", "/admin/announcements/<int:announcement_id>/delete", "/admin/announcements/{announcement}/delete",
     only(ADMIN, A)),
    # the bilingual glossary (#10): admins extend it
    ("GET", "/admin/glossary", "/admin/glossary", only(ADMIN, OK)),
    ("POST", "/admin/glossary", "/admin/glossary", only(ADMIN, A),
     {"field": "新材料", "chinese": "矩阵新材料", "english": "matrix material"}),
    ("GET", "/admin/glossary/<int:concept_id>/edit", "/admin/glossary/{glossary_concept}/edit", only(ADMIN, OK)),
    ("GET", "/admin/glossary/<int:concept_id>/edit", "/admin/glossary/999999/edit", only(ADMIN, N)),
    ("POST", "/admin/glossary/<int:concept_id>/edit", "/admin/glossary/{glossary_concept}/edit", only(ADMIN, A),
     {"field": "新材料", "chinese": "矩阵词条", "english": "matrix term\nmatrix terms"}),
    ("POST", "/admin/glossary/<int:concept_id>/delete", "/admin/glossary/{glossary_concept}/delete", only(ADMIN, A)),
    ("GET", "/admin/glossary.tsv", "/admin/glossary.tsv", only(ADMIN, OK)),
    # monitoring (a unit liaison — User.unit_id, none in this world — is covered in tests/test_monitoring.py)
    ("GET", "/monitoring/", "/monitoring/", only(ADMIN, OK)),
    ("POST", "/monitoring/snapshots", "/monitoring/snapshots", only(ADMIN, A), {"period": "2026Q1"}),
    ("GET", "/monitoring/reports/<period>", "/monitoring/reports/{period}", only(ADMIN, OK)),
    ("GET", "/monitoring/reports/<period>", "/monitoring/reports/2019Q1", only(ADMIN, N)),
    ("POST", "/monitoring/reports/<period>/rule", "/monitoring/reports/{period}/rule", only(ADMIN, A),
     {"rule": "bands"}),
    ("GET", "/monitoring/reports/<period>.xlsx", "/monitoring/reports/{period}.xlsx", only(ADMIN, OK)),
    ("GET", "/monitoring/reports/<period>.pdf", "/monitoring/reports/{period}.pdf", only(ADMIN, OK)),
    ("GET", "/monitoring/league", "/monitoring/league", only(ADMIN, OK)),
    ("GET", "/monitoring/units/<int:unit_id>", "/monitoring/units/{unit}", only(ADMIN, OK)),
    ("GET", "/monitoring/admin/units", "/monitoring/admin/units", only(ADMIN, OK)),
    ("POST", "/monitoring/admin/units", "/monitoring/admin/units", only(ADMIN, A),
     {"name": "矩阵园区", "kind": "park", "map_col": "9", "map_row": "9"}),
    ("GET", "/monitoring/admin/units/<int:unit_id>", "/monitoring/admin/units/{unit}", only(ADMIN, OK)),
    ("GET", "/monitoring/admin/units/<int:unit_id>", "/monitoring/admin/units/999999", only(ADMIN, N)),
    ("POST", "/monitoring/admin/units/<int:unit_id>", "/monitoring/admin/units/{unit}", only(ADMIN, A),
     {"name": "矩阵园区", "kind": "park", "map_col": "9", "map_row": "9"}),
    ("POST", "/monitoring/admin/units/<int:unit_id>/<any(activate, deactivate):action>",
     "/monitoring/admin/units/{unit}/deactivate", only(ADMIN, A)),
    ("POST", "/monitoring/admin/units/<int:unit_id>/liaisons", "/monitoring/admin/units/{unit}/liaisons",
     only(ADMIN, A), {"email": "{researcher_email}"}),
    ("GET", "/monitoring/admin/indicators", "/monitoring/admin/indicators", only(ADMIN, OK)),
    ("POST", "/monitoring/admin/indicators", "/monitoring/admin/indicators", only(ADMIN, A),
     {"name": "矩阵指标", "source": "reported", "direction": "higher", "weight": "10"}),
    ("GET", "/monitoring/admin/indicators/<int:indicator_id>", "/monitoring/admin/indicators/{indicator}",
     only(ADMIN, OK)),
    ("GET", "/monitoring/admin/indicators/<int:indicator_id>", "/monitoring/admin/indicators/999999",
     only(ADMIN, N)),
    ("POST", "/monitoring/admin/indicators/<int:indicator_id>", "/monitoring/admin/indicators/{indicator}",
     only(ADMIN, A), {"part": "targets", "year": "2026"}),
    ("GET", "/monitoring/admin/reported", "/monitoring/admin/reported", only(ADMIN, OK)),
    ("POST", "/monitoring/admin/reported", "/monitoring/admin/reported", only(ADMIN, A), {"period": "2026Q1"}),
    ("POST", "/monitoring/admin/reported/import", "/monitoring/admin/reported/import", only(ADMIN, A)),
    # enterprise profiles, pools and policies (#12): members, brokers assigned to its deals, admins
    ("GET", "/enterprises/<int:org_id>", "/enterprises/{org_enterprise}", E(LOGIN, N, OK, OK, OK, N, N, other_broker=N)),
    ("GET", "/enterprises/<int:org_id>", "/enterprises/{org_researcher}", only(LOGGED_IN, N)),
    ("POST", "/enterprises/<int:org_id>/figures", "/enterprises/{org_enterprise}/figures",
     E(LOGIN, N, A, F, A, N, N, other_broker=N), {"year": "2025", "employees": "50", "tech_staff": "10"}),
    ("POST", "/enterprises/<int:org_id>/profile", "/enterprises/{org_enterprise}/profile",
     E(LOGIN, N, A, F, A, N, N, other_broker=N), {"field": "新材料", "registered_on": "2019-01-01"}),
    ("GET", "/enterprise", "/enterprise", only(LOGGED_IN, REDIR)),
    ("GET", "/policies/<int:policy_id>", "/policies/{policy}", E(LOGIN, N, OK, N, OK, N, N)),
    ("GET", "/policies/<int:policy_id>", "/policies/999999", only(LOGGED_IN, N)),
    ("GET", "/pools", "/pools", everyone(OK)),
    ("GET", "/admin/enterprises", "/admin/enterprises?tag=科技型中小企业", only(ADMIN, OK)),
    ("POST", "/admin/enterprises/<int:org_id>/tags", "/admin/enterprises/{org_enterprise}/tags", only(ADMIN, A),
     {"tag_id": "{tag}"}),
    ("GET", "/admin/tags", "/admin/tags", only(ADMIN, OK)),
    ("POST", "/admin/tags", "/admin/tags", only(ADMIN, A), {"name": "矩阵标签"}),
    ("POST", "/admin/tags/<int:tag_id>", "/admin/tags/{tag}", only(ADMIN, A), {"public": "1"}),
    ("GET", "/admin/pools/<name>", "/admin/pools/near-sme", only(ADMIN, OK)),
    ("GET", "/admin/pools/<name>", "/admin/pools/nonsense", only(ADMIN, N)),
    ("GET", "/admin/pools/<name>.xlsx", "/admin/pools/near-hte.xlsx", only(ADMIN, OK)),
    ("POST", "/admin/pools/<name>/publish", "/admin/pools/near-sme/publish", only(ADMIN, A), {"published": "1"}),
    ("GET", "/admin/policies", "/admin/policies", only(ADMIN, OK)),
    ("POST", "/admin/policies", "/admin/policies", only(ADMIN, A), {"title": "矩阵政策", "body": "正文"}),
    # 创新券 (vouchers)
    ("GET", "/services", "/services?category=检验检测", everyone(OK)),
    ("GET", "/services/<int:service_id>", "/services/{service}", everyone(OK)),
    ("GET", "/vouchers", "/vouchers", everyone(OK)),
    ("GET", "/vouchers/providers/<int:provider_id>", "/vouchers/providers/{provider}", everyone(OK)),
    ("POST", "/vouchers/providers/<int:provider_id>/objections", "/vouchers/providers/{provider}/objections",
     only(LOGGED_IN, A), {"text": "异议"}),
    ("GET", "/vouchers/<int:voucher_id>", "/vouchers/{voucher}", E(LOGIN, N, OK, N, OK, N, N)),
    ("GET", "/vouchers/schemes/<int:scheme_id>/figures", "/vouchers/schemes/{scheme}/figures", only(ADMIN, OK)),
    ("GET", "/vouchers/schemes/<int:scheme_id>/figures.<any(csv, xlsx):fmt>",
     "/vouchers/schemes/{scheme}/figures.xlsx", only(ADMIN, OK)),
    ("GET", "/vouchers/batches/<int:batch_id>.xlsx", "/vouchers/batches/999999.xlsx", only(ADMIN, N)),
    ("GET", "/vouchers/schemes/new", "/vouchers/schemes/new", only(ADMIN, OK)),
    ("POST", "/vouchers/schemes/new", "/vouchers/schemes/new", only(ADMIN, A), {"year": "2026"}),
    ("POST", "/vouchers/<int:voucher_id>/<any(approve, reject):action>", "/vouchers/{voucher_waiting}/reject",
     E(LOGIN, N, F, N, A, N, N), {"reason": "材料不全"}),
    ("POST", "/vouchers/providers/<int:provider_id>/<any(admit, reject, suspend):action>",
     "/vouchers/providers/{provider}/suspend", only(ADMIN, A)),
    ("POST", "/voucher-claims/<int:claim_id>/<any(approve, return, reject):action>",
     "/voucher-claims/{claim}/approve", only(ADMIN, A)),
    ("POST", "/vouchers/schemes/<int:scheme_id>/batches", "/vouchers/schemes/{scheme}/batches", only(ADMIN, A),
     {"month": "2026-01"}),
    ("GET", "/vouchers/apply", "/vouchers/apply", only(ENTERPRISES, OK)),
    ("POST", "/vouchers/apply", "/vouchers/apply", only(ENTERPRISES, A), {"amount": "1"}),
    ("POST", "/vouchers/<int:voucher_id>/orders", "/vouchers/{voucher}/orders", E(LOGIN, N, A, N, F, N, N)),
    ("POST", "/voucher-orders/<int:order_id>/<any(accept, deliver, confirm, dispute):action>",
     "/voucher-orders/{order}/confirm", E(LOGIN, N, A, N, F, N, N)),
    ("GET", "/vouchers/provider", "/vouchers/provider", only((), OK)),
    ("POST", "/vouchers/provider", "/vouchers/provider", only((), A)),
    ("POST", "/vouchers/provider/services", "/vouchers/provider/services", only((), A)),
    ("POST", "/services/<int:service_id>/<any(submit, approve, reject):action>", "/services/{service}/submit",
     only((), A)),
    ("POST", "/voucher-orders/<int:order_id>/claims", "/voucher-orders/{order}/claims", E(LOGIN, N, F, N, F, N, N)),
    ("GET", "/voucher-orders/<int:order_id>", "/voucher-orders/{order}", E(LOGIN, N, OK, N, OK, N, N)),
    ("POST", "/voucher-claims/<int:claim_id>/resubmit", "/voucher-claims/{claim}/resubmit", E(LOGIN, N, F, N, F, N, N)),
    # the other values of the any(...) rules above (the guard lists endpoint x method x value)
    ("GET", "/admin/import/template/<any(achievement, demand):kind>.<any(csv, xlsx):fmt>", "/admin/import/template/achievement.csv",
     E(LOGIN, F, F, F, OK, F, F, F, F)),
    ("GET", "/admin/import/template/<any(achievement, demand):kind>.<any(csv, xlsx):fmt>", "/admin/import/template/demand.csv",
     E(LOGIN, F, F, F, OK, F, F, F, F)),
    ("GET", "/admin/import/template/<any(achievement, demand):kind>.<any(csv, xlsx):fmt>", "/admin/import/template/demand.xlsx",
     E(LOGIN, F, F, F, OK, F, F, F, F)),
    ("POST", "/monitoring/admin/units/<int:unit_id>/<any(activate, deactivate):action>", "/monitoring/admin/units/{unit}/activate",
     E(LOGIN, F, F, F, A, F, F, F, F)),
    ("POST", "/voucher-claims/<int:claim_id>/<any(approve, return, reject):action>", "/voucher-claims/{claim}/reject",
     E(LOGIN, F, F, F, A, F, F, F, F)),
    ("POST", "/voucher-claims/<int:claim_id>/<any(approve, return, reject):action>", "/voucher-claims/{claim}/return",
     E(LOGIN, F, F, F, A, F, F, F, F)),
    ("POST", "/voucher-orders/<int:order_id>/<any(accept, deliver, confirm, dispute):action>", "/voucher-orders/{order}/accept",
     E(LOGIN, N, F, N, F, N, N, N, N)),
    ("POST", "/voucher-orders/<int:order_id>/<any(accept, deliver, confirm, dispute):action>", "/voucher-orders/{order}/deliver",
     E(LOGIN, N, F, N, F, N, N, N, N)),
    ("POST", "/voucher-orders/<int:order_id>/<any(accept, deliver, confirm, dispute):action>", "/voucher-orders/{order}/dispute",
     E(LOGIN, N, A, N, F, N, N, N, N)),
    ("POST", "/vouchers/providers/<int:provider_id>/<any(admit, reject, suspend):action>", "/vouchers/providers/{provider}/admit",
     E(LOGIN, F, F, F, A, F, F, F, F)),
    ("POST", "/vouchers/providers/<int:provider_id>/<any(admit, reject, suspend):action>", "/vouchers/providers/{provider}/reject",
     E(LOGIN, F, F, F, A, F, F, F, F)),
    ("GET", "/vouchers/schemes/<int:scheme_id>/figures.<any(csv, xlsx):fmt>", "/vouchers/schemes/{scheme}/figures.csv",
     E(LOGIN, F, F, F, OK, F, F, F, F)),
    ("POST", "/services/<int:service_id>/<any(submit, approve, reject):action>", "/services/{service}/approve",
     E(LOGIN, F, F, F, A, F, F, F, F)),
    ("POST", "/services/<int:service_id>/<any(submit, approve, reject):action>", "/services/{service}/reject",
     E(LOGIN, F, F, F, A, F, F, F, F)),
    ("POST", "/vouchers/<int:voucher_id>/<any(approve, reject):action>", "/vouchers/{voucher_waiting}/approve",
     E(LOGIN, N, F, N, A, N, N, N, N), {'reason': '材料不全'}),
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

    # attachments
    ("GET", f"{API}/<any(achievements, demands, applications, deals):targets>/<int:target_id>/attachments",
     f"{API}/achievements/{{ach_pub}}/attachments", E(U, OK, OK, OK, OK, N, OK)),
    ("GET", f"{API}/<any(achievements, demands, applications, deals):targets>/<int:target_id>/attachments",
     f"{API}/deals/{{deal}}/attachments", E(U, OK, OK, OK, OK, N, N, other_broker=N)),
    ("POST", f"{API}/<any(achievements, demands, applications, deals):targets>/<int:target_id>/attachments",
     f"{API}/achievements/{{ach_draft}}/attachments", E(U, A, N, N, F, N, N)),
    ("POST", f"{API}/<any(achievements, demands, applications, deals):targets>/<int:target_id>/attachments",
     f"{API}/applications/{{application}}/attachments", E(U, A, F, N, F, N, N)),
    ("GET", f"{API}/attachments/<int:attachment_id>", f"{API}/attachments/{{att_deal}}",
     E(U, OK, OK, OK, OK, N, N, other_broker=N)),
    ("GET", f"{API}/attachments/<int:attachment_id>", f"{API}/attachments/{{att_draft}}", E(U, OK, N, N, OK, N, N)),

    # deals
    ("POST", f"{API}/deals", f"{API}/deals", E(U, F, F, A, A, F, F), {"achievement_id": "{ach_pub}"}),
    ("GET", f"{API}/deals/<int:deal_id>", f"{API}/deals/{{deal}}", E(U, OK, OK, OK, OK, N, N, other_broker=N)),
    ("POST", f"{API}/deals/<int:deal_id>/advance", f"{API}/deals/{{deal}}/advance",
     E(U, F, F, A, A, N, N, other_broker=N)),
    ("POST", f"{API}/deals/<int:deal_id>/terminate", f"{API}/deals/{{deal}}/terminate",
     E(U, F, F, A, A, N, N, other_broker=N)),

    # monitoring (admins; a unit liaison sees the league and their own unit: tests/test_monitoring.py)
    ("GET", f"{API}/monitoring/reports", f"{API}/monitoring/reports", E(U, F, F, F, OK, F, F)),
    ("GET", f"{API}/monitoring/reports/<period>", f"{API}/monitoring/reports/{{period}}", E(U, F, F, F, OK, F, F)),
    ("GET", f"{API}/monitoring/units/<int:unit_id>/series", f"{API}/monitoring/units/{{unit}}/series",
     E(U, F, F, F, OK, F, F)),
    # enterprises (#12)
    ("PUT", f"{API}/enterprises/<int:organization_id>/figures/<int:year>",
     f"{API}/enterprises/{{org_enterprise}}/figures/2025", E(U, N, A, F, A, N, N, other_broker=N),
     {"employees": 50}),
    ("GET", f"{API}/enterprises/<int:organization_id>/evaluation", f"{API}/enterprises/{{org_enterprise}}/evaluation",
     E(U, N, OK, OK, OK, N, N, other_broker=N)),
    ("GET", f"{API}/pools/<name>", f"{API}/pools/near-hte", E(U, F, F, F, OK, F, F)),
    ("POST", f"{API}/policies", f"{API}/policies", E(U, F, F, F, A, F, F), {"title": "矩阵政策", "body": "正文"}),
    ("GET", f"{API}/policies/<int:policy_id>", f"{API}/policies/{{policy}}", E(U, N, OK, N, OK, N, N)),
    # 创新券 (vouchers)
    ("POST", f"{API}/voucher-schemes", f"{API}/voucher-schemes", E(U, F, F, F, A, F, F, F)),
    ("GET", f"{API}/voucher-schemes/<int:scheme_id>", f"{API}/voucher-schemes/{{scheme}}", everyone(OK)),
    ("POST", f"{API}/voucher-schemes/<int:scheme_id>/batches", f"{API}/voucher-schemes/{{scheme}}/batches",
     E(U, F, F, F, A, F, F, F), {"month": "2026-01"}),
    ("POST", f"{API}/service-providers", f"{API}/service-providers", E(U, F, F, F, F, F, F, F)),
    ("GET", f"{API}/service-providers/<int:provider_id>", f"{API}/service-providers/{{provider}}", everyone(OK)),
    ("POST", f"{API}/service-providers/<int:provider_id>/objections",
     f"{API}/service-providers/{{provider}}/objections", only(LOGGED_IN, A, visitor=U), {"text": "异议"}),
    ("POST", f"{API}/service-providers/<int:provider_id>/<any(admit, reject, suspend):action>",
     f"{API}/service-providers/{{provider}}/suspend", E(U, F, F, F, A, F, F, F)),
    ("POST", f"{API}/services", f"{API}/services", E(U, F, F, F, F, F, F, F)),
    ("GET", f"{API}/services", f"{API}/services?category=检验检测", everyone(OK)),
    ("GET", f"{API}/services/<int:service_id>", f"{API}/services/{{service}}", everyone(OK)),
    ("POST", f"{API}/services/<int:service_id>/<any(submit, approve, reject):action>",
     f"{API}/services/{{service}}/approve", E(U, F, F, F, A, F, F, F)),
    ("POST", f"{API}/vouchers", f"{API}/vouchers", E(U, F, A, F, F, F, A, F)),
    ("GET", f"{API}/vouchers/<int:voucher_id>", f"{API}/vouchers/{{voucher}}", E(U, N, OK, N, OK, N, N)),
    ("POST", f"{API}/vouchers/<int:voucher_id>/<any(approve, reject):action>",
     f"{API}/vouchers/{{voucher_waiting}}/approve", E(U, N, F, N, A, N, N)),
    ("POST", f"{API}/vouchers/<int:voucher_id>/orders", f"{API}/vouchers/{{voucher}}/orders",
     E(U, N, A, N, F, N, N)),
    ("GET", f"{API}/voucher-orders/<int:order_id>", f"{API}/voucher-orders/{{order}}", E(U, N, OK, N, OK, N, N)),
    ("POST", f"{API}/voucher-orders/<int:order_id>/<any(accept, deliver, confirm, dispute):action>",
     f"{API}/voucher-orders/{{order}}/confirm", E(U, N, A, N, F, N, N)),
    ("POST", f"{API}/voucher-orders/<int:order_id>/claims", f"{API}/voucher-orders/{{order}}/claims",
     E(U, N, F, N, F, N, N)),
    ("GET", f"{API}/voucher-claims/<int:claim_id>", f"{API}/voucher-claims/{{claim}}", E(U, N, OK, N, OK, N, N)),
    ("POST", f"{API}/voucher-claims/<int:claim_id>/<any(approve, return, reject, resubmit):action>",
     f"{API}/voucher-claims/{{claim}}/approve", E(U, N, F, N, A, N, N)),
    # the other values of the any(...) rules above
    ("GET", f"{API}/<any(achievements, demands, applications, deals):targets>/<int:target_id>/attachments", f"{API}/applications/{{application}}/attachments",
     E(U, OK, OK, N, OK, N, N, N, N)),
    ("GET", f"{API}/<any(achievements, demands, applications, deals):targets>/<int:target_id>/attachments", f"{API}/demands/{{dem_pub}}/attachments",
     E(U, N, OK, OK, OK, N, OK, N, OK)),
    ("POST", f"{API}/<any(achievements, demands, applications, deals):targets>/<int:target_id>/attachments", f"{API}/deals/{{deal}}/attachments",
     E(U, A, A, A, A, N, N, N, N)),
    ("POST", f"{API}/<any(achievements, demands, applications, deals):targets>/<int:target_id>/attachments", f"{API}/demands/{{dem_draft}}/attachments",
     E(U, N, A, N, F, N, N, N, N)),
    ("POST", f"{API}/services/<int:service_id>/<any(submit, approve, reject):action>", f"{API}/services/{{service}}/reject",
     E(U, F, F, F, A, F, F, F, F)),
    ("POST", f"{API}/services/<int:service_id>/<any(submit, approve, reject):action>", f"{API}/services/{{service}}/submit",
     E(U, F, F, F, F, F, F, F, F)),
    ("POST", f"{API}/service-providers/<int:provider_id>/<any(admit, reject, suspend):action>", f"{API}/service-providers/{{provider}}/admit",
     E(U, F, F, F, A, F, F, F, F)),
    ("POST", f"{API}/service-providers/<int:provider_id>/<any(admit, reject, suspend):action>", f"{API}/service-providers/{{provider}}/reject",
     E(U, F, F, F, A, F, F, F, F)),
    ("POST", f"{API}/vouchers/<int:voucher_id>/<any(approve, reject):action>", f"{API}/vouchers/{{voucher_waiting}}/reject",
     E(U, N, F, N, A, N, N, N, N)),
    ("POST", f"{API}/voucher-claims/<int:claim_id>/<any(approve, return, reject, resubmit):action>", f"{API}/voucher-claims/{{claim}}/reject",
     E(U, N, F, N, A, N, N, N, N)),
    ("POST", f"{API}/voucher-claims/<int:claim_id>/<any(approve, return, reject, resubmit):action>", f"{API}/voucher-claims/{{claim}}/resubmit",
     E(U, N, F, N, F, N, N, N, N)),
    ("POST", f"{API}/voucher-claims/<int:claim_id>/<any(approve, return, reject, resubmit):action>", f"{API}/voucher-claims/{{claim}}/return",
     E(U, N, F, N, A, N, N, N, N)),
    ("POST", f"{API}/voucher-orders/<int:order_id>/<any(accept, deliver, confirm, dispute):action>", f"{API}/voucher-orders/{{order}}/accept",
     E(U, N, F, N, F, N, N, N, N)),
    ("POST", f"{API}/voucher-orders/<int:order_id>/<any(accept, deliver, confirm, dispute):action>", f"{API}/voucher-orders/{{order}}/deliver",
     E(U, N, F, N, F, N, N, N, N)),
    ("POST", f"{API}/voucher-orders/<int:order_id>/<any(accept, deliver, confirm, dispute):action>", f"{API}/voucher-orders/{{order}}/dispute",
     E(U, N, A, N, F, N, N, N, N)),
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
    monitoring = _monitoring_world()
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
    response = DemandResponse(demand_id=dem_pub.id, user_id=researcher.id, organization_id=org_researcher.id,
                              achievement_id=ach_pub.id, message="我们有相关成果", status="open")
    announcement = Announcement(title="平台上线公告", body="欢迎使用", published_on=(utcnow() - timedelta(days=1)).date())
    glossary_concept = GlossaryConcept(field="新材料", chinese="矩阵词条", english="matrix term",
                                       created_by_id=users["admin"].id, updated_by_id=users["admin"].id)
    db.session.add_all([application, winner, milestone, enquiry, notification, subscription, import_job, response,
                        announcement, glossary_concept])
    db.session.commit()
    policy = Policy(title="矩阵政策", body="正文", targets={}, created_by_id=users["admin"].id)
    tag = Tag(name="矩阵人工标签", kind="manual")
    db.session.add_all([policy, tag])
    db.session.flush()
    db.session.add(PolicyDelivery(policy_id=policy.id, organization_id=org_enterprise.id))
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
        "import_job": import_job.id, "policy": policy.id, "tag": tag.id, "response": response.id,
        "announcement": announcement.id, "glossary_concept": glossary_concept.id,
        **monitoring,
        "researcher_email": researcher.email, "PASSWORD": factories.PASSWORD,
        "token_researcher": tokens["researcher"].id,
        "join": membership.pending_request_of(users["pending_member"]).id,
        "change": membership.request_identity_change(researcher, org_researcher, "矩阵测试大学（更名）", "university",
                                                     None).id,
    }
    ids.update({
        "att_pub": _attachment("achievement", ach_pub, researcher), "att_app": _attachment("application", application,
                                                                                         researcher),
        "att_draft": _attachment("achievement", db.session.get(Achievement, ids["ach_draft"]), researcher),
        "att_deal": _attachment("deal", deal, users["broker"]),
        # deleted by the delete cases (the database is restored after each case, the files are not)
        "att_draft_del": _attachment("achievement", db.session.get(Achievement, ids["ach_draft"]), researcher),
        "att_deal_del": _attachment("deal", deal, users["broker"]),
        "revision": _revision(ach_pub, researcher)})
    db.session.commit()
    ids.update(_voucher_world(users))
    ids.update({role: user.id for role, user in users.items()})
    ids.update({f"session_{role}": user.get_id() for role, user in users.items()})
    return ids


def _attachment(target_type, target, uploader):
    """A stored PDF on target (written straight to the upload dir, as store_attachment would)."""
    path, size = storage.write_stream(io.BytesIO(b"%PDF-1.4 matrix"), 1024)
    row = Attachment(target_type=target_type, target_id=target.id, original_name="矩阵.pdf",
                     stored_name=storage.keep(db.session, path, "pdf"), content_type="application/pdf", size=size,
                     uploader_id=uploader.id)
    db.session.add(row)
    db.session.flush()
    return row.id


def _revision(listing, author):
    row = ListingRevision(listing_kind=listing.kind, listing_id=listing.id, author_id=author.id, status="pending",
                          data={**LISTING_FORM, "title": "矩阵修改后的标题"})
    db.session.add(row)
    db.session.flush()
    return row.id


def _monitoring_world():
    """A unit, a reported indicator and a final snapshot of 2025Q4."""
    from datetime import datetime

    from marketplace.models import Indicator
    from marketplace.monitoring import snapshots
    from marketplace.units import ensure_units, unit_by_name

    ensure_units()
    indicator = Indicator(name="研发经费投入", source="reported", measure="万元", direction="higher", weight=10)
    db.session.add(indicator)
    db.session.flush()
    snapshots.take("2025Q4", now=datetime(2026, 1, 2))
    db.session.commit()
    return {"unit": unit_by_name("仓前街道").id, "indicator": indicator.id, "period": "2025Q4"}


def _voucher_world(users):
    """创新券: an admitted provider (its own staff, not a matrix role) with a published service, a scheme, the
    enterprise's issued voucher with an order and a claim under audit, and a second voucher awaiting approval."""
    from flask import current_app

    from marketplace.vouchers import catalogue, orders, providers, schemes

    current_app.config["VOUCHER_NOTICE_DAYS"] = 0
    admin, enterprise = users["admin"], users["enterprise"]
    staff = person(factories, "provider", "矩阵检测中心工作人员")
    provider = providers.apply(staff, {"categories": ["检验检测"], "note": "CMA"})
    providers.admit(provider, admin)
    service = catalogue.create(staff, {"title": "矩阵检测服务", "category": "检验检测", "description": "检测"})
    catalogue.submit(service, staff)
    catalogue.approve(service, admin)
    today = utcnow().date()
    scheme = schemes.create_scheme(admin, {"year": today.year, "budget": "100", "ratio": "0.5", "cap_per_claim": "10",
                                           "cap_per_enterprise": "50", "validity_days": 90, "categories": ["检验检测"],
                                           "opens_on": (today - timedelta(days=2)).isoformat(),
                                           "closes_on": (today + timedelta(days=60)).isoformat()})
    voucher = schemes.apply(enterprise, {"scheme_id": scheme.id, "amount": "20", "purpose": "检测"})
    schemes.approve(voucher, admin)
    waiting = schemes.apply(enterprise, {"scheme_id": scheme.id, "amount": "10", "purpose": "再检测"})
    order = orders.place(voucher, enterprise, {"service_id": service.id, "contract_amount": "10",
                                               "contract_date": voucher.issued_on.isoformat()})
    orders.accept(order, staff)
    orders.deliver(order, staff, "已交付")
    orders.confirm(order, enterprise)
    claim = orders.file_claim(order, staff, {"invoice_no": "MATRIX-1", "invoice_date": voucher.issued_on.isoformat(),
                                             "invoice_amount": "10"})
    db.session.commit()
    return {"provider": provider.id, "service": service.id, "scheme": scheme.id, "voucher": voucher.id,
            "voucher_waiting": waiting.id, "order": order.id, "claim": claim.id}


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
                      "UPLOAD_DIR": str(base / "uploads"),
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

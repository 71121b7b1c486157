"""Permission matrix for the 事前 features: commissioning, contracts, notifications, public lists.

The same structure as test_permission_matrix.py: every role (and anonymous) against every HTML
view and API operation, one parametrized test per cell, expected statuses written as tables,
then scoping tests. The expected values come from the business rules:

* an agency officer sees its own items, drafts included, and other agencies' non-draft items of
  its county, never another agency's draft (404);
* reviewers, the supervisor and oversight see the county's non-draft items; providers,
  enterprises and localities see no items (404 on a detail page, an empty list);
* only agency officers of the item's agency create, edit, submit, revise, withdraw, record,
  correct, file and amend; the others who can see the item get 403;
* only a reviewer whose department has a pending vote votes, never on its own organisation's
  item (403), never twice (422; the HTML form re-renders with the error);
* reviewers and the supervisor mark merges; only the county's judicial-bureau supervisor accepts
  or returns filings; the negative list is for the supervisor and system admins;
* a provider sees its own contracts once they are filed, and the contract PDF only with them;
* notifications are per user; the public lists are open to everyone and hold no personal data;
* nobody but a system admin sees a 330281 record; forbidden is 403/404/422, never 500;
  anonymous HTML redirects to the login page, anonymous API calls get 401 with the error shape.

Where the code breaks a rule, the cell keeps the rule's value and is listed in XFAIL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings

from zerodisturb.accounts.models import User
from zerodisturb.accounts.services import issue_api_token
from zerodisturb.commissioning.choices import Decision, ItemStatus
from zerodisturb.commissioning.models import CommissionedItem, NegativeRule, Review
from zerodisturb.commissioning.services import revise_item, submit_item
from zerodisturb.conftest import County, build_county, login_client
from zerodisturb.contracts.models import Contract
from zerodisturb.contracts.services import file_contract
from zerodisturb.notifications.models import Notification
from zerodisturb.notifications.services import notify
from zerodisturb.roles import Role
from zerodisturb.testing.assertions import assert_error_body
from zerodisturb.testing.commissioning import (
    PDF,
    Panel,
    accepted_contract,
    approved_item,
    at,
    build_panel,
    draft_item,
    item_data,
    recorded_contract,
    submitted_item,
    vote,
)
from zerodisturb.testing.factories import UserFactory

HERE, THERE = "330282", "330281"
ANON = "anonymous"
ROLES = (
    "agency_officer",
    "reviewer",
    "supervisor",
    "oversight",
    "provider_admin",
    "provider_staff",
    "enterprise",
    "locality",
    "system_admin",
    ANON,
)
assert set(ROLES) == {r.value for r in Role} | {ANON}
USER_ROLES = ROLES[:-1]
pytestmark = pytest.mark.django_db
R = 302  # anonymous HTML: redirect to the login page
S = 302  # a signed-in user's action succeeded: redirect back to the page (not to the login)
Y, F, N = 200, 403, 404  # yes (the page or answer), forbidden, not found

SUBMITTED, REJECTED, DECIDED, SIGNED = (
    at(2026, 3, 2),
    at(2026, 3, 3),
    at(2026, 3, 10),
    at(2026, 3, 21),
)


# --------------------------------------------------------------------------------------------
# The world: county 330282 with the five-seat panel, and county 330281 next door.
# --------------------------------------------------------------------------------------------


@dataclass
class World:
    here: County
    there: County
    panel: Panel
    own_draft: CommissionedItem  # the agency officer's draft
    other_draft: CommissionedItem  # another agency's draft
    pending: CommissionedItem  # version 2 under review, the reviewer's department still to vote
    voted: CommissionedItem  # under review, the reviewer's department has voted
    finance_item: CommissionedItem  # an item of the reviewer's own organisation (财政局)
    rejected: CommissionedItem
    approved: CommissionedItem  # budget 200,000; the contracts below are under it
    recorded: Contract  # provider's, recorded, not filed
    filed: Contract  # provider's, filed, not decided
    accepted: Contract  # provider's, filed and accepted
    other_accepted: Contract  # the other provider's, accepted
    foreign_item: CommissionedItem  # 330281, approved
    foreign_pending: CommissionedItem  # 330281, under review
    foreign_contract: Contract  # 330281, accepted
    rule: NegativeRule
    foreign_rule: NegativeRule


def _item_of_reviewers_own_organisation(panel: Panel) -> CommissionedItem:
    finance = panel.county.orgs["finance"]
    finance.is_agency = True
    finance.save(update_fields=["is_agency"])
    officer = UserFactory(
        username=f"finance_officer_{panel.code}", role=Role.AGENCY_OFFICER, organisation=finance
    )
    return submitted_item(panel, SUBMITTED, actor=officer, title="财政资金绩效评价技术咨询")


def _resubmitted(panel: Panel) -> CommissionedItem:
    """Rejected once, revised and submitted again: two versions, every seat pending."""
    item = submitted_item(panel, SUBMITTED)
    vote(panel, item, panel.county.orgs["seat2"], Decision.REJECT, now=REJECTED)
    item = revise_item(panel.officer, item)
    return submit_item(panel.officer, item, now=at(2026, 3, 4)).item


def _build_world() -> World:
    county, there = build_county(HERE, "慈溪市"), build_county(THERE, "余姚市")
    panel, there_panel = build_panel(county), build_panel(there)
    own_draft = draft_item(panel)
    other_draft = draft_item(panel, panel.other_officer, title="生态环境监测技术支持")
    pending = _resubmitted(panel)
    voted = submitted_item(panel, SUBMITTED)
    vote(panel, voted, county.orgs["finance"], now=REJECTED)
    finance_item = _item_of_reviewers_own_organisation(panel)
    rejected = submitted_item(panel, SUBMITTED)
    vote(panel, rejected, county.orgs["seat2"], Decision.REJECT, now=REJECTED)
    approved = approved_item(panel, SUBMITTED, DECIDED, budget="200000.00")
    recorded = recorded_contract(panel, approved, SIGNED, amount="40000.00")
    filed = recorded_contract(panel, approved, SIGNED, amount="40000.00")
    file_contract(panel.officer, filed, now=SIGNED)
    accepted = accepted_contract(panel, approved, SIGNED, amount="40000.00")
    other_accepted = accepted_contract(
        panel,
        approved,
        SIGNED,
        amount="40000.00",
        provider=county.orgs["other_provider"].pk,
        staff=[county.other_staff.pk],
    )
    foreign_item = approved_item(there_panel, SUBMITTED, DECIDED)
    foreign_contract = accepted_contract(there_panel, foreign_item, SIGNED)
    foreign_pending = submitted_item(there_panel, SUBMITTED)
    for item in (pending, voted, finance_item, rejected, approved):
        item.refresh_from_db()
    assert pending.status == ItemStatus.SUBMITTED and pending.current_version.version == 2
    assert voted.status == ItemStatus.UNDER_REVIEW
    assert rejected.status == ItemStatus.REJECTED
    assert approved.status == ItemStatus.APPROVED
    assert not Review.objects.filter(item=finance_item, department=county.orgs["finance"]).exists()
    return World(
        here=county,
        there=there,
        panel=panel,
        own_draft=own_draft,
        other_draft=other_draft,
        pending=pending,
        voted=voted,
        finance_item=finance_item,
        rejected=rejected,
        approved=approved,
        recorded=recorded,
        filed=filed,
        accepted=accepted,
        other_accepted=other_accepted,
        foreign_item=foreign_item,
        foreign_pending=foreign_pending,
        foreign_contract=foreign_contract,
        rule=NegativeRule.objects.filter(county_code=HERE).order_by("pk").first(),
        foreign_rule=NegativeRule.objects.filter(county_code=THERE).order_by("pk").first(),
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    """Built once per module (and xdist worker) inside a transaction rolled back at the end.

    Each test runs in its own savepoint (pytest-django's `db`), so what a cell changes is undone
    before the next one: the same isolation as a function-scoped world, at a fraction of the cost.
    """
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with media, django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def html_client(world: World, role: str) -> Client:
    return Client() if role == ANON else login_client(world.here.users[role])


def api_client(world: World, role: str) -> Client:
    if role == ANON:
        return Client()
    with transaction.atomic():
        _token, raw = issue_api_token(world.here.users[role], "matrix")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def pdf_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")


def terms(world: World, **changes) -> dict:
    data = {
        "amount": "20000.00",
        "signed_on": "2026-03-20",
        "term_start": "2026-04-01",
        "term_end": "2026-12-31",
        "scope": "消防安全隐患排查技术咨询，随同执法人员入企，不出具检查结论",
        "staff": [str(world.here.staff.pk)],
        "no_subentrustment": "true",
    }
    return data | changes


def new_item(world: World) -> dict:
    return item_data(world.panel, title="化纤企业静电防护技术咨询") | {"target_localities": []}


# --------------------------------------------------------------------------------------------
# The matrix. Columns, in order:
#   agency_officer, reviewer, supervisor, oversight, provider_admin, provider_staff, enterprise,
#   locality, system_admin, anonymous
# Y 200, F 403, N 404, S 302 to the page after a successful action, R 302 to the login page.
# --------------------------------------------------------------------------------------------

# fmt: off
HTML = {
    #                                agy rev  sup  ovs  padm pstf ent  loc  sys  anon
    # -- commissioned items
    "items":                        (Y,  Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   R),
    "item_new":                     (Y,  F,   F,   F,   F,   F,   F,   F,   F,   R),
    # Drafts stay with their agency: not even a system admin sees them (visible_items).
    "item_own_draft":               (Y,  N,   N,   N,   N,   N,   N,   N,   N,   R),
    "item_other_draft":             (N,  N,   N,   N,   N,   N,   N,   N,   N,   R),
    "item_pending":                 (Y,  Y,   Y,   Y,   N,   N,   N,   N,   Y,   R),
    "item_finance":                 (Y,  Y,   Y,   Y,   N,   N,   N,   N,   Y,   R),
    "item_approved":                (Y,  Y,   Y,   Y,   N,   N,   N,   N,   Y,   R),
    "item_foreign":                 (N,  N,   N,   N,   N,   N,   N,   N,   Y,   R),
    "item_edit_own_draft":          (Y,  N,   N,   N,   N,   N,   N,   N,   N,   R),
    "item_edit_other_draft":        (N,  N,   N,   N,   N,   N,   N,   N,   N,   R),
    "item_edit_finance":            (F,  F,   F,   F,   N,   N,   N,   N,   F,   R),
    "item_compare_pending":         (Y,  Y,   Y,   Y,   N,   N,   N,   N,   Y,   R),
    "item_submit_own_draft":        (S,  N,   N,   N,   N,   N,   N,   N,   N,   R),
    "item_submit_other_draft":      (N,  N,   N,   N,   N,   N,   N,   N,   N,   R),
    "item_submit_finance":          (F,  F,   F,   F,   N,   N,   N,   N,   F,   R),
    "item_vote_pending":            (F,  S,   F,   F,   N,   N,   N,   N,   F,   R),
    "item_vote_own_organisation":   (F,  F,   F,   F,   N,   N,   N,   N,   F,   R),
    # A second vote re-renders the page with the form error (the API answers 422).
    "item_vote_twice":              (F,  Y,   F,   F,   N,   N,   N,   N,   F,   R),
    "item_vote_foreign":            (N,  N,   N,   N,   N,   N,   N,   N,   F,   R),
    "item_merge":                   (F,  S,   S,   F,   N,   N,   N,   N,   F,   R),
    "item_merge_own_organisation":  (F,  F,   S,   F,   N,   N,   N,   N,   F,   R),
    "item_merge_foreign":           (N,  N,   N,   N,   N,   N,   N,   N,   F,   R),
    "item_revise_rejected":         (S,  F,   F,   F,   N,   N,   N,   N,   F,   R),
    "item_withdraw_pending":        (S,  F,   F,   F,   N,   N,   N,   N,   F,   R),
    "enterprise_search":            (Y,  F,   F,   F,   F,   F,   F,   F,   F,   R),
    # -- negative list (per county: a system admin's pages show its own county's list)
    "negative_list":                (F,  F,   Y,   F,   F,   F,   F,   F,   Y,   R),
    "negative_rule_new":            (F,  F,   Y,   F,   F,   F,   F,   F,   Y,   R),
    "negative_rule_edit":           (F,  F,   Y,   F,   F,   F,   F,   F,   Y,   R),
    "negative_rule_edit_foreign":   (F,  F,   N,   F,   F,   F,   F,   F,   N,   R),
    "negative_rule_deactivate":     (F,  F,   S,   F,   F,   F,   F,   F,   S,   R),
    # -- contracts
    "contracts":                    (Y,  Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   R),
    "contract_new":                 (Y,  F,   F,   F,   N,   N,   N,   N,   F,   R),
    "contract_new_foreign":         (N,  N,   N,   N,   N,   N,   N,   N,   F,   R),
    "contract_recorded":            (Y,  Y,   Y,   Y,   N,   N,   N,   N,   Y,   R),
    "contract_filed":               (Y,  Y,   Y,   Y,   Y,   Y,   N,   N,   Y,   R),
    "contract_accepted":            (Y,  Y,   Y,   Y,   Y,   Y,   N,   N,   Y,   R),
    "contract_other_accepted":      (Y,  Y,   Y,   Y,   N,   N,   N,   N,   Y,   R),
    "contract_foreign":             (N,  N,   N,   N,   N,   N,   N,   N,   Y,   R),
    "contract_correct_recorded":    (Y,  F,   F,   F,   N,   N,   N,   N,   F,   R),
    "contract_amend_accepted":      (Y,  F,   F,   F,   F,   F,   N,   N,   F,   R),
    "contract_file_recorded":       (S,  F,   F,   F,   N,   N,   N,   N,   F,   R),
    "contract_accept_filed":        (F,  F,   S,   F,   F,   F,   N,   N,   F,   R),
    "contract_return_filed":        (F,  F,   S,   F,   F,   F,   N,   N,   F,   R),
    "contract_accept_foreign":      (N,  N,   N,   N,   N,   N,   N,   N,   F,   R),
    "pdf_recorded":                 (Y,  Y,   Y,   Y,   N,   N,   N,   N,   Y,   R),
    "pdf_accepted":                 (Y,  Y,   Y,   Y,   Y,   Y,   N,   N,   Y,   R),
    "pdf_other_accepted":           (Y,  Y,   Y,   Y,   N,   N,   N,   N,   Y,   R),
    "pdf_foreign":                  (N,  N,   N,   N,   N,   N,   N,   N,   Y,   R),
    # -- notifications and the public lists
    "notifications":                (Y,  Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   R),
    "notifications_read_all":       (S,  S,   S,   S,   S,   S,   S,   S,   S,   R),
    "public":                       (Y,  Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y),
}

API = {
    #                                agy  rev  sup  ovs  padm pstf ent  loc  sys  anon
    # -- commissioned items
    "items":                        (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   401),
    "item_create":                  (201, F,   F,   F,   F,   F,   F,   F,   F,   401),
    # Drafts stay with their agency: not even a system admin sees them (visible_items).
    "item_own_draft":               (Y,   N,   N,   N,   N,   N,   N,   N,   N,   401),
    "item_other_draft":             (N,   N,   N,   N,   N,   N,   N,   N,   N,   401),
    "item_pending":                 (Y,   Y,   Y,   Y,   N,   N,   N,   N,   Y,   401),
    "item_finance":                 (Y,   Y,   Y,   Y,   N,   N,   N,   N,   Y,   401),
    "item_approved":                (Y,   Y,   Y,   Y,   N,   N,   N,   N,   Y,   401),
    "item_foreign":                 (N,   N,   N,   N,   N,   N,   N,   N,   Y,   401),
    "item_update_own_draft":        (Y,   N,   N,   N,   N,   N,   N,   N,   N,   401),
    "item_update_other_draft":      (N,   N,   N,   N,   N,   N,   N,   N,   N,   401),
    "item_update_finance":          (F,   F,   F,   F,   N,   N,   N,   N,   F,   401),
    "item_submit_own_draft":        (Y,   N,   N,   N,   N,   N,   N,   N,   N,   401),
    "item_submit_finance":          (F,   F,   F,   F,   N,   N,   N,   N,   F,   401),
    "item_vote_pending":            (F,   Y,   F,   F,   N,   N,   N,   N,   F,   401),
    "item_vote_own_organisation":   (F,   F,   F,   F,   N,   N,   N,   N,   F,   401),
    "item_vote_twice":              (F,   422, F,   F,   N,   N,   N,   N,   F,   401),
    "item_vote_foreign":            (N,   N,   N,   N,   N,   N,   N,   N,   F,   401),
    "item_merge":                   (F,   Y,   Y,   F,   N,   N,   N,   N,   F,   401),
    "item_merge_own_organisation":  (F,   F,   Y,   F,   N,   N,   N,   N,   F,   401),
    "item_merge_foreign":           (N,   N,   N,   N,   N,   N,   N,   N,   F,   401),
    "item_revise_rejected":         (Y,   F,   F,   F,   N,   N,   N,   N,   F,   401),
    "item_withdraw_pending":        (Y,   F,   F,   F,   N,   N,   N,   N,   F,   401),
    "item_versions_pending":        (Y,   Y,   Y,   Y,   N,   N,   N,   N,   Y,   401),
    "item_versions_foreign":        (N,   N,   N,   N,   N,   N,   N,   N,   Y,   401),
    # 事前 figures are for the judicial bureau, oversight and the review departments.
    "figures":                      (F,   Y,   Y,   Y,   F,   F,   F,   F,   F,   401),
    # -- contracts
    "contracts":                    (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   401),
    # The item is named in the form body: one the caller cannot see is an invalid field (422).
    "contract_record":              (201, F,   F,   F,   422, 422, 422, 422, F,   401),
    "contract_record_foreign":      (422, 422, 422, 422, 422, 422, 422, 422, F,   401),
    "contract_recorded":            (Y,   Y,   Y,   Y,   N,   N,   N,   N,   Y,   401),
    "contract_filed":               (Y,   Y,   Y,   Y,   Y,   Y,   N,   N,   Y,   401),
    "contract_accepted":            (Y,   Y,   Y,   Y,   Y,   Y,   N,   N,   Y,   401),
    "contract_other_accepted":      (Y,   Y,   Y,   Y,   N,   N,   N,   N,   Y,   401),
    "contract_foreign":             (N,   N,   N,   N,   N,   N,   N,   N,   Y,   401),
    "contract_correct_recorded":    (Y,   F,   F,   F,   N,   N,   N,   N,   F,   401),
    "contract_file_recorded":       (Y,   F,   F,   F,   N,   N,   N,   N,   F,   401),
    "contract_accept_filed":        (F,   F,   Y,   F,   F,   F,   N,   N,   F,   401),
    "contract_return_filed":        (F,   F,   Y,   F,   F,   F,   N,   N,   F,   401),
    "contract_amend_accepted":      (Y,   F,   F,   F,   F,   F,   N,   N,   F,   401),
    "contract_accept_foreign":      (N,   N,   N,   N,   N,   N,   N,   N,   F,   401),
    # -- notifications and the public lists
    "notifications":                (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   401),
    "notifications_read":           (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   401),
    "public_items":                 (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y),
    "public_contracts":             (Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y,   Y),
}
# fmt: on


def _get(url):
    return ("get", url, None)


def _post(url, data=None):
    return ("post", url, data or (lambda w: {}))


def _json(url, data=None):
    return ("json", url, data or (lambda w: {}))


item_url = "/commissioning/items/{}/".format
contract_url = "/contracts/{}/".format
VOTE = {"decision": "approve", "opinion": "同意，注意控制入企频次"}

# How to call each row: (method, url(world), request data(world) or None).
HTML_CALLS = {
    "items": _get(lambda w: "/commissioning/items/"),
    "item_new": _get(lambda w: "/commissioning/items/new/"),
    "item_own_draft": _get(lambda w: item_url(w.own_draft.pk)),
    "item_other_draft": _get(lambda w: item_url(w.other_draft.pk)),
    "item_pending": _get(lambda w: item_url(w.pending.pk)),
    "item_finance": _get(lambda w: item_url(w.finance_item.pk)),
    "item_approved": _get(lambda w: item_url(w.approved.pk)),
    "item_foreign": _get(lambda w: item_url(w.foreign_item.pk)),
    "item_edit_own_draft": _get(lambda w: f"{item_url(w.own_draft.pk)}edit/"),
    "item_edit_other_draft": _get(lambda w: f"{item_url(w.other_draft.pk)}edit/"),
    "item_edit_finance": _get(lambda w: f"{item_url(w.finance_item.pk)}edit/"),
    "item_compare_pending": _get(lambda w: f"{item_url(w.pending.pk)}compare/?a=1&b=2"),
    "item_submit_own_draft": _post(lambda w: f"{item_url(w.own_draft.pk)}submit/"),
    "item_submit_other_draft": _post(lambda w: f"{item_url(w.other_draft.pk)}submit/"),
    "item_submit_finance": _post(lambda w: f"{item_url(w.finance_item.pk)}submit/"),
    "item_vote_pending": _post(lambda w: f"{item_url(w.pending.pk)}vote/", lambda w: VOTE),
    "item_vote_own_organisation": _post(
        lambda w: f"{item_url(w.finance_item.pk)}vote/", lambda w: VOTE
    ),
    "item_vote_twice": _post(lambda w: f"{item_url(w.voted.pk)}vote/", lambda w: VOTE),
    "item_vote_foreign": _post(lambda w: f"{item_url(w.foreign_pending.pk)}vote/", lambda w: VOTE),
    "item_merge": _post(
        lambda w: f"{item_url(w.voted.pk)}merge/",
        lambda w: {"merge_with": w.pending.number, "note": "内容重叠"},
    ),
    "item_merge_own_organisation": _post(
        lambda w: f"{item_url(w.finance_item.pk)}merge/",
        lambda w: {"merge_with": w.pending.number, "note": "内容重叠"},
    ),
    "item_merge_foreign": _post(
        lambda w: f"{item_url(w.foreign_pending.pk)}merge/", lambda w: {"merge_with": ""}
    ),
    "item_revise_rejected": _post(lambda w: f"{item_url(w.rejected.pk)}revise/"),
    "item_withdraw_pending": _post(
        lambda w: f"{item_url(w.pending.pk)}withdraw/", lambda w: {"reason": "工作调整"}
    ),
    "enterprise_search": _get(lambda w: "/commissioning/enterprises/?q=化纤"),
    "negative_list": _get(lambda w: "/commissioning/negative-list/"),
    "negative_rule_new": _get(lambda w: "/commissioning/negative-list/new/"),
    "negative_rule_edit": _get(lambda w: f"/commissioning/negative-list/{w.rule.pk}/edit/"),
    "negative_rule_edit_foreign": _get(
        lambda w: f"/commissioning/negative-list/{w.foreign_rule.pk}/edit/"
    ),
    "negative_rule_deactivate": _post(
        lambda w: f"/commissioning/negative-list/{w.rule.pk}/active/", lambda w: {"active": "0"}
    ),
    "contracts": _get(lambda w: "/contracts/"),
    "contract_new": _get(lambda w: f"/contracts/new/{w.approved.pk}/"),
    "contract_new_foreign": _get(lambda w: f"/contracts/new/{w.foreign_item.pk}/"),
    "contract_recorded": _get(lambda w: contract_url(w.recorded.pk)),
    "contract_filed": _get(lambda w: contract_url(w.filed.pk)),
    "contract_accepted": _get(lambda w: contract_url(w.accepted.pk)),
    "contract_other_accepted": _get(lambda w: contract_url(w.other_accepted.pk)),
    "contract_foreign": _get(lambda w: contract_url(w.foreign_contract.pk)),
    "contract_correct_recorded": _get(lambda w: f"{contract_url(w.recorded.pk)}correct/"),
    "contract_amend_accepted": _get(lambda w: f"{contract_url(w.accepted.pk)}amend/"),
    "contract_file_recorded": _post(lambda w: f"{contract_url(w.recorded.pk)}file/"),
    "contract_accept_filed": _post(lambda w: f"{contract_url(w.filed.pk)}accept/"),
    "contract_return_filed": _post(
        lambda w: f"{contract_url(w.filed.pk)}return/", lambda w: {"reason": "缺少签字页"}
    ),
    "contract_accept_foreign": _post(lambda w: f"{contract_url(w.foreign_contract.pk)}accept/"),
    "pdf_recorded": _get(lambda w: f"{contract_url(w.recorded.pk)}versions/1/pdf"),
    "pdf_accepted": _get(lambda w: f"{contract_url(w.accepted.pk)}versions/1/pdf"),
    "pdf_other_accepted": _get(lambda w: f"{contract_url(w.other_accepted.pk)}versions/1/pdf"),
    "pdf_foreign": _get(lambda w: f"{contract_url(w.foreign_contract.pk)}versions/1/pdf"),
    "notifications": _get(lambda w: "/notifications/"),
    "notifications_read_all": _post(lambda w: "/notifications/read/", lambda w: {"all": "1"}),
    "public": _get(lambda w: "/public/"),
}

V1 = "/api/v1"
api_item = f"{V1}/commissioning/items/{{}}".format
api_contract = f"{V1}/contracts/{{}}".format
MERGE_INTO_PENDING = lambda w: {"merge_with": w.pending.pk, "note": "内容重叠"}  # noqa: E731

API_CALLS = {
    "items": _get(lambda w: f"{V1}/commissioning/items"),
    "item_create": _json(lambda w: f"{V1}/commissioning/items", new_item),
    "item_own_draft": _get(lambda w: api_item(w.own_draft.pk)),
    "item_other_draft": _get(lambda w: api_item(w.other_draft.pk)),
    "item_pending": _get(lambda w: api_item(w.pending.pk)),
    "item_finance": _get(lambda w: api_item(w.finance_item.pk)),
    "item_approved": _get(lambda w: api_item(w.approved.pk)),
    "item_foreign": _get(lambda w: api_item(w.foreign_item.pk)),
    "item_update_own_draft": ("put", lambda w: api_item(w.own_draft.pk), new_item),
    "item_update_other_draft": ("put", lambda w: api_item(w.other_draft.pk), new_item),
    "item_update_finance": ("put", lambda w: api_item(w.finance_item.pk), new_item),
    "item_submit_own_draft": _post(lambda w: f"{api_item(w.own_draft.pk)}/submit"),
    "item_submit_finance": _post(lambda w: f"{api_item(w.finance_item.pk)}/submit"),
    "item_vote_pending": _json(lambda w: f"{api_item(w.pending.pk)}/votes", lambda w: VOTE),
    "item_vote_own_organisation": _json(
        lambda w: f"{api_item(w.finance_item.pk)}/votes", lambda w: VOTE
    ),
    "item_vote_twice": _json(lambda w: f"{api_item(w.voted.pk)}/votes", lambda w: VOTE),
    "item_vote_foreign": _json(lambda w: f"{api_item(w.foreign_pending.pk)}/votes", lambda w: VOTE),
    "item_merge": _json(lambda w: f"{api_item(w.voted.pk)}/merge", MERGE_INTO_PENDING),
    "item_merge_own_organisation": _json(
        lambda w: f"{api_item(w.finance_item.pk)}/merge", MERGE_INTO_PENDING
    ),
    "item_merge_foreign": _json(
        lambda w: f"{api_item(w.foreign_pending.pk)}/merge", lambda w: {"merge_with": None}
    ),
    "item_revise_rejected": _post(lambda w: f"{api_item(w.rejected.pk)}/revise"),
    "item_withdraw_pending": _json(
        lambda w: f"{api_item(w.pending.pk)}/withdraw", lambda w: {"reason": "工作调整"}
    ),
    "item_versions_pending": _get(lambda w: f"{api_item(w.pending.pk)}/versions"),
    "item_versions_foreign": _get(lambda w: f"{api_item(w.foreign_item.pk)}/versions"),
    "figures": _get(lambda w: f"{V1}/commissioning/figures?year=2026"),
    "contracts": _get(lambda w: f"{V1}/contracts"),
    "contract_record": _post(
        lambda w: f"{V1}/contracts",
        lambda w: (
            terms(w)
            | {
                "item": str(w.approved.pk),
                "provider": str(w.here.orgs["provider"].pk),
                "pdf": pdf_upload(),
            }
        ),
    ),
    "contract_record_foreign": _post(
        lambda w: f"{V1}/contracts",
        lambda w: (
            terms(w, staff=[str(w.there.staff.pk)])
            | {
                "item": str(w.foreign_item.pk),
                "provider": str(w.there.orgs["provider"].pk),
                "pdf": pdf_upload(),
            }
        ),
    ),
    "contract_recorded": _get(lambda w: api_contract(w.recorded.pk)),
    "contract_filed": _get(lambda w: api_contract(w.filed.pk)),
    "contract_accepted": _get(lambda w: api_contract(w.accepted.pk)),
    "contract_other_accepted": _get(lambda w: api_contract(w.other_accepted.pk)),
    "contract_foreign": _get(lambda w: api_contract(w.foreign_contract.pk)),
    "contract_correct_recorded": _post(
        lambda w: f"{api_contract(w.recorded.pk)}/correct",
        lambda w: terms(w, amount="35000.00"),
    ),
    "contract_file_recorded": _post(lambda w: f"{api_contract(w.recorded.pk)}/file"),
    "contract_accept_filed": _post(lambda w: f"{api_contract(w.filed.pk)}/accept"),
    "contract_return_filed": _json(
        lambda w: f"{api_contract(w.filed.pk)}/return", lambda w: {"reason": "缺少签字页"}
    ),
    "contract_amend_accepted": _post(
        lambda w: f"{api_contract(w.accepted.pk)}/amend",
        lambda w: terms(w, amount="30000.00") | {"change_note": "核减服务量", "pdf": pdf_upload()},
    ),
    "contract_accept_foreign": _post(lambda w: f"{api_contract(w.foreign_contract.pk)}/accept"),
    "notifications": _get(lambda w: f"{V1}/notifications"),
    "notifications_read": _json(lambda w: f"{V1}/notifications/read", lambda w: {"ids": None}),
    "public_items": _get(lambda w: f"{V1}/public/items"),
    "public_contracts": _get(lambda w: f"{V1}/public/contracts"),
}
assert HTML_CALLS.keys() == HTML.keys() and API_CALLS.keys() == API.keys()
assert all(len(row) == len(ROLES) for row in (*HTML.values(), *API.values()))

# Cells where the code breaks the rule (the expected value above stays the rule's):
# (kind, row, role) -> reason.
XFAIL: dict[tuple[str, str, str], str] = {}


def _cells(kind: str, table: dict):
    for name, row in table.items():
        for role, expected in zip(ROLES, row, strict=True):
            marks = []
            if reason := XFAIL.get((kind, name, role)):
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            yield pytest.param(name, role, expected, id=f"{name}-{role}", marks=marks)


def call(client: Client, world: World, calls: dict, name: str):
    method, url, data = calls[name]
    path = url(world)
    body = data(world) if data else None
    if method == "json":
        return client.post(path, body, content_type="application/json")
    if method == "put":
        return client.put(path, json.dumps(body), content_type="application/json")
    if method == "post":
        return client.post(path, body or {})
    return client.get(path)


@pytest.mark.parametrize(("name", "role", "expected"), list(_cells("html", HTML)))
def test_html_cell(world, name, role, expected):
    response = call(html_client(world, role), world, HTML_CALLS, name)
    assert response.status_code != 500
    assert response.status_code == expected
    if expected == 302:
        login = response["Location"].startswith("/accounts/login/?next=")
        assert login == (role == ANON), response["Location"]
    if name.startswith("pdf_") and expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(("name", "role", "expected"), list(_cells("api", API)))
def test_api_cell(world, name, role, expected):
    response = call(api_client(world, role), world, API_CALLS, name)
    assert response.status_code != 500
    assert response.status_code == expected, response.content.decode()[:300]
    assert response["Content-Type"].startswith("application/json")
    errors = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 422: "invalid"}
    if expected in errors:
        assert_error_body(response, errors[expected])


# --------------------------------------------------------------------------------------------
# Data scoping: which records each role sees, not only whether the page opens.
# --------------------------------------------------------------------------------------------

ITEMS_NON_DRAFT = ("pending", "voted", "finance_item", "rejected", "approved")
# role -> items seen (attribute names of World)
VISIBLE_ITEMS = {
    "agency_officer": ("own_draft", *ITEMS_NON_DRAFT),
    "reviewer": ITEMS_NON_DRAFT,
    "supervisor": ITEMS_NON_DRAFT,
    "oversight": ITEMS_NON_DRAFT,
    "provider_admin": (),
    "provider_staff": (),
    "enterprise": (),
    "locality": (),
    "system_admin": (*ITEMS_NON_DRAFT, "foreign_item", "foreign_pending"),
}
CONTRACTS_HERE = ("recorded", "filed", "accepted", "other_accepted")
VISIBLE_CONTRACTS = {
    "agency_officer": CONTRACTS_HERE,
    "reviewer": CONTRACTS_HERE,
    "supervisor": CONTRACTS_HERE,
    "oversight": CONTRACTS_HERE,
    "provider_admin": ("filed", "accepted"),  # its own, once filed
    "provider_staff": ("filed", "accepted"),
    "enterprise": (),
    "locality": (),
    "system_admin": (*CONTRACTS_HERE, "foreign_contract"),
}


def pks(world: World, names) -> set[int]:
    return {getattr(world, n).pk for n in names}


def assert_no_foreign_text(world: World, role: str, response) -> None:
    if role == "system_admin":
        return
    text = response.content.decode()
    assert "余姚市" not in text
    assert world.foreign_item.number not in text
    assert world.foreign_contract.number not in text
    assert world.foreign_pending.number not in text


@pytest.mark.parametrize("role", USER_ROLES)
def test_html_item_list_scope(world, role):
    response = html_client(world, role).get("/commissioning/items/")
    page = response.context["page"]
    assert {i.pk for i in page.object_list} == pks(world, VISIBLE_ITEMS[role])
    assert page.paginator.count == len(VISIBLE_ITEMS[role])
    assert world.other_draft.number not in response.content.decode()
    assert_no_foreign_text(world, role, response)


@pytest.mark.parametrize("role", USER_ROLES)
def test_api_item_list_scope(world, role):
    body = api_client(world, role).get(f"{V1}/commissioning/items?page_size=500").json()
    assert {i["id"] for i in body["items"]} == pks(world, VISIBLE_ITEMS[role])
    assert body["count"] == len(VISIBLE_ITEMS[role])


@pytest.mark.parametrize("role", USER_ROLES)
def test_html_contract_list_scope(world, role):
    response = html_client(world, role).get("/contracts/")
    page = response.context["page"]
    assert {c.pk for c in page.object_list} == pks(world, VISIBLE_CONTRACTS[role])
    assert page.paginator.count == len(VISIBLE_CONTRACTS[role])
    assert_no_foreign_text(world, role, response)


@pytest.mark.parametrize("role", USER_ROLES)
def test_api_contract_list_scope(world, role):
    body = api_client(world, role).get(f"{V1}/contracts?page_size=500").json()
    assert {c["id"] for c in body["items"]} == pks(world, VISIBLE_CONTRACTS[role])
    assert body["count"] == len(VISIBLE_CONTRACTS[role])


@pytest.mark.parametrize("role", [r for r in USER_ROLES if "approved" in VISIBLE_ITEMS[r]])
def test_item_page_lists_only_visible_contracts(world, role):
    """The approved item's page lists its contracts as far as the viewer may see them."""
    response = html_client(world, role).get(item_url(world.approved.pk))
    shown = {c.pk for c in response.context["contracts"]}
    assert shown == pks(world, VISIBLE_CONTRACTS[role]) & pks(world, CONTRACTS_HERE)


def test_provider_sees_contract_once_filed(world):
    client = api_client(world, "provider_admin")
    assert client.get(api_contract(world.recorded.pk)).status_code == 404
    with transaction.atomic():
        file_contract(world.panel.officer, world.recorded)
    assert client.get(api_contract(world.recorded.pk)).status_code == 200
    response = html_client(world, "provider_admin").get(
        f"{contract_url(world.recorded.pk)}versions/1/pdf"
    )
    assert response.status_code == 200


def test_second_vote_changes_nothing(world):
    review = Review.objects.get(
        version=world.voted.current_version, department=world.here.orgs["finance"]
    )
    before = (review.decision, review.opinion, review.decided_at)
    body = {"decision": "reject", "opinion": "改为不同意"}
    for response in (
        api_client(world, "reviewer").post(
            f"{api_item(world.voted.pk)}/votes", body, content_type="application/json"
        ),
        html_client(world, "reviewer").post(f"{item_url(world.voted.pk)}vote/", body),
    ):
        assert response.status_code in (200, 422)
    review.refresh_from_db()
    assert (review.decision, review.opinion, review.decided_at) == before
    world.voted.refresh_from_db()
    assert world.voted.status == ItemStatus.UNDER_REVIEW


def test_refused_actions_change_nothing(world):
    """A reviewer cannot vote on its own organisation's item; others cannot act for the agency."""
    api_client(world, "reviewer").post(
        f"{api_item(world.finance_item.pk)}/votes", VOTE, content_type="application/json"
    )
    api_client(world, "supervisor").post(
        f"{api_item(world.pending.pk)}/withdraw", {"reason": "x"}, content_type="application/json"
    )
    api_client(world, "provider_admin").post(f"{api_contract(world.filed.pk)}/accept")
    api_client(world, "system_admin").post(f"{api_contract(world.filed.pk)}/accept")
    assert not Review.objects.filter(
        item=world.finance_item, decision__in=(Decision.APPROVE, Decision.APPROVE_CUT)
    ).exists()
    world.pending.refresh_from_db()
    assert world.pending.status == ItemStatus.SUBMITTED
    world.filed.refresh_from_db()
    assert world.filed.current_version.filing_status == "filed"
    assert world.filed.accepted_version_id is None


# ---- notifications: each user reads and marks only its own ----------------------------------


def _everyone_notified(world: World) -> list[User]:
    users = list(User.objects.all())  # both counties
    with transaction.atomic():
        for user in users:
            notify([user], title=f"矩阵通知 {user.username}", dedupe_key=f"matrix:{user.pk}")
    return users


@pytest.mark.parametrize("role", USER_ROLES)
def test_notifications_are_per_user(world, role):
    users = _everyone_notified(world)
    user = world.here.users[role]
    own = set(Notification.objects.filter(recipient=user).values_list("pk", flat=True))
    assert own  # at least the matrix notification
    body = api_client(world, role).get(f"{V1}/notifications?page_size=500").json()
    assert {n["id"] for n in body["items"]} == own
    response = html_client(world, role).get("/notifications/")
    assert {n.pk for n in response.context["page"].object_list} == own
    text = response.content.decode()
    for other in users:
        if other.pk != user.pk:
            assert f"矩阵通知 {other.username}<" not in text


@pytest.mark.parametrize("role", USER_ROLES)
def test_marking_read_touches_only_own_notifications(world, role):
    _everyone_notified(world)
    user = world.here.users[role]
    others = list(
        Notification.objects.exclude(recipient=user)
        .filter(read_at__isnull=True)
        .values_list("pk", flat=True)
    )
    client = api_client(world, role)
    response = client.post(
        f"{V1}/notifications/read", {"ids": others}, content_type="application/json"
    )
    assert response.json() == {"marked": 0}
    html_client(world, role).post("/notifications/read/", {"id": [str(i) for i in others]})
    assert Notification.objects.filter(pk__in=others, read_at__isnull=False).count() == 0
    html_client(world, role).post("/notifications/read/", {"all": "1"})
    assert Notification.objects.filter(pk__in=others, read_at__isnull=False).count() == 0
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_reviewer_is_asked_to_review_and_agency_told_of_decisions(world):
    """The world's own notifications reach the right people only."""
    reviewer = world.here.users["reviewer"]
    titles = list(Notification.objects.filter(recipient=reviewer).values_list("title", flat=True))
    assert any(world.pending.number in t for t in titles)
    assert not any(world.finance_item.number in t for t in titles)  # no vote on its own item
    for role in ("provider_admin", "provider_staff", "enterprise", "locality"):
        assert not Notification.objects.filter(recipient=world.here.users[role]).exists()


# ---- public lists: open to everyone, approved items and accepted contracts, no personal data --

PUBLIC_ITEMS = ("approved", "foreign_item")
PUBLIC_CONTRACTS = ("accepted", "other_accepted", "foreign_contract")
PUBLIC_ITEM_FIELDS = {
    "number",
    "county_code",
    "agency",
    "domain",
    "title",
    "content",
    "legal_basis",
    "period_start",
    "period_end",
    "approved_budget",
    "decided_at",
}
PUBLIC_CONTRACT_FIELDS = {
    "number",
    "county_code",
    "item_number",
    "item_title",
    "agency",
    "provider",
    "amount",
    "signed_on",
    "term_start",
    "term_end",
    "scope",
    "staff_count",
    "accepted_at",
    "in_force",
}


def personal_strings(world: World) -> list[str]:
    out = []
    for c in (world.here, world.there):
        for person in (c.staff, c.other_staff):
            out += [person.id_number, person.phone, person.masked_id_number, person.masked_phone]
    out += [u.username for u in User.objects.all()]
    return out


def numbers(world: World, names) -> set[str]:
    return {getattr(world, n).number for n in names}


@pytest.mark.parametrize("role", ROLES)
def test_public_page_shows_only_public_records(world, role):
    response = html_client(world, role).get("/public/")
    ctx = response.context
    assert {i.number for i in ctx["items"].object_list} == numbers(world, PUBLIC_ITEMS)
    assert {c.number for c in ctx["contracts"].object_list} == numbers(world, PUBLIC_CONTRACTS)
    text = response.content.decode()
    for hidden in ("own_draft", "other_draft", "pending", "rejected", "recorded", "filed"):
        assert getattr(world, hidden).number not in text
    if role == ANON:
        for value in personal_strings(world):
            assert value not in text


def test_public_page_filters_by_county(world):
    response = Client().get(f"/public/?county={HERE}")
    assert {i.number for i in response.context["items"].object_list} == {world.approved.number}
    assert {c.number for c in response.context["contracts"].object_list} == numbers(
        world, ("accepted", "other_accepted")
    )


@pytest.mark.parametrize("role", (ANON, "provider_staff", "system_admin"))
def test_public_api_has_no_personal_data(world, role):
    client = api_client(world, role)
    items = client.get(f"{V1}/public/items?page_size=500").json()
    contracts = client.get(f"{V1}/public/contracts?page_size=500").json()
    assert {i["number"] for i in items["items"]} == numbers(world, PUBLIC_ITEMS)
    assert {c["number"] for c in contracts["items"]} == numbers(world, PUBLIC_CONTRACTS)
    assert all(set(i) == PUBLIC_ITEM_FIELDS for i in items["items"])
    assert all(set(c) == PUBLIC_CONTRACT_FIELDS for c in contracts["items"])
    text = json.dumps([items, contracts], ensure_ascii=False)
    for value in personal_strings(world):
        assert value not in text
    for c in (world.here, world.there):
        for person in (c.staff, c.other_staff):
            assert f'"{person.name}"' not in text
    here = client.get(f"{V1}/public/contracts?county={HERE}").json()
    assert {c["county_code"] for c in here["items"]} == {HERE}

"""The commissioned-item API: every transition with its audit event, bad input, scoping, figures."""

from decimal import Decimal

import pytest
from django.test import Client

from zerodisturb.audit.models import AuditEvent
from zerodisturb.commissioning.models import CommissionedItem, ItemVersion, Review
from zerodisturb.commissioning.tests.api_world import V1, audit_actions, token_client, world
from zerodisturb.registry.models import ReviewDepartment
from zerodisturb.roles import Role
from zerodisturb.testing.factories import UserFactory

__all__ = ["world"]  # the fixture

ITEMS = f"{V1}/commissioning/items"


def rows() -> tuple[int, int, int, int]:
    return (
        CommissionedItem.objects.count(),
        ItemVersion.objects.count(),
        Review.objects.count(),
        AuditEvent.objects.count(),
    )


def assert_refused(response, field: str, *words: str) -> None:
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    for word in words:
        assert word in error["message"], error["message"]


# ----------------------------------------------------------------------------- transitions


def test_create_returns_201_with_the_draft_and_writes_item_create(world):
    item = world.create()
    assert item["status"] == "draft" and item["number"].startswith("WT-330282-")
    assert item["current"]["requested_budget"] == "200000.00"
    assert item["current"]["target_localities"][0]["code"] == "330282101"
    assert item["versions"][0]["version"] == 1 and item["reviews"] == []
    assert audit_actions(item["number"]) == ["item.create"]


def test_update_draft_changes_the_version_and_writes_item_update(world):
    item = world.create()
    body = world.item_body(requested_budget="150000.50", title="隐患排查技术咨询")
    response = world.agency.put(f"{ITEMS}/{item['id']}", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["title"] == "隐患排查技术咨询"
    assert response.json()["requested_budget"] == "150000.50"
    assert audit_actions(item["number"]) == ["item.create", "item.update"]


def test_submit_opens_the_review_and_lists_overlaps_of_other_agencies(world):
    mine = world.create()
    world.submit(mine["id"])
    theirs = world.create(client=world.other_agency, title="危化品企业隐患排查技术支持服务")
    result = world.submit(theirs["id"], client=world.other_agency)
    assert result["item"]["status"] == "submitted"
    assert result["item"]["review_due_on"]
    assert [r["department"] for r in result["item"]["reviews"]] == ["慈溪市司法局", "慈溪市财政局"]
    assert [o["number"] for o in result["overlaps"]] == [mine["number"]]
    assert result["overlaps"][0]["shared_enterprises"] == 1
    assert result["item"]["overlaps"][0]["number"] == mine["number"]
    assert audit_actions(theirs["number"]) == ["item.create", "item.submit"]


def test_unanimous_votes_approve_and_each_vote_is_audited(world):
    item = world.create()
    world.submit(item["id"])
    first = world.vote(world.judicial, item["id"], opinion="依据充分")
    assert first.status_code == 200 and first.json()["status"] == "under_review"
    second = world.vote(world.finance, item["id"], "approve_cut", "预算偏高", amount="180000")
    body = second.json()
    assert body["status"] == "approved_reduced"
    assert body["approved_budget"] == "180000.00" and body["contracted_amount"] == "0.00"
    assert [r["decision"] for r in body["reviews"]] == ["approve", "approve_cut"]
    assert audit_actions(item["number"]) == [
        "item.create",
        "item.submit",
        "review.vote",
        "review.vote",
        "item.decide",
    ]


def test_rejection_then_revise_makes_version_two_and_it_can_be_resubmitted(world):
    item = world.create()
    world.submit(item["id"])
    rejected = world.vote(world.judicial, item["id"], "reject", "可由本局自行完成")
    assert rejected.json()["status"] == "rejected"
    revised = world.agency.post(f"{ITEMS}/{item['id']}/revise")
    assert revised.status_code == 200
    assert revised.json()["status"] == "draft" and revised.json()["version"] == 2
    versions = world.agency.get(f"{ITEMS}/{item['id']}/versions").json()
    assert [v["version"] for v in versions] == [1, 2]
    assert world.submit(item["id"])["item"]["status"] == "submitted"
    assert audit_actions(item["number"]) == [
        "item.create",
        "item.submit",
        "review.vote",
        "item.decide",
        "item.revise",
        "item.submit",
    ]


def test_withdraw_needs_a_reason_and_is_audited(world):
    item = world.create()
    url = f"{ITEMS}/{item['id']}/withdraw"
    assert_refused(
        world.agency.post(url, {}, content_type="application/json"), "reason", "撤回理由"
    )
    response = world.agency.post(url, {"reason": "并入年度计划"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["withdrawn_reason"] == "并入年度计划"
    assert audit_actions(item["number"]) == ["item.create", "item.withdraw"]


def test_reviewer_marks_an_item_for_merging_and_clears_it(world):
    mine = world.create()
    world.submit(mine["id"])
    theirs = world.create(client=world.other_agency)
    world.submit(theirs["id"], client=world.other_agency)
    url = f"{ITEMS}/{theirs['id']}/merge"
    body = {"merge_with": mine["id"], "note": "同一批企业，综合查一次"}
    response = world.judicial.post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["merge_with"] == mine["number"]
    cleared = world.judicial.post(url, {"merge_with": None}, content_type="application/json")
    assert cleared.json()["merge_with"] is None
    assert audit_actions(theirs["number"])[-2:] == ["item.mark_merge", "item.mark_merge"]
    refused = world.agency.post(url, body, content_type="application/json")
    assert refused.status_code == 403
    missing = world.judicial.post(url, {"merge_with": 999999}, content_type="application/json")
    assert_refused(missing, "merge_with", "合并目标")


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"requested_budget": -1}, "requested_budget", ("申请预算", "大于 0")),
        ({"requested_budget": "abc"}, "requested_budget", ("申请预算", "abc")),
        ({"requested_budget": 10**15}, "requested_budget", ("申请预算", "上限")),
        ({"requested_budget": "12.345"}, "requested_budget", ("申请预算", "两位小数")),
        ({"period_start": "2026-02-30"}, "period_start", ("服务期起",)),
        ({"period_end": "2030-12-31"}, "period_end", ("服务期止", "3 年")),
        ({"domain": "astrology"}, "domain", ("委托领域",)),
        ({"title": ""}, "title", ("事项名称", "必填")),
        ({"target_enterprises": ["abc"]}, "target_enterprises", ("目标企业",)),
        ({"target_sectors": ["mining_on_mars"]}, "target_sectors", ("目标行业",)),
    ],
    ids=lambda v: str(v) if not isinstance(v, tuple) else None,
)
def test_bad_input_is_refused_by_field_and_nothing_is_stored(world, changes, field, words):
    before = rows()
    response = world.agency.post(ITEMS, world.item_body(**changes), content_type="application/json")
    assert_refused(response, field, *words)
    assert rows() == before


def test_bad_input_on_update_leaves_the_draft_unchanged(world):
    item = world.create()
    before = rows()
    body = world.item_body(requested_budget="abc")
    response = world.agency.put(f"{ITEMS}/{item['id']}", body, content_type="application/json")
    assert_refused(response, "requested_budget", "申请预算")
    assert rows() == before
    assert ItemVersion.objects.get(item_id=item["id"]).requested_budget == Decimal("200000.00")


@pytest.mark.parametrize("phrase", ["出具检查结论", "下达整改通知"])
def test_negative_list_content_is_refused_at_submission_naming_the_rule(world, phrase):
    item = world.create(content=f"协助开展隐患排查并{phrase}")
    before = rows()
    response = world.agency.post(f"{ITEMS}/{item['id']}/submit")
    assert_refused(response, "content", "服务内容", phrase, "不得委托", "第六条")
    # Nothing changes but the audit trail, which keeps the refusal and the rule it hit.
    assert rows()[:3] == before[:3] and rows()[3] == before[3] + 1
    assert audit_actions(item["number"])[-1] == "item.refused_negative_list"
    assert CommissionedItem.objects.get(pk=item["id"]).status == "draft"


def test_vote_with_a_cut_not_below_the_request_is_refused(world):
    item = world.create()
    world.submit(item["id"])
    before = rows()
    response = world.vote(world.finance, item["id"], "approve_cut", "核减", amount="250000")
    assert_refused(response, "amount", "核定金额", "低于申请金额")
    assert rows() == before
    assert_refused(world.vote(world.finance, item["id"], opinion=""), "opinion", "书面意见")
    assert_refused(world.vote(world.finance, item["id"], "maybe"), "decision", "表决意见")


# --------------------------------------------------------------------------------- scoping


def test_an_agency_does_not_see_another_agencys_drafts(world):
    draft = world.create()
    assert world.other_agency.get(f"{ITEMS}/{draft['id']}").status_code == 404
    listed = world.other_agency.get(ITEMS).json()
    assert listed["count"] == 0
    assert world.supervisor.get(f"{ITEMS}/{draft['id']}").status_code == 404
    world.submit(draft["id"])
    assert world.other_agency.get(f"{ITEMS}/{draft['id']}").status_code == 200
    edit = world.other_agency.put(
        f"{ITEMS}/{draft['id']}", world.item_body(), content_type="application/json"
    )
    assert edit.status_code == 403 and edit.json()["error"]["code"] == "forbidden"


def test_a_reviewer_cannot_vote_twice(world):
    item = world.create()
    world.submit(item["id"])
    assert world.vote(world.judicial, item["id"]).status_code == 200
    before = rows()
    again = world.vote(world.judicial, item["id"], "reject", "改变主意")
    assert_refused(again, "decision", "重复表决")
    assert rows() == before


def test_a_reviewer_cannot_vote_on_an_item_of_its_own_organisation(world):
    county = world.county
    ReviewDepartment.objects.create(
        county_code=county.code, organisation=county.orgs["agency"], order=5
    )
    own = token_client(
        UserFactory(
            username="agency_reviewer", role=Role.REVIEWER, organisation=county.orgs["agency"]
        )
    )
    item = world.create()
    result = world.submit(item["id"])
    assert "慈溪市应急管理局" not in [r["department"] for r in result["item"]["reviews"]]
    before = rows()
    response = world.vote(own, item["id"])
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert rows() == before


def test_agency_officer_cannot_vote_and_provider_sees_no_items(world):
    item = world.create()
    world.submit(item["id"])
    assert world.vote(world.agency, item["id"]).status_code == 403
    assert world.provider.get(ITEMS).json()["count"] == 0
    assert world.provider.get(f"{ITEMS}/{item['id']}").status_code == 404


def test_list_filters_and_paginates(world):
    first = world.create()
    world.create(domain="ecology", title="园区环境风险提示服务", content="提供环境风险提示")
    world.submit(first["id"])
    listed = world.agency.get(f"{ITEMS}?page_size=1").json()
    assert listed["count"] == 2 and len(listed["items"]) == 1
    by_status = world.agency.get(f"{ITEMS}?status=submitted").json()
    assert [i["number"] for i in by_status["items"]] == [first["number"]]
    by_domain = world.agency.get(f"{ITEMS}?domain=ecology").json()
    assert [i["domain"] for i in by_domain["items"]] == ["ecology"]
    agency_id = world.county.orgs["other_agency"].pk
    assert world.agency.get(f"{ITEMS}?agency={agency_id}").json()["count"] == 0


# --------------------------------------------------------------------------------- figures


def test_figures_are_null_without_data(world):
    response = world.supervisor.get(f"{V1}/commissioning/figures?year=2026&month=11")
    assert response.status_code == 200
    figures = {f["key"]: f for f in response.json()}
    assert figures["pre_approval_rate"]["value"] is None
    assert figures["filing_on_time_rate"]["value"] is None
    assert figures["budget_saved"]["value"] is None
    assert figures["pre_approval_rate"]["label"] == "先报批率"


def test_figures_count_the_savings_of_the_review(world):
    item = world.create()
    world.submit(item["id"])
    world.vote(world.judicial, item["id"])
    world.vote(world.finance, item["id"], "approve_cut", "核减", amount="150000")
    figures = {f["key"]: f for f in world.oversight.get(f"{V1}/commissioning/figures").json()}
    assert figures["budget_saved"]["value"] == pytest.approx(0.25)
    assert figures["approved_items"]["value"] == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("supervisor", 200), ("oversight", 200), ("finance", 200), ("agency", 403), ("provider", 403)],
)
def test_figures_are_for_supervisors_oversight_and_reviewers(world, who, status):
    assert getattr(world, who).get(f"{V1}/commissioning/figures").status_code == status


def test_figures_refuse_a_month_out_of_range(world):
    response = world.supervisor.get(f"{V1}/commissioning/figures?month=13")
    assert response.status_code == 422 and "month" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "path",
    [
        "/commissioning/items",
        "/commissioning/figures",
        "/contracts",
        "/notifications",
    ],
)
def test_anonymous_callers_get_401_in_the_error_format(db, path):
    response = Client().get(f"{V1}{path}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_huge_ids_in_targets_are_refused_with_the_field_named(county, api_as):
    from zerodisturb.commissioning.defaults import ensure_county_defaults

    ensure_county_defaults("330282")
    body = {
        "domain": "work_safety",
        "title": "技术咨询",
        "content": "隐患排查技术咨询",
        "legal_basis": "《安全生产法》",
        "why_external": "缺少专业人员",
        "requested_budget": "100000",
        "period_start": "2026-12-01",
        "period_end": "2027-06-30",
        "target_enterprises": [10**25],
    }
    response = api_as("agency_officer").post(
        "/api/v1/commissioning/items", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert "target_enterprises" in response.json()["error"]["fields"]

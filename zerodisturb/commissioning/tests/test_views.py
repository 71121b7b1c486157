"""The commissioned-item pages driven through HTML: forms, actions, errors, and who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zerodisturb.commissioning import services
from zerodisturb.commissioning.defaults import RULE_REF, ensure_county_defaults
from zerodisturb.commissioning.models import CommissionedItem, Domain, NegativeRule
from zerodisturb.conftest import login_client
from zerodisturb.notifications.models import Notification
from zerodisturb.roles import Role
from zerodisturb.testing.factories import UserFactory


@pytest.fixture
def setup(county):
    ensure_county_defaults(county.code)
    # The judicial bureau's review seat needs someone with the reviewer role to vote.
    county.users["judicial_reviewer"] = UserFactory(
        username="judicial_reviewer", role=Role.REVIEWER, organisation=county.orgs["judicial"]
    )
    county.users["other_officer"] = UserFactory(
        username="other_officer", role=Role.AGENCY_OFFICER, organisation=county.orgs["other_agency"]
    )
    return county


def form_data(county, **overrides) -> dict:
    today = timezone.localdate()
    data = {
        "domain": str(Domain.objects.get(county_code=county.code, code="work_safety").pk),
        "title": "化纤企业安全生产隐患排查技术支持",
        "content": "协助开展化纤企业安全生产隐患排查，提供技术咨询和风险提示。",
        "legal_basis": "《中华人民共和国安全生产法》第十五条",
        "why_external": "本局缺少化工工艺专业人员。",
        "target_enterprises": str(county.orgs["enterprise"].pk),
        "target_sectors": ["chemical_fibre"],
        "target_localities": [str(county.town.pk)],
        "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=180)).isoformat(),
        "requested_budget": "200000",
    }
    return data | overrides


def new_item(county, user="agency_officer", **overrides) -> CommissionedItem:
    data = form_data(county, **overrides)
    data["target_enterprises"] = [data["target_enterprises"]]
    return services.create_item(county.users[user], data)


def url(item, action="") -> str:
    return f"/commissioning/items/{item.pk}/{action + '/' if action else ''}"


def test_agency_applies_for_an_item_and_sees_each_error_by_its_field(setup, as_role):
    client = as_role("agency_officer")
    assert client.get("/commissioning/items/new/").status_code == 200
    bad = form_data(setup, title="", requested_budget="abc", period_end="2020-01-01")
    response = client.post("/commissioning/items/new/", bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="field-title"' in html and "必填项不能为空" in html
    assert "不是有效金额" in html and "服务期止不能早于服务期起" in html
    assert not CommissionedItem.objects.exists()

    response = client.post("/commissioning/items/new/", form_data(setup))
    item = CommissionedItem.objects.get()
    assert response.status_code == 302 and response["Location"] == url(item)
    assert item.status == "draft" and item.current_version.target_sectors == ["chemical_fibre"]
    page = client.get(url(item)).content.decode()
    assert item.number in page and "提交联审" in page


def test_agency_edits_its_draft(setup, as_role):
    item = new_item(setup)
    client = as_role("agency_officer")
    assert client.get(url(item, "edit")).status_code == 200
    response = client.post(url(item, "edit"), form_data(setup, title="改过的名称"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current_version.title == "改过的名称"


def test_negative_list_refusal_is_shown_with_reason_and_rule(setup, as_role):
    item = new_item(setup, content="由第三方对企业出具检查结论并责令整改。")
    response = as_role("agency_officer").post(url(item, "submit"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="submit-errors"' in html
    assert "出具检查结论" in html and RULE_REF in html
    item.refresh_from_db()
    assert item.status == "draft"


def test_submit_vote_and_approve_with_a_cut(setup, as_role, django_capture_on_commit_callbacks):
    item = new_item(setup)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_role("agency_officer").post(url(item, "submit"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "submitted"

    finance = as_role("reviewer")
    page = finance.get(url(item)).content.decode()
    assert 'id="vote"' in page and "财政局" in page
    # Approve with a cut but no amount and no opinion: both errors next to their fields.
    response = finance.post(url(item, "vote"), {"decision": "approve_cut"})
    assert response.status_code == 200
    assert "请填写书面意见" in response.content.decode()
    response = finance.post(url(item, "vote"), {"decision": "approve_cut", "opinion": "偏高"})
    assert "请填写金额" in response.content.decode()
    response = finance.post(
        url(item, "vote"), {"decision": "approve_cut", "amount": "150000", "opinion": "核减"}
    )
    assert response.status_code == 302

    judicial = login_client(setup.users["judicial_reviewer"])
    response = judicial.post(url(item, "vote"), {"decision": "approve", "opinion": "同意"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "approved_reduced" and str(item.approved_budget) == "150000.00"
    page = as_role("agency_officer").get(url(item)).content.decode()
    assert 'id="record-contract"' in page and "150000.00" in page
    assert Notification.objects.filter(recipient=setup.users["reviewer"], link=url(item)).exists()


def test_rejection_revision_and_version_compare(setup, as_role):
    item = new_item(setup)
    services.submit_item(setup.users["agency_officer"], item)
    response = as_role("reviewer").post(
        url(item, "vote"), {"decision": "reject", "opinion": "重复"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "rejected"

    officer = as_role("agency_officer")
    response = officer.post(url(item, "revise"))
    assert response.status_code == 302 and response["Location"] == url(item, "edit")
    officer.post(url(item, "edit"), form_data(setup, requested_budget="120000"))
    item.refresh_from_db()
    assert item.current_version.version == 2 and item.status == "draft"

    page = officer.get(url(item, "compare") + "?a=1&b=2").content.decode()
    assert page.count('class="changed"') == 1
    assert "200,000.00" in page and "120,000.00" in page
    detail = officer.get(url(item)).content.decode()
    assert "以往版本的联审意见" in detail and "重复" in detail


def test_withdraw_needs_a_reason(setup, as_role):
    item = new_item(setup)
    client = as_role("agency_officer")
    response = client.post(url(item, "withdraw"), {"reason": " "})
    assert response.status_code == 200 and "请填写撤回理由" in response.content.decode()
    response = client.post(url(item, "withdraw"), {"reason": "并入年度计划"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "withdrawn" and item.withdrawn_reason == "并入年度计划"


def test_overlap_shown_and_merge_marked(setup, as_role):
    theirs = new_item(setup, user="other_officer")
    services.submit_item(setup.users["other_officer"], theirs)
    mine = new_item(setup)
    services.submit_item(setup.users["agency_officer"], mine)

    supervisor = as_role("supervisor")
    page = supervisor.get(url(mine)).content.decode()
    assert 'id="overlaps"' in page and theirs.number in page and "生态环境分局" in page

    response = supervisor.post(url(mine, "merge"), {"merge_with": "WT-NOPE", "note": ""})
    assert response.status_code == 200 and "找不到该编号的事项" in response.content.decode()
    response = supervisor.post(url(mine, "merge"), {"merge_with": theirs.number, "note": "合并"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.merge_with == theirs and mine.merge_note == "合并"


def test_list_filters_and_pending_votes_for_a_reviewer(setup, as_role):
    submitted = new_item(setup, title="已提交的事项")
    services.submit_item(setup.users["agency_officer"], submitted)
    new_item(setup, title="还是草稿的事项")
    officer = as_role("agency_officer").get("/commissioning/items/?status=draft").content.decode()
    assert "还是草稿的事项" in officer and "已提交的事项" not in officer
    reviewer = as_role("reviewer")
    html = reviewer.get("/commissioning/items/?pending=on").content.decode()
    assert "已提交的事项" in html and "还是草稿的事项" not in html
    home = reviewer.get("/").content.decode()
    assert "本部门待表决的事项" in home


def test_wrong_roles_get_403_or_404(setup, as_role):
    draft = new_item(setup)
    assert as_role("reviewer").get("/commissioning/items/new/").status_code == 403
    assert as_role("provider_admin").get(url(draft)).status_code == 404
    assert login_client(setup.users["other_officer"]).get(url(draft)).status_code == 404
    assert as_role("reviewer").get(url(draft)).status_code == 404  # drafts stay with the agency
    services.submit_item(setup.users["agency_officer"], draft)
    assert (
        as_role("agency_officer")
        .post(url(draft, "vote"), {"decision": "approve", "opinion": "自己批"})
        .status_code
        == 403
    )
    assert as_role("reviewer").post(url(draft, "withdraw"), {"reason": "x"}).status_code == 403
    assert as_role("agency_officer").get(url(draft, "submit")).status_code == 405
    assert as_role("enterprise").get("/commissioning/negative-list/").status_code == 403


def test_enterprise_search_helper(setup, as_role):
    html = as_role("agency_officer").get("/commissioning/enterprises/?q=兴科").content.decode()
    assert str(setup.orgs["enterprise"].pk) in html and "兴科化纤" in html


def test_judicial_bureau_maintains_the_negative_list(setup, as_role):
    client = as_role("supervisor")
    assert client.get("/commissioning/negative-list/").status_code == 200
    response = client.post(
        "/commissioning/negative-list/new/",
        {"category": "other", "keywords": " ", "reason": "", "rule_ref": "第六条"},
    )
    html = response.content.decode()
    assert (
        response.status_code == 200 and "请至少填写一个关键词" in html and "必填项不能为空" in html
    )
    response = client.post(
        "/commissioning/negative-list/new/",
        {
            "category": "other",
            "keywords": "代为执法\n代行执法",
            "reason": "执法不得委托",
            "rule_ref": "第六条",
        },
    )
    assert response.status_code == 302
    rule = NegativeRule.objects.get(reason="执法不得委托")
    assert rule.keyword_list == ["代为执法", "代行执法"]
    response = client.post(
        f"/commissioning/negative-list/{rule.pk}/edit/",
        {
            "category": "other",
            "keywords": "代为执法",
            "reason": "执法不得委托",
            "rule_ref": "第七条",
        },
    )
    rule.refresh_from_db()
    assert response.status_code == 302 and rule.rule_ref == "第七条"
    client.post(f"/commissioning/negative-list/{rule.pk}/active/", {"active": "0"})
    rule.refresh_from_db()
    assert not rule.active
    item = new_item(setup, content="第三方代为执法检查")
    assert services.submit_item(setup.users["agency_officer"], item).item.status == "submitted"
    assert as_role("agency_officer").get("/commissioning/negative-list/").status_code == 403


def test_notifications_list_badge_and_mark_read(setup, as_role):
    item = new_item(setup)
    services.submit_item(setup.users["agency_officer"], item)
    client = as_role("reviewer")
    home = client.get("/").content.decode()
    assert 'id="nav-notifications"' in home and 'class="badge bad count"' in home
    page = client.get("/notifications/").content.decode()
    assert f"待联审：{item.number}" in page and 'class="unread"' in page
    note = Notification.objects.get(recipient=setup.users["reviewer"])
    assert client.post("/notifications/read/", {"id": note.pk}).status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'class="badge bad count"' not in client.get("/").content.decode()
    client.post("/notifications/read/", {"all": "1"})
    assert client.get("/notifications/read/").status_code == 405


def test_agency_todos_link_to_filtered_lists(setup, as_role):
    new_item(setup)
    html = as_role("agency_officer").get("/").content.decode()
    assert "未提交的草稿" in html and "/commissioning/items/?status=draft" in html

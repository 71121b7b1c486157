"""The joint review of a commissioned item, as the agency and the five departments live it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.commissioning.choices import Decision, ItemStatus
from zerodisturb.commissioning.defaults import RULE_REF
from zerodisturb.commissioning.models import Review
from zerodisturb.commissioning.permissions import visible_items
from zerodisturb.commissioning.services import (
    mark_merge,
    revise_item,
    submit_item,
    update_draft,
    withdraw_item,
)
from zerodisturb.notifications.models import Notification
from zerodisturb.roles import Role
from zerodisturb.testing.commissioning import (
    at,
    decide,
    draft_item,
    item_data,
    submitted_item,
    vote,
)
from zerodisturb.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

SUBMITTED = at(2026, 9, 24)
LATER = at(2026, 9, 29)


def actions(item) -> list[str]:
    events = AuditEvent.objects.filter(
        object_type="commissioning.commissioneditem", object_id=str(item.pk)
    )
    return list(events.order_by("seq").values_list("action", flat=True))


def pending(item) -> list[Review]:
    return list(item.reviews.filter(version=item.current_version, decision=Decision.PENDING))


# --- submission ---------------------------------------------------------------------------------


def test_submission_opens_a_review_per_seat_due_ten_working_days_later(panel):
    item = draft_item(panel)
    assert item.status == ItemStatus.DRAFT
    assert item.number.startswith(f"WT-{panel.code}-")

    submit_item(panel.officer, item, now=SUBMITTED)

    item.refresh_from_db()
    assert item.status == ItemStatus.SUBMITTED
    reviews = list(item.reviews.order_by("order"))
    assert [r.department for r in reviews] == panel.seats
    assert [r.is_lead for r in reviews] == [True, False, False, False, False]
    # Thursday 24 Sep 2026: Mid-autumn 25–27 Sep and National Day 1–7 Oct are off, Saturday
    # 10 Oct is worked (调休), so the tenth working day is Thursday 15 Oct.
    assert {r.due_on for r in reviews} == {date(2026, 10, 15)}
    assert item.review_due_on == date(2026, 10, 15)
    assert item.submitted_at == SUBMITTED
    # Each department's reviewer is told there is something to review.
    finance_reviewer = panel.reviewer_of("finance")
    assert Notification.objects.filter(recipient=finance_reviewer, kind="reminder").count() == 1
    assert actions(item) == ["item.create", "item.submit"]


def test_the_agency_does_not_review_its_own_item(panel):
    finance = panel.county.orgs["finance"]
    finance.is_agency = True
    finance.save()
    finance_officer = UserFactory(
        username="finance_officer", role=Role.AGENCY_OFFICER, organisation=finance
    )
    item = submitted_item(panel, SUBMITTED, actor=finance_officer)

    departments = set(item.reviews.values_list("department", flat=True))
    assert finance.pk not in departments
    assert len(departments) == 4
    # Its reviewer cannot slip a vote in either.
    with pytest.raises(PermissionDenied):
        vote(panel, item, finance, now=LATER)
    assert len(pending(item)) == 4


def test_negative_list_content_is_refused_with_reason_and_rule(panel):
    item = draft_item(panel, content="由第三方机构对企业单独开展检查，并出具检查结论。")

    with pytest.raises(ValidationError) as refused:
        submit_item(panel.officer, item, now=SUBMITTED)

    messages = refused.value.message_dict["content"]
    assert any("检查结论只能由行政机关作出" in m and RULE_REF in m for m in messages)
    assert any("第三方入企须由政府人员陪同" in m for m in messages)
    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT
    assert not item.reviews.exists()
    assert item.submitted_at is None
    assert not Notification.objects.exists()
    # The refusal itself stays in the audit trail, with the rules it hit.
    assert actions(item) == ["item.create", "item.refused_negative_list"]
    refusal = AuditEvent.objects.get(action="item.refused_negative_list")
    assert {r["rule_ref"] for r in refusal.payload["rules"]} == {RULE_REF}
    assert len(refusal.payload["rules"]) == 2
    assert verify_chain().ok


# --- voting -------------------------------------------------------------------------------------


def test_unanimous_approval_approves_the_requested_budget(panel):
    item = submitted_item(panel, SUBMITTED)
    first, *rest = panel.seats

    vote(panel, item, first, now=LATER)
    item.refresh_from_db()
    assert item.status == ItemStatus.UNDER_REVIEW
    assert item.decided_at is None

    for seat in rest:
        vote(panel, item, seat, now=LATER)
    item.refresh_from_db()
    assert item.status == ItemStatus.APPROVED
    assert item.approved_budget == Decimal("100000.00")
    assert item.decided_at == LATER
    assert actions(item).count("review.vote") == 5
    assert actions(item)[-1] == "item.decide"
    # The agency hears the outcome.
    assert Notification.objects.filter(recipient=panel.officer, title__contains="联审结果").exists()
    assert verify_chain().ok


def test_a_cut_approves_at_the_lowest_amount_any_department_allowed(panel):
    item = submitted_item(panel, SUBMITTED)
    finance, audit = panel.county.orgs["finance"], panel.county.orgs["seat4"]

    item = decide(panel, item, LATER, cuts={finance.pk: "90000", audit.pk: "85000.50"})

    assert item.status == ItemStatus.APPROVED_REDUCED
    assert item.approved_budget == Decimal("85000.50")
    assert item.current_version.requested_budget == Decimal("100000.00")


def test_one_rejection_rejects_and_closes_the_remaining_reviews(panel):
    item = submitted_item(panel, SUBMITTED)
    judicial, finance, *rest = panel.seats
    vote(panel, item, judicial, now=LATER)

    vote(panel, item, finance, Decision.REJECT, now=LATER)

    item.refresh_from_db()
    assert item.status == ItemStatus.REJECTED
    assert item.approved_budget is None
    assert pending(item) == []
    assert item.reviews.filter(decision=Decision.CLOSED).count() == 3
    # The closed departments can no longer vote.
    with pytest.raises(ValidationError):
        vote(panel, item, rest[0], now=LATER)


def test_a_department_votes_once(panel):
    item = submitted_item(panel, SUBMITTED)
    finance = panel.county.orgs["finance"]
    vote(panel, item, finance, now=LATER)

    with pytest.raises(ValidationError, match="不能重复表决"):
        vote(panel, item, finance, Decision.REJECT, now=LATER)

    review = item.reviews.get(department=finance)
    assert review.decision == Decision.APPROVE
    assert actions(item).count("review.vote") == 1


@pytest.mark.parametrize("amount", ["100000.00", "120000"])
def test_a_cut_must_be_below_the_requested_budget(panel, amount):
    item = submitted_item(panel, SUBMITTED)

    with pytest.raises(ValidationError) as refused:
        vote(panel, item, panel.county.orgs["finance"], Decision.APPROVE_CUT, amount, now=LATER)

    assert "amount" in refused.value.message_dict
    assert len(pending(item)) == 5


def test_a_decided_item_takes_no_more_votes(panel):
    item = decide(panel, submitted_item(panel, SUBMITTED), LATER)
    assert item.status == ItemStatus.APPROVED

    with pytest.raises(ValidationError, match="不在联审中"):
        vote(panel, item, panel.county.orgs["finance"], Decision.REJECT, now=LATER)
    item.refresh_from_db()
    assert item.status == ItemStatus.APPROVED


def test_an_opinion_is_required(panel):
    from zerodisturb.commissioning.services import cast_review_vote

    item = submitted_item(panel, SUBMITTED)
    with pytest.raises(ValidationError, match="书面意见"):
        cast_review_vote(panel.reviewer_of("finance"), item, Decision.APPROVE, "  ", now=LATER)


# --- revise, resubmit, withdraw, merge ----------------------------------------------------------


def test_revise_after_rejection_keeps_v1_and_its_reviews(panel):
    item = submitted_item(panel, SUBMITTED)
    vote(panel, item, panel.county.orgs["finance"], Decision.REJECT, now=LATER)
    item.refresh_from_db()
    v1 = item.current_version

    revise_item(panel.officer, item)

    item.refresh_from_db()
    v2 = item.current_version
    assert item.status == ItemStatus.DRAFT
    assert (v1.version, v2.version) == (1, 2)
    assert v2.pk != v1.pk
    for name in ("title", "content", "legal_basis", "requested_budget", "target_sectors"):
        assert getattr(v2, name) == getattr(v1, name)
    assert list(v2.target_enterprises.all()) == list(v1.target_enterprises.all())
    assert v1.reviews.count() == 5
    assert v1.reviews.filter(decision=Decision.REJECT).count() == 1
    assert not v2.reviews.exists()

    # The agency edits the draft (only v2 changes) and resubmits: fresh reviews for v2.
    update_draft(panel.officer, item, item_data(panel, requested_budget="80000"))
    submit_item(panel.officer, item, now=at(2026, 10, 20))
    item.refresh_from_db()
    v1.refresh_from_db()
    assert item.status == ItemStatus.SUBMITTED
    assert v1.requested_budget == Decimal("100000.00")
    assert item.current_version.requested_budget == Decimal("80000.00")
    assert v2.reviews.filter(decision=Decision.PENDING).count() == 5
    assert v1.reviews.count() == 5
    item = decide(panel, item, at(2026, 10, 21))
    assert item.status == ItemStatus.APPROVED
    assert item.approved_budget == Decimal("80000.00")
    assert actions(item) == [
        "item.create",
        "item.submit",
        "review.vote",
        "item.decide",
        "item.revise",
        "item.update",
        "item.submit",
        *["review.vote"] * 5,
        "item.decide",
    ]
    assert verify_chain().ok


def test_only_a_rejected_item_can_be_revised(panel):
    item = submitted_item(panel, SUBMITTED)
    with pytest.raises(ValidationError):
        revise_item(panel.officer, item)


def test_withdraw_with_reason_closes_pending_reviews(panel):
    item = submitted_item(panel, SUBMITTED)
    vote(panel, item, panel.county.orgs["finance"], now=LATER)

    with pytest.raises(ValidationError, match="撤回理由"):
        withdraw_item(panel.officer, item, "  ")

    withdraw_item(panel.officer, item, "与生态环境分局事项合并实施")
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN
    assert item.withdrawn_reason == "与生态环境分局事项合并实施"
    assert pending(item) == []
    assert item.reviews.filter(decision=Decision.APPROVE).count() == 1
    assert actions(item)[-1] == "item.withdraw"
    with pytest.raises(ValidationError):
        vote(panel, item, panel.county.orgs["judicial"], now=LATER)


def test_an_approved_item_cannot_be_withdrawn(panel):
    item = decide(panel, submitted_item(panel, SUBMITTED), LATER)
    with pytest.raises(ValidationError):
        withdraw_item(panel.officer, item, "不再需要")


def test_reviewer_marks_an_item_for_merging(panel):
    mine = submitted_item(panel, SUBMITTED)
    theirs = submitted_item(panel, SUBMITTED, actor=panel.other_officer)
    reviewer = panel.reviewer_of("finance")

    mark_merge(reviewer, mine, theirs, "同一批化纤企业，建议综合查一次")

    mine.refresh_from_db()
    assert mine.merge_with == theirs
    assert mine.merge_note == "同一批化纤企业，建议综合查一次"
    event = AuditEvent.objects.filter(action="item.mark_merge").get()
    assert event.payload["merge_with"] == [None, theirs.number]
    with pytest.raises(ValidationError):
        mark_merge(reviewer, mine, mine)
    with pytest.raises(PermissionDenied):
        mark_merge(panel.officer, mine, theirs)

    mark_merge(reviewer, mine, None)
    mine.refresh_from_db()
    assert mine.merge_with is None
    assert verify_chain().ok


# --- another agency -----------------------------------------------------------------------------


def test_another_agency_cannot_edit_submit_or_withdraw(panel):
    item = draft_item(panel)
    intruder = panel.other_officer

    with pytest.raises(PermissionDenied):
        update_draft(intruder, item, item_data(panel, title="被篡改的事项"))
    with pytest.raises(PermissionDenied):
        submit_item(intruder, item, now=SUBMITTED)
    with pytest.raises(PermissionDenied):
        withdraw_item(intruder, item, "不需要了")

    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT
    assert item.current_version.title == "化纤企业消防安全隐患排查技术咨询"
    assert actions(item) == ["item.create"]


def test_drafts_are_visible_only_to_their_own_agency(panel):
    draft = draft_item(panel)
    submitted = submitted_item(panel, SUBMITTED)

    assert set(visible_items(panel.officer)) == {draft, submitted}
    assert set(visible_items(panel.other_officer)) == {submitted}
    assert set(visible_items(panel.reviewer_of("finance"))) == {submitted}
    assert set(visible_items(panel.supervisor)) == {submitted}
    enterprise_user = panel.county.users[Role.ENTERPRISE.value]
    assert not visible_items(enterprise_user).exists()


def test_every_transition_is_in_a_verifiable_chain(panel):
    item = submitted_item(panel, SUBMITTED)
    vote(panel, item, panel.county.orgs["judicial"], Decision.REJECT, now=LATER)
    revise_item(panel.officer, item)
    withdraw_item(panel.officer, item, "改由本局自行完成")

    assert actions(item) == [
        "item.create",
        "item.submit",
        "review.vote",
        "item.decide",
        "item.revise",
        "item.withdraw",
    ]
    decided = AuditEvent.objects.get(action="item.decide")
    assert decided.payload["outcome"] == ItemStatus.REJECTED
    assert decided.actor_label == panel.reviewer_of("judicial").username
    report = verify_chain()
    assert report.ok, report.message()

"""Each handling step: what it changes, the entry it adds to the file, its audit event, the
problem pool's owner and deadline; steps out of order are refused with nothing changed."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.complaints import services
from zerodisturb.complaints.choices import ComplaintStatus, EntryKind
from zerodisturb.complaints.tests.world import RECEIVED
from zerodisturb.problems.models import Problem, ProblemState

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def problem(complaint):
    return Problem.objects.get(source_type="complaints.complaint", source_id=complaint.pk)


def actions(complaint):
    return list(
        AuditEvent.objects.filter(object_number=complaint.number)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_the_whole_handling_in_order(complaint_world):
    w = complaint_world
    c = w.complain()
    assert (c.status, problem(c).state, problem(c).owner) == (
        ComplaintStatus.RECEIVED,
        ProblemState.OPEN,
        w.orgs["agency"],
    )
    assert problem(c).deadline == c.ack_due_on

    c, claimed = services.acknowledge_complaint(w.officer, c, now=RECEIVED + H)
    assert claimed and c.status == ComplaintStatus.ACKNOWLEDGED
    assert c.acknowledged_at == RECEIVED + H
    assert problem(c).deadline == c.reply_due_on

    c = services.reply_to_complainant(w.officer, c, text="已约谈第三方机构。", now=RECEIVED + 2 * H)
    assert c.status == ComplaintStatus.REPLIED and c.first_reply_at == RECEIVED + 2 * H
    c = services.reply_to_complainant(w.officer, c, text="补充说明。", now=RECEIVED + 3 * H)
    assert c.first_reply_at == RECEIVED + 2 * H  # only the first reply stops the clock
    assert problem(c).deadline == c.close_due_on

    c = services.decide_complaint(
        w.officer, c, substantiated=True, note="入企记录显示未亮码。", now=RECEIVED + 4 * H
    )
    assert (c.substantiated, c.decided_by, c.decided_at) == (True, w.officer, RECEIVED + 4 * H)

    c = services.close_complaint(w.officer, c, text="已整改。", now=RECEIVED + 5 * H)
    assert c.status == ComplaintStatus.CLOSED and c.closed_at == RECEIVED + 5 * H
    assert problem(c).state == ProblemState.CLOSED
    assert problem(c).owner == w.orgs["enterprise"]  # awaiting the complainant's confirmation

    c = services.confirm_closure(w.enterprise_user, c, now=RECEIVED + 6 * H)
    assert c.status == ComplaintStatus.CONFIRMED
    c = services.rate_handling(
        w.enterprise_user, c, rating=4, text="处理及时", now=RECEIVED + 7 * H
    )
    assert c.rating == 4

    assert actions(c) == [
        "complaint.receive",
        "complaint.acknowledge",
        "complaint.reply",
        "complaint.reply",
        "complaint.decide",
        "complaint.close",
        "complaint.confirm",
        "complaint.rate",
    ]
    kinds = list(c.entries.values_list("kind", flat=True))
    assert kinds == [
        EntryKind.RECEIVED,
        EntryKind.ROUTED,
        EntryKind.ACKNOWLEDGED,
        EntryKind.REPLY,
        EntryKind.REPLY,
        EntryKind.DECISION,
        EntryKind.CLOSED,
        EntryKind.CONFIRMED,
        EntryKind.RATED,
    ]
    assert verify_chain().ok


def test_steps_out_of_order_are_refused(complaint_world):
    w = complaint_world
    c = w.complain()
    with pytest.raises(ValidationError):
        services.reply_to_complainant(w.officer, c, text="x", now=RECEIVED + H)
    with pytest.raises(ValidationError):
        services.decide_complaint(w.officer, c, substantiated=True, note="x", now=RECEIVED + H)
    c, _ = services.acknowledge_complaint(w.officer, c, now=RECEIVED + H)
    with pytest.raises(ValidationError):
        services.close_complaint(w.officer, c, text="x", now=RECEIVED + H)  # no reply yet
    services.reply_to_complainant(w.officer, c, text="x", now=RECEIVED + 2 * H)
    with pytest.raises(ValidationError) as refused:
        services.close_complaint(w.officer, c, text="x", now=RECEIVED + 3 * H)  # no decision
    assert "status" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.confirm_closure(w.enterprise_user, c, now=RECEIVED + 3 * H)
    c.refresh_from_db()
    assert c.status == ComplaintStatus.REPLIED and c.closed_at is None


@pytest.mark.parametrize("bad", ["", "   ", "x" * 5001])
def test_empty_or_huge_text_is_refused(complaint_world, bad):
    w = complaint_world
    with pytest.raises(ValidationError) as refused:
        w.complain(text=bad)
    assert "text" in refused.value.message_dict
    c = w.complain()
    c, _ = services.acknowledge_complaint(w.officer, c, now=RECEIVED + H)
    with pytest.raises(ValidationError):
        services.reply_to_complainant(w.officer, c, text=bad, now=RECEIVED + 2 * H)
    with pytest.raises(ValidationError):
        services.decide_complaint(w.officer, c, substantiated=None, note="x")


def test_another_agency_cannot_handle(complaint_world):
    w = complaint_world
    c = w.complain()
    for actor in (w.other_officer, w.provider_admin, w.enterprise_user, w.supervisor):
        with pytest.raises(PermissionDenied):
            services.acknowledge_complaint(actor, c, now=RECEIVED + H)
    c.refresh_from_db()
    assert c.status == ComplaintStatus.RECEIVED

"""Escalation (升级督办) to the oversight bodies and the judicial bureau: when a clock runs out
(found by the deadlines worker, each clock once) or when the complainant disputes the closure."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from zerodisturb.complaints import steps
from zerodisturb.complaints.choices import OPEN_STATUSES, Clock, ComplaintStatus, EntryKind
from zerodisturb.complaints.models import Complaint
from zerodisturb.once import process_once

CLAIM_FIELDS = {
    Clock.ACKNOWLEDGE: "ack_overdue_at",
    Clock.REPLY: "reply_overdue_at",
    Clock.CLOSE: "close_overdue_at",
}
REASONS = {
    Clock.ACKNOWLEDGE: "超期未受理",
    Clock.REPLY: "超期未首次答复",
    Clock.CLOSE: "超期未办结",
}


def overdue_q(clock: str, today: date) -> Q:
    """Complaints whose `clock` ran out before `today` and has not stopped."""
    if clock == Clock.ACKNOWLEDGE:
        return Q(status=ComplaintStatus.RECEIVED, ack_due_on__lt=today)
    if clock == Clock.REPLY:
        return Q(status__in=OPEN_STATUSES, first_reply_at__isnull=True, reply_due_on__lt=today)
    return Q(status__in=OPEN_STATUSES, close_due_on__lt=today)


def any_overdue_q(today: date) -> Q:
    return (
        overdue_q(Clock.ACKNOWLEDGE, today)
        | overdue_q(Clock.REPLY, today)
        | overdue_q(Clock.CLOSE, today)
    )


def overdue_complaints(clock: str, today: date) -> QuerySet[Complaint]:
    claim = CLAIM_FIELDS[clock]
    return Complaint.objects.filter(overdue_q(clock, today), **{f"{claim}__isnull": True})


def escalate(
    complaint: Complaint, *, reason: str, key: str, actor=None, now: datetime | None = None
) -> Complaint:
    """Record the escalation in the file and the audit trail and alert oversight, the bureau and
    the handler (SMS too). Call inside the transaction that claimed the cause."""
    now = now or timezone.now()
    fields = ["escalation_reason", "updated_at"]
    if complaint.escalated_at is None:
        complaint.escalated_at = now
        fields.append("escalated_at")
    complaint.escalation_reason, complaint.updated_at = reason[:200], now
    complaint.save(update_fields=fields)
    steps.add_entry(complaint, EntryKind.ESCALATED, reason, None, now)
    steps.audit(actor, "escalate", complaint, {"reason": reason, "cause": key})
    steps.sync_pool(complaint, now)
    steps.notify_escalation(complaint, reason, key)
    return complaint


def escalate_overdue(clock: str, now: datetime) -> int:
    """One escalation per complaint and clock, however often the worker runs."""
    today = timezone.localdate(now)

    def act(complaint: Complaint) -> None:
        complaint.refresh_from_db()
        escalate(complaint, reason=REASONS[clock], key=str(clock), now=now)

    return process_once(
        overdue_complaints(clock, today),
        claim_field=CLAIM_FIELDS[clock],
        now=now,
        act=act,
    )

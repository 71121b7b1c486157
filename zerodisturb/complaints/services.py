"""Complaint actions, one function each; pages, API and the worker all call these.

received ──acknowledge──▶ acknowledged ──reply──▶ replied ──close (after decide)──▶ closed
                          (request_provider_reply, answer_as_provider, decide)       │
closed ──confirm──▶ confirmed          closed ──reopen (escalates)──▶ reopened ──reply──▶ replied …

Each action locks the complaint row (select_for_update) and checks the status it needs, so two
simultaneous calls give one result; a repeated acknowledge is a no-op, not an error.

A reopen restarts the close clock: the complainant's dispute is handled as a new round, due
`complaint_close_days` working days after the reopen (the ack and reply clocks, already met or
escalated, stay). `closed_at` is cleared until the handler closes again, so a closure counts as
on time only when the last one is within the last clock.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zerodisturb.complaints import permissions as perms
from zerodisturb.complaints import steps
from zerodisturb.complaints.choices import (
    HANDLING_STATUSES,
    OPEN_STATUSES,
    ComplaintChannel,
    ComplaintStatus,
    EntryKind,
)
from zerodisturb.complaints.escalation import escalate
from zerodisturb.complaints.intake import (  # noqa: F401  (one place to find every action)
    create_complaint,
    create_public_complaint,
    find_public_complaint,
    normalise_mobile,
    reroute_complaint,
)
from zerodisturb.complaints.models import Complaint
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.registry.pii import lookup_hash
from zerodisturb.workdays.services import add_working_days

S = ComplaintStatus
PROVIDER_REPLY_DAYS = 3  # working days the provider is given once the handler asks for its side


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _handler(actor, complaint: Complaint) -> None:
    if not perms.is_handler(actor, complaint):
        raise PermissionDenied("只有承办单位可以办理该投诉。")


def _status(complaint: Complaint, allowed, message: str) -> None:
    if complaint.status not in allowed:
        raise ValidationError({"status": [message]})


def _save(complaint: Complaint, now: datetime, *fields: str) -> None:
    complaint.updated_at = now
    complaint.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def acknowledge_complaint(
    actor, complaint: Complaint, now: datetime | None = None
) -> tuple[Complaint, bool]:
    """受理. Returns (complaint, whether this call acknowledged it); a second call changes nothing."""
    now = now or timezone.now()
    _handler(actor, complaint)
    claimed = Complaint.objects.filter(
        pk=complaint.pk, status=S.RECEIVED, acknowledged_at__isnull=True
    ).update(status=S.ACKNOWLEDGED, acknowledged_at=now, updated_at=now)
    complaint = _lock(complaint)
    if claimed:
        steps.add_entry(complaint, EntryKind.ACKNOWLEDGED, "", actor, now)
        steps.audit(
            actor, "acknowledge", complaint, {"on_time": _on_time(now, complaint.ack_due_on)}
        )
        steps.sync_pool(complaint, now)
        steps.notify_complainant(complaint, f"投诉 {complaint.number} 已受理", "acknowledged")
    return complaint, bool(claimed)


def _on_time(at: datetime, due) -> bool:
    return timezone.localdate(at) <= due


@transaction.atomic
def reply_to_complainant(
    actor, complaint: Complaint, *, text: str, now: datetime | None = None
) -> Complaint:
    """答复: what the handler tells the complainant; the first one stops the reply clock."""
    now = now or timezone.now()
    complaint = _lock(complaint)
    _handler(actor, complaint)
    _status(complaint, HANDLING_STATUSES, "请先受理投诉")
    errors: dict = {}
    text = steps.clean_text(text, "text", errors, label="答复内容")
    if errors:
        raise ValidationError(errors)
    first = complaint.first_reply_at is None
    if first:
        complaint.first_reply_at = now
    complaint.status = S.REPLIED
    _save(complaint, now, "first_reply_at", "status")
    steps.add_entry(complaint, EntryKind.REPLY, text, actor, now)
    steps.audit(
        actor,
        "reply",
        complaint,
        {"first": first, "on_time": _on_time(now, complaint.reply_due_on) if first else None},
    )
    steps.sync_pool(complaint, now)
    steps.notify_complainant(
        complaint, f"投诉 {complaint.number} 有新的答复", f"reply:{now.timestamp()}", sms=True
    )
    return complaint


@transaction.atomic
def request_provider_reply(
    actor, complaint: Complaint, *, note: str = "", now: datetime | None = None
) -> Complaint:
    """Ask the provider for its side; the decision waits until it answers or its days run out."""
    now = now or timezone.now()
    complaint = _lock(complaint)
    _handler(actor, complaint)
    _status(complaint, HANDLING_STATUSES, "请先受理投诉")
    errors: dict = {}
    if complaint.provider_id is None:
        errors["provider"] = ["该投诉未涉及第三方机构"]
    elif complaint.provider_replied_at or complaint.decided_at:
        errors["provider"] = ["第三方机构已陈述意见或已作出认定"]
    elif complaint.provider_reply_requested_at:
        errors["provider"] = ["已请第三方机构陈述意见"]
    note = steps.clean_text(note, "note", errors, required=False, label="说明")
    if errors:
        raise ValidationError(errors)
    due = add_working_days(timezone.localdate(now), PROVIDER_REPLY_DAYS)
    complaint.provider_reply_requested_at = now
    complaint.provider_reply_due_on = due.date
    _save(complaint, now, "provider_reply_requested_at", "provider_reply_due_on")
    steps.add_entry(
        complaint,
        EntryKind.PROVIDER_REQUESTED,
        f"请于 {due.date:%Y-%m-%d} 前陈述。{note}".strip(),
        actor,
        now,
    )
    steps.audit(actor, "request_provider_reply", complaint, {"due_on": due.date})
    steps.sync_pool(complaint, now)
    steps.notify_provider(complaint, requested=True)
    return complaint


@transaction.atomic
def answer_as_provider(
    actor, complaint: Complaint, *, text: str, now: datetime | None = None
) -> Complaint:
    """The provider's right of reply: once, and only before the handler decides."""
    now = now or timezone.now()
    if not perms.is_complained_provider(actor, complaint):
        raise PermissionDenied("只有被投诉的第三方机构可以陈述意见。")
    errors: dict = {}
    text = steps.clean_text(text, "text", errors, label="陈述意见")
    if errors:
        raise ValidationError(errors)
    claimed = Complaint.objects.filter(
        pk=complaint.pk,
        provider_replied_at__isnull=True,
        decided_at__isnull=True,
        status__in=OPEN_STATUSES,
    ).update(provider_reply=text, provider_replied_at=now, updated_at=now)
    complaint = _lock(complaint)
    if not claimed:
        message = (
            "已作出认定，不能再陈述意见"
            if complaint.decided_at
            else "本机构已陈述过意见"
            if complaint.provider_replied_at
            else "投诉已办结"
        )
        raise ValidationError({"text": [message]})
    steps.add_entry(complaint, EntryKind.PROVIDER_REPLY, text, actor, now)
    steps.audit(actor, "provider_reply", complaint, {"length": len(text)})
    steps.sync_pool(complaint, now)
    return complaint


@transaction.atomic
def decide_complaint(
    actor, complaint: Complaint, *, substantiated, note: str, now: datetime | None = None
) -> Complaint:
    """查实 / 不属实, with reasons. Once decided the provider may no longer reply; after a reopen
    the handler may revise the decision (the earlier one stays in the file)."""
    now = now or timezone.now()
    complaint = _lock(complaint)
    _handler(actor, complaint)
    _status(complaint, HANDLING_STATUSES, "请先受理投诉")
    errors: dict = {}
    if substantiated not in (True, False):
        errors["substantiated"] = ["请选择“查实”或“不属实”"]
    note = steps.clean_text(note, "note", errors, label="认定意见")
    if not perms.decision_open(complaint):
        errors["substantiated"] = ["已作出认定；投诉人不认可后方可重新认定"]
    if (
        complaint.provider_reply_requested_at
        and not complaint.provider_replied_at
        and complaint.provider_reply_due_on
        and timezone.localdate(now) <= complaint.provider_reply_due_on
    ):
        errors["substantiated"] = [
            f"第三方机构陈述期至 {complaint.provider_reply_due_on:%Y-%m-%d}，期满或陈述后方可认定"
        ]
    if errors:
        raise ValidationError(errors)
    revised = complaint.decided_at is not None
    complaint.substantiated = substantiated
    complaint.decided_at, complaint.decided_by, complaint.decision_note = now, actor, note
    _save(complaint, now, "substantiated", "decided_at", "decided_by", "decision_note")
    label = "查实" if substantiated else "不属实"
    steps.add_entry(complaint, EntryKind.DECISION, f"{label}：{note}", actor, now)
    steps.audit(actor, "decide", complaint, {"substantiated": substantiated, "revised": revised})
    steps.sync_pool(complaint, now)
    return complaint


@transaction.atomic
def close_complaint(
    actor, complaint: Complaint, *, text: str, now: datetime | None = None
) -> Complaint:
    """办结: after a reply and a decision; the complainant then confirms or reopens."""
    now = now or timezone.now()
    complaint = _lock(complaint)
    _handler(actor, complaint)
    _status(complaint, (S.REPLIED,), "答复投诉人后方可办结")
    errors: dict = {}
    if complaint.decided_at is None:
        errors["status"] = ["请先作出认定（查实或不属实）"]
    text = steps.clean_text(text, "text", errors, label="办结说明")
    if errors:
        raise ValidationError(errors)
    complaint.status, complaint.closed_at = S.CLOSED, now
    _save(complaint, now, "status", "closed_at")
    steps.add_entry(complaint, EntryKind.CLOSED, text, actor, now)
    steps.audit(
        actor,
        "close",
        complaint,
        {
            "on_time": _on_time(now, complaint.close_due_on),
            "substantiated": complaint.substantiated,
        },
    )
    steps.sync_pool(complaint, now)
    steps.notify_complainant(
        complaint,
        f"投诉 {complaint.number} 已办结，请确认或提出异议",
        f"closed:{complaint.reopen_count}",
        sms=True,
    )
    return complaint


# ---- the complainant ---------------------------------------------------------------------------


def _complainant(actor, complaint: Complaint, phone: str | None) -> None:
    """An enterprise contact of the complaining enterprise, or the public with the right phone."""
    if complaint.channel == ComplaintChannel.PUBLIC:
        given = lookup_hash(normalise_mobile(phone or ""))
        if not given or given != complaint.public_phone_hash:
            raise PermissionDenied("手机号与投诉记录不符。")
    elif not perms.is_complainant(actor, complaint):
        raise PermissionDenied("只有投诉企业可以确认或提出异议。")


def _rating(rating, errors: dict):
    if rating in (None, ""):
        return None
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5 or str(rating).strip() not in {str(value)}:
        errors["rating"] = ["评价应为 1 至 5 星"]
    return value


@transaction.atomic
def confirm_closure(
    actor, complaint: Complaint, *, phone: str | None = None, now: datetime | None = None
) -> Complaint:
    now = now or timezone.now()
    complaint = _lock(complaint)
    _complainant(actor, complaint, phone)
    _status(complaint, (S.CLOSED,), "只能确认已办结的投诉")
    complaint.status, complaint.complainant_confirmed_at = S.CONFIRMED, now
    _save(complaint, now, "status", "complainant_confirmed_at")
    steps.add_entry(complaint, EntryKind.CONFIRMED, "", actor, now)
    steps.audit(actor, "confirm", complaint)
    steps.sync_pool(complaint, now)
    return complaint


@transaction.atomic
def reopen_complaint(
    actor,
    complaint: Complaint,
    *,
    reason: str,
    phone: str | None = None,
    now: datetime | None = None,
) -> Complaint:
    """不认可: the file goes back to the handler with a new close clock and is escalated."""
    now = now or timezone.now()
    complaint = _lock(complaint)
    _complainant(actor, complaint, phone)
    _status(complaint, (S.CLOSED,), "只能对已办结的投诉提出异议")
    errors: dict = {}
    reason = steps.clean_text(reason, "reason", errors, label="不认可的理由")
    if errors:
        raise ValidationError(errors)
    policy = CountyPolicy.for_county(complaint.county_code)
    due = add_working_days(timezone.localdate(now), policy.complaint_close_days)
    complaint.status = S.REOPENED
    complaint.reopen_count += 1
    complaint.closed_at = None
    complaint.close_due_on, complaint.close_due_estimated = due.date, due.estimated
    complaint.close_overdue_at = None  # the new clock may run out (and escalate) again
    _save(
        complaint,
        now,
        "status",
        "reopen_count",
        "closed_at",
        "close_due_on",
        "close_due_estimated",
        "close_overdue_at",
    )
    steps.add_entry(complaint, EntryKind.REOPENED, reason, actor, now)
    steps.audit(actor, "reopen", complaint, {"reopen_count": complaint.reopen_count})
    escalate(
        complaint,
        reason="投诉人不认可办理结果",
        key=f"reopen:{complaint.reopen_count}",
        actor=actor,
        now=now,
    )
    return complaint


@transaction.atomic
def rate_handling(
    actor,
    complaint: Complaint,
    *,
    rating,
    text: str = "",
    phone: str | None = None,
    now: datetime | None = None,
) -> Complaint:
    """The complainant rates the handling (1–5) once it is closed; a later rating replaces it."""
    now = now or timezone.now()
    complaint = _lock(complaint)
    _complainant(actor, complaint, phone)
    _status(complaint, (S.CLOSED, S.CONFIRMED), "办结后方可评价")
    errors: dict = {}
    value = _rating(rating, errors)
    if value is None and "rating" not in errors:
        errors["rating"] = ["请选择 1 至 5 星"]
    text = steps.clean_text(text, "rating_text", errors, required=False, label="评价说明")
    if errors:
        raise ValidationError(errors)
    complaint.rating, complaint.rating_text = value, text
    _save(complaint, now, "rating", "rating_text")
    steps.add_entry(complaint, EntryKind.RATED, f"{value} 星。{text}".strip(), actor, now)
    steps.audit(actor, "rate", complaint, {"rating": value})
    steps.sync_pool(complaint, now)
    return complaint

"""What every complaint transition does besides changing the row: the file entry, the audit event,
the problem pool row and the notifications. Called inside the transition's transaction."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.complaints.choices import ComplaintChannel, ComplaintStatus
from zerodisturb.complaints.models import Complaint, ComplaintEntry
from zerodisturb.notifications.services import judicial_bureau_supervisors, notify, users_of
from zerodisturb.notifications.sms import sms_adapter
from zerodisturb.problems.models import ProblemKind, ProblemState
from zerodisturb.problems.services import sync_problem
from zerodisturb.registry.models import CountyPolicy, Organisation
from zerodisturb.roles import Role
from zerodisturb.workdays.services import add_working_days

TEXT_MAX = 5000


def clean_text(value, field: str, errors: dict, *, required: bool = True, label: str = "内容"):
    text = (value or "").strip()
    if required and not text:
        errors[field] = [f"请填写{label}"]
    elif len(text) > TEXT_MAX:
        errors[field] = [f"{label}不能超过 {TEXT_MAX} 字"]
    return text


def clocks(county_code: str, received_at: datetime) -> dict:
    """The three due dates in working days from the day of receipt (that day not counted)."""
    policy = CountyPolicy.for_county(county_code)
    day = timezone.localdate(received_at)
    ack = add_working_days(day, policy.complaint_ack_days)
    reply = add_working_days(day, policy.complaint_reply_days)
    close = add_working_days(day, policy.complaint_close_days)
    return {
        "ack_due_on": ack.date,
        "ack_due_estimated": ack.estimated,
        "reply_due_on": reply.date,
        "reply_due_estimated": reply.estimated,
        "close_due_on": close.date,
        "close_due_estimated": close.estimated,
    }


def add_entry(complaint: Complaint, kind: str, text: str, author, now: datetime) -> ComplaintEntry:
    author = author if getattr(author, "pk", None) else None
    return ComplaintEntry.objects.create(
        complaint=complaint,
        kind=kind,
        text=text,
        author=author,
        organisation=author.organisation if author else None,
        at=now,
    )


def audit(actor, action: str, complaint: Complaint, payload: dict | None = None) -> None:
    actor = actor if getattr(actor, "pk", None) else None
    record_event(
        actor, f"complaint.{action}", complaint, {"status": complaint.status, **(payload or {})}
    )


def detail_url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def _owner_and_deadline(c: Complaint):
    awaiting_provider = (
        c.provider_reply_requested_at is not None
        and c.provider_replied_at is None
        and c.decided_at is None
    )
    if c.status == ComplaintStatus.RECEIVED:
        return c.routed_to, c.ack_due_on
    if c.status in (ComplaintStatus.CLOSED, ComplaintStatus.CONFIRMED):
        owner = c.enterprise if c.status == ComplaintStatus.CLOSED else None
        return owner, None
    if awaiting_provider:
        return c.provider, c.provider_reply_due_on
    if c.first_reply_at is None:
        return c.routed_to, c.reply_due_on
    return c.routed_to, c.close_due_on


def sync_pool(complaint: Complaint, now: datetime) -> None:
    """Keep the complaint's row of the problem pool in step (owner = who must act now)."""
    c = complaint
    owner, deadline = _owner_and_deadline(c)
    if c.status in (ComplaintStatus.CLOSED, ComplaintStatus.CONFIRMED):
        # The handler's work is done; a reopen opens the problem again.
        state = ProblemState.CLOSED
    elif c.escalated_at is not None or c.status == ComplaintStatus.REOPENED:
        state = ProblemState.ESCALATED
    elif c.status == ComplaintStatus.RECEIVED:
        state = ProblemState.OPEN
    else:
        state = ProblemState.IN_PROGRESS
    sync_problem(
        c,
        kind=ProblemKind.COMPLAINT,
        title=f"投诉 {c.number}：{c.get_category_display()}",
        state=state,
        stage=c.get_status_display(),
        owner=owner,
        deadline=deadline,
        agency=c.agency,
        provider=c.provider,
        # Public complaints name no enterprise; the complainant's enterprise otherwise.
        enterprise=c.enterprise,
        link=detail_url(c),
        number=c.number,
        now=now,
    )


def handlers_of(organisation: Organisation | None):
    if organisation is None:
        return []
    roles = [Role.SUPERVISOR] if organisation.is_judicial_bureau else [Role.AGENCY_OFFICER]
    return list(users_of(organisation, roles))


def oversight_users(county_code: str):
    """经信局, the procuratorate's 营商环境投诉监督中心, 财政局: users with the oversight role."""
    from zerodisturb.accounts.models import User

    return list(
        User.objects.filter(
            role=Role.OVERSIGHT,
            is_active=True,
            organisation__county_code=county_code,
            organisation__is_oversight=True,
        ).select_related("person")
    )


def notify_routed(complaint: Complaint) -> None:
    c = complaint
    notify(
        handlers_of(c.routed_to),
        title=f"新投诉 {c.number} 待受理",
        body=f"{c.get_category_display()}；受理期限 {c.ack_due_on:%Y-%m-%d}。",
        link=detail_url(c),
        kind="reminder",
        dedupe_key=f"complaint:{c.pk}:routed:{c.routed_to_id}",
        county_code=c.county_code,
    )


def notify_provider(complaint: Complaint, *, requested: bool = False) -> None:
    """The provider learns that a complaint concerns it and may state its side before the decision.
    The message names no complainant."""
    c = complaint
    if c.provider is None:
        return
    due = f"，请于 {c.provider_reply_due_on:%Y-%m-%d} 前陈述" if requested else ""
    notify(
        users_of(c.provider, [Role.PROVIDER_ADMIN]),
        title=f"投诉 {c.number} 涉及本机构{due}",
        body="在承办机关作出认定前，本机构可陈述一次意见。",
        link=detail_url(c),
        kind="reminder" if requested else "info",
        dedupe_key=f"complaint:{c.pk}:provider:{'requested' if requested else 'concerns'}",
        county_code=c.county_code,
        sms=requested,
    )


def notify_complainant(complaint: Complaint, title: str, key: str, *, sms: bool = False) -> None:
    """Enterprise complainants in-app; public complainants by SMS to the phone they gave."""
    c = complaint
    if c.channel == ComplaintChannel.ENTERPRISE and c.enterprise_id:
        notify(
            users_of(c.enterprise, [Role.ENTERPRISE]),
            title=title,
            link=detail_url(c),
            kind="info",
            dedupe_key=f"complaint:{c.pk}:{key}",
            county_code=c.county_code,
            sms=sms,
        )
    elif c.channel == ComplaintChannel.PUBLIC and sms and c.public_phone:
        phone, text = c.public_phone, f"【零扰企】{title}（凭投诉编号和手机号查询）"
        transaction.on_commit(lambda: sms_adapter().send(phone, text))


def notify_escalation(complaint: Complaint, reason: str, key: str) -> None:
    c = complaint
    recipients = {u.pk: u for u in oversight_users(c.county_code)}
    recipients |= {u.pk: u for u in judicial_bureau_supervisors(c.county_code)}
    recipients |= {u.pk: u for u in handlers_of(c.routed_to)}
    notify(
        recipients.values(),
        title=f"投诉 {c.number} 升级督办：{reason}",
        body=f"承办单位：{c.routed_to or '—'}；办结期限 {c.close_due_on:%Y-%m-%d}。",
        link=detail_url(c),
        kind="alert",
        dedupe_key=f"complaint:{c.pk}:escalated:{key}",
        county_code=c.county_code,
        sms=True,
    )

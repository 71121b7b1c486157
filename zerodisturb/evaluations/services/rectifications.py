"""The bad-review loop (整改单): provider answers → agency calls the enterprise back → the
enterprise accepts, or disputes and the judicial bureau decides.

Each step is a conditional `UPDATE … WHERE status=<expected>`, so a double click or two people at
once make one transition; each writes its audit event and keeps the problem pool in step.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.evaluations import notices
from zerodisturb.evaluations.choices import COMPLETED_STATUSES, Level, RectificationStatus
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.problems.models import ProblemKind, ProblemState
from zerodisturb.problems.services import sync_problem
from zerodisturb.registry.models import CountyPolicy, Organisation
from zerodisturb.registry.numbering import next_number
from zerodisturb.roles import Role
from zerodisturb.workdays.services import add_working_days

S = RectificationStatus
MAX_TEXT = 2000
PROBLEM_STATE = {
    S.OPEN: ProblemState.OPEN,
    S.ANSWERED: ProblemState.IN_PROGRESS,
    S.CALLED_BACK: ProblemState.IN_PROGRESS,
    S.ESCALATED: ProblemState.ESCALATED,
    S.ACCEPTED: ProblemState.CLOSED,
    S.CLOSED: ProblemState.CLOSED,
}


def judicial_bureau(county_code: str) -> Organisation | None:
    return Organisation.objects.filter(county_code=county_code, is_judicial_bureau=True).first()


def owner_of(ticket: Rectification) -> Organisation | None:
    """The organisation that must act now."""
    return {
        S.OPEN: ticket.provider,
        S.ANSWERED: ticket.agency,
        S.CALLED_BACK: ticket.evaluation.enterprise,
        S.ESCALATED: judicial_bureau(ticket.county_code),
    }.get(ticket.status)


def sync(ticket: Rectification, now: datetime) -> None:
    """Keep the problem pool's row in step; its title never names the enterprise."""
    level = Level(ticket.evaluation.level).label
    sync_problem(
        ticket,
        kind=ProblemKind.BAD_REVIEW,
        title=f"差评整改：{ticket.provider}（{level}）",
        state=PROBLEM_STATE[ticket.status],
        stage=ticket.get_status_display(),
        owner=owner_of(ticket),
        deadline=None if ticket.status in COMPLETED_STATUSES else ticket.due_on,
        agency=ticket.agency,
        provider=ticket.provider,
        enterprise=ticket.visit.enterprise,
        link=reverse("evaluations:rectification", args=[ticket.pk]),
        now=now,
    )


def open_rectifications(actor, evaluation: Evaluation, *, now: datetime) -> list[Rectification]:
    """One ticket per provider of the visit (joint visits may give several), due in
    policy.rectification_working_days working days; providers that have one keep it."""
    county = evaluation.county_code
    today = timezone.localdate(now)
    due = add_working_days(today, CountyPolicy.for_county(county).rectification_working_days)
    have = set(evaluation.rectifications.values_list("provider_id", flat=True))
    opened = []
    parties = evaluation.visit.parties.select_related("agency", "contract__provider").order_by(
        "-is_lead", "pk"
    )
    for party in parties:
        provider = party.contract.provider
        if provider.pk in have:
            continue
        have.add(provider.pk)
        key = f"ZG-{county}-{today.year}"
        ticket = Rectification.objects.create(
            county_code=county,
            number=f"{key}-{next_number(key):05d}",
            evaluation=evaluation,
            visit=evaluation.visit,
            provider=provider,
            agency=party.agency,
            due_on=due.date,
            due_estimated=due.estimated,
            opened_at=now,
        )
        record_event(
            actor,
            "rectification.open",
            ticket,
            {
                "evaluation": evaluation.pk,
                "level": evaluation.level,
                "provider": provider.pk,
                "agency": party.agency_id,
                "due_on": due.date,
            },
        )
        sync(ticket, now)
        notices.ticket_opened(ticket)
        opened.append(ticket)
    return opened


def note_evaluation_change(actor, evaluation, changes: dict, ticket_ids: list, *, now) -> None:
    """An amended evaluation does not close its tickets; each ticket's trail records the change."""
    for ticket in Rectification.objects.filter(pk__in=ticket_ids):
        record_event(
            actor,
            "rectification.evaluation_amended",
            ticket,
            {"level": evaluation.level, "still_bad": evaluation.is_bad, "changes": changes},
        )
        sync(ticket, now)


def _text(name: str, label: str, value, errors: dict) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else ""
    if not text:
        errors[name] = f"请填写“{label}”"
    elif len(text) > MAX_TEXT:
        errors[name] = f"“{label}”不能超过 {MAX_TEXT} 字（现有 {len(text)} 字）"
    return text


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})


def _move(ticket: Rectification, expected: str, now: datetime, **fields) -> Rectification:
    """The conditional update: only from `expected`; otherwise the ticket has already moved."""
    moved = Rectification.objects.filter(pk=ticket.pk, status=expected).update(**fields)
    ticket.refresh_from_db()
    if not moved:
        raise ValidationError(
            {"status": [f"整改单当前环节为“{ticket.get_status_display()}”，不能重复办理"]}
        )
    return ticket


def _is(actor, role: str, organisation_id) -> bool:
    return bool(
        actor.is_authenticated
        and actor.is_active
        and actor.role == role
        and actor.organisation_id == organisation_id
    )


@transaction.atomic
def answer_rectification(
    actor, ticket: Rectification, *, cause: str, measures: str, now: datetime | None = None
) -> Rectification:
    """The provider states the cause and its measures; the agency then calls the enterprise."""
    now = now or timezone.now()
    if not _is(actor, Role.PROVIDER_ADMIN, ticket.provider_id):
        raise PermissionDenied("只有被整改的第三方机构管理员可以答复整改单。")
    errors: dict[str, str] = {}
    cause = _text("cause", "原因说明", cause, errors)
    measures = _text("measures", "整改措施", measures, errors)
    _raise(errors)
    ticket = _move(
        ticket,
        S.OPEN,
        now,
        status=S.ANSWERED,
        cause=cause,
        measures=measures,
        answered_at=now,
        answered_by=actor,
    )
    record_event(actor, "rectification.answer", ticket, {"cause": cause, "measures": measures})
    sync(ticket, now)
    notices.ticket_answered(ticket)
    return ticket


@transaction.atomic
def record_callback(
    actor, ticket: Rectification, *, result: str, now: datetime | None = None
) -> Rectification:
    """The commissioning agency has called the enterprise back and records what it said."""
    now = now or timezone.now()
    if not _is(actor, Role.AGENCY_OFFICER, ticket.agency_id):
        raise PermissionDenied("只有委托该机构的机关经办人可以记录回访。")
    errors: dict[str, str] = {}
    result = _text("result", "回访情况", result, errors)
    _raise(errors)
    ticket = _move(
        ticket,
        S.ANSWERED,
        now,
        status=S.CALLED_BACK,
        callback_result=result,
        called_back_at=now,
        called_back_by=actor,
    )
    record_event(actor, "rectification.callback", ticket, {"result": result})
    sync(ticket, now)
    notices.ticket_called_back(ticket)
    return ticket


@transaction.atomic
def respond_rectification(
    actor,
    ticket: Rectification,
    *,
    accepts: bool,
    reason: str = "",
    now: datetime | None = None,
) -> Rectification:
    """The enterprise accepts the result (ticket completed) or disputes it with a reason (the
    judicial bureau takes it over)."""
    now = now or timezone.now()
    if not _is(actor, Role.ENTERPRISE, ticket.evaluation.enterprise_id):
        raise PermissionDenied("只有给出评价的企业可以确认整改结果。")
    if accepts:
        ticket = _move(
            ticket,
            S.CALLED_BACK,
            now,
            status=S.ACCEPTED,
            enterprise_accepts=True,
            responded_at=now,
            completed_at=now,
        )
        record_event(actor, "rectification.accept", ticket, {"on_time": ticket.on_time})
        notices.ticket_completed(ticket)
    else:
        errors: dict[str, str] = {}
        reason = _text("reason", "不认可的理由", reason, errors)
        _raise(errors)
        ticket = _move(
            ticket,
            S.CALLED_BACK,
            now,
            status=S.ESCALATED,
            enterprise_accepts=False,
            dispute_reason=reason,
            responded_at=now,
            escalated_at=now,
        )
        record_event(actor, "rectification.dispute", ticket, {"reason": reason})
        notices.ticket_disputed(ticket)
    sync(ticket, now)
    return ticket


@transaction.atomic
def decide_rectification(
    actor, ticket: Rectification, *, decision: str, now: datetime | None = None
) -> Rectification:
    """The judicial bureau settles a disputed ticket; its decision closes it."""
    now = now or timezone.now()
    bureau = actor.organisation if actor.is_authenticated else None
    if not (
        actor.is_authenticated
        and actor.is_active
        and actor.role == Role.SUPERVISOR
        and bureau is not None
        and bureau.is_judicial_bureau
        and bureau.county_code == ticket.county_code
    ):
        raise PermissionDenied("争议整改单由本县司法局处理。")
    errors: dict[str, str] = {}
    decision = _text("decision", "处理意见", decision, errors)
    _raise(errors)
    ticket = _move(
        ticket,
        S.ESCALATED,
        now,
        status=S.CLOSED,
        decision=decision,
        decided_by=actor,
        completed_at=now,
    )
    record_event(actor, "rectification.decide", ticket, {"decision": decision})
    sync(ticket, now)
    notices.ticket_completed(ticket)
    return ticket

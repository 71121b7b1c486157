"""Input and output schemas of the evaluations API: one input schema per action.

Rectification tickets are serialised by `ticket_out`, which leaves out what the caller's role may
not see (the enterprise for a provider, the author for everyone but the bureau and the enterprise).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from ninja import Schema

from zerodisturb.evaluations import permissions as perms
from zerodisturb.visits.models import VisitStaff


class EvaluationIn(Schema):
    visit: int
    level: int | None = None
    attitude: int | None = None
    professionalism: int | None = None
    code_shown: bool | None = None
    officer_present: bool | None = None
    nothing_sold: bool | None = None
    burden: int | None = None
    text: str = ""

    def answers(self) -> dict:
        return self.dict(exclude={"visit"})


class AmendIn(Schema):
    level: int | None = None
    attitude: int | None = None
    professionalism: int | None = None
    code_shown: bool | None = None
    officer_present: bool | None = None
    nothing_sold: bool | None = None
    burden: int | None = None
    text: str = ""


class AnswerIn(Schema):
    cause: str
    measures: str


class CallbackIn(Schema):
    result: str


class DisputeIn(Schema):
    reason: str


class DecideIn(Schema):
    decision: str


class EvaluationOut(Schema):
    id: int
    visit_id: int
    visit_number: str
    enterprise_id: int
    enterprise: str
    author: str
    level: int
    level_label: str
    attitude: int
    professionalism: int
    code_shown: bool
    officer_present: bool
    nothing_sold: bool
    burden: int
    text: str
    submitted_at: datetime
    amended_at: datetime | None
    amend_until: datetime
    rectifications: list[int]

    @staticmethod
    def resolve_visit_number(obj) -> str:
        return obj.visit.number

    @staticmethod
    def resolve_enterprise(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_author(obj) -> str:
        return str(obj.author)

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_rectifications(obj) -> list[int]:
        return list(obj.rectifications.values_list("pk", flat=True))


class PendingVisitOut(Schema):
    id: int
    number: str
    checked_out_at: datetime | None


class FiguresGroupOut(Schema):
    label: str
    shown: bool
    note: str = ""
    total: int | None = None
    by_level: dict[str, int] | None = None
    satisfaction_rate: float | None = None
    weighted_score: float | None = None
    bad_rate: float | None = None


class FiguresOut(Schema):
    min_group: int
    groups: list[FiguresGroupOut]


class TicketEvaluationOut(Schema):
    level: int
    level_label: str
    attitude: int
    professionalism: int
    code_shown: bool
    officer_present: bool
    nothing_sold: bool
    burden: int
    text: str


class RectificationOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    provider_id: int
    provider: str
    agency_id: int
    agency: str
    enterprise_id: int | None
    enterprise: str | None
    author: str | None
    visit_number: str | None
    visit_date: date
    staff: list[str]
    evaluation: TicketEvaluationOut
    due_on: date
    due_estimated: bool
    opened_at: datetime
    answered_at: datetime | None
    cause: str
    measures: str
    called_back_at: datetime | None
    callback_result: str | None
    responded_at: datetime | None
    enterprise_accepts: bool | None
    dispute_reason: str | None
    escalated_at: datetime | None
    decision: str
    completed_at: datetime | None
    on_time: bool | None


def ticket_out(user, ticket) -> dict:
    """The ticket as `user` may see it."""
    evaluation = ticket.evaluation
    sees_enterprise = perms.sees_enterprise_on_ticket(user)
    sees_callback = perms.sees_callback_details(user)
    staff = VisitStaff.objects.filter(
        visit_id=ticket.visit_id, credential__provider_id=ticket.provider_id
    ).select_related("credential__person")
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "status": ticket.status,
        "status_label": str(ticket.get_status_display()),
        "provider_id": ticket.provider_id,
        "provider": ticket.provider.name,
        "agency_id": ticket.agency_id,
        "agency": ticket.agency.name,
        "enterprise_id": evaluation.enterprise_id if sees_enterprise else None,
        "enterprise": ticket.visit.enterprise.name if sees_enterprise else None,
        "author": str(evaluation.author) if perms.sees_author_on_ticket(user, ticket) else None,
        "visit_number": ticket.visit.number if sees_enterprise else None,
        "visit_date": timezone.localtime(ticket.visit.window_start).date(),
        "staff": [f"{s.credential.person.name} {s.credential.number}" for s in staff],
        "evaluation": {
            "level": evaluation.level,
            "level_label": str(evaluation.get_level_display()),
            "attitude": evaluation.attitude,
            "professionalism": evaluation.professionalism,
            "code_shown": evaluation.code_shown,
            "officer_present": evaluation.officer_present,
            "nothing_sold": evaluation.nothing_sold,
            "burden": evaluation.burden,
            "text": evaluation.text,
        },
        "due_on": ticket.due_on,
        "due_estimated": ticket.due_estimated,
        "opened_at": ticket.opened_at,
        "answered_at": ticket.answered_at,
        "cause": ticket.cause,
        "measures": ticket.measures,
        "called_back_at": ticket.called_back_at,
        "callback_result": ticket.callback_result if sees_callback else None,
        "responded_at": ticket.responded_at,
        "enterprise_accepts": ticket.enterprise_accepts,
        "dispute_reason": ticket.dispute_reason if sees_callback else None,
        "escalated_at": ticket.escalated_at,
        "decision": ticket.decision,
        "completed_at": ticket.completed_at,
        "on_time": ticket.on_time,
    }

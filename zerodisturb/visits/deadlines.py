"""Overdue emergency visits: records not completed in time alert the lead agency and the bureau, once."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.notifications.services import judicial_bureau_supervisors, notify, users_of
from zerodisturb.once import process_once
from zerodisturb.roles import Role
from zerodisturb.visits.choices import VisitKind, VisitStatus
from zerodisturb.visits.models import Visit


def overdue_emergency_visits(now: datetime):
    return Visit.objects.filter(
        kind=VisitKind.EMERGENCY,
        completion_due_on__lt=timezone.localdate(now),
        overdue_notified_at__isnull=True,
    ).exclude(status__in=(VisitStatus.CLOSED, VisitStatus.CANCELLED))


def process_overdue_emergency_visits(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return process_once(
        overdue_emergency_visits(now),
        claim_field="overdue_notified_at",
        now=now,
        act=_chase_visit,
        order_by=("completion_due_on", "pk"),
    )


def _chase_visit(visit) -> None:
    lead = visit.parties.select_related("agency").filter(is_lead=True).first()
    record_event(
        None,
        "visit.completion_overdue",
        visit,
        {"due_on": visit.completion_due_on, "agency": lead.agency_id if lead else None},
    )
    link = f"/visits/{visit.pk}/"
    title = f"紧急入企逾期未办结：{visit.number}"
    body = (
        f"{visit.enterprise} 的紧急入企应于 {visit.completion_due_on:%Y-%m-%d} 前补录办结，"
        "请尽快补齐到场、离场、发现和资料并办结。"
    )
    if lead is not None:
        notify(
            users_of(lead.agency, [Role.AGENCY_OFFICER]),
            kind="reminder",
            sms=True,
            title=title,
            body=body,
            link=link,
            dedupe_key=f"emergency-overdue:{visit.pk}",
            county_code=visit.county_code,
        )
    notify(
        judicial_bureau_supervisors(visit.county_code),
        kind="alert",
        title=f"预警：{lead.agency if lead else ''} {title}",
        body=body,
        link=link,
        dedupe_key=f"emergency-overdue-alert:{visit.pk}",
        county_code=visit.county_code,
    )

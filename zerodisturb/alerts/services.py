"""The actions on alerts: the worker opens them (`raise_alert`), the owner or the bureau closes them."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from zerodisturb.alerts.detection import FINDERS, Finding
from zerodisturb.alerts.models import Alert, AlertOccurrence
from zerodisturb.alerts.permissions import can_close
from zerodisturb.audit.services import record_event
from zerodisturb.notifications.services import notify, users_of
from zerodisturb.problems.models import ProblemKind, ProblemState
from zerodisturb.problems.services import sync_problem
from zerodisturb.registry.numbering import next_number

NOTE_MAX = 2000


def _sync(alert: Alert, now: datetime) -> None:
    sync_problem(
        alert,
        kind=ProblemKind.ALERT,
        title=alert.title,
        state=ProblemState.OPEN if alert.is_open else ProblemState.CLOSED,
        stage="待处理" if alert.is_open else "已关闭",
        owner=alert.owner,
        agency=alert.agency,
        provider=alert.provider,
        enterprise=alert.enterprise,
        locality=alert.locality,
        link=reverse("alerts:detail", args=[alert.pk]),
        number=alert.number,
        now=now,
    )


def raise_alert(finding: Finding, now: datetime | None = None) -> Alert | None:
    """Record an occurrence and open an alert for it, or fold it into the subject's open alert.

    Returns the alert when a new one was opened; None when the occurrence was folded into an open
    alert or had already been recorded (another run, or a concurrent worker, came first).
    """
    now = now or timezone.now()
    subject = finding.subject
    try:
        with transaction.atomic():
            alert = (
                Alert.objects.select_for_update()
                .filter(
                    kind=finding.kind,
                    subject_type=finding.subject_type,
                    subject_id=subject.pk,
                    closed_at__isnull=True,
                )
                .first()
            )
            opened = alert is None
            if opened:
                alert = _open(finding, now)
            AlertOccurrence.objects.create(
                alert=alert,
                kind=finding.kind,
                subject_type=finding.subject_type,
                subject_id=subject.pk,
                key=finding.key,
                seen_at=now,
            )
            if not opened:
                Alert.objects.filter(pk=alert.pk).update(
                    occurrences=F("occurrences") + 1, last_seen_at=now
                )
                return None
            record_event(
                None,
                "alert.open",
                alert,
                {
                    "kind": alert.kind,
                    "subject": f"{alert.subject_type}#{alert.subject_id}",
                    "occurrence": finding.key,
                    "owner": alert.owner_id,
                },
            )
            _sync(alert, now)
            link = reverse("alerts:detail", args=[alert.pk])
            notify(
                users_of(alert.owner, finding.owner_roles),
                kind="alert",
                title=f"预警：{alert.title}",
                body=alert.detail,
                link=link,
                dedupe_key=f"alert:{alert.pk}",
                county_code=alert.county_code,
            )
            return alert
    except IntegrityError:
        return None  # this occurrence was recorded by another run


def _open(finding: Finding, now: datetime) -> Alert:
    county = finding.county_code
    key = f"YJ-{county}-{timezone.localdate(now).year}"
    enterprise = finding.enterprise
    return Alert.objects.create(
        county_code=county,
        number=f"{key}-{next_number(key):05d}",
        kind=finding.kind,
        subject_type=finding.subject_type,
        subject_id=finding.subject.pk,
        subject_label=finding.subject_label[:120],
        subject_link=finding.subject_link,
        title=finding.title[:200],
        detail=finding.detail,
        owner=finding.owner,
        agency=finding.agency,
        provider=finding.provider,
        enterprise=enterprise,
        locality=enterprise.locality if enterprise is not None else None,
        opened_at=now,
        last_seen_at=now,
    )


def detect_alerts(kind: str, now: datetime | None = None) -> int:
    """Run one kind's finder and open its alerts; the number opened (0 on a second run)."""
    now = now or timezone.now()
    return sum(1 for finding in FINDERS[kind](now) if raise_alert(finding, now) is not None)


@transaction.atomic
def close_alert(actor, alert: Alert, *, note: str, now: datetime | None = None) -> Alert:
    """Close an open alert with a note saying what was done; closing twice is refused."""
    now = now or timezone.now()
    if not can_close(actor, alert):
        raise PermissionDenied("只有责任单位或司法局可以关闭该预警。")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ["请填写处理说明，说明已采取的措施。"]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [f"处理说明不能超过 {NOTE_MAX} 字。"]})
    closed = Alert.objects.filter(pk=alert.pk, closed_at__isnull=True).update(
        closed_at=now, closed_by=actor, closing_note=note
    )
    if not closed:
        raise ValidationError({"note": ["该预警已关闭。"]})
    alert.refresh_from_db()
    record_event(actor, "alert.close", alert, {"note": note})
    _sync(alert, now)
    return alert

"""Keeping the KPI rollups equal to the raw records: recompute whole (county, day) buckets.

Recomputing a bucket deletes its rows and aggregates the raw rows of that day again, so running it
twice gives the same table. `refresh` finds the buckets to recompute from the audit trail since the
watermark, valid scans since the last run, and clocks (filing, rectification, complaint) that ran
out since the last run; `rebuild` recomputes everything.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from zerodisturb.audit.models import AuditEvent
from zerodisturb.oversight.models import EnterpriseVisitMonth, KpiRollup, RollupState
from zerodisturb.oversight.sources import DIMENSIONS, SOURCES

log = logging.getLogger(__name__)
Buckets = dict[str, set[date]]
KEYS = ["_day", *(f"_{d}" for d in DIMENSIONS)]


def _local_day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def recompute(county: str, days: Iterable[date], today: date) -> int:
    """Replace the rollup rows of these days (and the per-enterprise rows of their months)."""
    days = sorted(set(days))
    if not days:
        return 0
    months = sorted({d.replace(day=1) for d in days})
    rows = []
    with transaction.atomic():
        KpiRollup.objects.filter(county_code=county, day__in=days).delete()
        for source in SOURCES.values():
            facts = source.facts(today)
            grouped = (
                source.queryset(county)
                .filter(_day__in=days)
                .values(*KEYS)
                .annotate(**{col: fact.aggregate() for col, fact in facts.items()})
                .order_by()
            )
            for g in grouped:
                rows.append(
                    KpiRollup(
                        county_code=county,
                        day=g["_day"],
                        source=source.key,
                        **{f"{d}_id": g[f"_{d}"] for d in DIMENSIONS},
                        **{col: g[col] or 0 for col in facts},
                    )
                )
        KpiRollup.objects.bulk_create(rows, batch_size=1000)
        _recompute_enterprise_months(county, months)
    return len(days)


def _recompute_enterprise_months(county: str, months: list[date]) -> None:
    EnterpriseVisitMonth.objects.filter(county_code=county, month__in=months).delete()
    visits = SOURCES["visit"].queryset(county)
    month_filter = Q()
    for m in months:
        nxt = (m + timedelta(days=32)).replace(day=1)
        month_filter |= Q(_day__gte=m, _day__lt=nxt)
    grouped = (
        visits.filter(month_filter)
        .annotate(_month=TruncMonth("_day"))
        .values("_month", "enterprise_id", *KEYS[1:])
        .annotate(n=Count("pk"))
        .order_by()
    )
    EnterpriseVisitMonth.objects.bulk_create(
        (
            EnterpriseVisitMonth(
                county_code=county,
                month=_local_day(g["_month"]).replace(day=1),
                enterprise_id=g["enterprise_id"],
                **{f"{d}_id": g[f"_{d}"] for d in DIMENSIONS},
                visits=g["n"],
            )
            for g in grouped
        ),
        batch_size=1000,
    )


def _all_buckets(county: str | None = None) -> Buckets:
    """Every (county, day) that has raw rows in any source."""
    from zerodisturb.registry.models import Organisation

    counties = (
        [county]
        if county
        else sorted(set(Organisation.objects.values_list("county_code", flat=True)) - {""})
    )
    out: Buckets = defaultdict(set)
    for c in counties:
        for source in SOURCES.values():
            for d in source.queryset(c).values_list("_day", flat=True).distinct().order_by():
                if d is not None:
                    out[c].add(_local_day(d))
    return out


def rebuild(county: str | None = None, now: datetime | None = None) -> int:
    """Recompute every bucket (of one county, or of all) and move the watermark to now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        state = _state()
        head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        if county:
            KpiRollup.objects.filter(county_code=county).delete()
            EnterpriseVisitMonth.objects.filter(county_code=county).delete()
        else:
            KpiRollup.objects.all().delete()
            EnterpriseVisitMonth.objects.all().delete()
        done = sum(recompute(c, days, today) for c, days in _all_buckets(county).items())
        if not county:
            state.audit_seq = head
            state.scans_until = now
            state.as_of = today
        state.refreshed_at = now
        state.save()
    return done


def _state() -> RollupState:
    RollupState.objects.get_or_create(id=1)
    return RollupState.objects.select_for_update().get(id=1)


# ── what changed since the watermark ─────────────────────────────────────────────────────────
def _days_of(obj) -> list[tuple[str, date | None]]:
    """The (county, day) buckets a changed object counts in."""
    name = obj._meta.label_lower
    if name == "commissioning.commissioneditem":
        out = [(obj.county_code, _local_day(obj.first_submitted_at))]
        out.append((obj.county_code, _local_day(obj.decided_at)))
        from zerodisturb.contracts.models import ContractVersion

        for signed in ContractVersion.objects.filter(contract__item=obj).values_list(
            "signed_on", flat=True
        ):
            out.append((obj.county_code, signed))
        return out
    if name == "contracts.contract":
        return [(obj.county_code, v.signed_on) for v in obj.versions.all()]
    if name == "contracts.contractversion":
        return [(obj.contract.county_code, obj.signed_on)]
    if name == "visits.visit":
        return [(obj.county_code, _local_day(obj.window_start))]
    if name == "evaluations.evaluation":
        return [(obj.county_code, _local_day(obj.submitted_at))]
    if name == "evaluations.rectification":
        return [(obj.county_code, obj.due_on)]
    if name == "complaints.complaint":
        return [
            (obj.county_code, _local_day(obj.received_at)),
            (obj.county_code, _local_day(obj.decided_at)),
        ]
    return []


TRACKED = (
    "commissioning.commissioneditem",
    "contracts.contract",
    "contracts.contractversion",
    "visits.visit",
    "evaluations.evaluation",
    "evaluations.rectification",
    "complaints.complaint",
)


def _changed(state: RollupState, head: int, now: datetime, today: date) -> Buckets:
    out: Buckets = defaultdict(set)

    def add(pairs):
        for county, day in pairs:
            if county and day:
                out[county].add(day)

    events = AuditEvent.objects.filter(
        seq__gt=state.audit_seq, seq__lte=head, object_type__in=TRACKED
    ).values_list("object_type", "object_id")
    ids: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in events.iterator():
        if object_id:
            ids[object_type].add(object_id)
    for object_type, pks in ids.items():
        model = apps.get_model(object_type)
        for obj in model.objects.filter(pk__in=list(pks)):
            add(_days_of(obj))

    # A valid scan sets Visit.valid_scan_at without an audit event of its own.
    from zerodisturb.visits.models import ScanLog

    if state.scans_until:
        scans = ScanLog.objects.filter(
            valid=True, scanned_at__gt=state.scans_until, scanned_at__lte=now
        ).exclude(visit__isnull=True)
        for county, start in scans.values_list("visit__county_code", "visit__window_start"):
            add([(county, _local_day(start))])

    # Clocks that ran out since the last run now count as late although nothing was written.
    if state.as_of and state.as_of < today:
        add(_expired_clocks(state.as_of, today))
    return out


def _expired_clocks(since: date, today: date):
    from zerodisturb.complaints.models import Complaint
    from zerodisturb.contracts.models import ContractVersion
    from zerodisturb.evaluations.models import Rectification

    ran_out = {"__gte": since, "__lt": today}

    def between(field):
        return {f"{field}{k}": v for k, v in ran_out.items()}

    for county, signed in ContractVersion.objects.filter(
        first_filed_at__isnull=True, **between("filing_due_on")
    ).values_list("contract__county_code", "signed_on"):
        yield county, signed
    for county, due in Rectification.objects.filter(
        completed_at__isnull=True, **between("due_on")
    ).values_list("county_code", "due_on"):
        yield county, due
    late = Q(**between("ack_due_on")) | Q(**between("reply_due_on")) | Q(**between("close_due_on"))
    for county, received in Complaint.objects.filter(late).values_list(
        "county_code", "received_at"
    ):
        yield county, _local_day(received)


def refresh(now: datetime | None = None) -> int:
    """The worker's job: recompute the buckets changed since the watermark; returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        state = _state()
        if state.refreshed_at is None:
            return rebuild(now=now)
        head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        done = 0
        for county, days in _changed(state, head, now, today).items():
            done += recompute(county, days, today)
        state.audit_seq = head
        state.scans_until = now
        state.as_of = today
        state.refreshed_at = now
        state.save()
    return done


def refreshed_at():
    return RollupState.objects.filter(id=1).values_list("refreshed_at", flat=True).first()

"""Keeping the KPI rollups equal to the raw records: recompute whole (county, day) buckets.

Recomputing a bucket deletes its rows and aggregates the raw rows of that day again, so running it
twice gives the same table. `refresh` finds the buckets to recompute from the audit trail since the
watermark, valid scans since the last run, and clocks (filing, rectification, complaint) that ran
out since the last run; `rebuild` recomputes everything.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from zerodisturb.audit.models import AuditEvent
from zerodisturb.cachestamps import invalidate
from zerodisturb.oversight.models import (
    EnterpriseVisitHistogram,
    EnterpriseVisitMonth,
    EnterpriseVisitPeriod,
    KpiMonth,
    KpiRollup,
    RollupState,
)
from zerodisturb.oversight.sources import COLUMNS, DIMENSIONS, SOURCES

log = logging.getLogger(__name__)
# Retired by every run, with refreshed_at moved: the figures cached from the rollups (rollupcache).
CACHE_STAMP = "oversight:rollups"
Buckets = dict[str, set[date]]
KEYS = ["_day", *(f"_{d}" for d in DIMENSIONS)]


def _local_day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def recompute(county: str, days: Iterable[date] | None, today: date) -> int:
    """Replace the rollup rows of these days (None: every day of the county), then the months
    and per-enterprise figures they fall in."""
    everything = days is None
    days = None if everything else sorted(set(days))
    if not everything and not days:
        return 0
    rows = []
    with transaction.atomic():
        daily = KpiRollup.objects.filter(county_code=county)
        (daily if everything else daily.filter(day__in=days)).delete()
        for source in SOURCES.values():
            facts = source.facts(today)
            qs = source.queryset(county)
            if not everything:
                qs = qs.filter(source.on_days(days))
            grouped = (
                qs.values(*KEYS)
                .annotate(**{col: fact.aggregate() for col, fact in facts.items()})
                .order_by()
            )
            for g in grouped:
                if g["_day"] is None:
                    continue
                rows.append(
                    KpiRollup(
                        county_code=county,
                        day=_local_day(g["_day"]),
                        source=source.key,
                        **{f"{d}_id": g[f"_{d}"] for d in DIMENSIONS},
                        **{col: g[col] or 0 for col in facts},
                    )
                )
        KpiRollup.objects.bulk_create(rows, batch_size=2000)
        if everything:
            days = sorted({r.day for r in rows})
        months = sorted({d.replace(day=1) for d in days})
        _recompute_months(county, months)
        _recompute_enterprise_months(county, months)
        _recompute_enterprise_periods(county, months)
    return len(days)


def _month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _recompute_months(county: str, months: list[date]) -> None:
    KpiMonth.objects.filter(county_code=county, month__in=months).delete()
    dims = [f"{d}_id" for d in DIMENSIONS]
    rows = []
    for month in months:
        grouped = (
            KpiRollup.objects.filter(county_code=county, day__gte=month, day__lte=_month_end(month))
            .values("source", *dims)
            .annotate(**{c: Sum(c) for c in COLUMNS})
            .order_by()
        )
        rows += [KpiMonth(county_code=county, month=month, **g) for g in grouped]
    KpiMonth.objects.bulk_create(rows, batch_size=2000)


def _recompute_enterprise_months(county: str, months: list[date]) -> None:
    EnterpriseVisitMonth.objects.filter(county_code=county, month__in=months).delete()
    source = SOURCES["visit"]
    rows = []
    for month in months:
        grouped = (
            source.queryset(county)
            .filter(source.between(month, _month_end(month)))
            .values("enterprise_id", *KEYS[1:])
            .annotate(n=Count("pk"))
            .order_by()
        )
        rows += [
            EnterpriseVisitMonth(
                county_code=county,
                month=month,
                enterprise_id=g["enterprise_id"],
                **{f"{d}_id": g[f"_{d}"] for d in DIMENSIONS},
                visits=g["n"],
            )
            for g in grouped
        ]
    EnterpriseVisitMonth.objects.bulk_create(rows, batch_size=2000)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _recompute_enterprise_periods(county: str, months: list[date]) -> None:
    """Month rows from the per-enterprise months, quarters from months, years from quarters."""
    EVP = EnterpriseVisitPeriod
    quarters = sorted({_quarter_start(m) for m in months})
    years = sorted({date(m.year, 1, 1) for m in months})
    plan = (
        ("month", months, lambda m: (EnterpriseVisitMonth, {"month": m}, "visits", False)),
        (
            "quarter",
            quarters,
            lambda q: (
                EVP,
                {
                    "kind": "month",
                    "start__gte": q,
                    "start__lte": _month_end(q.replace(month=q.month + 2)),
                },
                "visits",
                False,
            ),
        ),
        (
            "year",
            years,
            lambda y: (EVP, {"kind": "quarter", "start__year": y.year}, "visits", True),
        ),
    )
    for kind, starts, parts in plan:
        EVP.objects.filter(county_code=county, kind=kind, start__in=starts).delete()
        EnterpriseVisitHistogram.objects.filter(
            county_code=county, kind=kind, start__in=starts
        ).delete()
        rows = []
        for start in starts:
            model, where, field, by_quarter = parts(start)
            grouped = (
                model.objects.filter(county_code=county, **where)
                .values("enterprise_id", "locality_id")
                .annotate(n=Sum(field), top=Max(field))
                .order_by()
            )
            rows += [
                EVP(
                    county_code=county,
                    kind=kind,
                    start=start,
                    enterprise_id=g["enterprise_id"],
                    locality_id=g["locality_id"],
                    visits=g["n"],
                    max_quarter=g["top"] if by_quarter else g["n"],
                )
                for g in grouped
            ]
        EVP.objects.bulk_create(rows, batch_size=2000)
        EnterpriseVisitHistogram.objects.bulk_create(histogram(rows), batch_size=2000)


def histogram(rows) -> list[EnterpriseVisitHistogram]:
    """The distribution of per-enterprise rows (EnterpriseVisitPeriod) by period and locality."""
    counted = Counter(
        (r.county_code, r.kind, r.start, r.locality_id, r.visits, r.max_quarter) for r in rows
    )
    return [
        EnterpriseVisitHistogram(
            county_code=county,
            kind=kind,
            start=start,
            locality_id=locality,
            visits=visits,
            max_quarter=top,
            enterprises=n,
        )
        for (county, kind, start, locality, visits, top), n in counted.items()
    ]


def rebuild(county: str | None = None, now: datetime | None = None) -> int:
    """Recompute everything (of one county, or of all) and move the watermark to now."""
    from zerodisturb.registry.models import Organisation

    now = now or timezone.now()
    today = timezone.localdate(now)
    counties = (
        [county]
        if county
        else sorted(set(Organisation.objects.values_list("county_code", flat=True)) - {""})
    )
    with transaction.atomic():
        state = _state()
        head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        for model in (
            KpiRollup,
            KpiMonth,
            EnterpriseVisitMonth,
            EnterpriseVisitPeriod,
            EnterpriseVisitHistogram,
        ):
            rows = model.objects.all()
            (rows.filter(county_code=county) if county else rows).delete()
        done = sum(recompute(c, None, today) for c in counties)
        if not county:
            state.audit_seq = head
            state.scans_until = now
            state.as_of = today
        state.refreshed_at = now
        state.save()
        invalidate(CACHE_STAMP)
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
        invalidate(CACHE_STAMP)
    return done


def refreshed_at():
    return RollupState.objects.filter(id=1).values_list("refreshed_at", flat=True).first()

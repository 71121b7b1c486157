"""Where every KPI count comes from: one raw queryset per source, its day, its dimensions and the
conditions of each count (a rollup column).

The same definitions build the rollups (GROUP BY day and dimensions) and the drill-down lists
(the records behind a figure), so a figure and its list cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zerodisturb.commissioning.choices import APPROVED_STATUSES
from zerodisturb.commissioning.models import CommissionedItem
from zerodisturb.contracts.choices import VersionKind
from zerodisturb.contracts.models import ContractVersion
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import Visit, VisitOfficer, VisitParty

DIMENSIONS = ("agency", "provider", "locality", "domain")
# Visits that took place on site (planned and cancelled ones are not visits into an enterprise).
ON_SITE = (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED, VisitStatus.CLOSED)
NONE = Value(None, output_field=BigIntegerField())


@dataclass(frozen=True)
class Fact:
    """One rollup column: count the rows matching `when` (all rows if None), or sum `total`."""

    when: Q | None = None
    total: str | None = None

    def aggregate(self):
        if self.total:
            return Sum(self.total, filter=self.when)
        return Count("pk", filter=self.when)


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    dims: tuple[str, ...]
    day_field: str  # the raw field _day is taken from (a datetime, or a date)
    is_datetime: bool = True

    def on_days(self, days) -> Q:
        """Rows whose _day is one of `days`, as ranges on the raw field (so an index serves)."""
        q = Q()
        for first, last in _runs(sorted(set(days))):
            q |= self.between(first, last)
        return q if q else Q(pk__in=[])

    def between(self, first: date, last: date) -> Q:
        if self.is_datetime:
            return Q(**{f"{self.day_field}__gte": _midnight(first)}) & Q(
                **{f"{self.day_field}__lt": _midnight(last + timedelta(days=1))}
            )
        return Q(**{f"{self.day_field}__gte": first, f"{self.day_field}__lte": last})

    def queryset(self, county: str) -> QuerySet:
        """The raw rows of the county, annotated with _day and _agency … _domain."""
        return BUILDERS[self.key](county)

    def facts(self, today: date) -> dict[str, Fact]:
        return FACTS[self.key](today)

    def records(self, county, start, end, filters: dict, fact: str, today: date) -> QuerySet:
        """The rows counted in `fact` for the period and filters (the drill-down list)."""
        qs = self.queryset(county).filter(self.between(start, end))
        for dim, value in filters.items():
            if value is not None:
                qs = qs.filter(**{f"_{dim}": value})
        when = self.facts(today)[fact].when
        return qs.filter(when) if when is not None else qs


def _midnight(day: date) -> datetime:
    """The first moment of `day` in county time (the days of the rollups are county days)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _runs(days: list[date]):
    """Consecutive runs of days: [1, 2, 3, 7] → (1, 3), (7, 7)."""
    if not days:
        return
    first = prev = days[0]
    for d in days[1:]:
        if d != prev + timedelta(days=1):
            yield first, prev
            first = d
        prev = d
    yield first, prev


def _lead(outer: str):
    return VisitParty.objects.filter(visit=OuterRef(outer), is_lead=True)


def _visit_dims(outer: str) -> dict:
    """Agency, provider and domain of the visit's lead party (the agency that planned it)."""
    lead = _lead(outer)
    return {
        "_agency": Subquery(lead.values("agency_id")[:1], output_field=BigIntegerField()),
        "_provider": Subquery(
            lead.values("contract__provider_id")[:1], output_field=BigIntegerField()
        ),
        "_domain": Subquery(
            lead.values("contract__item__current_version__domain_id")[:1],
            output_field=BigIntegerField(),
        ),
    }


def _dims(**given) -> dict:
    out = {f"_{d}": NONE for d in DIMENSIONS}
    for name, expr in given.items():
        out[name] = F(expr) if isinstance(expr, str) else expr
    return out


def _items(county):
    return CommissionedItem.objects.filter(county_code=county).annotate(
        **_dims(_agency="agency_id", _domain="current_version__domain_id")
    )


def _item_submitted(county):
    return (
        _items(county)
        .filter(first_submitted_at__isnull=False)
        .annotate(_day=TruncDate("first_submitted_at"))
    )


def _item_decided(county):
    return (
        _items(county)
        .filter(status__in=APPROVED_STATUSES, decided_at__isnull=False)
        .annotate(_day=TruncDate("decided_at"))
    )


def _versions(county):
    return ContractVersion.objects.filter(contract__county_code=county).annotate(
        _day=F("signed_on"),
        **_dims(
            _agency="contract__agency_id",
            _provider="contract__provider_id",
            _domain="contract__item__current_version__domain_id",
        ),
    )


def _contract_signed(county):
    return _versions(county).filter(kind=VersionKind.ORIGINAL)


def _visits(county):
    parties = (
        VisitParty.objects.filter(visit=OuterRef("pk"))
        .values("visit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Visit.objects.filter(county_code=county, status__in=ON_SITE).annotate(
        _day=TruncDate("window_start"),
        _parties=Coalesce(Subquery(parties, output_field=BigIntegerField()), Value(0)),
        _officer=Exists(VisitOfficer.objects.filter(visit=OuterRef("pk"))),
        **_dims(_locality="enterprise__locality_id", **_visit_dims("pk")),
    )


def _joined_party(county):
    """Agencies that joined another's visit instead of going in themselves (综合查一次)."""
    return VisitParty.objects.filter(
        visit__county_code=county, visit__status__in=ON_SITE, is_lead=False
    ).annotate(
        _day=TruncDate("visit__window_start"),
        **_dims(
            _agency="agency_id",
            _provider="contract__provider_id",
            _locality="visit__enterprise__locality_id",
            _domain="contract__item__current_version__domain_id",
        ),
    )


def _evaluations(county):
    from zerodisturb.evaluations.models import Evaluation

    return Evaluation.objects.filter(county_code=county).annotate(
        _day=TruncDate("submitted_at"),
        **_dims(_locality="visit__enterprise__locality_id", **_visit_dims("visit_id")),
    )


def _rectifications(county):
    from zerodisturb.evaluations.models import Rectification

    domain = _visit_dims("visit_id")["_domain"]
    return Rectification.objects.filter(county_code=county).annotate(
        _day=F("due_on"),
        **_dims(
            _agency="agency_id",
            _provider="provider_id",
            _locality="visit__enterprise__locality_id",
            _domain=domain,
        ),
    )


def _complaints_base(county):
    from zerodisturb.complaints.models import Complaint

    domain = _visit_dims("visit_id")["_domain"]
    return Complaint.objects.filter(county_code=county).annotate(
        **_dims(
            _agency="agency_id",
            _provider="provider_id",
            _locality=Coalesce("visit__enterprise__locality_id", "enterprise__locality_id"),
            _domain=domain,
        ),
    )


def _complaints(county):
    return _complaints_base(county).annotate(_day=TruncDate("received_at"))


def _complaint_decided(county):
    return (
        _complaints_base(county)
        .filter(substantiated=True, decided_at__isnull=False)
        .annotate(_day=TruncDate("decided_at"))
    )


def _clock(done: str, due: str, today: date) -> tuple[Q, Q]:
    """(counted, on time) for a clock: counted once done or once its due date has passed."""
    counted = Q(**{f"{done}__isnull": False}) | Q(**{f"{due}__lt": today})
    on_time = Q(**{f"{done}__isnull": False, f"{done}__date__lte": F(due)})
    return counted, on_time


def _complaint_facts(today):
    facts = {"complaints": Fact()}
    for prefix, done, due in (
        ("ack", "acknowledged_at", "ack_due_on"),
        ("reply", "first_reply_at", "reply_due_on"),
        ("close", "closed_at", "close_due_on"),
    ):
        counted, on_time = _clock(done, due, today)
        facts[f"{prefix}_due"] = Fact(counted)
        facts[f"{prefix}_on_time"] = Fact(on_time)
    return facts


def _version_facts(today):
    counted, on_time = _clock("first_filed_at", "filing_due_on", today)
    return {"filings_due": Fact(counted), "filings_on_time": Fact(on_time)}


def _rect_facts(today):
    counted, on_time = _clock("completed_at", "due_on", today)
    return {"rect_due": Fact(counted), "rect_on_time": Fact(on_time)}


BUILDERS = {
    "item_submitted": _item_submitted,
    "item_decided": _item_decided,
    "contract_signed": _contract_signed,
    "version_signed": _versions,
    "visit": _visits,
    "joined_party": _joined_party,
    "evaluation": _evaluations,
    "rectification": _rectifications,
    "complaint": _complaints,
    "complaint_decided": _complaint_decided,
}

FACTS = {
    "item_submitted": lambda today: {"items_submitted": Fact()},
    "item_decided": lambda today: {
        "items_approved": Fact(),
        "approved_budget": Fact(total="approved_budget"),
        "requested_budget": Fact(total="current_version__requested_budget"),
    },
    "contract_signed": lambda today: {
        "contracts_signed": Fact(),
        "contracts_preapproved": Fact(
            Q(
                contract__item__status__in=APPROVED_STATUSES,
                contract__item__decided_at__date__lte=F("signed_on"),
            )
        ),
    },
    "version_signed": _version_facts,
    "visit": lambda today: {
        "visits": Fact(),
        "visits_scanned": Fact(Q(valid_scan_at__isnull=False)),
        "visits_officer": Fact(Q(_officer=True)),
        "visits_joint": Fact(Q(_parties__gt=1)),
    },
    "joined_party": lambda today: {"joins": Fact()},
    "evaluation": lambda today: {f"eval_{lv}": Fact(Q(level=lv)) for lv in range(1, 6)},
    "rectification": _rect_facts,
    "complaint": _complaint_facts,
    "complaint_decided": lambda today: {"complaints_substantiated": Fact()},
}

ALL_DIMS = DIMENSIONS
SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source("item_submitted", _("申报的委托事项"), ("agency", "domain"), "first_submitted_at"),
        Source("item_decided", _("批准的委托事项"), ("agency", "domain"), "decided_at"),
        Source(
            "contract_signed",
            _("签订的合同"),
            ("agency", "provider", "domain"),
            "signed_on",
            is_datetime=False,
        ),
        Source(
            "version_signed",
            _("签订的合同版本（含变更）"),
            ("agency", "provider", "domain"),
            "signed_on",
            is_datetime=False,
        ),
        Source("visit", _("入企服务"), ALL_DIMS, "window_start"),
        Source("joined_party", _("加入联合入企的机关"), ALL_DIMS, "visit__window_start"),
        Source("evaluation", _("企业评价"), ALL_DIMS, "submitted_at"),
        Source("rectification", _("差评整改单"), ALL_DIMS, "due_on", is_datetime=False),
        Source("complaint", _("投诉"), ALL_DIMS, "received_at"),
        Source("complaint_decided", _("查实的投诉"), ALL_DIMS, "decided_at"),
    )
}
# Which source each rollup column belongs to.
COLUMN_SOURCE = {col: key for key, make in FACTS.items() for col in make(date(2000, 1, 1)).keys()}
COLUMNS = tuple(COLUMN_SOURCE)

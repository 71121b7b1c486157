"""The year before the reform (2025): visits and their evaluations as historic records.

Before the platform there was no 亮码 gate, so these visits never passed the services: they are
bulk-created as completed, with arrival and departure times but no valid scan and no credentials
(none were issued then), each under a 2025 contract in force that day. The enterprises' ratings of
that year (collected on paper and imported) are bulk-created with them. Every created row gets
its audit event in one batch, so the chain stays complete.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from zerodisturb.audit.services import PendingEvent, describe, record_events
from zerodisturb.contracts.models import Contract
from zerodisturb.demo.aftercare.planner import Rating
from zerodisturb.demo.visits import COMPLAINT, TEXTS
from zerodisturb.evaluations.models import Evaluation
from zerodisturb.registry.choices import OrganisationKind, PersonKind
from zerodisturb.registry.models import Organisation, Person
from zerodisturb.registry.numbering import next_number
from zerodisturb.visits.choices import VisitKind, VisitStatus
from zerodisturb.visits.models import Visit, VisitOfficer, VisitParty

YEAR = 2025
# Visits per month of the year before (contracts began in March); more in the busy season.
MONTH_WEIGHTS = {3: 5, 4: 9, 5: 10, 6: 11, 7: 12, 8: 11, 9: 12, 10: 11, 11: 11, 12: 8}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class HistoricVisit:
    contract: Contract
    enterprise: Organisation
    kind: str
    reason: str
    purpose: str
    start: datetime
    end: datetime
    checked_in_at: datetime
    checked_out_at: datetime
    officers: list[Person] = field(default_factory=list)
    visit: Visit | None = None


def _day(rng: random.Random) -> date:
    month = rng.choices(list(MONTH_WEIGHTS), list(MONTH_WEIGHTS.values()))[0]
    while True:
        day = date(YEAR, month, rng.randint(1, 28))
        if day.weekday() < 5 and day <= date(YEAR, 12, 23):
            return day


def plan_visits(rng: random.Random, county: str, count: int) -> list[HistoricVisit]:
    """`count` visits spread over 2025's contracts in force, months and localities; before the
    cap, some enterprises were visited again and again."""
    contracts = [
        c
        for c in Contract.objects.filter(county_code=county, accepted_version__isnull=False)
        .select_related("agency", "provider", "accepted_version", "item__current_version")
        .order_by("pk")
        if c.accepted_version.term_start.year == YEAR
    ]
    everyone = list(
        Organisation.objects.filter(county_code=county, kind=OrganisationKind.ENTERPRISE).order_by(
            "pk"
        )
    )
    officers: dict[int, list[Person]] = {}
    for person in Person.objects.filter(county_code=county, kind=PersonKind.OFFICER).order_by("pk"):
        officers.setdefault(person.organisation_id, []).append(person)
    pools: dict[int, list[Organisation]] = {}
    for contract in contracts:
        version = contract.item.current_version
        targets = list(version.target_enterprises.all())
        if not targets and version.target_sectors:
            targets = [e for e in everyone if e.sector in version.target_sectors]
        pools[contract.pk] = targets
    visited: list[Organisation] = []
    planned = []
    while len(planned) < count:
        day = _day(rng)
        running = [
            c
            for c in contracts
            if c.accepted_version.term_start <= day <= c.accepted_version.term_end
        ]
        if not running:
            continue
        contract = rng.choice(running)
        roll = rng.random()
        if visited and roll < 0.25:
            enterprise = rng.choice(visited)
        elif pools[contract.pk] and roll < 0.75:
            enterprise = rng.choice(pools[contract.pk])
        else:
            enterprise = rng.choice(everyone)
        visited.append(enterprise)
        texts = TEXTS.get(contract.agency.short_name)
        title = contract.item.current_version.title
        purpose = f"{title}：{rng.choice(texts[1])}" if texts else title
        kind, reason = VisitKind.PLANNED, ""
        if rng.random() < 0.08:
            kind, reason = VisitKind.COMPLAINT, rng.choice(COMPLAINT)
        start = _at(day, rng.choice((8, 9, 9, 10, 13, 14)), rng.choice((0, 30)))
        end = start + timedelta(hours=rng.choice((2, 3, 3, 4, 6)))
        checked_in = start + timedelta(minutes=rng.randint(0, 40))
        checked_out = max(
            end - timedelta(minutes=rng.randint(-60, 40)), checked_in + timedelta(hours=1)
        )
        people = officers.get(contract.agency_id, [])
        planned.append(
            HistoricVisit(
                contract,
                enterprise,
                kind,
                reason,
                purpose,
                start,
                end,
                checked_in,
                checked_out,
                people[-1:] if rng.random() < 0.7 else [],  # often nobody came along then
            )
        )
    planned.sort(key=lambda h: h.start)
    return planned


def ratings_for(rng: random.Random, historic: list[HistoricVisit], count: int) -> list[Rating]:
    """The `count` historic visits that were rated, rated within a few days (within the year)."""
    chosen = rng.sample(historic, count)
    last = _at(date(YEAR, 12, 31), 18)
    return [
        Rating(
            visit=h,
            enterprise_id=h.enterprise.pk,
            providers=frozenset({h.contract.provider_id}),
            at=min(h.checked_out_at + timedelta(hours=rng.randint(2, 100)), last),
            historic=True,
        )
        for h in chosen
    ]


def create(
    county: str, admin, historic: list[HistoricVisit], ratings: list[Rating], authors, answers
) -> int:
    """Bulk-create the visits, parties, officers and evaluations, with one audit event each.

    `authors` maps enterprise pk → its contact's login; `answers(rating)` gives the evaluation's
    fields for the planned level."""
    visits = []
    for h in historic:
        key = f"RQ-{county}-{YEAR}"
        h.visit = Visit(
            county_code=county,
            number=f"{key}-{next_number(key):06d}",
            enterprise=h.enterprise,
            kind=h.kind,
            reason=h.reason,
            purpose=h.purpose,
            window_start=h.start,
            window_end=h.end,
            status=VisitStatus.COMPLETED,
            checked_in_at=h.checked_in_at,
            checked_out_at=h.checked_out_at,
            created_by=admin,
        )
        visits.append(h.visit)
    Visit.objects.bulk_create(visits, batch_size=500)
    parties = [
        VisitParty(
            visit=h.visit,
            agency=h.contract.agency,
            contract=h.contract,
            is_lead=True,
            year=YEAR,
            planned_by=admin,
        )
        for h in historic
    ]
    VisitParty.objects.bulk_create(parties, batch_size=500)
    officers = [
        VisitOfficer(visit=h.visit, party=party, person=person)
        for h, party in zip(historic, parties, strict=True)
        for person in h.officers
    ]
    VisitOfficer.objects.bulk_create(officers, batch_size=500)
    evaluations = []
    for r in ratings:
        evaluations.append(
            Evaluation(
                county_code=county,
                visit=r.visit.visit,
                enterprise_id=r.enterprise_id,
                author=authors[r.enterprise_id],
                submitted_at=r.at,
                amend_until=r.at + timedelta(days=7),
                **answers(r),
            )
        )
    Evaluation.objects.bulk_create(evaluations, batch_size=500)

    def events(objs, action, payload):
        for obj in objs:
            object_type, object_id, number, county_code = describe(obj)
            yield PendingEvent(
                action, object_type, object_id, number, county_code or county, payload(obj)
            )

    record_events(
        admin,
        [
            *events(visits, "demo.historic_visit", lambda v: {"via": "seed_demo", "year": YEAR}),
            *events(parties, "demo.historic_visit", lambda p: {"visit": p.visit.number}),
            *events(officers, "demo.historic_visit", lambda o: {"visit": o.visit.number}),
        ],
    )
    record_events(
        None,
        list(
            events(
                evaluations,
                "evaluation.submit",
                lambda e: {
                    "via": "seed_demo",
                    "historic": True,
                    "visit": e.visit.number,
                    "author": e.author.username,
                    "level": e.level,
                },
            )
        ),
    )
    return len(visits)

"""Small known scenarios for the KPI tests: rows written straight to the tables (the lifecycle
services are tested in their own apps; here only the counting matters)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from zerodisturb.complaints.models import Complaint
from zerodisturb.evaluations.choices import RectificationStatus
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.oversight.rollups import rebuild
from zerodisturb.roles import Role
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.testing.visits import VisitWorld
from zerodisturb.visits.choices import VisitKind, VisitStatus
from zerodisturb.visits.models import Visit, VisitOfficer, VisitParty

_seq = itertools.count(1)
NOW = timezone.make_aware(datetime(2026, 11, 25, 10, 0))


def at(y, m, d, h=10) -> datetime:
    return timezone.make_aware(datetime(y, m, d, h))


class Dash:
    """The visit world (two agencies, each with a provider, contract and escort) plus helpers."""

    def __init__(self, world: VisitWorld):
        self.world = world
        self.county = world.county
        self.lead = world.lead
        self.other = world.other_party()
        self.enterprise = world.enterprise
        self.other_enterprise = self.county.orgs["other_enterprise"]

    @property
    def code(self) -> str:
        return self.county.code

    def visit(
        self,
        when: datetime,
        *,
        party=None,
        enterprise=None,
        status=VisitStatus.COMPLETED,
        scanned=True,
        officer=True,
        joined_by=None,
    ) -> Visit:
        party = party or self.lead
        visit = Visit.objects.create(
            county_code=self.code,
            number=f"T-V-{next(_seq):05d}",
            enterprise=enterprise or self.enterprise,
            kind=VisitKind.PLANNED,
            purpose="技术咨询",
            window_start=when,
            window_end=when + timedelta(hours=2),
            status=status,
            valid_scan_at=when if scanned else None,
            checked_in_at=when if status != VisitStatus.PLANNED else None,
            created_by=party.officer,
        )
        lead = self._party(visit, party, lead=True)
        if officer:
            VisitOfficer.objects.create(visit=visit, party=lead, person=party.escort)
        if joined_by:
            self._party(visit, joined_by, lead=False)
        return visit

    def _party(self, visit, party, lead):
        return VisitParty.objects.create(
            visit=visit,
            agency=party.contract.agency,
            contract=party.contract,
            is_lead=lead,
            year=visit.window_start.year,
            planned_by=party.officer,
        )

    def evaluation(self, visit: Visit, level: int, when: datetime) -> Evaluation:
        return Evaluation.objects.create(
            county_code=self.code,
            visit=visit,
            enterprise=visit.enterprise,
            author=self.county.users[Role.ENTERPRISE.value],
            level=level,
            attitude=level,
            professionalism=level,
            code_shown=True,
            officer_present=True,
            nothing_sold=True,
            burden=5,
            submitted_at=when,
            amend_until=when + timedelta(days=7),
        )

    def rectification(self, evaluation, due: date, completed: datetime | None, party=None):
        party = party or self.lead
        return Rectification.objects.create(
            county_code=self.code,
            number=f"T-R-{next(_seq):05d}",
            evaluation=evaluation,
            visit=evaluation.visit,
            provider=party.contract.provider,
            agency=party.contract.agency,
            status=RectificationStatus.ACCEPTED if completed else RectificationStatus.OPEN,
            due_on=due,
            opened_at=evaluation.submitted_at,
            completed_at=completed,
        )

    def complaint(self, received: datetime, *, party=None, visit=None, **fields) -> Complaint:
        party = party or self.lead
        day = timezone.localtime(received).date()
        data = dict(
            county_code=self.code,
            number=f"T-C-{next(_seq):05d}",
            channel="enterprise",
            enterprise=self.enterprise,
            visit=visit,
            provider=party.contract.provider,
            agency=party.contract.agency,
            category="attitude",
            text="服务人员态度生硬",
            received_at=received,
            ack_due_on=day + timedelta(days=1),
            reply_due_on=day + timedelta(days=7),
            close_due_on=day + timedelta(days=21),
            updated_at=received,
        )
        data.update(fields)
        return Complaint.objects.create(**data)

    def exit_case(self, provider, warned: datetime, exited: datetime | None = None, status=None):
        return ExitCase.objects.create(
            county_code=self.code,
            number=f"T-X-{next(_seq):05d}",
            provider=provider,
            status=status or (ExitStatus.EXITED if exited else ExitStatus.WARNING),
            grounds="满意率低于下限",
            warned_at=warned,
            rectify_until=(warned + timedelta(days=30)).date(),
            exited_at=exited,
        )

    def rollup(self, now: datetime = NOW) -> None:
        rebuild(now=now)


@pytest.fixture
def dash(visit_world) -> Dash:
    return Dash(visit_world)

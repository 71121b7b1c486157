"""Rows for scorecard tests, written straight to the tables the figures read.

Going through the evaluation and complaint services for forty ratings would test those apps again
and take long; the figures only read rows, so the tests make the rows they need on a visit_world
(an agency with an accepted contract of county.orgs["provider"], a credential and an escort).
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from django.utils import timezone

from zerodisturb.complaints.models import Complaint
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.testing.commissioning import SHANGHAI
from zerodisturb.testing.visits import VisitWorld
from zerodisturb.visits.choices import VisitKind, VisitStatus
from zerodisturb.visits.models import ScanLog, Visit, VisitOfficer, VisitParty

_seq = itertools.count(1)


def moment(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=SHANGHAI)


def done_visit(world: VisitWorld, when: datetime, *, scanned=True, officer=True, party=None):
    """A completed visit of `party` (the lead party by default) at `when`."""
    party = party or world.lead
    visit = Visit.objects.create(
        county_code=world.panel.code,
        number=f"RQ-T-{next(_seq):06d}",
        enterprise=world.enterprise,
        kind=VisitKind.PLANNED,
        purpose="消防安全技术咨询",
        window_start=when,
        window_end=when + timedelta(hours=2),
        status=VisitStatus.COMPLETED,
        checked_in_at=when,
        checked_out_at=when + timedelta(hours=1),
        valid_scan_at=when if scanned else None,
        created_by=party.officer,
    )
    vp = VisitParty.objects.create(
        visit=visit,
        agency=party.contract.agency,
        contract=party.contract,
        is_lead=True,
        counts_for_cap=False,  # so tests can still plan a real visit
        year=when.year,
        planned_by=party.officer,
    )
    if officer:
        VisitOfficer.objects.create(visit=visit, party=vp, person=party.escort)
    return visit


def evaluate(world: VisitWorld, level: int, when: datetime, *, officer_present=True, party=None):
    """One evaluation (on its own visit) at `when`."""
    visit = done_visit(world, when, party=party)
    return Evaluation.objects.create(
        county_code=world.panel.code,
        visit=visit,
        enterprise=world.enterprise,
        author=world.enterprise_user,
        level=level,
        attitude=4,
        professionalism=4,
        code_shown=True,
        officer_present=officer_present,
        nothing_sold=True,
        burden=4,
        text="",
        submitted_at=when,
        amend_until=when + timedelta(days=7),
    )


def evaluations(world: VisitWorld, levels: dict[int, int], when: datetime, party=None) -> None:
    for level, n in levels.items():
        for _ in range(n):
            evaluate(world, level, when, party=party)


def complaint(world: VisitWorld, decided: datetime | None, *, substantiated=True, party=None):
    party = party or world.lead
    received = (decided or timezone.now()) - timedelta(days=5)
    return Complaint.objects.create(
        county_code=world.panel.code,
        number=f"TS-T-{next(_seq):06d}",
        channel="enterprise",
        complainant=world.enterprise_user,
        enterprise=world.enterprise,
        provider=party.contract.provider,
        agency=party.contract.agency,
        category="attitude",
        text="入企人员态度生硬",
        routed_to=party.contract.agency,
        status="closed",
        received_at=received,
        ack_due_on=received.date(),
        reply_due_on=received.date(),
        close_due_on=received.date() + timedelta(days=20),
        substantiated=substantiated if decided else None,
        decided_at=decided,
        updated_at=received,
    )


def rectification(world: VisitWorld, due_on: date, completed: datetime | None, party=None):
    party = party or world.lead
    ev = evaluate(world, 2, moment(due_on.year, due_on.month, 1), party=party)
    ev_rect = Rectification.objects.create(
        county_code=world.panel.code,
        number=f"ZG-T-{next(_seq):06d}",
        evaluation=ev,
        visit=ev.visit,
        provider=party.contract.provider,
        agency=party.contract.agency,
        status="accepted" if completed else "open",
        due_on=due_on,
        opened_at=moment(due_on.year, due_on.month, 1),
        completed_at=completed,
    )
    return ev_rect


def invalid_scan(world: VisitWorld, when: datetime, visit=None, credential=None) -> ScanLog:
    return ScanLog.objects.create(
        county_code=world.panel.code,
        visit=visit,
        credential=credential,
        valid=False,
        code="expired",
        message="二维码已过期",
        token_hash="0" * 64,
        scanned_at=when,
    )

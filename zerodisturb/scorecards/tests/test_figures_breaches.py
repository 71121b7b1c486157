"""Rule breaches recorded by the system, each counted on its own."""

from datetime import date, datetime, timedelta

from zerodisturb.contracts.models import ContractVersion
from zerodisturb.scorecards.figures import figures_for, rolling_12_months
from zerodisturb.scorecards.tests.scenario import done_visit, evaluate, invalid_scan, moment

WINDOW = rolling_12_months(date(2026, 11, 25))


def test_visit_without_code_and_officer_missing(visit_world):
    done_visit(visit_world, moment(2026, 6, 1))  # clean
    done_visit(visit_world, moment(2026, 6, 2), scanned=False)
    done_visit(visit_world, moment(2026, 6, 3), scanned=False, officer=False)
    evaluate(visit_world, 4, moment(2026, 6, 4), officer_present=False)
    done_visit(visit_world, moment(2025, 6, 3), scanned=False)  # outside the window
    b = figures_for(visit_world.lead.contract.provider, WINDOW).breaches
    assert b.visit_without_code == 2
    assert b.officer_missing == 2
    assert b.overdue_filing == 0
    assert b.invalid_code_refused == 0
    assert b.total == 4
    agency = figures_for(visit_world.lead.contract.agency, WINDOW).breaches
    assert (agency.visit_without_code, agency.officer_missing) == (2, 2)


def test_planned_visits_are_not_breaches_yet(visit_world):
    visit = done_visit(visit_world, moment(2026, 6, 2), scanned=False)
    visit.status = "planned"
    visit.save(update_fields=["status"])
    assert figures_for(visit_world.lead.contract.provider, WINDOW).breaches.visit_without_code == 0


def test_overdue_filing_late_and_still_unfiled(visit_world):
    version = visit_world.lead.contract.accepted_version
    provider = visit_world.lead.contract.provider
    assert figures_for(provider, WINDOW).breaches.overdue_filing == 0  # filed on time
    due = version.filing_due_on
    late = datetime.combine(due + timedelta(days=1), datetime.min.time()).replace(
        hour=10, tzinfo=moment(2026, 1, 1).tzinfo
    )
    ContractVersion.objects.filter(pk=version.pk).update(first_filed_at=late)
    assert figures_for(provider, WINDOW).breaches.overdue_filing == 1
    ContractVersion.objects.filter(pk=version.pk).update(first_filed_at=None)
    assert figures_for(provider, WINDOW).breaches.overdue_filing == 1  # unfiled past its date


def test_invalid_scans_on_the_providers_visits_and_credentials(visit_world):
    visit = done_visit(visit_world, moment(2026, 6, 2))
    invalid_scan(visit_world, moment(2026, 6, 2), visit=visit)
    invalid_scan(visit_world, moment(2026, 6, 3), credential=visit_world.lead.credential)
    invalid_scan(visit_world, moment(2026, 6, 3))  # a forged code: nobody's
    provider = visit_world.lead.contract.provider
    assert figures_for(provider, WINDOW).breaches.invalid_code_refused == 2
    other = visit_world.other_party().contract.provider
    assert figures_for(other, WINDOW).breaches.invalid_code_refused == 0

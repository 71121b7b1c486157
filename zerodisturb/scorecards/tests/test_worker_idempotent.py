"""The worker run twice (or by two workers) gives one warning and one proposal."""

from zerodisturb.audit.models import AuditEvent
from zerodisturb.notifications.models import Notification
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.services import assess_providers
from zerodisturb.scorecards.tests.scenario import evaluations, moment


def test_twice_is_once(visit_world):
    evaluations(visit_world, {5: 10, 3: 10}, moment(2026, 6, 10))
    assert assess_providers(moment(2026, 7, 1)) == 1
    assert assess_providers(moment(2026, 7, 1)) == 0
    assert assess_providers(moment(2026, 7, 2)) == 0
    assert ExitCase.objects.count() == 1
    notes = Notification.objects.filter(title__startswith="考核预警").count()
    assert assess_providers(moment(2026, 8, 1)) == 1
    assert assess_providers(moment(2026, 8, 1)) == 0
    assert assess_providers(moment(2026, 8, 5)) == 0
    assert AuditEvent.objects.filter(action="exit_case.warn").count() == 1
    assert AuditEvent.objects.filter(action="exit_case.propose").count() == 1
    assert Notification.objects.filter(title__startswith="考核预警").count() == notes


def test_registered_in_the_deadlines_worker(visit_world):
    from zerodisturb.deadlines.worker import JOBS

    evaluations(visit_world, {3: 20}, moment(2026, 6, 10))
    assert JOBS["assess_providers"](moment(2026, 7, 1)) == 1


def test_a_racing_second_worker_cannot_open_another_case(visit_world):
    """What a second worker that read "no open case" before the first committed runs into."""
    from zerodisturb.registry.models import CountyPolicy
    from zerodisturb.scorecards.figures import figures_for, rolling_12_months
    from zerodisturb.scorecards.services import _open_warning
    from zerodisturb.scorecards.thresholds import grounds

    evaluations(visit_world, {3: 20}, moment(2026, 6, 10))
    assess_providers(moment(2026, 7, 1))
    provider = visit_world.county.orgs["provider"]
    window = rolling_12_months(moment(2026, 7, 1).date())
    policy = CountyPolicy.for_county(provider.county_code)
    f = figures_for(provider, window)
    assert (
        _open_warning(provider, f, grounds(f, policy), window, policy, moment(2026, 7, 1)) is None
    )
    assert ExitCase.objects.count() == 1

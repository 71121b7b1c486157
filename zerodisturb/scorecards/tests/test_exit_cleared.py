"""A warning whose provider is back above the thresholds when the period ends is cleared."""

from zerodisturb.notifications.models import Notification
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.services import assess_providers
from zerodisturb.scorecards.tests.scenario import evaluations, moment


def test_warning_then_cleared(visit_world):
    evaluations(visit_world, {5: 10, 3: 10}, moment(2026, 6, 10))  # 50%
    assess_providers(moment(2026, 7, 1))
    evaluations(visit_world, {5: 60}, moment(2026, 7, 15))  # 70 of 80: 87.5%
    assert assess_providers(moment(2026, 8, 1)) == 1
    case = ExitCase.objects.get()
    assert case.status == ExitStatus.CLEARED
    assert case.cleared_at is not None
    admin = visit_world.county.users["provider_admin"]
    assert Notification.objects.filter(recipient=admin, title__startswith="考核预警解除").exists()
    # Cleared means closed: no new case for the same figures the next day.
    assert assess_providers(moment(2026, 8, 2)) == 0

"""Known situations that each raise one alert, built through the lifecycle services."""

from __future__ import annotations

from datetime import timedelta

from zerodisturb.alerts.choices import AlertKind
from zerodisturb.alerts.models import Alert
from zerodisturb.testing.commissioning import at
from zerodisturb.testing.visits import VISIT_DAY, planned_visit
from zerodisturb.visits.choices import VisitKind

DAY_AFTER_VISIT = VISIT_DAY + timedelta(days=1)


def visit_without_scan(world, when=VISIT_DAY):
    """A planned visit whose window passes with no code shown."""
    return planned_visit(world, when=when).visit


def emergency_visit(world, when=VISIT_DAY):
    return planned_visit(
        world,
        when=when,
        kind=VisitKind.EMERGENCY,
        reason="企业危化品仓库冒烟，紧急技术支援",
        plan=None,
        now=when + timedelta(hours=3),
    ).visit


def request_visit(world, when):
    """A visit at the enterprise's request: logged, not counted against the yearly cap."""
    return planned_visit(
        world,
        when=when,
        kind=VisitKind.ENTERPRISE_REQUEST,
        reason="企业申请消防技术咨询",
        plan=None,
    ).visit


def alerts_of(kind: AlertKind):
    return Alert.objects.filter(kind=kind)


__all__ = ["DAY_AFTER_VISIT", "alerts_of", "at", "emergency_visit", "request_visit"]

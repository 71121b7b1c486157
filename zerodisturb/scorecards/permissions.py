"""Who sees which scorecards and exit cases, and who may reply to or decide an exit."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.registry.models import Organisation
from zerodisturb.roles import Role, in_counties
from zerodisturb.scorecards.choices import OPEN_STATUSES, ExitStatus
from zerodisturb.scorecards.models import ExitCase

WHOLE_COUNTY = (Role.SUPERVISOR, Role.OVERSIGHT, Role.SYSTEM_ADMIN)
RATED = (Role.PROVIDER_ADMIN, Role.AGENCY_OFFICER)


def _ok(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_see_nav(user) -> bool:
    """Whether the top navigation shows this app's page to the user."""
    return _ok(user) and user.role in WHOLE_COUNTY + RATED


def sees_whole_county(user) -> bool:
    return _ok(user) and user.role in WHOLE_COUNTY


def sees_all_figures(user) -> bool:
    """Supervisors and oversight see every figure; the rated see evaluation figures only once
    enough evaluations stand behind them (anonymity towards providers and agencies)."""
    return sees_whole_county(user)


def visible_scorecards(user) -> QuerySet[Organisation]:
    """The providers and agencies whose scorecard the user may open."""
    scored = Q(kind=OrganisationKind.PROVIDER) | Q(kind=OrganisationKind.GOVERNMENT, is_agency=True)
    qs = Organisation.objects.filter(scored)
    if not _ok(user):
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role in (Role.SUPERVISOR, Role.OVERSIGHT):
        return in_counties(qs, user)
    if user.role in RATED and user.organisation_id:
        return qs.filter(pk=user.organisation_id)
    return qs.none()


def visible_exit_cases(user) -> QuerySet[ExitCase]:
    qs = ExitCase.objects.select_related("provider")
    if not _ok(user):
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role in (Role.SUPERVISOR, Role.OVERSIGHT):
        return in_counties(qs, user)
    if user.role == Role.PROVIDER_ADMIN:
        return qs.filter(provider_id=user.organisation_id)
    if user.role == Role.AGENCY_OFFICER:
        # 谁委托、谁负责: the agencies that commissioned the provider follow its case.
        return qs.filter(provider__provider_contracts__agency_id=user.organisation_id).distinct()
    return qs.none()


def can_reply(user, case: ExitCase) -> bool:
    return bool(
        _ok(user)
        and user.role == Role.PROVIDER_ADMIN
        and user.organisation_id == case.provider_id
        and case.status in OPEN_STATUSES
    )


def can_decide(user, case: ExitCase, any_status: bool = False) -> bool:
    return bool(
        _ok(user)
        and user.role == Role.SUPERVISOR
        and user.organisation is not None
        and user.organisation.is_judicial_bureau
        and user.county_code == case.county_code
        and (any_status or case.status == ExitStatus.PROPOSED)
    )

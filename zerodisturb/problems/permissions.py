"""Who sees which problems: supervisors and oversight the county, each party its own share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zerodisturb.problems.models import Problem, ProblemKind
from zerodisturb.roles import Role, in_counties

POOL_ROLES = (
    Role.SUPERVISOR,
    Role.OVERSIGHT,
    Role.SYSTEM_ADMIN,
    Role.AGENCY_OFFICER,
    Role.PROVIDER_ADMIN,
    Role.ENTERPRISE,
    Role.LOCALITY,
)


def visible_problems(user) -> QuerySet[Problem]:
    qs = Problem.objects.select_related("owner", "agency", "provider", "enterprise", "locality")
    if not user.is_authenticated or user.role not in POOL_ROLES:
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role in (Role.SUPERVISOR, Role.OVERSIGHT):
        return in_counties(qs, user)
    qs = qs.filter(county_code=user.county_code)
    org = user.organisation_id
    if org is None:
        return qs.none()
    if user.role == Role.AGENCY_OFFICER:
        return qs.filter(Q(agency_id=org) | Q(owner_id=org))
    if user.role == Role.PROVIDER_ADMIN:
        return qs.filter(Q(provider_id=org) | Q(owner_id=org))
    if user.role == Role.ENTERPRISE:
        return qs.filter(enterprise_id=org)
    locality = user.organisation.locality_id
    return qs.filter(locality_id=locality) if locality else qs.none()


def sees_enterprise(user, problem: Problem) -> bool:
    """Bad reviews and complaints are anonymous towards the provider (brief, 事后). The agency
    sees the enterprise: it must call it back (整改回访) or answer its complaint — but never the
    evaluation's author, which the pool does not hold."""
    if problem.kind not in (ProblemKind.BAD_REVIEW, ProblemKind.COMPLAINT):
        return True
    return user.role not in (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)


def can_see_nav(user) -> bool:
    return bool(user.is_authenticated and user.role in POOL_ROLES)

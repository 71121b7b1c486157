"""Who sees which visits: the agencies taking part, the enterprise, its locality, the staff, supervisors."""

from __future__ import annotations

from django.db.models import QuerySet

from zerodisturb.roles import Role, in_counties
from zerodisturb.visits.models import Visit


def visible_visits(user) -> QuerySet[Visit]:
    qs = Visit.objects.select_related("enterprise")
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role in (Role.SUPERVISOR, Role.OVERSIGHT):
        return in_counties(qs, user)
    if user.role == Role.AGENCY_OFFICER:
        return qs.filter(parties__agency_id=user.organisation_id).distinct()
    if user.role == Role.ENTERPRISE:
        return qs.filter(enterprise_id=user.organisation_id)
    if user.role == Role.LOCALITY:
        locality = user.organisation.locality_id if user.organisation_id else None
        if locality is None:
            return qs.none()
        return qs.filter(county_code=user.county_code, enterprise__locality_id=locality)
    if user.role == Role.PROVIDER_STAFF and user.person_id:
        return qs.filter(staff__credential__person_id=user.person_id).distinct()
    if user.role == Role.PROVIDER_ADMIN:
        return qs.filter(staff__credential__provider_id=user.organisation_id).distinct()
    return qs.none()


def can_plan(user) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.AGENCY_OFFICER
        and user.organisation is not None
        and user.organisation.is_agency
    )


def is_party(user, visit: Visit) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.AGENCY_OFFICER
        and visit.parties.filter(agency_id=user.organisation_id).exists()
    )


def is_lead(user, visit: Visit) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.AGENCY_OFFICER
        and visit.parties.filter(agency_id=user.organisation_id, is_lead=True).exists()
    )


def can_see_scans(user, visit: Visit) -> bool:
    """The scan log (forged and expired attempts included) is for the agencies and supervisors."""
    if user.role in (Role.SUPERVISOR, Role.OVERSIGHT, Role.SYSTEM_ADMIN):
        return True
    return is_party(user, visit)


def can_see_mergeable(user) -> bool:
    return bool(
        user.is_authenticated and user.role in (Role.SUPERVISOR, Role.OVERSIGHT, Role.SYSTEM_ADMIN)
    )

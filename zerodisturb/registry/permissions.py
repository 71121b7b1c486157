"""Who may see and change registry records: rules for single objects, querysets for lists.

Government roles see the organisations of their county; providers see themselves and their staff;
enterprises see themselves. Full ID and phone numbers are shown to supervisors and system admins
and to a provider for its own staff; everyone else sees them masked.
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from zerodisturb.registry.models import ImportJob, Organisation, Person
from zerodisturb.roles import (
    COUNTY_READERS,
    Role,
    has_role,
    in_counties,
    in_my_counties,
    is_locality,
    is_provider_admin,
    is_supervisor,
    is_system_admin,
    own_organisation,
    same_county,
)

COUNTY_GOVERNMENT = (Role.AGENCY_OFFICER, Role.REVIEWER, Role.SUPERVISOR, Role.OVERSIGHT)
is_county_government = has_role(*COUNTY_GOVERNMENT)
is_county_reader = has_role(*COUNTY_READERS)


@rules.predicate
def in_my_locality(user, obj) -> bool:
    mine = user.organisation.locality_id if user.organisation_id else None
    return bool(mine and getattr(obj, "locality_id", None) == mine)


can_view_organisation = (
    (is_county_government & same_county)
    | (is_county_reader & in_my_counties)
    | (is_locality & same_county & in_my_locality)
    | own_organisation
    | is_system_admin
)
can_manage_registry = (is_supervisor & same_county) | is_system_admin
can_view_person = (
    (is_county_government & same_county)
    | (is_county_reader & in_my_counties)
    | own_organisation
    | is_system_admin
)
can_see_personal_data = (
    (is_supervisor & same_county) | is_system_admin | (is_provider_admin & own_organisation)
)

rules.add_perm("registry.view_organisation", can_view_organisation)
rules.add_perm("registry.manage", is_supervisor | is_system_admin)
rules.add_perm("registry.view_person", can_view_person)
rules.add_perm("registry.view_personal_data", can_see_personal_data)
rules.add_perm("registry.import", is_supervisor | is_system_admin)
rules.add_perm("registry.change_organisation", can_manage_registry)


def visible_organisations(user) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("locality")
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role in COUNTY_READERS:
        return in_counties(qs, user)
    if user.role in COUNTY_GOVERNMENT:
        return qs.filter(county_code=user.county_code)
    if user.role == Role.LOCALITY:
        own = user.organisation
        if own is None or own.locality_id is None:  # no area configured: nothing but itself
            return qs.filter(pk=user.organisation_id)
        return qs.filter(county_code=user.county_code, locality_id=own.locality_id) | qs.filter(
            pk=own.pk
        )
    return qs.filter(pk=user.organisation_id)


def visible_import_jobs(user) -> QuerySet[ImportJob]:
    """Uploaders see their own jobs; system admins see all."""
    qs = ImportJob.objects.defer("content")
    if not user.has_perm("registry.import"):
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    return qs.filter(created_by=user)


def visible_people(user) -> QuerySet[Person]:
    qs = Person.objects.select_related("organisation")
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role in COUNTY_READERS:
        return in_counties(qs, user)
    if user.role in COUNTY_GOVERNMENT:
        return qs.filter(county_code=user.county_code)
    if user.role == Role.PROVIDER_ADMIN:
        return qs.filter(organisation_id=user.organisation_id)
    if user.role == Role.PROVIDER_STAFF and user.person_id:
        return qs.filter(pk=user.person_id)
    return qs.none()

"""Who sees which credentials: county supervisors, the commissioning agency, the provider, the holder."""

from __future__ import annotations

from django.db.models import QuerySet

from zerodisturb.credentials.models import Credential
from zerodisturb.roles import Role, in_counties


def visible_credentials(user) -> QuerySet[Credential]:
    qs = Credential.objects.select_related("person", "provider")
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role in (Role.SUPERVISOR, Role.OVERSIGHT):
        return in_counties(qs, user)
    if user.role == Role.AGENCY_OFFICER:
        return qs.filter(contracts__agency_id=user.organisation_id).distinct()
    if user.role == Role.PROVIDER_ADMIN:
        return qs.filter(provider_id=user.organisation_id)
    if user.role == Role.PROVIDER_STAFF and user.person_id:
        return qs.filter(person_id=user.person_id)
    return qs.none()


def may_open_issue_form(user) -> bool:
    # Which of the two may actually issue depends on the county policy; services.can_issue decides.
    return bool(user.is_authenticated and user.role in (Role.SUPERVISOR, Role.AGENCY_OFFICER))

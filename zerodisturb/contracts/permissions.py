"""Who may see and act on contracts: the agency records and files; the judicial bureau decides."""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from zerodisturb.contracts.models import Contract
from zerodisturb.roles import Role, in_counties


def visible_contracts(user) -> QuerySet[Contract]:
    qs = Contract.objects.select_related(
        "item", "agency", "provider", "current_version", "accepted_version"
    )
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role == Role.AGENCY_OFFICER:
        return qs.filter(county_code=user.county_code, agency_id=user.organisation_id)
    if user.role in (Role.SUPERVISOR, Role.OVERSIGHT):
        return in_counties(qs, user)
    if user.role == Role.REVIEWER:
        return qs.filter(county_code=user.county_code)
    if user.role in (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF):
        # A provider sees its contracts once they have been filed with the judicial bureau.
        return qs.filter(
            provider_id=user.organisation_id, versions__first_filed_at__isnull=False
        ).distinct()
    return qs.none()


def can_record(user, item) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.AGENCY_OFFICER
        and item.agency_id == user.organisation_id
    )


def can_decide_filing(user, contract: Contract) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.SUPERVISOR
        and user.organisation is not None
        and user.organisation.is_judicial_bureau
        and user.county_code == contract.county_code
    )


rules.add_perm("contracts.decide_filing", rules.predicate(can_decide_filing))


def _provider_side(user) -> bool:
    return user.role in (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)


def shown_versions(user, contract: Contract):
    """The versions a user may read: a provider sees only what was filed with the bureau."""
    versions = contract.versions.order_by("version")
    if _provider_side(user):
        versions = versions.filter(first_filed_at__isnull=False)
    return versions


def shown_current(user, contract: Contract):
    """The version presented as current: for a provider, never an unfiled amendment."""
    current = contract.current_version
    if _provider_side(user) and current.first_filed_at is None:
        return contract.accepted_version or current
    return current

"""Who may see and act on commissioned items.

An agency sees all of its own items, drafts included, and no other agency's drafts. Reviewers,
the judicial bureau and oversight see the county's submitted items. Providers, enterprises and
localities read the public list instead.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from zerodisturb.commissioning.choices import Decision, ItemStatus
from zerodisturb.commissioning.models import CommissionedItem
from zerodisturb.roles import Role, in_counties

_COUNTY_READERS = (Role.REVIEWER, Role.SUPERVISOR, Role.OVERSIGHT)


def visible_items(user) -> QuerySet[CommissionedItem]:
    qs = CommissionedItem.objects.select_related(
        "agency", "current_version", "current_version__domain"
    )
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs.exclude(status=ItemStatus.DRAFT)
    if user.role == Role.AGENCY_OFFICER:
        return qs.filter(county_code=user.county_code).filter(
            Q(agency_id=user.organisation_id) | ~Q(status=ItemStatus.DRAFT)
        )
    if user.role in (Role.SUPERVISOR, Role.OVERSIGHT):
        return in_counties(qs, user).exclude(status=ItemStatus.DRAFT)
    if user.role in _COUNTY_READERS:
        return qs.filter(county_code=user.county_code).exclude(status=ItemStatus.DRAFT)
    return qs.none()


def can_create_item(user) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.AGENCY_OFFICER
        and user.organisation
        and user.organisation.is_agency
    )


def can_edit_item(user, item: CommissionedItem) -> bool:
    return can_create_item(user) and item.agency_id == user.organisation_id


def can_vote(user, item: CommissionedItem, review) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.REVIEWER
        and review is not None
        and review.department_id == user.organisation_id
        and item.agency_id != user.organisation_id
        and review.decision
        in (Decision.PENDING, Decision.APPROVE, Decision.APPROVE_CUT, Decision.REJECT)
    )


def can_mark_merge(user, item: CommissionedItem) -> bool:
    return bool(
        user.is_authenticated
        and user.role in (Role.REVIEWER, Role.SUPERVISOR)
        and user.county_code == item.county_code
        and item.agency_id != user.organisation_id
    )


def can_manage_negative_list(user) -> bool:
    return bool(user.is_authenticated and user.role in (Role.SUPERVISOR, Role.SYSTEM_ADMIN))


rules.add_perm("commissioning.create_item", rules.predicate(can_create_item))
rules.add_perm("commissioning.manage_negative_list", rules.predicate(can_manage_negative_list))

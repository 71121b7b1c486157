"""Who sees what of the evaluations and their rectification tickets.

Ratings are anonymous towards providers and agencies (brief, 事后): they never see an evaluation
row, only guarded aggregates (anonymity.py) and the tickets of their bad reviews — the provider
without the enterprise, the agency with the enterprise (it must call it back) but never the
author. Supervisors, oversight and system admins see authors; an enterprise sees its own.
"""

from __future__ import annotations

from django.db.models import QuerySet

from zerodisturb.evaluations.choices import RectificationStatus
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.evaluations.selectors import evaluations_for
from zerodisturb.roles import Role, in_counties
from zerodisturb.visits.choices import VisitStatus

COUNTY_WIDE = (Role.SUPERVISOR, Role.OVERSIGHT)
# Roles that see evaluation rows with their author.
AUTHOR_ROLES = (Role.SUPERVISOR, Role.OVERSIGHT, Role.SYSTEM_ADMIN)
# Roles that see aggregate figures of their share only.
AGGREGATE_ROLES = (Role.AGENCY_OFFICER, Role.PROVIDER_ADMIN, Role.LOCALITY)
TICKET_ROLES = AUTHOR_ROLES + (Role.AGENCY_OFFICER, Role.PROVIDER_ADMIN, Role.ENTERPRISE)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def visible_evaluations(user) -> QuerySet[Evaluation]:
    """Evaluation rows the user may read one by one (with text and, where allowed, author)."""
    qs = Evaluation.objects.select_related("visit", "enterprise", "author")
    if not _active(user):
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role in COUNTY_WIDE:
        return in_counties(qs, user)
    if user.role == Role.ENTERPRISE and user.organisation_id:
        return qs.filter(enterprise_id=user.organisation_id)
    return qs.none()


def evaluations_in_scope(user) -> QuerySet[Evaluation]:
    """The evaluations behind the user's aggregate figures (never shown row by row to the
    aggregate roles): the county, the agency's visits, the provider's visits, the locality."""
    qs = Evaluation.objects.all()
    if not _active(user):
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role in COUNTY_WIDE:
        return in_counties(qs, user)
    if not user.organisation_id:
        return qs.none()
    if user.role == Role.AGENCY_OFFICER:
        return evaluations_for(agency=user.organisation)
    if user.role == Role.PROVIDER_ADMIN:
        return evaluations_for(provider=user.organisation)
    if user.role == Role.LOCALITY:
        locality = user.organisation.locality_id
        if locality is None:
            return qs.none()
        return qs.filter(county_code=user.county_code, visit__enterprise__locality_id=locality)
    if user.role == Role.ENTERPRISE:
        return qs.filter(enterprise_id=user.organisation_id)
    return qs.none()


def sees_authors(user) -> bool:
    return _active(user) and user.role in AUTHOR_ROLES


def sees_rows(user) -> bool:
    """Whether the user reads evaluations row by row (else aggregates only)."""
    return _active(user) and user.role in AUTHOR_ROLES + (Role.ENTERPRISE,)


def visible_rectifications(user) -> QuerySet[Rectification]:
    qs = Rectification.objects.select_related(
        "evaluation", "visit", "visit__enterprise", "provider", "agency"
    )
    if not _active(user):
        return qs.none()
    if user.role == Role.SYSTEM_ADMIN:
        return qs
    if user.role in COUNTY_WIDE:
        return in_counties(qs, user)
    org = user.organisation_id
    if org is None:
        return qs.none()
    if user.role == Role.AGENCY_OFFICER:
        return qs.filter(agency_id=org)
    if user.role == Role.PROVIDER_ADMIN:
        return qs.filter(provider_id=org)
    if user.role == Role.ENTERPRISE:
        return qs.filter(evaluation__enterprise_id=org)
    return qs.none()


def sees_enterprise_on_ticket(user) -> bool:
    """The provider never learns which enterprise gave the bad review."""
    return _active(user) and user.role in TICKET_ROLES and user.role != Role.PROVIDER_ADMIN


def sees_author_on_ticket(user, ticket: Rectification) -> bool:
    if sees_authors(user):
        return True
    return bool(
        _active(user)
        and user.role == Role.ENTERPRISE
        and user.organisation_id == ticket.evaluation.enterprise_id
    )


def sees_callback_details(user) -> bool:
    """The call-back notes and a dispute's reason are the enterprise's words: not for the provider."""
    return sees_enterprise_on_ticket(user)


# Who may act on a ticket now (the services check the same rules before changing anything).


def can_evaluate(user, visit) -> bool:
    return bool(
        _active(user)
        and user.role == Role.ENTERPRISE
        and user.organisation_id is not None
        and user.organisation_id == visit.enterprise_id
        and visit.checked_out_at is not None
        and visit.status in (VisitStatus.COMPLETED, VisitStatus.CLOSED)
    )


def can_amend(user, evaluation: Evaluation, now) -> bool:
    return bool(
        _active(user)
        and user.role == Role.ENTERPRISE
        and user.organisation_id == evaluation.enterprise_id
        and now <= evaluation.amend_until
    )


def can_answer(user, ticket: Rectification) -> bool:
    return bool(
        _active(user)
        and user.role == Role.PROVIDER_ADMIN
        and user.organisation_id == ticket.provider_id
        and ticket.status == RectificationStatus.OPEN
    )


def can_call_back(user, ticket: Rectification) -> bool:
    return bool(
        _active(user)
        and user.role == Role.AGENCY_OFFICER
        and user.organisation_id == ticket.agency_id
        and ticket.status == RectificationStatus.ANSWERED
    )


def can_respond(user, ticket: Rectification) -> bool:
    return bool(
        _active(user)
        and user.role == Role.ENTERPRISE
        and user.organisation_id == ticket.evaluation.enterprise_id
        and ticket.status == RectificationStatus.CALLED_BACK
    )


def can_decide(user, ticket: Rectification) -> bool:
    return bool(
        _active(user)
        and user.role == Role.SUPERVISOR
        and user.county_code == ticket.county_code
        and user.organisation is not None
        and user.organisation.is_judicial_bureau
        and ticket.status == RectificationStatus.ESCALATED
    )


def can_see_nav(user) -> bool:
    """The top navigation shows 企业评价 to every role that has something there."""
    return _active(user) and user.role in TICKET_ROLES + (Role.LOCALITY,)

"""Who sees which complaints, who may act on them, and who sees the complainant.

- Supervisors, oversight and the system administrator: the whole county (oversight sees the whole
  file: every entry).
- An agency officer: complaints routed to its agency, or about it.
- A provider administrator: complaints about its provider, without the complainant's identity
  (anonymous towards the provider, like evaluations).
- An enterprise contact: its own enterprise's complaints.
- A locality: complaints made by enterprises in its area, without the complainant's contact.
- The public: no login; one complaint by number + the phone it was filed with.

The complainant's phone (public complaints) is shown in full only to the handling organisation
(routed_to and the agency concerned) and to the judicial bureau's supervisors; oversight and
everyone else see it masked, providers not at all.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zerodisturb.complaints.choices import (
    HANDLING_STATUSES,
    OPEN_STATUSES,
    ComplaintChannel,
    ComplaintStatus,
    EntryKind,
)
from zerodisturb.complaints.models import Complaint
from zerodisturb.roles import Role, in_counties

NAV_ROLES = (
    Role.SUPERVISOR,
    Role.OVERSIGHT,
    Role.SYSTEM_ADMIN,
    Role.AGENCY_OFFICER,
    Role.PROVIDER_ADMIN,
    Role.ENTERPRISE,
    Role.LOCALITY,
)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def visible_complaints(user) -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("routed_to", "provider", "agency", "enterprise")
    if not _active(user) or user.role not in NAV_ROLES:
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
        return qs.filter(Q(routed_to_id=org) | Q(agency_id=org))
    if user.role == Role.PROVIDER_ADMIN:
        return qs.filter(provider_id=org)
    if user.role == Role.ENTERPRISE:
        return qs.filter(channel=ComplaintChannel.ENTERPRISE, enterprise_id=org)
    locality = user.organisation.locality_id
    if locality is None:
        return qs.none()
    return qs.filter(enterprise__locality_id=locality)


def can_see_nav(user) -> bool:
    return bool(_active(user) and user.role in NAV_ROLES)


def can_complain(user) -> bool:
    """Enterprise contacts file complaints through the logged-in form (the public has its own)."""
    return bool(_active(user) and user.role == Role.ENTERPRISE and user.organisation_id)


def is_handler(user, complaint: Complaint) -> bool:
    """A user of the organisation the complaint is routed to: the agency, or the bureau (triage)."""
    return bool(
        _active(user)
        and user.role in (Role.AGENCY_OFFICER, Role.SUPERVISOR)
        and complaint.routed_to_id is not None
        and user.organisation_id == complaint.routed_to_id
    )


def is_bureau_supervisor(user, complaint: Complaint) -> bool:
    return bool(
        _active(user)
        and user.role == Role.SUPERVISOR
        and user.organisation is not None
        and user.organisation.is_judicial_bureau
        and user.county_code == complaint.county_code
    )


def can_reroute(user, complaint: Complaint) -> bool:
    return is_bureau_supervisor(user, complaint) and complaint.status in OPEN_STATUSES


def is_complained_provider(user, complaint: Complaint) -> bool:
    return bool(
        _active(user)
        and user.role == Role.PROVIDER_ADMIN
        and complaint.provider_id is not None
        and user.organisation_id == complaint.provider_id
    )


def is_complainant(user, complaint: Complaint) -> bool:
    """A contact of the enterprise that complained (any of them: the enterprise is the party)."""
    return bool(
        _active(user)
        and user.role == Role.ENTERPRISE
        and complaint.channel == ComplaintChannel.ENTERPRISE
        and user.organisation_id == complaint.enterprise_id
    )


def sees_complainant(user, complaint: Complaint) -> bool:
    """Who complained (enterprise, contact name): never the provider."""
    return bool(_active(user) and user.role not in (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF))


def sees_contact(user, complaint: Complaint) -> bool:
    """The complainant's phone in full: the handling organisations and the bureau's supervisors."""
    if not _active(user):
        return False
    if user.role == Role.SUPERVISOR and user.county_code == complaint.county_code:
        return True
    if user.role == Role.AGENCY_OFFICER:
        return user.organisation_id in (complaint.routed_to_id, complaint.agency_id)
    return is_complainant(user, complaint)


def decision_open(complaint: Complaint) -> bool:
    """Not decided yet, or the complainant disputed the closure since the decision."""
    if complaint.decided_at is None:
        return True
    return complaint.entries.filter(kind=EntryKind.REOPENED, at__gt=complaint.decided_at).exists()


def available_actions(user, complaint: Complaint) -> set[str]:
    """The actions the detail page and the API offer this user now (the services re-check)."""
    actions: set[str] = set()
    status = complaint.status
    if is_handler(user, complaint):
        if status == ComplaintStatus.RECEIVED:
            actions.add("acknowledge")
        if status in HANDLING_STATUSES:
            actions.add("reply")
            if complaint.provider_id and not complaint.provider_replied_at:
                if not complaint.is_decided and not complaint.provider_reply_requested_at:
                    actions.add("request_provider_reply")
            if decision_open(complaint):
                actions.add("decide")
        if status == ComplaintStatus.REPLIED and complaint.is_decided:
            actions.add("close")
    if can_reroute(user, complaint):
        actions.add("reroute")
    if (
        is_complained_provider(user, complaint)
        and not complaint.provider_replied_at
        and not complaint.is_decided
        and status in OPEN_STATUSES
    ):
        actions.add("provider_reply")
    if is_complainant(user, complaint):
        actions |= complainant_actions(complaint)
    return actions


def complainant_actions(complaint: Complaint) -> set[str]:
    """What the complainant (enterprise contact, or the public by number + phone) may do now."""
    if complaint.status == ComplaintStatus.CLOSED:
        return {"confirm", "reopen", "rate"}
    if complaint.status == ComplaintStatus.CONFIRMED:
        return {"rate"}
    return set()

"""Who sees and who closes alerts: the county for supervisors and oversight, each party its share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zerodisturb.alerts.models import Alert
from zerodisturb.roles import Role, in_counties

ALERT_ROLES = (
    Role.SUPERVISOR,
    Role.OVERSIGHT,
    Role.SYSTEM_ADMIN,
    Role.AGENCY_OFFICER,
    Role.REVIEWER,
    Role.PROVIDER_ADMIN,
    Role.LOCALITY,
)


def visible_alerts(user) -> QuerySet[Alert]:
    qs = Alert.objects.select_related(
        "owner", "agency", "provider", "enterprise", "locality", "closed_by"
    )
    if not user.is_authenticated or user.role not in ALERT_ROLES:
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
        return qs.filter(Q(owner_id=org) | Q(agency_id=org))
    if user.role == Role.REVIEWER:
        return qs.filter(owner_id=org)
    if user.role == Role.PROVIDER_ADMIN:
        return qs.filter(provider_id=org)
    locality = user.organisation.locality_id
    return qs.filter(locality_id=locality) if locality else qs.none()


def can_close(user, alert: Alert) -> bool:
    """The owner that must act, or the county's judicial bureau, closes an alert."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.county_code != alert.county_code:
        return False
    if user.role == Role.SUPERVISOR:
        return bool(user.organisation_id and user.organisation.is_judicial_bureau)
    if user.role in (Role.AGENCY_OFFICER, Role.REVIEWER):
        return user.organisation_id == alert.owner_id
    return False


def can_see_nav(user) -> bool:
    """Whether the top navigation shows this app's page to the user."""
    return bool(user.is_authenticated and user.role in ALERT_ROLES)

"""Who sees the dashboard and with which scope: the county for supervisors and oversight bodies,
one's own agency, provider or locality for the others; nobody else."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from zerodisturb.roles import Role, county_codes_for

COUNTY_WIDE = (Role.SUPERVISOR, Role.OVERSIGHT)
# Sources whose records a scoped viewer may open. Evaluations never: they are anonymous to the
# agencies, providers and localities (only figures over ≥ 5 evaluations are shown to them).
SCOPED_SOURCES = {
    Role.AGENCY_OFFICER: {
        "item_submitted",
        "item_decided",
        "contract_signed",
        "version_signed",
        "visit",
        "joined_party",
        "rectification",
        "complaint",
        "complaint_decided",
        "enterprise",
    },
    Role.PROVIDER_ADMIN: {
        "contract_signed",
        "version_signed",
        "visit",
        "joined_party",
        "rectification",
        "exit_case",
        "enterprise",
    },
    Role.LOCALITY: {"visit", "joined_party", "enterprise"},
}


@dataclass(frozen=True)
class Scope:
    county: str
    role: str
    forced: dict = field(default_factory=dict)  # dimension → id the viewer is limited to
    # The counties the viewer may choose between (a city's supervisors: each county under it).
    counties: tuple = ()

    @property
    def county_wide(self) -> bool:
        return not self.forced

    def may_open(self, source: str) -> bool:
        return self.county_wide or source in SCOPED_SOURCES.get(self.role, ())

    def apply(self, filters: dict) -> dict:
        return {**filters, **self.forced}


def scope_for(user, county: str | None = None) -> Scope:
    """The viewer's scope, or PermissionDenied for roles without a dashboard. `county` picks
    one of the counties a city's supervisors read (the figures are per county); any other value
    is ignored."""
    if not (user and user.is_authenticated and user.is_active and user.county_code):
        raise PermissionDenied("无权查看监管看板")
    org = user.organisation
    if user.role in COUNTY_WIDE:
        codes = county_codes_for(user)
        under = tuple(c for c in codes if c != user.county_code)
        if not under:
            return Scope(user.county_code, user.role, counties=(user.county_code,))
        return Scope(county if county in under else under[0], user.role, counties=under)
    if user.role == Role.AGENCY_OFFICER and org is not None and org.is_agency:
        return Scope(user.county_code, user.role, {"agency": org.pk})
    if user.role == Role.PROVIDER_ADMIN and org is not None:
        return Scope(user.county_code, user.role, {"provider": org.pk})
    if user.role == Role.LOCALITY and org is not None and org.locality_id:
        return Scope(user.county_code, user.role, {"locality": org.locality_id})
    raise PermissionDenied("无权查看监管看板")


def can_see_nav(user) -> bool:
    """Whether the top navigation shows this app's page to the user."""
    try:
        scope_for(user)
    except PermissionDenied:
        return False
    return True

"""谁委托、谁负责: which agency answers for what a complaint concerns, and who handles it.

The commissioning agency is the visit's lead agency (or the party that brought the named staff
member), else the agency of the contract that covers the staff member or provider. When that is
not one agency (no contract, or several agencies use the provider), the judicial bureau triages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from zerodisturb.contracts.models import Contract
from zerodisturb.registry.models import Organisation
from zerodisturb.visits.models import VisitParty


@dataclass
class Subject:
    visit: object = None
    credential: object = None
    provider: Organisation | None = None
    agency: Organisation | None = None


def _single_agency(contracts, on) -> Organisation | None:
    """The one agency of the contracts in force (else of all of them); None if not exactly one."""
    contracts = list(contracts.select_related("agency", "accepted_version"))
    in_force = [c for c in contracts if c.in_force(on)]
    for group in (in_force, contracts):
        agencies = {c.agency_id: c.agency for c in group}
        if len(agencies) == 1:
            return next(iter(agencies.values()))
        if agencies:
            return None
    return None


def derive(subject: Subject, enterprise: Organisation | None = None, on=None) -> Subject:
    """Fill in provider and agency from what the complainant named."""
    on = on or timezone.localdate()
    visit, credential = subject.visit, subject.credential
    provider, agency = subject.provider, subject.agency
    if credential is not None:
        provider = provider or credential.provider
    if visit is not None:
        parties = list(visit.parties.select_related("agency", "contract__provider"))
        party = None
        if credential is not None:
            party = next(
                (p for p in parties if p.staff.filter(credential=credential).exists()), None
            )
        party = party or next((p for p in parties if p.is_lead), None)
        if party is not None:
            agency = agency or party.agency
            provider = provider or party.contract.provider
    if agency is None and credential is not None:
        agency = _single_agency(credential.contracts.all(), on)
    if agency is None and provider is not None:
        if enterprise is not None:
            # The agency that last brought this provider into this enterprise answers for it.
            party = (
                VisitParty.objects.filter(visit__enterprise=enterprise, contract__provider=provider)
                .select_related("agency")
                .order_by("-visit__window_start", "-pk")
                .first()
            )
            agency = party.agency if party else None
        if agency is None:
            agency = _single_agency(Contract.objects.filter(provider=provider), on)
    return Subject(visit=visit, credential=credential, provider=provider, agency=agency)


def judicial_bureau(county_code: str) -> Organisation | None:
    return (
        Organisation.objects.filter(county_code=county_code, is_judicial_bureau=True)
        .order_by("pk")
        .first()
    )


def route(subject: Subject, county_code: str) -> Organisation | None:
    """The commissioning agency, else the judicial bureau for triage."""
    if subject.agency is not None and subject.agency.is_agency:
        return subject.agency
    return judicial_bureau(county_code)

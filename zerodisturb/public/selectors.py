"""What the public lists (公示) show: approved items and accepted contracts, no personal data.

The HTML page and the API both read these querysets, so what is public is decided once.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from zerodisturb.commissioning.choices import APPROVED_STATUSES
from zerodisturb.commissioning.models import CommissionedItem
from zerodisturb.contracts.models import Contract
from zerodisturb.credentials.models import Credential
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.registry.models import Organisation
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.models import ExitCase


def public_items(county_code: str | None = None) -> QuerySet[CommissionedItem]:
    qs = CommissionedItem.objects.filter(status__in=APPROVED_STATUSES).select_related(
        "agency", "current_version", "current_version__domain"
    )
    if county_code:
        qs = qs.filter(county_code=county_code)
    return qs.order_by("-decided_at", "-pk")


def public_contracts(county_code: str | None = None) -> QuerySet[Contract]:
    """Contracts whose filing the judicial bureau accepted and that have not been ended."""
    qs = Contract.objects.filter(
        accepted_version__isnull=False, ended_at__isnull=True
    ).select_related("agency", "provider", "item", "accepted_version")
    if county_code:
        qs = qs.filter(county_code=county_code)
    return qs.order_by("-accepted_version__decided_at", "-pk")


def exited_providers(county_code: str | None = None) -> QuerySet[Organisation]:
    """Providers the judicial bureau made exit (不满意退出), newest first, with the grounds of
    their case (figures in words, no personal data) as `exit_grounds`."""
    case = ExitCase.objects.filter(provider=OuterRef("pk"), status=ExitStatus.EXITED).order_by(
        "-exited_at"
    )
    qs = Organisation.objects.filter(
        kind=OrganisationKind.PROVIDER, exited_at__isnull=False
    ).annotate(
        exit_grounds=Subquery(case.values("grounds")[:1]),
        exit_case_number=Subquery(case.values("number")[:1]),
    )
    if county_code:
        qs = qs.filter(county_code=county_code)
    return qs.order_by("-exited_at", "-pk")


def providers_in_force(
    county_code: str | None = None, today: date | None = None
) -> QuerySet[Organisation]:
    """Providers holding credentials in force today (active, within their validity), with how
    many (`credentials_in_force`) — a count only: the holders' names are not public."""
    today = today or timezone.localdate()
    in_force = Q(
        credentials__status=Credential.Status.ACTIVE,
        credentials__valid_from__lte=today,
        credentials__valid_to__gte=today,
    )
    qs = (
        Organisation.objects.filter(kind=OrganisationKind.PROVIDER, exited_at__isnull=True)
        .annotate(credentials_in_force=Count("credentials", filter=in_force, distinct=True))
        .filter(credentials_in_force__gt=0)
    )
    if county_code:
        qs = qs.filter(county_code=county_code)
    return qs.order_by("name", "pk")

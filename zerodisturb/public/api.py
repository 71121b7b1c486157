"""公示 over the JSON API: approved items and accepted contracts for anyone, without login.

What is public is decided in selectors.py; these schemas add only organisation names, numbers,
amounts and dates: no officer, reviewer or staff names, ID or phone numbers.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from zerodisturb.api import Page
from zerodisturb.dbrouter import use_replica
from zerodisturb.public.selectors import (
    exited_providers,
    providers_in_force,
    public_contracts,
    public_items,
)

router = Router(tags=["公示"], auth=None)


class PublicItemOut(Schema):
    number: str
    county_code: str
    agency: str
    domain: str
    title: str
    content: str
    legal_basis: str
    period_start: date
    period_end: date
    approved_budget: Decimal | None
    decided_at: datetime | None

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_domain(obj) -> str:
        return obj.current_version.domain.name

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.current_version.title

    @staticmethod
    def resolve_content(obj) -> str:
        return obj.current_version.content

    @staticmethod
    def resolve_legal_basis(obj) -> str:
        return obj.current_version.legal_basis

    @staticmethod
    def resolve_period_start(obj) -> date:
        return obj.current_version.period_start

    @staticmethod
    def resolve_period_end(obj) -> date:
        return obj.current_version.period_end


class PublicContractOut(Schema):
    number: str
    county_code: str
    item_number: str
    item_title: str
    agency: str
    provider: str
    amount: Decimal
    signed_on: date
    term_start: date
    term_end: date
    scope: str
    staff_count: int
    accepted_at: datetime | None
    in_force: bool

    @staticmethod
    def resolve_item_number(obj) -> str:
        return obj.item.number

    @staticmethod
    def resolve_item_title(obj) -> str:
        return obj.item.current_version.title

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_provider(obj) -> str:
        return obj.provider.name

    # The accepted version is what is in force; a pending amendment is not public yet.
    @staticmethod
    def resolve_amount(obj) -> Decimal:
        return obj.accepted_version.amount

    @staticmethod
    def resolve_signed_on(obj) -> date:
        return obj.accepted_version.signed_on

    @staticmethod
    def resolve_term_start(obj) -> date:
        return obj.accepted_version.term_start

    @staticmethod
    def resolve_term_end(obj) -> date:
        return obj.accepted_version.term_end

    @staticmethod
    def resolve_scope(obj) -> str:
        return obj.accepted_version.scope

    @staticmethod
    def resolve_accepted_at(obj) -> datetime | None:
        return obj.accepted_version.decided_at

    @staticmethod
    def resolve_in_force(obj) -> bool:
        return obj.in_force()


class ProviderInForceOut(Schema):
    name: str
    county_code: str
    credit_code: str
    credentials_in_force: int


class ExitedProviderOut(Schema):
    name: str
    county_code: str
    credit_code: str
    exited_on: date
    excluded_until: date | None
    reason: str
    case_number: str

    @staticmethod
    def resolve_exited_on(obj) -> date:
        return timezone.localdate(obj.exited_at)

    @staticmethod
    def resolve_reason(obj) -> str:
        return obj.exit_grounds or ""

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.exit_case_number or ""


class CountyFilter(Schema):
    county: str = ""


@router.get("/items", response=list[PublicItemOut], summary="公示：已批准的委托事项")
@use_replica
@paginate(Page)
def items(request, filters: Query[CountyFilter]):
    return public_items(filters.county or None)


@router.get("/contracts", response=list[PublicContractOut], summary="公示：已备案的委托合同")
@use_replica
@paginate(Page)
def contracts(request, filters: Query[CountyFilter]):
    return (
        public_contracts(filters.county or None)
        .select_related("item__current_version")
        .annotate(staff_count=Count("accepted_version__staff"))
    )


@router.get(
    "/exited-providers",
    response=list[ExitedProviderOut],
    summary="公示：不满意退出的第三方机构（退出日期、禁入截止日、事由）",
)
@use_replica
@paginate(Page)
def exited(request, filters: Query[CountyFilter]):
    return exited_providers(filters.county or None)


@router.get(
    "/providers",
    response=list[ProviderInForceOut],
    summary="公示：持有效证件的第三方机构及有效证件数（不含个人信息）",
)
@use_replica
@paginate(Page)
def providers(request, filters: Query[CountyFilter]):
    return providers_in_force(filters.county or None)

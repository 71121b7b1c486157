"""Input and output schemas of the commissioned-item API (what goes over the wire, no rules)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from zerodisturb.commissioning.models import Review
from zerodisturb.commissioning.overlap import find_overlaps
from zerodisturb.contracts.cleaning import contracted_elsewhere

# ------------------------------------------------------------------------------------ output


class Ref(Schema):
    id: int
    name: str


class LocalityRef(Schema):
    id: int
    code: str
    name: str


class VersionOut(Schema):
    version: int
    domain: str
    domain_name: str
    title: str
    content: str
    legal_basis: str
    why_external: str
    target_enterprises: list[Ref]
    target_sectors: list[str]
    target_localities: list[LocalityRef]
    period_start: date
    period_end: date
    requested_budget: Decimal
    created_at: datetime
    submitted_at: datetime | None

    @staticmethod
    def resolve_domain(obj) -> str:
        return obj.domain.code

    @staticmethod
    def resolve_domain_name(obj) -> str:
        return obj.domain.name

    @staticmethod
    def resolve_target_enterprises(obj) -> list[dict]:
        return [{"id": o.pk, "name": o.name} for o in obj.target_enterprises.order_by("pk")]

    @staticmethod
    def resolve_target_localities(obj) -> list[dict]:
        return [
            {"id": d.pk, "code": d.code, "name": d.name}
            for d in obj.target_localities.order_by("code")
        ]


class VersionBrief(Schema):
    version: int
    title: str
    requested_budget: Decimal
    created_at: datetime
    submitted_at: datetime | None


class ReviewOut(Schema):
    version: int
    department_id: int
    department: str
    is_lead: bool
    decision: str
    decision_label: str
    approved_amount: Decimal | None
    opinion: str
    due_on: date
    decided_at: datetime | None

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.version.version

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_decision_label(obj) -> str:
        return str(obj.get_decision_display())


class OverlapOut(Schema):
    item_id: int
    number: str
    title: str
    agency: str
    status: str
    score: float
    text_similarity: float
    shared_enterprises: int
    shared_sectors: list[str]
    shared_localities: list[str]

    @staticmethod
    def resolve_item_id(obj) -> int:
        return obj.item.pk

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.item.number

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.item.current_version.title

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.item.agency.name

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.item.status


class ItemOut(Schema):
    id: int
    number: str
    county_code: str
    agency_id: int
    agency: str
    status: str
    status_label: str
    version: int
    title: str
    domain: str
    requested_budget: Decimal
    approved_budget: Decimal | None
    submitted_at: datetime | None
    review_due_on: date | None
    decided_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.current_version.version

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.current_version.title

    @staticmethod
    def resolve_domain(obj) -> str:
        return obj.current_version.domain.code

    @staticmethod
    def resolve_requested_budget(obj) -> Decimal:
        return obj.current_version.requested_budget


class ItemDetailOut(ItemOut):
    current: VersionOut
    versions: list[VersionBrief]
    reviews: list[ReviewOut]
    overlaps: list[OverlapOut]
    contracted_amount: Decimal
    first_submitted_at: datetime | None
    merge_with: str | None
    merge_note: str
    withdrawn_reason: str

    @staticmethod
    def resolve_current(obj):
        return obj.current_version

    @staticmethod
    def resolve_versions(obj):
        return obj.versions.order_by("version")

    @staticmethod
    def resolve_reviews(obj):
        return (
            Review.objects.filter(item=obj)
            .select_related("version", "department")
            .order_by("version__version", "order")
        )

    @staticmethod
    def resolve_overlaps(obj):
        return find_overlaps(obj.current_version)

    @staticmethod
    def resolve_contracted_amount(obj) -> Decimal:
        return contracted_elsewhere(obj).quantize(Decimal("0.01"))

    @staticmethod
    def resolve_merge_with(obj) -> str | None:
        return obj.merge_with.number if obj.merge_with_id else None


class SubmissionOut(Schema):
    item: ItemDetailOut
    overlaps: list[OverlapOut]


class FigureOut(Schema):
    key: str
    label: str
    value: float | None
    numerator: float
    denominator: float
    definition: str
    extra: dict


# ------------------------------------------------------------------------------------- input

# Loose types on purpose: the service's cleaning names each bad value in Chinese, which is
# clearer than the validator's English "Input should be a valid decimal".
Loose = str | int | float | None


class ItemIn(Schema):
    domain: str | int = ""
    title: str = ""
    content: str = ""
    legal_basis: str = ""
    why_external: str = ""
    target_enterprises: list[int | str] = []
    target_sectors: list[str] = []
    target_localities: list[int | str] = []
    period_start: str = ""
    period_end: str = ""
    requested_budget: Loose = None


class ItemFilter(Schema):
    status: str = ""
    domain: str = ""
    agency: int | None = None


class VoteIn(Schema):
    decision: str = ""
    opinion: str = ""
    amount: Loose = None


class WithdrawIn(Schema):
    reason: str = ""


class MergeIn(Schema):
    merge_with: int | None = None
    note: str = ""


class FigureQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12)

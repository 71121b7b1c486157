"""JSON API for contracts and their filing (备案): multipart in (fields + `pdf`), services decide."""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zerodisturb.api import Page
from zerodisturb.commissioning.api import named_fields
from zerodisturb.commissioning.permissions import visible_items
from zerodisturb.contracts import services
from zerodisturb.contracts.models import Contract
from zerodisturb.contracts.permissions import shown_current, shown_versions, visible_contracts
from zerodisturb.ids import valid_id

router = Router(tags=["委托合同与备案"])

FIELD_LABELS = {
    "item": "委托事项",
    "provider": "第三方机构",
    "staff": "辅助人员",
    "amount": "合同金额（元）",
    "signed_on": "签订日期",
    "term_start": "履行期起",
    "term_end": "履行期止",
    "scope": "服务范围",
    "no_subentrustment": "不转委托承诺",
    "pdf": "合同扫描件（PDF）",
    "change_note": "变更说明",
    "reason": "退回理由",
    "status": "状态",
}


class StaffRef(Schema):
    id: int
    name: str


class ContractVersionOut(Schema):
    version: int
    kind: str
    amount: Decimal
    signed_on: date
    term_start: date
    term_end: date
    scope: str
    staff: list[StaffRef]
    no_subentrustment: bool
    pdf_sha256: str
    change_note: str
    filing_status: str
    filing_status_label: str
    filing_due_on: date
    filed_at: datetime | None
    first_filed_at: datetime | None
    decided_at: datetime | None
    return_reason: str
    created_at: datetime

    @staticmethod
    def resolve_staff(obj) -> list[dict]:
        return [{"id": p.pk, "name": p.name} for p in obj.staff.order_by("pk")]

    @staticmethod
    def resolve_filing_status_label(obj) -> str:
        return str(obj.get_filing_status_display())


class ContractOut(Schema):
    id: int
    number: str
    county_code: str
    item_id: int
    item_number: str
    agency_id: int
    agency: str
    provider_id: int
    provider: str
    filing_status: str
    current: ContractVersionOut
    accepted_version: int | None
    in_force: bool
    ended_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_item_number(obj) -> str:
        return obj.item.number

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_provider(obj) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_filing_status(obj, context) -> str:
        return shown_current(context["request"].user, obj).filing_status

    @staticmethod
    def resolve_current(obj, context):
        return shown_current(context["request"].user, obj)

    @staticmethod
    def resolve_accepted_version(obj) -> int | None:
        return obj.accepted_version.version if obj.accepted_version_id else None

    @staticmethod
    def resolve_in_force(obj) -> bool:
        return obj.in_force()


class ContractDetailOut(ContractOut):
    versions: list[ContractVersionOut]

    @staticmethod
    def resolve_versions(obj, context):
        return shown_versions(context["request"].user, obj)


class ContractFilter(Schema):
    filing_status: str = ""
    item: int | None = None
    provider: int | None = None


# Strings on purpose: the service's cleaning explains each bad value in Chinese.
class TermsIn(Schema):
    staff: list[str] = []
    amount: str = ""
    signed_on: str = ""
    term_start: str = ""
    term_end: str = ""
    scope: str = ""
    no_subentrustment: str = ""

    def data(self) -> dict:
        data = self.dict()
        # Accept both repeated `staff` fields and one comma-separated value.
        data["staff"] = [s for raw in self.staff for s in raw.replace("，", ",").split(",") if s]
        return data


class RecordIn(TermsIn):
    item: str = ""
    provider: str = ""


class ContractAmendIn(TermsIn):
    change_note: str = ""


class ReturnIn(Schema):
    reason: str = ""


def _contract(request, contract_id: int) -> Contract:
    return get_object_or_404(visible_contracts(request.user), pk=contract_id)


def _pdf(upload: UploadedFile | None) -> tuple[bytes | None, str]:
    if upload is None:
        return None, ""
    # One byte past the limit is enough for the cleaning to refuse an oversized file.
    data = upload.read(settings.MEDIA_MAX_PDF_BYTES + 1)
    name = (upload.name or "").rsplit("/", 1)[-1]
    return data, name if name.lower().endswith(".pdf") else ""


@router.get("", response=list[ContractOut], summary="合同列表（按角色限定范围）")
@paginate(Page)
def list_contracts(request, filters: Query[ContractFilter]):
    qs = visible_contracts(request.user)
    if filters.filing_status:
        qs = qs.filter(current_version__filing_status=filters.filing_status)
    if filters.item:
        qs = qs.filter(item_id=filters.item)
    if filters.provider:
        qs = qs.filter(provider_id=filters.provider)
    return qs.order_by("-created_at", "-pk")


@router.post(
    "",
    response={201: ContractDetailOut},
    summary="登记已签订合同（multipart：字段 + pdf 文件）",
)
def record(request, payload: Form[RecordIn], pdf: File[UploadedFile | None] = None):
    item_id = payload.item.strip()
    item_pk = valid_id(item_id)
    item = visible_items(request.user).filter(pk=item_pk).first() if item_pk else None
    if item is None:
        raise ValidationError({"item": "委托事项：事项不存在或无权查看"})
    data, name = _pdf(pdf)
    with named_fields(FIELD_LABELS):
        contract = services.record_contract(request.user, item, payload.data(), data, name)
    return Status(201, _contract(request, contract.pk))


@router.get("/{contract_id}", response=ContractDetailOut, summary="合同详情与各版本备案状态")
def get_contract(request, contract_id: int):
    return _contract(request, contract_id)


@router.post(
    "/{contract_id}/correct",
    response=ContractDetailOut,
    summary="修改未报备或被退回的合同（multipart，pdf 可选）",
)
def correct(
    request, contract_id: int, payload: Form[TermsIn], pdf: File[UploadedFile | None] = None
):
    data, name = _pdf(pdf)
    with named_fields(FIELD_LABELS):
        services.correct_contract(
            request.user, _contract(request, contract_id), payload.data(), data, name
        )
    return _contract(request, contract_id)


@router.post("/{contract_id}/file", response=ContractDetailOut, summary="向司法局报备")
def file(request, contract_id: int):
    with named_fields(FIELD_LABELS):
        services.file_contract(request.user, _contract(request, contract_id))
    return _contract(request, contract_id)


@router.post("/{contract_id}/accept", response=ContractDetailOut, summary="司法局：备案通过")
def accept(request, contract_id: int):
    with named_fields(FIELD_LABELS):
        services.accept_filing(request.user, _contract(request, contract_id))
    return _contract(request, contract_id)


@router.post("/{contract_id}/return", response=ContractDetailOut, summary="司法局：退回修改")
def send_back(request, contract_id: int, payload: ReturnIn):
    with named_fields(FIELD_LABELS):
        services.return_filing(request.user, _contract(request, contract_id), payload.reason)
    return _contract(request, contract_id)


@router.post(
    "/{contract_id}/amend",
    response=ContractDetailOut,
    summary="变更备案：新版本（multipart：字段 + change_note + pdf）",
)
def amend(
    request, contract_id: int, payload: Form[ContractAmendIn], pdf: File[UploadedFile | None] = None
):
    data, name = _pdf(pdf)
    with named_fields(FIELD_LABELS):
        services.amend_contract(
            request.user,
            _contract(request, contract_id),
            payload.data(),
            data,
            payload.change_note,
            pdf_name=name,
        )
    return _contract(request, contract_id)

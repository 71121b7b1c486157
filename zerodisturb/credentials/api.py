"""JSON API for credentials (统一证件): list, detail, issue, suspend, reinstate, revoke, PDF card."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from zerodisturb.api import Page
from zerodisturb.commissioning.api import named_fields
from zerodisturb.contracts.permissions import visible_contracts
from zerodisturb.credentials import services
from zerodisturb.credentials.card import card_pdf
from zerodisturb.credentials.models import Credential
from zerodisturb.credentials.permissions import visible_credentials
from zerodisturb.registry.models import Person

router = Router(tags=["辅助人员证件"])

FIELD_LABELS = {
    "person": "辅助人员",
    "contracts": "所属合同",
    "valid_from": "有效期起",
    "valid_to": "有效期止",
    "scope": "服务范围",
    "reason": "原因",
    "status": "状态",
}


class CredentialOut(Schema):
    id: int
    number: str
    county_code: str
    person_id: int
    person: str
    provider_id: int
    provider: str
    contracts: list[str]
    scope: str
    valid_from: date
    valid_to: date
    status: str
    status_label: str
    status_reason: str
    valid: bool
    state_code: str
    state_message: str
    issued_at: datetime

    @staticmethod
    def resolve_person(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_provider(obj) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_contracts(obj) -> list[str]:
        return [c.number for c in obj.contracts.order_by("pk")]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_valid(obj) -> bool:
        return services.credential_state(obj).valid

    @staticmethod
    def resolve_state_code(obj) -> str:
        return services.credential_state(obj).code

    @staticmethod
    def resolve_state_message(obj) -> str:
        return services.credential_state(obj).message


class CredentialFilter(Schema):
    status: str = ""
    provider: int | None = None
    person: int | None = None


class IssueIn(Schema):
    person: int
    contracts: list[int]
    valid_from: date
    valid_to: date
    scope: str = ""


class ReasonIn(Schema):
    reason: str = ""


def _credential(request, credential_id: int) -> Credential:
    return get_object_or_404(visible_credentials(request.user), pk=credential_id)


@router.get("", response=list[CredentialOut], summary="证件列表（按角色限定范围）")
@paginate(Page)
def list_credentials(request, filters: Query[CredentialFilter]):
    qs = visible_credentials(request.user).prefetch_related("contracts__accepted_version")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.provider:
        qs = qs.filter(provider_id=filters.provider)
    if filters.person:
        qs = qs.filter(person_id=filters.person)
    return qs.order_by("-issued_at", "-pk")


@router.post("", response={201: CredentialOut}, summary="签发证件（一人一证，有效期不超过合同）")
def issue(request, payload: IssueIn):
    user = request.user
    person = Person.objects.filter(pk=payload.person, county_code=user.county_code).first()
    contracts = list(visible_contracts(user).filter(pk__in=payload.contracts))
    errors = {}
    if person is None:
        errors["person"] = [f"{FIELD_LABELS['person']}：人员不存在"]
    if not payload.contracts or len(contracts) != len(set(payload.contracts)):
        errors["contracts"] = [f"{FIELD_LABELS['contracts']}：请选择本县已备案的合同"]
    if errors:
        raise ValidationError(errors)
    with named_fields(FIELD_LABELS):
        credential = services.issue_credential(
            user,
            person,
            contracts,
            valid_from=payload.valid_from,
            valid_to=payload.valid_to,
            scope=payload.scope,
        )
    return Status(201, _credential(request, credential.pk))


@router.get("/{credential_id}", response=CredentialOut, summary="证件详情与当前是否有效")
def get_credential(request, credential_id: int):
    return _credential(request, credential_id)


@router.post("/{credential_id}/suspend", response=CredentialOut, summary="暂停证件（须写明原因）")
def suspend(request, credential_id: int, payload: ReasonIn):
    with named_fields(FIELD_LABELS):
        services.suspend_credential(
            request.user, _credential(request, credential_id), payload.reason
        )
    return _credential(request, credential_id)


@router.post("/{credential_id}/reinstate", response=CredentialOut, summary="恢复暂停的证件")
def reinstate(request, credential_id: int):
    with named_fields(FIELD_LABELS):
        services.reinstate_credential(request.user, _credential(request, credential_id))
    return _credential(request, credential_id)


@router.post("/{credential_id}/revoke", response=CredentialOut, summary="吊销证件（须写明原因）")
def revoke(request, credential_id: int, payload: ReasonIn):
    with named_fields(FIELD_LABELS):
        services.revoke_credential(
            request.user, _credential(request, credential_id), payload.reason
        )
    return _credential(request, credential_id)


@router.get(
    "/{credential_id}/card.pdf",
    response={200: None},
    summary="下载可打印的统一工作证（PDF，含核验二维码）",
)
def card(request, credential_id: int):
    credential = _credential(request, credential_id)
    response = HttpResponse(card_pdf(credential), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{credential.number}.pdf"'
    return response

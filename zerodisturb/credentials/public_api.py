"""Public credential verification (扫证核验) without login, rate limited per client address.

Only what the card itself shows: number, state, masked name, provider, agencies, scope, validity.
"""

from datetime import date

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from zerodisturb import ratelimit
from zerodisturb.credentials.models import Credential
from zerodisturb.credentials.services import credential_state

router = Router(tags=["公示"], auth=None)


class PublicCredentialOut(Schema):
    number: str
    valid: bool
    code: str
    message: str
    masked_name: str
    provider: str
    agencies: list[str]
    scope: str
    valid_from: date
    valid_to: date


def throttle(request, scope: str) -> None:
    if not ratelimit.allow(scope, ratelimit.client_key(request), settings.RATE_LIMIT_VERIFY):
        raise HttpError(429, "查询过于频繁，请稍后再试。")


@router.get("/{number}", response=PublicCredentialOut, summary="公开核验证件编号（无需登录）")
def verify_credential(request, number: str):
    throttle(request, "verify")
    credential = get_object_or_404(
        Credential.objects.select_related("person", "provider").prefetch_related(
            "contracts__agency", "contracts__accepted_version"
        ),
        number=number.strip()[:20],
    )
    state = credential_state(credential)
    agencies = sorted({c.agency.name for c in credential.contracts.all()})
    return {
        "number": credential.number,
        "valid": state.valid,
        "code": state.code,
        "message": state.message,
        "masked_name": credential.person.masked_name,
        "provider": credential.provider.name,
        "agencies": agencies,
        "scope": credential.scope,
        "valid_from": credential.valid_from,
        "valid_to": credential.valid_to,
    }

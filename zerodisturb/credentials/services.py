"""Credential actions (issue, suspend, reinstate, revoke) and the one answer to "is it valid now?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.cachestamps import invalidate
from zerodisturb.contracts.models import Contract
from zerodisturb.credentials.models import Credential
from zerodisturb.registry.choices import PersonKind
from zerodisturb.registry.models import CountyPolicy, Person
from zerodisturb.registry.numbering import next_number
from zerodisturb.roles import Role

S = Credential.Status


@dataclass(frozen=True)
class CredentialState:
    valid: bool
    code: str
    message: str


def credential_state(credential: Credential, on: date | None = None) -> CredentialState:
    on = on or timezone.localdate()
    if credential.status == S.REVOKED:
        return CredentialState(False, "revoked", f"证件已吊销：{credential.status_reason}")
    if credential.status == S.SUSPENDED:
        return CredentialState(False, "suspended", f"证件已暂停使用：{credential.status_reason}")
    if on < credential.valid_from:
        return CredentialState(False, "not_yet_valid", f"证件自 {credential.valid_from} 起生效")
    if on > credential.valid_to:
        return CredentialState(False, "expired", f"证件已于 {credential.valid_to} 过期")
    if not credential.person.active:
        return CredentialState(False, "person_inactive", "持证人已离职或已被停用")
    in_force = [c for c in credential.contracts.all() if c.in_force(on)]
    if not in_force:
        return CredentialState(
            False, "contract_not_in_force", "所属委托合同未备案通过、已终止或不在履行期内"
        )
    # A staff change filed as an amendment takes the person off the contract at once.
    if not any(
        credential.person_id in {s.pk for s in c.accepted_version.staff.all()} for c in in_force
    ):
        return CredentialState(False, "not_on_contract", "持证人已不在委托合同备案的人员名单中")
    return CredentialState(True, "valid", "证件有效")


def can_issue(actor, contracts: list[Contract]) -> bool:
    if not actor.is_authenticated or not contracts:
        return False
    policy = CountyPolicy.for_county(contracts[0].county_code)
    if policy.credential_issuer == CountyPolicy.Issuer.AGENCY:
        return actor.role == Role.AGENCY_OFFICER and all(
            c.agency_id == actor.organisation_id for c in contracts
        )
    return (
        actor.role == Role.SUPERVISOR
        and actor.organisation is not None
        and actor.organisation.is_judicial_bureau
        and all(c.county_code == actor.county_code for c in contracts)
    )


def can_change_status(actor, credential: Credential) -> bool:
    if actor.role == Role.SUPERVISOR and actor.county_code == credential.county_code:
        return True
    # The commissioning agency may suspend its own provider's staff (谁委托、谁负责).
    return (
        actor.role == Role.AGENCY_OFFICER
        and credential.contracts.filter(agency_id=actor.organisation_id).exists()
    )


@transaction.atomic
def issue_credential(
    actor,
    person: Person,
    contracts: list[Contract],
    *,
    valid_from: date,
    valid_to: date,
    scope: str,
    photo=None,
) -> Credential:
    contracts = list(
        Contract.objects.select_related("accepted_version").filter(pk__in=[c.pk for c in contracts])
    )
    if not can_issue(actor, contracts):
        raise PermissionDenied("无权为这些合同签发证件。")
    person = Person.objects.select_for_update().get(pk=person.pk)
    errors: dict[str, str] = {}
    if person.kind != PersonKind.STAFF or not person.active:
        errors["person"] = "只能为在职的辅助人员签发证件"
    for contract in contracts:
        version = contract.accepted_version
        if version is None or contract.ended_at:
            errors["contracts"] = f"合同 {contract.number} 未备案通过或已终止"
        elif contract.provider_id != person.organisation_id:
            errors["contracts"] = f"合同 {contract.number} 不是该人员所在机构的合同"
        elif not version.staff.filter(pk=person.pk).exists():
            errors["contracts"] = f"该人员不在合同 {contract.number} 备案的人员名单中"
    if not errors:
        # Valid no longer than its contracts; on any given day it needs one of them in force.
        latest_end = max(c.accepted_version.term_end for c in contracts)
        earliest_start = min(c.accepted_version.term_start for c in contracts)
        if valid_to > latest_end:
            errors["valid_to"] = f"有效期不能超过合同履行期（{latest_end}）"
        if valid_from < earliest_start:
            errors["valid_from"] = f"有效期不能早于合同履行期起（{earliest_start}）"
    if valid_to < valid_from:
        errors["valid_to"] = "有效期止不能早于有效期起"
    scope = (scope or "").strip()
    if not scope:
        errors["scope"] = "请填写服务范围"
    elif len(scope) > 500:
        errors["scope"] = "服务范围不能超过 500 字"
    existing = Credential.objects.filter(person=person, status__in=(S.ACTIVE, S.SUSPENDED)).first()
    if existing:
        errors["person"] = f"该人员已持有证件 {existing.number}，一人一证"
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    county = contracts[0].county_code
    year = valid_from.year
    number = f"{county}-{year}-{next_number(f'ZJ-{county}-{year}'):05d}"
    credential = Credential.objects.create(
        county_code=county,
        number=number,
        person=person,
        provider=person.organisation,
        scope=scope,
        valid_from=valid_from,
        valid_to=valid_to,
        issued_by=actor,
    )
    credential.contracts.set(contracts)
    invalidate(f"credential:{credential.pk}")  # the scan's cached facts (visits.scancache)
    if photo is not None:
        credential.photo.save(f"{number}.jpg", photo, save=True)
    record_event(
        actor,
        "credential.issue",
        credential,
        {
            "person": person.pk,
            "contracts": [c.number for c in contracts],
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return credential


def _set_status(
    actor,
    credential: Credential,
    status: str,
    reason: str,
    action: str,
    allowed_from: tuple[str, ...],
) -> Credential:
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if not can_change_status(actor, credential):
        raise PermissionDenied("无权变更该证件状态。")
    reason = (reason or "").strip()
    if status != S.ACTIVE and not reason:
        raise ValidationError({"reason": "请填写原因"})
    if credential.status not in allowed_from:
        raise ValidationError(
            {"status": f"证件当前为“{credential.get_status_display()}”，不能这样变更。"}
        )
    before = credential.status
    credential.status, credential.status_reason = status, reason[:300]
    credential.save(update_fields=["status", "status_reason"])
    invalidate(f"credential:{credential.pk}")  # the next scan sees it (visits.scancache)
    record_event(actor, action, credential, {"status": [before, status], "reason": reason})
    return credential


@transaction.atomic
def suspend_credential(actor, credential: Credential, reason: str) -> Credential:
    return _set_status(actor, credential, S.SUSPENDED, reason, "credential.suspend", (S.ACTIVE,))


@transaction.atomic
def reinstate_credential(actor, credential: Credential) -> Credential:
    return _set_status(actor, credential, S.ACTIVE, "", "credential.reinstate", (S.SUSPENDED,))


@transaction.atomic
def revoke_credential(actor, credential: Credential, reason: str) -> Credential:
    return _set_status(
        actor, credential, S.REVOKED, reason, "credential.revoke", (S.ACTIVE, S.SUSPENDED)
    )

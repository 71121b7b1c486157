"""Contract actions: record, correct, file, accept or return, amend, end. One transaction each."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.cachestamps import invalidate
from zerodisturb.commissioning.models import CommissionedItem
from zerodisturb.contracts import permissions as perms
from zerodisturb.contracts.choices import FilingStatus, VersionKind
from zerodisturb.contracts.cleaning import clean_contract
from zerodisturb.contracts.models import Contract, ContractVersion
from zerodisturb.notifications.models import Notification
from zerodisturb.notifications.services import judicial_bureau_supervisors, notify, users_of
from zerodisturb.registry.numbering import next_number
from zerodisturb.roles import Role
from zerodisturb.workdays.services import add_working_days

FILING_WORKING_DAYS = 10
TERM_FIELDS = ("amount", "signed_on", "term_start", "term_end", "scope", "no_subentrustment")


def _payload(version: ContractVersion) -> dict:
    data = {name: getattr(version, name) for name in TERM_FIELDS}
    data["staff"] = sorted(version.staff.values_list("pk", flat=True))
    data["pdf_sha256"] = version.pdf_sha256
    return data


def _fill(version: ContractVersion, clean: dict, pdf: bytes | None, pdf_name: str) -> None:
    for name in TERM_FIELDS:
        setattr(version, name, clean[name])
    due = add_working_days(version.signed_on, FILING_WORKING_DAYS)
    version.filing_due_on, version.filing_due_estimated = due.date, due.estimated
    if pdf:
        version.pdf_sha256 = clean["pdf_sha256"]
        version.pdf.save(
            pdf_name or f"{clean['pdf_sha256'][:16]}.pdf", ContentFile(pdf), save=False
        )
    version.save()
    version.staff.set(clean["staff"])


def _filing_requests_done(version: ContractVersion, now: datetime) -> None:
    """The bureau's "please review this filing" notifications are done once it has decided."""
    Notification.objects.filter(
        dedupe_key__startswith=f"filing:{version.pk}:", read_at__isnull=True
    ).update(read_at=now)


def _locked(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


@transaction.atomic
def record_contract(
    actor,
    item: CommissionedItem,
    data: dict,
    pdf: bytes | None,
    pdf_name: str = "",
    now: datetime | None = None,
) -> Contract:
    """Register a signed contract under an approved item; filing falls due in 10 working days."""
    item = CommissionedItem.objects.select_for_update().get(
        pk=item.pk
    )  # budget gate: one at a time
    if not perms.can_record(actor, item):
        raise PermissionDenied("只有委托机关经办人可以登记本机关事项的合同。")
    clean = clean_contract(data, item, pdf, today=timezone.localdate(now or timezone.now()))
    year = clean["signed_on"].year
    number = f"HT-{item.county_code}-{year}-{next_number(f'HT-{item.county_code}-{year}'):04d}"
    contract = Contract.objects.create(
        county_code=item.county_code,
        number=number,
        item=item,
        agency=item.agency,
        provider=clean["provider"],
        created_by=actor,
    )
    version = ContractVersion(
        contract=contract, version=1, kind=VersionKind.ORIGINAL, created_by=actor
    )
    _fill(version, clean, pdf, pdf_name)
    contract.current_version = version
    contract.save(update_fields=["current_version"])
    invalidate("contracts")
    record_event(
        actor,
        "contract.record",
        contract,
        {
            "item": item.number,
            "provider": clean["provider"].pk,
            "version": 1,
            "filing_due_on": version.filing_due_on,
            "terms": _payload(version),
        },
    )
    return contract


@transaction.atomic
def correct_contract(
    actor,
    contract: Contract,
    data: dict,
    pdf: bytes | None = None,
    pdf_name: str = "",
    now: datetime | None = None,
) -> Contract:
    """Edit the version not yet filed, or returned by the bureau."""
    contract = _locked(contract)
    if not perms.can_record(actor, contract.item):
        raise PermissionDenied("只有委托机关经办人可以修改合同。")
    version = contract.current_version
    if version.filing_status not in (FilingStatus.RECORDED, FilingStatus.RETURNED):
        raise ValidationError(
            {"status": "已报备或已通过的合同不能直接修改；如需变更请提交变更备案。"}
        )
    before = _payload(version)
    clean = clean_contract(
        data,
        contract.item,
        pdf,
        contract=contract,
        pdf_required=False,
        today=timezone.localdate(now or timezone.now()),
    )
    _fill(version, clean, pdf, pdf_name)
    after = _payload(version)
    record_event(
        actor,
        "contract.correct",
        contract,
        {
            "version": version.version,
            "changes": {k: [before[k], v] for k, v in after.items() if before[k] != v},
        },
    )
    return contract


@transaction.atomic
def file_contract(actor, contract: Contract, now: datetime | None = None) -> Contract:
    now = now or timezone.now()
    contract = _locked(contract)
    if not perms.can_record(actor, contract.item):
        raise PermissionDenied("只有委托机关经办人可以报备合同。")
    version = contract.current_version
    if version.filing_status not in (FilingStatus.RECORDED, FilingStatus.RETURNED):
        raise ValidationError(
            {"status": f"合同当前为“{version.get_filing_status_display()}”，不能报备。"}
        )
    version.file()
    version.filed_at = now
    version.first_filed_at = version.first_filed_at or now
    version.save()
    late = timezone.localdate(now) > version.filing_due_on
    record_event(
        actor,
        "contract.file",
        contract,
        {"version": version.version, "due_on": version.filing_due_on, "late": late},
    )
    notify(
        judicial_bureau_supervisors(contract.county_code),
        kind="reminder",
        title=f"待审查备案：{contract.number}（{contract.agency}）",
        link=f"/contracts/{contract.pk}/",
        dedupe_key=f"filing:{version.pk}:{version.filed_at.isoformat()}",
        county_code=contract.county_code,
    )
    return contract


@transaction.atomic
def accept_filing(actor, contract: Contract, now: datetime | None = None) -> Contract:
    now = now or timezone.now()
    contract = _locked(contract)
    if not perms.can_decide_filing(actor, contract):
        raise PermissionDenied("只有本县司法局可以审查合同备案。")
    version = contract.current_version
    if version.filing_status != FilingStatus.FILED:
        raise ValidationError({"status": "只有已报备的合同可以审查。"})
    version.accept()
    version.decided_at, version.decided_by, version.return_reason = now, actor, ""
    version.save()
    contract.accepted_version = version
    contract.save(update_fields=["accepted_version"])
    invalidate("contracts")  # scans judge terms and staff lists (visits.scancache)
    _filing_requests_done(version, now)
    record_event(actor, "contract.accept", contract, {"version": version.version})
    notify(
        users_of(contract.agency, [Role.AGENCY_OFFICER]),
        title=f"备案通过：{contract.number}",
        link=f"/contracts/{contract.pk}/",
        dedupe_key=f"filing-accepted:{version.pk}",
        county_code=contract.county_code,
    )
    return contract


@transaction.atomic
def return_filing(actor, contract: Contract, reason: str, now: datetime | None = None) -> Contract:
    now = now or timezone.now()
    contract = _locked(contract)
    if not perms.can_decide_filing(actor, contract):
        raise PermissionDenied("只有本县司法局可以审查合同备案。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明退回理由"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "退回理由不能超过 2000 字"})
    version = contract.current_version
    if version.filing_status != FilingStatus.FILED:
        raise ValidationError({"status": "只有已报备的合同可以退回。"})
    version.send_back()
    invalidate("contracts")
    _filing_requests_done(version, now)
    version.decided_at, version.decided_by, version.return_reason = now, actor, reason
    version.save()
    record_event(actor, "contract.return", contract, {"version": version.version, "reason": reason})
    notify(
        users_of(contract.agency, [Role.AGENCY_OFFICER]),
        kind="reminder",
        title=f"备案被退回：{contract.number}",
        body=reason,
        link=f"/contracts/{contract.pk}/",
        dedupe_key=f"filing-returned:{version.pk}:{now.isoformat()}",
        county_code=contract.county_code,
    )
    return contract


@transaction.atomic
def amend_contract(
    actor,
    contract: Contract,
    data: dict,
    pdf: bytes | None,
    note: str,
    pdf_name: str = "",
    now: datetime | None = None,
) -> Contract:
    """A change of amount, term or staff: a new version that must be filed and accepted again."""
    contract = _locked(contract)
    if not perms.can_record(actor, contract.item):
        raise PermissionDenied("只有委托机关经办人可以变更合同。")
    if contract.ended_at:
        raise ValidationError({"status": "合同已终止，不能变更。"})
    if contract.current_version.filing_status != FilingStatus.ACCEPTED:
        raise ValidationError({"status": "上一版本备案通过后才能提交变更。"})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"change_note": "请说明变更内容和原因"})
    clean = clean_contract(
        data, contract.item, pdf, contract=contract, today=timezone.localdate(now or timezone.now())
    )
    version = ContractVersion(
        contract=contract,
        version=contract.current_version.version + 1,
        kind=VersionKind.AMENDMENT,
        created_by=actor,
        change_note=note[:300],
    )
    before = _payload(contract.current_version)
    _fill(version, clean, pdf, pdf_name)
    contract.current_version = version
    contract.save(update_fields=["current_version"])
    after = _payload(version)
    record_event(
        actor,
        "contract.amend",
        contract,
        {
            "version": version.version,
            "note": version.change_note,
            "changes": {k: [before[k], v] for k, v in after.items() if before[k] != v},
        },
    )
    return contract


@transaction.atomic
def end_provider_contracts(
    actor, provider, reason: str, now: datetime | None = None
) -> list[Contract]:
    """End now every running contract of a provider (不满意退出: the judicial bureau's confirmed
    exit). The caller checks who may do it; each contract ends once, with its audit event."""
    now = now or timezone.now()
    ended = []
    for contract in Contract.objects.select_for_update().filter(
        provider=provider, ended_at__isnull=True
    ):
        claimed = Contract.objects.filter(pk=contract.pk, ended_at__isnull=True).update(
            ended_at=now
        )
        if claimed:
            contract.ended_at = now
            record_event(actor, "contract.end", contract, {"reason": reason, "ended_at": now})
            ended.append(contract)
    if ended:
        invalidate("contracts")  # scans judge the contract's state (visits.scancache)
    return ended

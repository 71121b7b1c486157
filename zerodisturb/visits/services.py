"""Visit actions: plan, join (综合查一次), scan, check in and out, record findings, close, cancel.

Check-in and check-out are conditional updates (… WHERE checked_in_at IS NULL), so a code scanned
twice, or by two phones at once, gives one check-in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.cachestamps import invalidate
from zerodisturb.commissioning.negative import negative_list_hits
from zerodisturb.contracts.models import Contract
from zerodisturb.credentials.models import Credential
from zerodisturb.credentials.services import credential_state
from zerodisturb.registry.choices import OrganisationKind, PersonKind
from zerodisturb.registry.models import CountyPolicy, Organisation, Person
from zerodisturb.registry.numbering import next_number
from zerodisturb.roles import Role
from zerodisturb.visits.choices import EXEMPT_KINDS, FindingKind, VisitKind, VisitStatus
from zerodisturb.visits.frequency import check_cap, frequency_warning
from zerodisturb.visits.models import (
    Visit,
    VisitDocument,
    VisitFinding,
    VisitOfficer,
    VisitParty,
    VisitPlan,
    VisitStaff,
)

MAX_WINDOW = timedelta(hours=12)


@dataclass
class PlanResult:
    visit: Visit
    warnings: list[str] = field(default_factory=list)


def _now(now):
    return now or timezone.now()


def joinable_visits(agency, enterprise, when: datetime):
    """Other agencies' pending visits to the same enterprise within the county's window."""
    days = CountyPolicy.for_county(enterprise.county_code).joint_window_days
    return (
        Visit.objects.filter(
            enterprise=enterprise,
            status=VisitStatus.PLANNED,
            window_start__gte=when - timedelta(days=days),
            window_start__lte=when + timedelta(days=days),
        )
        .exclude(parties__agency=agency)
        .distinct()
        .order_by("window_start", "pk")
    )


def _check_party(
    actor,
    contract: Contract,
    credentials: list[Credential],
    officers: list[Person],
    on,
    errors: dict[str, str],
) -> None:
    policy = CountyPolicy.for_county(contract.county_code)
    # Judge what the database holds now: a credential suspended a moment ago must not pass.
    for credential in credentials:
        credential.refresh_from_db()
    contract.refresh_from_db()
    if contract.agency_id != actor.organisation_id:
        errors["contract"] = "只能使用本机关的委托合同"
    elif not contract.in_force(on):
        errors["contract"] = (
            f"合同 {contract.number} 未备案通过、已终止或不在履行期内：未备案的合同不得派员入企"
        )
    if not credentials:
        errors["credentials"] = "请选择入企的辅助人员"
    for credential in credentials:
        state = credential_state(credential, on)
        if not state.valid:
            errors["credentials"] = f"{credential.number}：{state.message}"
        elif not credential.contracts.filter(pk=contract.pk).exists():
            errors["credentials"] = f"证件 {credential.number} 不属于合同 {contract.number}"
    if len(officers) < policy.officers_required:
        errors["officers"] = f"至少需要 {policy.officers_required} 名政府工作人员陪同"
    for officer in officers:
        if officer.kind != PersonKind.OFFICER or officer.organisation_id != actor.organisation_id:
            errors["officers"] = f"{officer.name} 不是本机关的政府工作人员"


class _OverCap(ValidationError):
    """Refused by the yearly cap: recorded after the rollback so the refusal can be counted."""

    def __init__(self, errors: dict, cap_payload: dict) -> None:
        super().__init__(errors)
        self.cap_payload = cap_payload


def plan_visit(actor, **kwargs) -> PlanResult:
    """Plan a visit; a refusal by the frequency cap is kept in the audit trail (visit.refused_cap)."""
    try:
        return _plan_visit(actor, **kwargs)
    except _OverCap as refusal:
        with transaction.atomic():
            record_event(actor, "visit.refused_cap", kwargs["enterprise"], refusal.cap_payload)
        raise ValidationError(refusal.message_dict) from None


@transaction.atomic
def _plan_visit(
    actor,
    *,
    enterprise: Organisation,
    kind: str,
    window_start: datetime,
    window_end: datetime,
    contract: Contract,
    credentials: list[Credential],
    officers: list[Person],
    purpose: str,
    reason: str = "",
    plan: VisitPlan | None = None,
    now: datetime | None = None,
) -> PlanResult:
    now = _now(now)
    if not (actor.is_authenticated and actor.role == Role.AGENCY_OFFICER):
        raise PermissionDenied("只有委托机关经办人可以安排入企。")
    # Lock the enterprise row: two officers planning at once cannot both take the last slot.
    enterprise = Organisation.objects.select_for_update().get(pk=enterprise.pk)
    errors: dict[str, str] = {}
    if (
        enterprise.kind != OrganisationKind.ENTERPRISE
        or enterprise.county_code != actor.county_code
    ):
        errors["enterprise"] = "请选择本县的企业"
    if kind not in VisitKind.values:
        errors["kind"] = "请选择入企类型"
    reason, purpose = (reason or "").strip(), (purpose or "").strip()
    if kind in EXEMPT_KINDS and not reason:
        errors["reason"] = "触发型入企须写明原因"
    if kind == VisitKind.PLANNED:
        if (
            plan is None
            or plan.agency_id != actor.organisation_id
            or (plan.year != timezone.localtime(window_start).year)
        ):
            errors["plan"] = "计划内入企须属于本机关本年度已批准的入企计划"
    if not purpose:
        errors["purpose"] = "请写明本次服务内容"
    elif hits := negative_list_hits(actor.county_code, purpose):
        errors["purpose"] = "；".join(h.message() for h in hits)
    if window_end <= window_start:
        errors["window_end"] = "结束时间应晚于开始时间"
    elif window_end - window_start > MAX_WINDOW:
        errors["window_end"] = "一次入企不超过 12 小时"
    if kind != VisitKind.EMERGENCY and window_start < now - timedelta(hours=1):
        errors["window_start"] = "不能补登已过去的入企（紧急情况除外）"
    on = timezone.localtime(window_start).date()
    _check_party(actor, contract, credentials, officers, on, errors)
    cap = check_cap(actor.organisation, enterprise, on, exempt=kind in EXEMPT_KINDS)
    if not cap.allowed:
        errors["enterprise"] = cap.message
    if errors:
        if not cap.allowed and set(errors) == {"enterprise"}:
            raise _OverCap(
                {k: [v] for k, v in errors.items()},
                {
                    "agency": actor.organisation_id,
                    "counted": cap.counted,
                    "cap": cap.cap,
                    "year": on.year,
                    "kind": kind,
                },
            )
        raise ValidationError({k: [v] for k, v in errors.items()})
    warnings = [w for w in (frequency_warning(enterprise, on),) if w]
    joinable = list(joinable_visits(actor.organisation, enterprise, window_start)[:5])
    if joinable:
        warnings.append(
            "可加入其他机关已安排的入企（综合查一次）："
            + "、".join(
                f"{v.number}（{timezone.localtime(v.window_start):%m-%d %H:%M}）" for v in joinable
            )
        )
    county = actor.county_code
    number = f"RQ-{county}-{on.year}-{next_number(f'RQ-{county}-{on.year}'):06d}"
    policy = CountyPolicy.for_county(county)
    visit = Visit.objects.create(
        county_code=county,
        number=number,
        enterprise=enterprise,
        kind=kind,
        reason=reason,
        plan=plan if kind == VisitKind.PLANNED else None,
        purpose=purpose,
        window_start=window_start,
        window_end=window_end,
        created_by=actor,
        completion_due_on=(
            on + timedelta(days=policy.emergency_completion_days)
            if kind == VisitKind.EMERGENCY
            else None
        ),
    )
    _add_party(actor, visit, contract, credentials, officers, lead=True)
    invalidate(f"visit:{visit.pk}")  # the scan's cached facts (visits.scancache)
    record_event(
        actor,
        "visit.plan",
        visit,
        {
            "enterprise": enterprise.pk,
            "kind": kind,
            "contract": contract.number,
            "credentials": [c.number for c in credentials],
            "officers": [o.pk for o in officers],
            "counted": cap.counted,
            "cap": cap.cap,
            "exempt": kind in EXEMPT_KINDS,
            "warnings": warnings,
        },
    )
    return PlanResult(visit, warnings)


def _add_party(actor, visit, contract, credentials, officers, lead: bool) -> VisitParty:
    party = VisitParty.objects.create(
        visit=visit,
        agency=actor.organisation,
        contract=contract,
        is_lead=lead,
        counts_for_cap=visit.kind not in EXEMPT_KINDS,
        year=timezone.localtime(visit.window_start).year,
        planned_by=actor,
    )
    VisitStaff.objects.bulk_create(
        VisitStaff(visit=visit, party=party, credential=c) for c in credentials
    )
    VisitOfficer.objects.bulk_create(
        VisitOfficer(visit=visit, party=party, person=o) for o in officers
    )
    return party


@transaction.atomic
def join_visit(
    actor,
    visit: Visit,
    *,
    contract: Contract,
    credentials: list[Credential],
    officers: list[Person],
    now: datetime | None = None,
) -> Visit:
    """综合查一次: another agency joins a pending visit: one entry for the enterprise."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not (
        actor.is_authenticated
        and actor.role == Role.AGENCY_OFFICER
        and actor.county_code == visit.county_code
    ):
        raise PermissionDenied("只有本县委托机关经办人可以加入入企。")
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError({"visit": "只能加入尚未开始的入企"})
    if visit.parties.filter(agency_id=actor.organisation_id).exists():
        raise ValidationError({"visit": "本机关已在该次入企中"})
    errors: dict[str, str] = {}
    on = timezone.localtime(visit.window_start).date()
    _check_party(actor, contract, credentials, officers, on, errors)
    already = VisitStaff.objects.filter(visit=visit, credential__in=credentials)
    if already.exists():
        numbers = "、".join(already.values_list("credential__number", flat=True))
        errors["credentials"] = f"证件 {numbers} 已在该次入企中，不能重复加入"
    cap = check_cap(actor.organisation, visit.enterprise, on, exempt=visit.is_exempt)
    if not cap.allowed:
        errors["visit"] = cap.message
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    _add_party(actor, visit, contract, credentials, officers, lead=False)
    invalidate(f"visit:{visit.pk}")
    record_event(
        actor,
        "visit.join",
        visit,
        {
            "agency": actor.organisation_id,
            "contract": contract.number,
            "credentials": [c.number for c in credentials],
        },
    )
    return visit


@transaction.atomic
def cancel_visit(actor, visit: Visit, reason: str) -> Visit:
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not visit.parties.filter(agency_id=actor.organisation_id, is_lead=True).exists() and not (
        actor.role == Role.SUPERVISOR and actor.county_code == visit.county_code
    ):
        raise PermissionDenied("只有牵头机关或司法局可以取消入企。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消原因"})
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError({"status": "只能取消尚未开始的入企"})
    visit.status, visit.cancelled_reason = VisitStatus.CANCELLED, reason[:300]
    visit.save(update_fields=["status", "cancelled_reason"])
    invalidate(f"visit:{visit.pk}")
    record_event(actor, "visit.cancel", visit, {"reason": reason})
    return visit


def _is_party_officer(actor, visit: Visit) -> bool:
    return bool(
        actor.is_authenticated
        and actor.person_id
        and visit.officers.filter(person_id=actor.person_id).exists()
    )


def can_confirm(actor, visit: Visit) -> bool:
    """The enterprise's own contact, or an accompanying officer, confirms arrival and departure."""
    if not actor.is_authenticated:
        return False
    if actor.role == Role.ENTERPRISE:
        return actor.organisation_id == visit.enterprise_id
    return _is_party_officer(actor, visit)


# What arrivals, departures and the gate change on a visit, re-read when another call won the race.
# Only these columns: re-reading all of them would also drop the enterprise already loaded.
_GATE_STATE = (
    "status",
    "valid_scan_at",
    "checked_in_at",
    "checked_in_by",
    "checked_out_at",
    "checked_out_by",
    "closed_at",
    "cancelled_reason",
)


@transaction.atomic
def check_in(actor, visit: Visit, now: datetime | None = None) -> tuple[Visit, bool]:
    """Confirm arrival after a valid scan. Returns (visit, whether this call checked it in)."""
    now = _now(now)
    if not can_confirm(actor, visit):
        raise PermissionDenied("只有该企业的联系人或陪同的政府工作人员可以确认到场。")
    if visit.checked_in_at is not None and visit.status != VisitStatus.CANCELLED:
        # Already checked in when read (an arrival is never undone): the other phones at the gate.
        return visit, False
    if visit.valid_scan_at is None:
        # The code may have been scanned after this visit was read.
        visit.valid_scan_at = (
            Visit.objects.filter(pk=visit.pk).values_list("valid_scan_at", flat=True).first()
        )
        if visit.valid_scan_at is None:
            raise ValidationError({"visit": "请先扫描服务人员手机上的有效二维码"})
    claimed = Visit.objects.filter(
        pk=visit.pk, checked_in_at__isnull=True, status=VisitStatus.PLANNED
    ).update(checked_in_at=now, checked_in_by=actor, status=VisitStatus.IN_PROGRESS)
    if claimed:
        # This UPDATE alone wrote these columns, so the row need not be read back.
        visit.checked_in_at, visit.checked_in_by = now, actor
        visit.status = VisitStatus.IN_PROGRESS
        invalidate(f"visit:{visit.pk}")
        record_event(actor, "visit.check_in", visit, {"at": now})
        return visit, True
    # Someone else checked it in, or it was cancelled: answer as it is.
    visit.refresh_from_db(fields=_GATE_STATE)
    if visit.status == VisitStatus.CANCELLED:
        raise ValidationError({"visit": "该次入企已取消"})
    return visit, False


@transaction.atomic
def check_out(actor, visit: Visit, now: datetime | None = None) -> tuple[Visit, bool]:
    now = _now(now)
    if not can_confirm(actor, visit):
        raise PermissionDenied("只有该企业的联系人或陪同的政府工作人员可以确认离场。")
    claimed = Visit.objects.filter(
        pk=visit.pk, checked_out_at__isnull=True, status=VisitStatus.IN_PROGRESS
    ).update(checked_out_at=now, checked_out_by=actor, status=VisitStatus.COMPLETED)
    if claimed:
        if visit.checked_in_at is None:
            visit.refresh_from_db(fields=_GATE_STATE)  # read before the check-in
        visit.checked_out_at, visit.checked_out_by = now, actor
        visit.status = VisitStatus.COMPLETED
        invalidate(f"visit:{visit.pk}")
        record_event(actor, "visit.check_out", visit, {"at": now})
        return visit, True
    visit.refresh_from_db(fields=_GATE_STATE)
    if visit.checked_in_at is None:
        raise ValidationError({"visit": "尚未确认到场，不能确认离场"})
    return visit, False


def _lead_officer(actor, visit: Visit) -> bool:
    return bool(
        actor.is_authenticated
        and actor.role == Role.AGENCY_OFFICER
        and visit.parties.filter(agency_id=actor.organisation_id).exists()
    )


@transaction.atomic
def add_finding(actor, visit: Visit, kind: str, text: str) -> VisitFinding:
    if not _lead_officer(actor, visit):
        raise PermissionDenied("只有参与入企的委托机关可以记录发现。")
    text = (text or "").strip()
    errors = {}
    if kind not in FindingKind.values:
        errors["kind"] = "只能记录风险提示或技术建议"
    if not text:
        errors["text"] = "请填写内容"
    elif len(text) > 5000:
        errors["text"] = "内容不能超过 5000 字"
    elif hits := negative_list_hits(visit.county_code, text):
        errors["text"] = "第三方意见不能是执法结论：" + "；".join(h.message() for h in hits)
    if visit.status not in (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED):
        errors["visit"] = "只能在入企期间或离场后、办结前记录"
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    finding = VisitFinding.objects.create(visit=visit, kind=kind, text=text, created_by=actor)
    record_event(actor, "visit.finding", visit, {"kind": kind, "finding": finding.pk})
    return finding


@transaction.atomic
def attach_document(actor, visit: Visit, name: str, data: bytes) -> VisitDocument:
    if not _lead_officer(actor, visit):
        raise PermissionDenied("只有参与入企的委托机关可以上传资料。")
    if not data:
        raise ValidationError({"file": "请选择文件"})
    if len(data) > 20 * 1024 * 1024:
        raise ValidationError({"file": "文件不能超过 20 MB"})
    digest = hashlib.sha256(data).hexdigest()
    document = VisitDocument(
        visit=visit, name=(name or "资料")[:200], sha256=digest, uploaded_by=actor
    )
    document.file.save(f"{visit.number}-{digest[:12]}", ContentFile(data), save=True)
    record_event(actor, "visit.document", visit, {"name": document.name, "sha256": digest})
    return document


@transaction.atomic
def close_visit(actor, visit: Visit, now: datetime | None = None) -> Visit:
    now = _now(now)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not visit.parties.filter(agency_id=actor.organisation_id, is_lead=True).exists() or (
        actor.role != Role.AGENCY_OFFICER
    ):
        raise PermissionDenied("只有牵头机关经办人可以办结入企。")
    if visit.status != VisitStatus.COMPLETED:
        raise ValidationError({"status": "离场确认后才能办结"})
    visit.status, visit.closed_at = VisitStatus.CLOSED, now
    visit.save(update_fields=["status", "closed_at"])
    invalidate(f"visit:{visit.pk}")
    record_event(actor, "visit.close", visit, {"findings": visit.findings.count()})
    return visit


@transaction.atomic
def approve_visit_plan(actor, agency: Organisation, year: int, title: str) -> VisitPlan:
    if not (
        actor.is_authenticated
        and actor.role == Role.SUPERVISOR
        and actor.county_code == agency.county_code
    ):
        raise PermissionDenied("入企计划由本县司法局批准。")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写计划名称"})
    if not agency.is_agency:
        raise ValidationError({"agency": "只能为委托机关批准入企计划"})
    plan = VisitPlan.objects.create(
        county_code=agency.county_code,
        agency=agency,
        year=year,
        title=title[:120],
        approved_by=actor,
    )
    record_event(actor, "visit_plan.approve", plan, {"agency": agency.pk, "year": year})
    return plan

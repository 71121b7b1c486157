"""What a scan of a visit code shows the enterprise, and the log of every scan.

A code is good only if: the signature is ours and the slot is fresh; the visit exists, is today,
not cancelled or ended; the credential belongs to the visit and is valid; its contract is filed,
accepted and in force; and, when an enterprise user scans, the visit is to that enterprise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from zerodisturb.contracts.models import Contract
from zerodisturb.credentials.models import Credential
from zerodisturb.credentials.services import credential_state
from zerodisturb.credentials.tokens import TokenRefused, verify
from zerodisturb.roles import Role
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import ScanLog, Visit, VisitStaff


@dataclass
class ScanResult:
    valid: bool
    code: str
    message: str
    visit: Visit | None = None
    credential: Credential | None = None
    assignment: VisitStaff | None = None


def _check(token: str, now: datetime, actor) -> ScanResult:
    try:
        claims = verify(token, now)
    except TokenRefused as refused:
        result = ScanResult(False, refused.code, refused.message)
        if refused.claims:  # genuine but stale: log it against its visit (a screenshot, usually)
            result.visit = Visit.objects.filter(pk=refused.claims.visit_id).first()
            result.credential = Credential.objects.filter(pk=refused.claims.credential_id).first()
        return result
    # One query for the assignment and everything the checks read, one for the credential's
    # contracts: the scan is the hot path at the gate.
    assignment = (
        VisitStaff.objects.select_related(
            "visit__enterprise",
            "credential__person",
            "credential__provider",
            "party__contract__item",
            "party__contract__accepted_version",
            "party__agency",
        )
        .prefetch_related(
            Prefetch(
                "credential__contracts",
                queryset=Contract.objects.select_related("accepted_version")
                .prefetch_related("accepted_version__staff")
                .order_by(),
            )
        )
        .filter(visit_id=claims.visit_id, credential_id=claims.credential_id)
        .order_by()
        .first()
    )
    if assignment is None:
        visit = Visit.objects.filter(pk=claims.visit_id).first()
        return ScanResult(False, "unknown_visit", "找不到对应的入企安排", visit)
    visit = assignment.visit
    credential = assignment.credential
    result = ScanResult(False, "", "", visit, credential, assignment)
    today = timezone.localdate(now)
    state = credential_state(credential, today)
    if visit.status == VisitStatus.CANCELLED:
        result.code, result.message = "cancelled", "该次入企已取消"
    elif visit.status in (VisitStatus.COMPLETED, VisitStatus.CLOSED):
        result.code, result.message = "visit_ended", "该次入企已结束，二维码不能再次使用"
    elif timezone.localtime(visit.window_start).date() != today:
        result.code = "visit_not_today"
        result.message = f"入企安排在 {timezone.localtime(visit.window_start):%Y-%m-%d}，不是今天"
    elif (
        actor is not None
        and actor.is_authenticated
        and actor.role == Role.ENTERPRISE
        and (actor.organisation_id != visit.enterprise_id)
    ):
        result.code, result.message = (
            "wrong_enterprise",
            f"该二维码是到 {visit.enterprise} 的入企，不是贵企业",
        )
    elif not assignment.party.contract.in_force(today):
        # Before the credential: an ended contract also makes the credential invalid, and the
        # enterprise should be told it is the contract (contract_not_filed), not the person.
        result.code, result.message = "contract_not_filed", "委托合同未备案通过或不在履行期内"
    elif not state.valid:
        result.code, result.message = state.code, state.message
    else:
        result.valid, result.code, result.message = True, "valid", "有效：可以入企"
    return result


def scan(token: str, now: datetime | None = None, actor=None) -> ScanResult:
    """Check a scanned code, log the scan, and mark the visit's code as shown when valid."""
    now = now or timezone.now()
    result = _check(token or "", now, actor)
    with transaction.atomic():
        ScanLog.objects.create(
            county_code=result.visit.county_code if result.visit else "",
            visit=result.visit,
            credential=result.credential,
            valid=result.valid,
            code=result.code,
            message=result.message[:200],
            token_hash=hashlib.sha256((token or "").encode("utf-8", "replace")).hexdigest(),
            scanned_by=actor if actor is not None and actor.is_authenticated else None,
            scanned_at=now,
        )
        if result.valid and result.visit.valid_scan_at is None:
            Visit.objects.filter(pk=result.visit.pk, valid_scan_at__isnull=True).update(
                valid_scan_at=now
            )
    return result

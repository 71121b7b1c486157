"""Overdue filings (备案): an alert to the agency and to the judicial bureau, once per version."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.contracts.choices import FilingStatus
from zerodisturb.contracts.models import ContractVersion
from zerodisturb.notifications.services import judicial_bureau_supervisors, notify, users_of
from zerodisturb.once import process_once
from zerodisturb.roles import Role


def overdue_filings(now: datetime):
    return ContractVersion.objects.filter(
        filing_status__in=(FilingStatus.RECORDED, FilingStatus.RETURNED),
        filing_due_on__lt=timezone.localdate(now),
        overdue_notified_at__isnull=True,
        contract__ended_at__isnull=True,
    ).select_related("contract", "contract__agency")


def process_overdue_filings(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return process_once(
        overdue_filings(now),
        claim_field="overdue_notified_at",
        now=now,
        act=_chase_filing,
        order_by=("filing_due_on", "pk"),
    )


def _chase_filing(version) -> None:
    contract = version.contract
    record_event(
        None,
        "contract.filing_overdue",
        contract,
        {"version": version.version, "due_on": version.filing_due_on},
    )
    link = f"/contracts/{contract.pk}/"
    notify(
        users_of(contract.agency, [Role.AGENCY_OFFICER]),
        kind="alert",
        sms=True,
        title=f"合同备案已逾期：{contract.number}",
        link=link,
        body=f"备案截止日 {version.filing_due_on:%Y-%m-%d}。未备案的合同不得派员入企。",
        dedupe_key=f"filing-overdue:{version.pk}",
        county_code=contract.county_code,
    )
    notify(
        judicial_bureau_supervisors(contract.county_code),
        kind="alert",
        link=link,
        title=f"预警：{contract.agency} 合同 {contract.number} 逾期未备案",
        dedupe_key=f"filing-overdue-alert:{version.pk}",
        county_code=contract.county_code,
    )

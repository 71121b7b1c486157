"""Input and output schemas of the visits API: one input schema per action."""

from datetime import datetime

from django.utils import timezone
from ninja import Schema

from zerodisturb.visits.selectors import shown_lists


# The rows of these three lists come from selectors.shown_lists, already shaped as below.
class PartyOut(Schema):
    agency_id: int
    agency: str
    contract: str
    is_lead: bool
    counts_for_cap: bool


class StaffOut(Schema):
    credential_id: int
    credential_number: str
    name: str
    provider: str


class OfficerOut(Schema):
    person_id: int
    name: str
    agency: str


class FindingOut(Schema):
    id: int
    kind: str
    kind_label: str
    text: str
    created_at: datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class VisitOut(Schema):
    id: int
    number: str
    county_code: str
    enterprise_id: int
    enterprise: str
    kind: str
    kind_label: str
    reason: str
    plan_id: int | None
    purpose: str
    window_start: datetime
    window_end: datetime
    status: str
    status_label: str
    is_joint: bool
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    valid_scan_at: datetime | None
    closed_at: datetime | None
    cancelled_reason: str
    created_at: datetime

    @staticmethod
    def resolve_enterprise(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class VisitDetailOut(VisitOut):
    parties: list[PartyOut]
    staff: list[StaffOut]
    officers: list[OfficerOut]
    findings: list[FindingOut]

    @staticmethod
    def resolve_is_joint(obj) -> bool:
        return len(shown_lists(obj).parties) > 1

    @staticmethod
    def resolve_parties(obj):
        return shown_lists(obj).parties

    @staticmethod
    def resolve_staff(obj):
        return shown_lists(obj).staff

    @staticmethod
    def resolve_officers(obj):
        return shown_lists(obj).officers

    @staticmethod
    def resolve_findings(obj):
        return shown_lists(obj).findings


class PlanOut(Schema):
    visit: VisitDetailOut
    warnings: list[str]


class ConfirmOut(Schema):
    visit: VisitDetailOut
    already: bool


class CodeOut(Schema):
    token: str
    url: str
    credential_number: str
    slot_seconds: int
    expires_at: datetime


class VisitFilter(Schema):
    status: str = ""
    enterprise: int | None = None
    date: str = ""


class PartyIn(Schema):
    contract: int
    credentials: list[int]
    officers: list[int] = []


class PlanIn(PartyIn):
    enterprise: int
    kind: str
    window_start: datetime
    window_end: datetime
    purpose: str = ""
    reason: str = ""
    plan: int | None = None

    def window(self) -> tuple[datetime, datetime]:
        # A time without an offset is county time, as the officer means it.
        tz = timezone.get_current_timezone()
        return tuple(
            t if timezone.is_aware(t) else timezone.make_aware(t, tz)
            for t in (self.window_start, self.window_end)
        )


class JoinableQuery(Schema):
    enterprise: int
    when: datetime


class ReasonIn(Schema):
    reason: str = ""


class FindingIn(Schema):
    kind: str = ""
    text: str = ""

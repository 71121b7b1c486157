"""What the enterprise sees when it scans a visit code (亮码入企): no login, rate limited.

Staff and officers appear with masked names only; no ID or phone numbers, ever.
"""

from datetime import datetime

from django.utils import timezone
from ninja import Router, Schema

from zerodisturb.commissioning.models import ItemVersion
from zerodisturb.credentials.public_api import throttle
from zerodisturb.visits.models import VisitOfficer, VisitStaff
from zerodisturb.visits.scanning import ScanResult, scan

router = Router(tags=["公示"], auth=None)

MAY_NOT = [
    "出具检查结论或执法文书",
    "下达整改指令、提出处罚建议",
    "在没有政府工作人员陪同时单独检查",
    "推销产品、服务或指定中介，收取任何费用",
]
RIGHTS = [
    "有权拒绝没有出示有效二维码的人员入企",
    "有权要求核对陪同的政府工作人员身份",
    "有权拒绝与本次服务内容无关的要求",
    "入企结束后可以评价，对违规行为可以投诉",
]


class PublicStaffOut(Schema):
    credential_number: str
    masked_name: str
    provider: str


class PublicOfficerOut(Schema):
    masked_name: str
    agency: str


class ScanOut(Schema):
    valid: bool
    code: str
    message: str
    visit_number: str | None = None
    enterprise: str | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    agency: str | None = None
    item: str | None = None
    contract: str | None = None
    legal_basis: str | None = None
    staff: list[PublicStaffOut] = []
    officers: list[PublicOfficerOut] = []
    may: list[str] = []
    may_not: list[str] = MAY_NOT
    rights: list[str] = RIGHTS


def _details(result: ScanResult) -> dict:
    visit, assignment = result.visit, result.assignment
    contract = assignment.party.contract
    version = ItemVersion.objects.only("title", "legal_basis").get(
        pk=contract.item.current_version_id
    )
    staff = VisitStaff.objects.filter(visit=visit).select_related(
        "credential__person", "credential__provider"
    )
    officers = VisitOfficer.objects.filter(visit=visit).select_related("person", "party__agency")
    return {
        "visit_number": visit.number,
        "enterprise": visit.enterprise.name,
        "window_start": timezone.localtime(visit.window_start),
        "window_end": timezone.localtime(visit.window_end),
        "agency": assignment.party.agency.name,
        "item": f"{contract.item.number} {version.title}",
        "contract": contract.number,
        "legal_basis": version.legal_basis,
        "staff": [
            {
                "credential_number": s.credential.number,
                "masked_name": s.credential.person.masked_name,
                "provider": s.credential.provider.name,
            }
            for s in staff.order_by("pk")
        ],
        "officers": [
            {"masked_name": o.person.masked_name, "agency": o.party.agency.name}
            for o in officers.order_by("pk")
        ],
        "may": [visit.purpose, result.credential.scope],
    }


@router.get("/{token}", response=ScanOut, summary="扫码核验入企二维码（无需登录）")
def scan_code(request, token: str):
    throttle(request, "scan")
    actor = request.user if request.user.is_authenticated else None
    result = scan(token, actor=actor)
    body = {"valid": result.valid, "code": result.code, "message": result.message}
    if result.assignment is not None:
        body |= _details(result)
    return body

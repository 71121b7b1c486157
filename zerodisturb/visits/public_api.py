"""What the enterprise sees when it scans a visit code (亮码入企): no login, rate limited.

Staff and officers appear with masked names only; no ID or phone numbers, ever.
"""

import json
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from ninja import Router, Schema
from ninja.responses import NinjaJSONEncoder

from zerodisturb.credentials.public_api import throttle
from zerodisturb.visits.scanning import scan

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


VERDICT = ("valid", "code", "message")
# ScanFacts.built -> the answer without its verdict, as the JSON ninja would render from ScanOut,
# encoded, without its opening brace: b' "visit_number": …}'.
_rendered: dict[str, bytes] = {}


# ScanOut's fields after the verdict, in order, with their defaults.
_ANSWER = [(name, f.default) for name, f in ScanOut.model_fields.items() if name not in VERDICT]


def _answer_json(built: str, answer: dict) -> bytes:
    tail = _rendered.get(built)
    if tail is None:
        # The facts are typed already (scancache builds them from the models): the fields in
        # ScanOut's order, as model_dump() would give them, without validating them again (a
        # tenth of a millisecond on every visit's first scan). The test compares with ScanOut.
        data = {name: answer.get(name, default) for name, default in _ANSWER}
        text = json.dumps(data, cls=NinjaJSONEncoder)
        tail = b", " + text[1:].encode()
        if len(_rendered) >= 512:
            _rendered.clear()
        _rendered[built] = tail
    return tail


@router.get("/{token}", response=ScanOut, summary="扫码核验入企二维码（无需登录）")
def scan_code(request, token: str) -> HttpResponse:
    """Served by zerodisturb.api.direct_get (urls.py) ahead of ninja's dispatch; ninja documents
    it. It answers JSON itself, exactly as ninja would render ScanOut."""
    throttle(request, "scan")
    # Only a signed-in visitor (the enterprise, an escort) is judged as an actor; a phone camera
    # opening the link carries no session cookie, and then the session is not even loaded.
    actor = None
    if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
        actor = request.user
    result = scan(token, actor=actor)
    verdict = {"valid": result.valid, "code": result.code, "message": result.message}
    if result.answer is None:
        body = json.dumps(ScanOut.model_validate(verdict).model_dump(), cls=NinjaJSONEncoder)
        return HttpResponse(body, content_type="application/json; charset=utf-8")
    # The answer's part is the same for every scan of this (visit, credential), so it is
    # rendered once (in ScanOut's field order, as ninja would: _answer_json) and only the verdict
    # (plain strings and a bool: the standard encoder writes them as ninja's does) is added per
    # scan.
    head = json.dumps(verdict).encode()[:-1]
    body = head + _answer_json(result.answer_built, result.answer)
    return HttpResponse(body, content_type="application/json; charset=utf-8")

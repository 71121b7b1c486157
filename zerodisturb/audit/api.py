from datetime import datetime

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from zerodisturb.api import Page
from zerodisturb.audit.permissions import scoped_report
from zerodisturb.audit.verify import verify_chain
from zerodisturb.audit.views import filtered_events

router = Router(tags=["审计"])


class EventOut(Schema):
    seq: int
    occurred_at: datetime
    actor_label: str
    organisation_label: str
    county_code: str
    action: str
    object_type: str
    object_id: str
    object_number: str
    payload: dict
    request_id: str
    prev_hash: str
    hash: str


class EventFilter(Schema):
    action: str = ""
    object_type: str = ""
    object_number: str = ""
    actor_label: str = ""


class VerifyOut(Schema):
    ok: bool
    checked: int
    broken_seq: int | None
    message: str


@router.get("/events", response=list[EventOut], summary="审计事件（新的在前）")
@paginate(Page)
def events(request, filters: Query[EventFilter]):
    if not request.user.has_perm("audit.view_trail"):
        raise PermissionDenied("只有司法局、监督部门和系统管理员可以查看审计日志。")
    return filtered_events(request.user, filters.dict())


@router.get("/verify", response=VerifyOut, summary="校验审计哈希链")
def verify(request):
    if not request.user.has_perm("audit.verify_chain"):
        raise PermissionDenied("无权校验审计链。")
    report = scoped_report(request.user, verify_chain())
    return {
        "ok": report.ok,
        "checked": report.checked,
        "broken_seq": report.broken_seq,
        "message": report.message(),
    }

"""JSON API for complaints (投诉): list, detail, file, act; and the public's file/status/act
endpoints without login (rate limited). Load, call the service, serialise; no rule lives here.

Lists carry no complainant identity; the detail's `complainant` block applies the same anonymity
(providers) and phone masking as the pages (selectors.complainant).
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from zerodisturb import ratelimit
from zerodisturb.api import Page
from zerodisturb.commissioning.api import named_fields
from zerodisturb.complaints import permissions as perms
from zerodisturb.complaints import selectors, services
from zerodisturb.complaints.choices import ComplaintCategory
from zerodisturb.complaints.escalation import any_overdue_q
from zerodisturb.complaints.limits import FILE_WINDOW, check_limit, file_limit
from zerodisturb.complaints.models import Complaint
from zerodisturb.credentials.models import Credential
from zerodisturb.registry.models import Organisation
from zerodisturb.visits.models import Visit

router = Router(tags=["投诉"])

FIELD_LABELS = {
    "category": "投诉类别",
    "text": "内容",
    "visit": "入企服务",
    "credential": "辅助人员",
    "provider": "第三方机构",
    "agency": "委托机关",
    "note": "说明",
    "reason": "理由",
    "substantiated": "认定",
    "rating": "评价",
    "rating_text": "评价说明",
    "phone": "手机号码",
    "name": "姓名",
    "about": "涉及单位",
    "county": "县（市、区）",
    "status": "状态",
}


class OrgRef(Schema):
    id: int
    name: str


class ComplaintOut(Schema):
    id: int
    number: str
    county_code: str
    channel: str
    category: str
    status: str
    status_label: str
    received_at: datetime
    ack_due_on: date
    reply_due_on: date
    close_due_on: date
    acknowledged_at: datetime | None
    first_reply_at: datetime | None
    closed_at: datetime | None
    escalated_at: datetime | None
    routed_to: OrgRef | None
    agency: OrgRef | None
    provider: OrgRef | None
    substantiated: bool | None
    decided_at: datetime | None
    reopen_count: int
    rating: int | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj["status_label"] if isinstance(obj, dict) else obj.get_status_display()


class EntryOut(Schema):
    kind: str
    label: str
    text: str
    who: str
    at: datetime


class ComplainantOut(Schema):
    shown: bool
    channel: str
    enterprise: str
    name: str
    phone: str


class ComplaintDetailOut(ComplaintOut):
    text: str
    public_about: str
    visit_number: str | None
    credential_number: str | None
    provider_reply: str
    provider_replied_at: datetime | None
    provider_reply_due_on: date | None
    decision_note: str
    complainant_confirmed_at: datetime | None
    rating_text: str
    complainant: ComplainantOut
    entries: list[EntryOut]
    actions: list[str]


class ComplaintFilter(Schema):
    status: str | None = None
    overdue: bool = False


class ComplaintIn(Schema):
    category: str = Field(..., description="投诉类别：" + "、".join(ComplaintCategory.values))
    text: str
    visit: int | None = None
    credential: int | None = None
    provider: int | None = None
    agency: int | None = None


class ActIn(Schema):
    text: str = ""
    note: str = ""
    reason: str = ""
    substantiated: bool | None = None
    agency: int | None = None
    rating: int | None = None


class PublicIn(Schema):
    county_code: str = Field(..., max_length=6)
    phone: str = Field(..., max_length=20)
    text: str
    name: str = ""
    about: str = ""
    category: str = ComplaintCategory.OTHER.value


class PublicCheckIn(Schema):
    number: str = Field(..., max_length=30)
    phone: str = Field(..., max_length=20)


class PublicActIn(PublicCheckIn):
    reason: str = ""
    rating: int | None = None
    text: str = ""


class PublicReceiptOut(Schema):
    number: str
    status: str
    received_at: datetime
    ack_due_on: date
    close_due_on: date


class PublicStatusOut(Schema):
    number: str
    status: str
    status_label: str
    received_at: datetime
    routed_to: str
    ack_due_on: date
    reply_due_on: date
    close_due_on: date
    substantiated: bool | None
    decision_note: str
    rating: int | None
    entries: list[EntryOut]
    actions: list[str]


def _complaint(request, complaint_id: int) -> Complaint:
    return get_object_or_404(perms.visible_complaints(request.user), pk=complaint_id)


def _detail(request, complaint: Complaint) -> dict:
    user = request.user
    c = Complaint.objects.select_related(
        "routed_to", "agency", "provider", "enterprise", "visit", "credential", "complainant"
    ).get(pk=complaint.pk)
    own = perms.is_complainant(user, c)
    return {
        **{name: getattr(c, name) for name in ComplaintOut.model_fields if hasattr(c, name)},
        "status_label": c.get_status_display(),
        "text": c.text,
        "public_about": c.public_about,
        # The provider knows where each of its visits went: the number would name the complainant.
        "visit_number": c.visit.number if c.visit and perms.sees_complainant(user, c) else None,
        "credential_number": c.credential.number if c.credential else None,
        "provider_reply": "" if own else c.provider_reply,
        "provider_replied_at": c.provider_replied_at,
        "provider_reply_due_on": c.provider_reply_due_on,
        "decision_note": c.decision_note,
        "complainant_confirmed_at": c.complainant_confirmed_at,
        "rating_text": c.rating_text,
        "complainant": selectors.complainant(c, user).__dict__,
        "entries": [e.__dict__ for e in selectors.timeline(c, user)],
        "actions": sorted(perms.available_actions(user, c)),
    }


@router.get("", response=list[ComplaintOut], summary="投诉列表（按角色限定范围，不含投诉人信息）")
@paginate(Page)
def list_complaints(request, filters: Query[ComplaintFilter]):
    qs = perms.visible_complaints(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(any_overdue_q(timezone.localdate()))
    return qs


@router.post(
    "", response={201: ComplaintDetailOut}, summary="企业提交投诉（转委托机关或司法局分办）"
)
def file_complaint(request, payload: ComplaintIn):
    user = request.user
    if not perms.can_complain(user):
        raise PermissionDenied("只有企业联系人可以在此提交投诉。")
    org, county = user.organisation, user.county_code

    def pick(model_qs, pk, field):
        if pk is None:
            return None
        found = model_qs.filter(pk=pk).first()
        if found is None:
            raise ValidationError({field: [f"{FIELD_LABELS[field]}：不存在或不可选"]})
        return found

    with named_fields(FIELD_LABELS):
        complaint = services.create_complaint(
            user,
            category=payload.category,
            text=payload.text,
            visit=pick(Visit.objects.filter(enterprise=org), payload.visit, "visit"),
            credential=pick(
                Credential.objects.filter(county_code=county), payload.credential, "credential"
            ),
            provider=pick(
                Organisation.objects.filter(county_code=county), payload.provider, "provider"
            ),
            agency=pick(Organisation.objects.filter(county_code=county), payload.agency, "agency"),
        )
    return Status(201, _detail(request, complaint))


@router.get(
    "/{int:complaint_id}",
    response=ComplaintDetailOut,
    summary="投诉详情：办理经过、时限、可办理的操作",
)
def get_complaint(request, complaint_id: int):
    return _detail(request, _complaint(request, complaint_id))


ACTIONS = {
    "acknowledge": lambda u, c, p: services.acknowledge_complaint(u, c),
    "reply": lambda u, c, p: services.reply_to_complainant(u, c, text=p.text),
    "request_provider_reply": lambda u, c, p: services.request_provider_reply(u, c, note=p.note),
    "provider_reply": lambda u, c, p: services.answer_as_provider(u, c, text=p.text),
    "decide": lambda u, c, p: services.decide_complaint(
        u, c, substantiated=p.substantiated, note=p.note
    ),
    "close": lambda u, c, p: services.close_complaint(u, c, text=p.text),
    "confirm": lambda u, c, p: services.confirm_closure(u, c),
    "reopen": lambda u, c, p: services.reopen_complaint(u, c, reason=p.reason),
    "rate": lambda u, c, p: services.rate_handling(u, c, rating=p.rating, text=p.text),
}


@router.post(
    "/{int:complaint_id}/actions/{action}",
    response=ComplaintDetailOut,
    summary="办理投诉：acknowledge 受理、reply 答复、request_provider_reply 请机构陈述、"
    "provider_reply 机构陈述、decide 认定、close 办结、reroute 转办、confirm 确认、"
    "reopen 不认可、rate 评价",
)
def act(request, complaint_id: int, action: str, payload: ActIn):
    complaint = _complaint(request, complaint_id)
    with named_fields(FIELD_LABELS):
        if action == "reroute":
            agency = Organisation.objects.filter(
                pk=payload.agency or 0, county_code=complaint.county_code, is_agency=True
            ).first()
            services.reroute_complaint(
                request.user, complaint, agency=agency, reason=payload.reason
            )
        elif action in ACTIONS:
            ACTIONS[action](request.user, complaint, payload)
        else:
            raise Http404
    return _detail(request, complaint)


# ---- the public, without login -----------------------------------------------------------------


def _throttle(request, scope: str, limit: int, window: int = 60) -> None:
    if not ratelimit.allow(scope, ratelimit.client_key(request), limit, window):
        raise HttpError(429, "提交或查询过于频繁，请稍后再试。")


def _public_status(complaint: Complaint) -> dict:
    c = complaint
    return {
        "number": c.number,
        "status": c.status,
        "status_label": c.get_status_display(),
        "received_at": c.received_at,
        "routed_to": str(c.routed_to or ""),
        "ack_due_on": c.ack_due_on,
        "reply_due_on": c.reply_due_on,
        "close_due_on": c.close_due_on,
        "substantiated": c.substantiated,
        "decision_note": c.decision_note,
        "rating": c.rating,
        "entries": [e.__dict__ for e in selectors.timeline(c, selectors.PUBLIC)],
        "actions": sorted(perms.complainant_actions(c)),
    }


def _public_complaint(request, payload: PublicCheckIn) -> Complaint:
    _throttle(request, "complaint_status", check_limit())
    complaint = services.find_public_complaint(payload.number, payload.phone)
    if complaint is None:
        raise Http404
    return complaint


@router.post(
    "/public",
    auth=None,
    response={201: PublicReceiptOut},
    summary="社会公众投诉（无需登录，限频）：返回投诉编号",
)
def public_file(request, payload: PublicIn):
    _throttle(request, "complaint_file", file_limit(), FILE_WINDOW)
    with named_fields(FIELD_LABELS):
        complaint = services.create_public_complaint(
            county_code=payload.county_code,
            phone=payload.phone,
            text=payload.text,
            name=payload.name,
            about=payload.about,
            category=payload.category,
        )
    return Status(201, complaint)


@router.post(
    "/public/status",
    auth=None,
    response=PublicStatusOut,
    summary="凭投诉编号和手机号查询办理进度（无需登录，限频）",
)
def public_status(request, payload: PublicCheckIn):
    return _public_status(_public_complaint(request, payload))


@router.post(
    "/public/actions/{action}",
    auth=None,
    response=PublicStatusOut,
    summary="投诉人确认办结（confirm）、不认可（reopen）或评价（rate）",
)
def public_act(request, action: str, payload: PublicActIn):
    complaint = _public_complaint(request, payload)
    phone = payload.phone
    with named_fields(FIELD_LABELS):
        if action == "confirm":
            services.confirm_closure(None, complaint, phone=phone)
        elif action == "reopen":
            services.reopen_complaint(None, complaint, reason=payload.reason, phone=phone)
        elif action == "rate":
            services.rate_handling(
                None, complaint, rating=payload.rating, text=payload.text, phone=phone
            )
        else:
            raise Http404
    complaint.refresh_from_db()
    return _public_status(complaint)

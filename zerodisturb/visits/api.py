"""JSON API for visits (入企服务): load, call the service, serialise. No rule lives here."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from zerodisturb.api import Page
from zerodisturb.commissioning.api import named_fields
from zerodisturb.contracts.permissions import visible_contracts
from zerodisturb.credentials import tokens
from zerodisturb.credentials.models import Credential
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.registry.models import Organisation, Person
from zerodisturb.roles import Role
from zerodisturb.visits import services
from zerodisturb.visits.models import Visit, VisitPlan, VisitStaff
from zerodisturb.visits.permissions import visible_visits
from zerodisturb.visits.schemas import (
    CodeOut,
    ConfirmOut,
    FindingIn,
    FindingOut,
    JoinableQuery,
    PartyIn,
    PlanIn,
    PlanOut,
    ReasonIn,
    VisitDetailOut,
    VisitFilter,
    VisitOut,
)

router = Router(tags=["入企服务"])

FIELD_LABELS = {
    "enterprise": "企业",
    "kind": "入企类型",
    "reason": "原因",
    "plan": "入企计划",
    "purpose": "服务内容",
    "window_start": "计划开始",
    "window_end": "计划结束",
    "contract": "委托合同",
    "credentials": "辅助人员",
    "officers": "陪同人员",
    "text": "内容",
    "visit": "入企",
    "status": "状态",
}


def _visit(request, visit_id: int) -> Visit:
    return get_object_or_404(visible_visits(request.user), pk=visit_id)


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError({field: [f"{FIELD_LABELS[field]}：{message}"]})


def _party(request, payload: PartyIn) -> dict:
    """The contract, credentials and officers named by id, each looked up in the caller's county."""
    county = request.user.county_code
    contract = visible_contracts(request.user).filter(pk=payload.contract).first()
    credentials = list(Credential.objects.filter(county_code=county, pk__in=payload.credentials))
    officers = list(Person.objects.filter(county_code=county, pk__in=payload.officers))
    if contract is None:
        raise _refused("contract", "合同不存在或不是本机关的合同")
    if len(credentials) != len(set(payload.credentials)):
        raise _refused("credentials", "证件不存在")
    if len(officers) != len(set(payload.officers)):
        raise _refused("officers", "人员不存在")
    return {"contract": contract, "credentials": credentials, "officers": officers}


@router.get("", response=list[VisitOut], summary="入企列表（按角色限定范围）")
@paginate(Page)
def list_visits(request, filters: Query[VisitFilter]):
    qs = visible_visits(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.date:
        try:
            qs = qs.filter(window_start__date=datetime.strptime(filters.date, "%Y-%m-%d").date())
        except ValueError:
            raise ValidationError({"date": ["日期：格式应为 YYYY-MM-DD"]}) from None
    return qs.order_by("-window_start", "-pk")


@router.post("", response={201: PlanOut}, summary="安排入企（返回入企与频次、综合查一次提示）")
def plan(request, payload: PlanIn):
    if request.user.role != Role.AGENCY_OFFICER:
        raise PermissionDenied("只有委托机关经办人可以安排入企。")
    county = request.user.county_code
    enterprise = Organisation.objects.filter(
        pk=payload.enterprise, county_code=county, kind=OrganisationKind.ENTERPRISE
    ).first()
    if enterprise is None:
        raise _refused("enterprise", "请选择本县的企业")
    visit_plan = None
    if payload.plan is not None:
        visit_plan = VisitPlan.objects.filter(pk=payload.plan, county_code=county).first()
        if visit_plan is None:
            raise _refused("plan", "入企计划不存在")
    window_start, window_end = payload.window()
    with named_fields(FIELD_LABELS):
        result = services.plan_visit(
            request.user,
            enterprise=enterprise,
            kind=payload.kind,
            window_start=window_start,
            window_end=window_end,
            purpose=payload.purpose,
            reason=payload.reason,
            plan=visit_plan,
            **_party(request, payload),
        )
    return Status(201, {"visit": _visit(request, result.visit.pk), "warnings": result.warnings})


@router.get(
    "/joinable",
    response=list[VisitOut],
    summary="可加入的其他机关入企（综合查一次），按企业和时间",
)
def joinable(request, query: Query[JoinableQuery]):
    if request.user.role != Role.AGENCY_OFFICER:
        raise PermissionDenied("只有委托机关经办人可以查询可加入的入企。")
    enterprise = Organisation.objects.filter(
        pk=query.enterprise, county_code=request.user.county_code
    ).first()
    if enterprise is None:
        raise _refused("enterprise", "请选择本县的企业")
    when = query.when if timezone.is_aware(query.when) else timezone.make_aware(query.when)
    return services.joinable_visits(request.user.organisation, enterprise, when).select_related(
        "enterprise"
    )


@router.get("/{visit_id}", response=VisitDetailOut, summary="入企详情：参与机关、人员、陪同、发现")
def get_visit(request, visit_id: int):
    return _visit(request, visit_id)


@router.post(
    "/{visit_id}/join", response=VisitDetailOut, summary="加入其他机关的入企（综合查一次）"
)
def join(request, visit_id: int, payload: PartyIn):
    # The joining agency is not a party yet, so the visit is looked up in its county, not its list.
    if request.user.role != Role.AGENCY_OFFICER:
        raise PermissionDenied("只有委托机关经办人可以加入入企。")
    visit = get_object_or_404(Visit, pk=visit_id, county_code=request.user.county_code)
    with named_fields(FIELD_LABELS):
        services.join_visit(request.user, visit, **_party(request, payload))
    return _visit(request, visit_id)


@router.post("/{visit_id}/cancel", response=VisitDetailOut, summary="取消入企（牵头机关或司法局）")
def cancel(request, visit_id: int, payload: ReasonIn):
    with named_fields(FIELD_LABELS):
        services.cancel_visit(request.user, _visit(request, visit_id), payload.reason)
    return _visit(request, visit_id)


@router.post(
    "/{visit_id}/check-in",
    response=ConfirmOut,
    summary="确认到场（企业或陪同人员；重复调用返回 already=true）",
)
def check_in(request, visit_id: int):
    with named_fields(FIELD_LABELS):
        visit, claimed = services.check_in(request.user, _visit(request, visit_id))
    return {"visit": visit, "already": not claimed}


@router.post(
    "/{visit_id}/check-out",
    response=ConfirmOut,
    summary="确认离场（企业或陪同人员；重复调用返回 already=true）",
)
def check_out(request, visit_id: int):
    with named_fields(FIELD_LABELS):
        visit, claimed = services.check_out(request.user, _visit(request, visit_id))
    return {"visit": visit, "already": not claimed}


@router.post(
    "/{visit_id}/findings",
    response={201: FindingOut},
    summary="记录发现：风险提示或技术建议（不得是执法结论）",
)
def add_finding(request, visit_id: int, payload: FindingIn):
    with named_fields(FIELD_LABELS):
        finding = services.add_finding(
            request.user, _visit(request, visit_id), payload.kind, payload.text
        )
    return Status(201, finding)


@router.post("/{visit_id}/close", response=VisitDetailOut, summary="办结入企（牵头机关）")
def close(request, visit_id: int):
    with named_fields(FIELD_LABELS):
        services.close_visit(request.user, _visit(request, visit_id))
    return _visit(request, visit_id)


@router.get(
    "/{visit_id}/code",
    response=CodeOut,
    summary="亮码：入企人员手机上的当前二维码（每分钟更新）",
)
def code(request, visit_id: int):
    visit = _visit(request, visit_id)
    user = request.user
    assignment = (
        VisitStaff.objects.select_related("credential")
        .filter(visit=visit, credential__person_id=user.person_id)
        .first()
        if user.role == Role.PROVIDER_STAFF and user.person_id
        else None
    )
    if assignment is None:
        raise PermissionDenied("只有本次入企的辅助人员可以亮码。")
    now = timezone.now()
    token = tokens.sign(visit.pk, assignment.credential_id, now)
    slot_end = (tokens.slot_of(now) + 1) * tokens.SLOT_SECONDS
    return {
        "token": token,
        "url": f"{settings.SITE_URL}/scan/{token}",
        "credential_number": assignment.credential.number,
        "slot_seconds": tokens.SLOT_SECONDS,
        "expires_at": datetime.fromtimestamp(slot_end, tz=UTC)
        + timedelta(seconds=tokens.GRACE_SLOTS * tokens.SLOT_SECONDS),
    }

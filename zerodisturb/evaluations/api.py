"""JSON API for evaluations and bad-review rectification: load, call the service, serialise.

Providers and agencies get no evaluation rows here, only /figures (guarded by the ≥ 5 rule) and
their tickets without the author (and, for the provider, without the enterprise)."""

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from zerodisturb.api import Mapped, Page
from zerodisturb.commissioning.api import named_fields
from zerodisturb.evaluations import permissions as perms
from zerodisturb.evaluations import services
from zerodisturb.evaluations.anonymity import MIN_GROUP, GuardedFigures, guarded_figures
from zerodisturb.evaluations.choices import COMPLETED_STATUSES
from zerodisturb.evaluations.models import Rectification
from zerodisturb.evaluations.schemas import (
    AmendIn,
    AnswerIn,
    CallbackIn,
    DecideIn,
    DisputeIn,
    EvaluationIn,
    EvaluationOut,
    FiguresOut,
    PendingVisitOut,
    RectificationOut,
    ticket_out,
)
from zerodisturb.evaluations.selectors import awaiting_evaluation, figures_of
from zerodisturb.evaluations.services.evaluations import LABELS
from zerodisturb.roles import Role
from zerodisturb.visits.permissions import visible_visits

router = Router(tags=["企业评价与差评整改"])

FIELD_LABELS = {
    **LABELS,
    "visit": "入企",
    "evaluation": "评价",
    "status": "环节",
    "cause": "原因说明",
    "measures": "整改措施",
    "result": "回访情况",
    "reason": "不认可的理由",
    "decision": "处理意见",
}


class EvaluationFilter(Schema):
    level: int | None = None
    visit: int | None = None


class TicketFilter(Schema):
    status: str | None = None
    overdue: bool = False


@router.get(
    "", response=list[EvaluationOut], summary="评价列表（企业看自己的；司法局、监督部门看全县）"
)
@paginate(Page)
def list_evaluations(request, filters: Query[EvaluationFilter]):
    qs = perms.visible_evaluations(request.user)
    if filters.level is not None:
        qs = qs.filter(level=filters.level)
    if filters.visit is not None:
        qs = qs.filter(visit_id=filters.visit)
    return qs.order_by("-submitted_at", "-pk")


@router.get(
    "/figures",
    response=FiguresOut,
    summary="评价汇总（按角色范围；机构、机关、属地只见不少于 5 条评价的汇总）",
)
def figures(request):
    user = request.user
    scope = perms.evaluations_in_scope(user)
    year_ago = timezone.now() - timedelta(days=365)
    groups = [("全部评价", scope), ("近 12 个月", scope.filter(submitted_at__gte=year_ago))]
    if perms.sees_rows(user):
        out = [GuardedFigures(label, figures_of(qs)) for label, qs in groups]
    else:
        out = [guarded_figures(label, qs) for label, qs in groups]
    return {"min_group": MIN_GROUP, "groups": [g.as_dict() for g in out]}


@router.get("/pending", response=list[PendingVisitOut], summary="待评价的入企服务（企业）")
def pending(request):
    user = request.user
    if user.role != Role.ENTERPRISE or not user.organisation_id:
        return []
    return list(awaiting_evaluation(user.organisation)[:200])


@router.post(
    "", response={201: EvaluationOut}, summary="评价一次已离场的入企服务（企业，每次入企一次）"
)
def submit(request, payload: EvaluationIn):
    visit = get_object_or_404(visible_visits(request.user), pk=payload.visit)
    with named_fields(FIELD_LABELS):
        evaluation = services.submit_evaluation(request.user, visit, **payload.answers())
    return Status(201, evaluation)


# Tickets first: "/rectifications" must not be read as an evaluation id.


def _ticket(request, ticket_id: int) -> Rectification:
    return get_object_or_404(perms.visible_rectifications(request.user), pk=ticket_id)


@router.get(
    "/rectifications",
    response=list[RectificationOut],
    summary="差评整改单列表（机构不见企业，机构和机关不见评价人）",
)
@paginate(Page)
def list_rectifications(request, filters: Query[TicketFilter]):
    qs = perms.visible_rectifications(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(due_on__lt=timezone.localdate()).exclude(status__in=COMPLETED_STATUSES)
    rows = qs.select_related("evaluation").order_by("-opened_at", "-pk")
    return Mapped(rows, lambda ticket: ticket_out(request.user, ticket))


@router.get("/rectifications/{ticket_id}", response=RectificationOut, summary="差评整改单详情")
def get_rectification(request, ticket_id: int):
    return ticket_out(request.user, _ticket(request, ticket_id))


@router.post(
    "/rectifications/{ticket_id}/answer",
    response=RectificationOut,
    summary="机构说明原因和整改措施",
)
def answer(request, ticket_id: int, payload: AnswerIn):
    with named_fields(FIELD_LABELS):
        ticket = services.answer_rectification(
            request.user,
            _ticket(request, ticket_id),
            cause=payload.cause,
            measures=payload.measures,
        )
    return ticket_out(request.user, ticket)


@router.post(
    "/rectifications/{ticket_id}/callback",
    response=RectificationOut,
    summary="委托机关记录回访企业情况",
)
def callback(request, ticket_id: int, payload: CallbackIn):
    with named_fields(FIELD_LABELS):
        ticket = services.record_callback(
            request.user, _ticket(request, ticket_id), result=payload.result
        )
    return ticket_out(request.user, ticket)


@router.post(
    "/rectifications/{ticket_id}/accept", response=RectificationOut, summary="企业认可整改结果"
)
def accept(request, ticket_id: int):
    with named_fields(FIELD_LABELS):
        ticket = services.respond_rectification(
            request.user, _ticket(request, ticket_id), accepts=True
        )
    return ticket_out(request.user, ticket)


@router.post(
    "/rectifications/{ticket_id}/dispute",
    response=RectificationOut,
    summary="企业不认可并说明理由（提交司法局）",
)
def dispute(request, ticket_id: int, payload: DisputeIn):
    with named_fields(FIELD_LABELS):
        ticket = services.respond_rectification(
            request.user, _ticket(request, ticket_id), accepts=False, reason=payload.reason
        )
    return ticket_out(request.user, ticket)


@router.post(
    "/rectifications/{ticket_id}/decide",
    response=RectificationOut,
    summary="司法局处理争议并办结",
)
def decide(request, ticket_id: int, payload: DecideIn):
    with named_fields(FIELD_LABELS):
        ticket = services.decide_rectification(
            request.user, _ticket(request, ticket_id), decision=payload.decision
        )
    return ticket_out(request.user, ticket)


@router.get("/{evaluation_id}", response=EvaluationOut, summary="评价详情")
def get_evaluation(request, evaluation_id: int):
    return get_object_or_404(perms.visible_evaluations(request.user), pk=evaluation_id)


@router.post("/{evaluation_id}/amend", response=EvaluationOut, summary="修改评价（提交后 7 天内）")
def amend(request, evaluation_id: int, payload: AmendIn):
    evaluation = get_object_or_404(perms.visible_evaluations(request.user), pk=evaluation_id)
    with named_fields(FIELD_LABELS):
        return services.amend_evaluation(request.user, evaluation, **payload.dict())

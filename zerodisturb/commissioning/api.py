"""JSON API for commissioned items: load, call the service, serialise. No rule lives here."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from zerodisturb.api import Page
from zerodisturb.commissioning import services
from zerodisturb.commissioning.models import CommissionedItem
from zerodisturb.commissioning.permissions import visible_items
from zerodisturb.commissioning.schemas import (
    FigureOut,
    FigureQuery,
    ItemDetailOut,
    ItemFilter,
    ItemIn,
    ItemOut,
    MergeIn,
    SubmissionOut,
    VersionOut,
    VoteIn,
    WithdrawIn,
)
from zerodisturb.contracts.figures import commissioning_figures
from zerodisturb.roles import Role

router = Router(tags=["委托事项"])

# Chinese names of the input fields, so that the top-level error message says which field is wrong.
FIELD_LABELS = {
    "domain": "委托领域",
    "title": "事项名称",
    "content": "服务内容",
    "legal_basis": "法律依据",
    "why_external": "无法自行完成的理由",
    "target_enterprises": "目标企业",
    "target_sectors": "目标行业",
    "target_localities": "目标属地",
    "period_start": "服务期起",
    "period_end": "服务期止",
    "requested_budget": "申请预算（元）",
    "decision": "表决意见",
    "opinion": "书面意见",
    "amount": "核定金额（元）",
    "reason": "撤回理由",
    "merge_with": "合并目标",
    "status": "状态",
}


@contextmanager
def named_fields(labels: dict[str, str]):
    """Re-raise a service's ValidationError with each message prefixed by its field's name."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {
                field: [f"{labels[field]}：{m}" if field in labels else m for m in messages]
                for field, messages in exc.message_dict.items()
            }
        ) from exc


# --------------------------------------------------------------------------------- operations


def _item(request, item_id: int) -> CommissionedItem:
    return get_object_or_404(visible_items(request.user), pk=item_id)


@router.get("/items", response=list[ItemOut], summary="委托事项列表（按角色限定范围）")
@paginate(Page)
def list_items(request, filters: Query[ItemFilter]):
    qs = visible_items(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.domain:
        qs = qs.filter(current_version__domain__code=filters.domain)
    if filters.agency:
        qs = qs.filter(agency_id=filters.agency)
    return qs.order_by("-created_at", "-pk")


@router.post("/items", response={201: ItemDetailOut}, summary="申请委托事项（草稿）")
def create_item(request, payload: ItemIn):
    with named_fields(FIELD_LABELS):
        item = services.create_item(request.user, payload.dict())
    return Status(201, _item(request, item.pk))


@router.get(
    "/items/{item_id}",
    response=ItemDetailOut,
    summary="事项详情：当前版本、历史版本、联审意见、重叠事项",
)
def get_item(request, item_id: int):
    return _item(request, item_id)


@router.put("/items/{item_id}", response=ItemDetailOut, summary="修改草稿")
def update_item(request, item_id: int, payload: ItemIn):
    with named_fields(FIELD_LABELS):
        services.update_draft(request.user, _item(request, item_id), payload.dict())
    return _item(request, item_id)


@router.post(
    "/items/{item_id}/submit",
    response=SubmissionOut,
    summary="提交联审（命中负面清单时 422 并说明条款）",
)
def submit_item(request, item_id: int):
    with named_fields(FIELD_LABELS):
        submission = services.submit_item(request.user, _item(request, item_id))
    return {"item": _item(request, item_id), "overlaps": submission.overlaps}


@router.post("/items/{item_id}/votes", response=ItemDetailOut, summary="联审部门表决")
def vote(request, item_id: int, payload: VoteIn):
    with named_fields(FIELD_LABELS):
        services.cast_review_vote(
            request.user, _item(request, item_id), payload.decision, payload.opinion, payload.amount
        )
    return _item(request, item_id)


@router.post(
    "/items/{item_id}/revise", response=ItemDetailOut, summary="未通过后修改：生成新版本草稿"
)
def revise(request, item_id: int):
    with named_fields(FIELD_LABELS):
        services.revise_item(request.user, _item(request, item_id))
    return _item(request, item_id)


@router.post("/items/{item_id}/withdraw", response=ItemDetailOut, summary="撤回事项")
def withdraw(request, item_id: int, payload: WithdrawIn):
    with named_fields(FIELD_LABELS):
        services.withdraw_item(request.user, _item(request, item_id), payload.reason)
    return _item(request, item_id)


@router.post(
    "/items/{item_id}/merge",
    response=ItemDetailOut,
    summary="标记建议合并（merge_with 为空则清除）",
)
def mark_merge(request, item_id: int, payload: MergeIn):
    item = _item(request, item_id)
    other = None
    if payload.merge_with is not None:
        other = visible_items(request.user).filter(pk=payload.merge_with).first()
        if other is None:
            raise ValidationError(
                {"merge_with": f"{FIELD_LABELS['merge_with']}：事项不存在或无权查看"}
            )
    with named_fields(FIELD_LABELS):
        services.mark_merge(request.user, item, other, payload.note)
    return _item(request, item_id)


@router.get("/items/{item_id}/versions", response=list[VersionOut], summary="事项的全部版本")
def versions(request, item_id: int):
    item = _item(request, item_id)
    return item.versions.select_related("domain").order_by("version")


@router.get(
    "/figures", response=list[FigureOut], summary="事前指标：先报批率、按时备案率、节约预算等"
)
def figures(request, query: Query[FigureQuery]):
    if request.user.role not in (Role.SUPERVISOR, Role.OVERSIGHT, Role.REVIEWER):
        raise PermissionDenied("只有司法局、监督部门和联审部门可以查看事前指标。")
    year = query.year or timezone.localdate().year
    return commissioning_figures(request.user.county_code, year, query.month)

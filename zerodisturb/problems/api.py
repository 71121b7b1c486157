"""JSON API for the problem pool: the caller's share of it, filtered, and one problem's steps."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zerodisturb.api import Page
from zerodisturb.problems.permissions import can_see_nav, sees_enterprise, visible_problems
from zerodisturb.problems.selectors import filter_problems

router = Router(tags=["问题池"])


class ProblemFilter(Schema):
    kind: str = Field("", description="bad_review | complaint | alert；空为全部")
    state: str = Field(
        "", description="空为未办结；all 为全部；或 open/in_progress/escalated/closed"
    )
    agency: int | None = None
    provider: int | None = None
    locality: int | None = None
    mine: bool = Field(False, description="只看本单位待办")
    overdue: bool = False


class StepOut(Schema):
    state: str
    stage: str
    owner: str | None
    deadline: date | None
    at: datetime


class ProblemOut(Schema):
    id: int
    kind: str
    number: str
    title: str
    state: str
    stage: str
    owner: str | None
    deadline: date | None
    agency: str | None
    provider: str | None
    enterprise: str | None = Field(description="差评对机构和机关匿名，此时为空")
    locality: str | None
    link: str
    opened_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_owner(obj) -> str | None:
        return _name(obj.owner)

    @staticmethod
    def resolve_agency(obj) -> str | None:
        return _name(obj.agency)

    @staticmethod
    def resolve_provider(obj) -> str | None:
        return _name(obj.provider)

    @staticmethod
    def resolve_locality(obj) -> str | None:
        return _name(obj.locality)

    @staticmethod
    def resolve_enterprise(obj, context) -> str | None:
        if not sees_enterprise(context["request"].user, obj):
            return None
        return _name(obj.enterprise)


class ProblemDetailOut(ProblemOut):
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj, context) -> list[dict]:
        hidden = not sees_enterprise(context["request"].user, obj)
        return [
            {
                "state": step.state,
                "stage": step.stage,
                "owner": None
                if hidden and step.owner_id == obj.enterprise_id
                else _name(step.owner),
                "deadline": step.deadline,
                "at": step.at,
            }
            for step in obj.steps.select_related("owner")
        ]


def _name(org) -> str | None:
    return org.name if org is not None else None


@router.get("", response=list[ProblemOut], summary="问题池（差评整改、投诉、预警），按角色限定范围")
@paginate(Page)
def list_problems(request, filters: Query[ProblemFilter]):
    if not can_see_nav(request.user):
        raise PermissionDenied("您的角色没有问题池。")
    qs = filter_problems(
        visible_problems(request.user),
        kind=filters.kind,
        state=filters.state,
        agency=filters.agency,
        provider=filters.provider,
        locality=filters.locality,
        owner_id=request.user.organisation_id if filters.mine else None,
        overdue=filters.overdue,
    )
    return qs.order_by(F("deadline").asc(nulls_last=True), "-opened_at", "-pk")


@router.get("/{problem_id}", response=ProblemDetailOut, summary="问题详情与办理经过")
def get_problem(request, problem_id: int):
    return get_object_or_404(visible_problems(request.user), pk=problem_id)

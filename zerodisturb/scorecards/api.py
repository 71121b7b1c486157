"""JSON API for scorecards (role-scoped, anonymity applied), exit cases and the thresholds."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from zerodisturb.api import Page
from zerodisturb.evaluations.anonymity import NOT_SHOWN
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.scorecards import permissions as perms
from zerodisturb.scorecards import services
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.figures import Figures, rolling_12_months
from zerodisturb.scorecards.selectors import (
    Row,
    monthly_rows,
    scorecard_rows,
    snapshot_shown,
    sort_rows,
)
from zerodisturb.scorecards.thresholds import can_configure, current_values, update_thresholds

router = Router(tags=["考核与不满意退出"])


class ScorecardFiguresOut(Schema):
    evaluations_shown: bool
    note: str = ""
    evaluations: int | None = None
    by_level: dict[str, int] | None = None
    satisfaction_rate: Decimal | None = None
    weighted_score: Decimal | None = None
    bad_review_rate: Decimal | None = None
    officer_missing: int | None = None
    substantiated_complaints: int
    visit_without_code: int
    overdue_filing: int
    invalid_code_refused: int
    rectifications_due: int
    rectifications_on_time: int
    rectification_on_time_rate: Decimal | None


def figures_out(f: Figures, shown: bool) -> dict:
    out = {
        "evaluations_shown": shown,
        "substantiated_complaints": f.substantiated_complaints,
        "visit_without_code": f.breaches.visit_without_code,
        "overdue_filing": f.breaches.overdue_filing,
        "invalid_code_refused": f.breaches.invalid_code_refused,
        "rectifications_due": f.rectifications_due,
        "rectifications_on_time": f.rectifications_on_time,
        "rectification_on_time_rate": f.rectification_on_time_rate,
    }
    if not shown:  # below MIN_GROUP nothing about the evaluations, not even their count
        return out | {"note": str(NOT_SHOWN)}
    return out | {
        "evaluations": f.evaluations,
        "by_level": {str(k): v for k, v in f.by_level.items()},
        "satisfaction_rate": f.satisfaction_rate,
        "weighted_score": f.weighted_score,
        "bad_review_rate": f.bad_review_rate,
        "officer_missing": f.breaches.officer_missing,
    }


class ScorecardOut(Schema):
    id: int
    name: str
    kind: str
    badge: str | None
    exit_case_id: int | None
    figures: ScorecardFiguresOut


def row_out(row: Row) -> dict:
    return {
        "id": row.org.pk,
        "name": row.org.name,
        "kind": row.kind,
        "badge": row.badge[1] if row.badge else None,
        "exit_case_id": row.case.pk if row.case and row.badge else None,
        "figures": figures_out(row.figures, row.show_evaluations),
    }


class MonthOut(Schema):
    month: str
    figures: ScorecardFiguresOut


class ScorecardDetailOut(ScorecardOut):
    window_start: date
    window_end: date
    months: list[MonthOut]


class ScorecardFilter(Schema):
    kind: str = "provider"
    sort: str = "name"


class ExitCaseOut(Schema):
    id: int
    number: str
    county_code: str
    provider_id: int
    provider: str
    status: str
    status_label: str
    grounds: str
    warned_at: datetime
    rectify_until: date
    warning_figures: dict
    provider_reply: str
    replied_at: datetime | None
    proposed_at: datetime | None
    proposal_figures: dict
    cleared_at: datetime | None
    decided_at: datetime | None
    decision_reason: str
    exited_at: datetime | None
    excluded_until: date | None


def case_out(user, case) -> dict:
    def snapshot(s):
        if not s or snapshot_shown(user, s):
            return s or {}
        keep = ("window", "substantiated_complaints", "breaches", "rectification_on_time_rate")
        return {k: s[k] for k in keep if k in s} | {"note": str(NOT_SHOWN)}

    return {
        "id": case.pk,
        "number": case.number,
        "county_code": case.county_code,
        "provider_id": case.provider_id,
        "provider": case.provider.name,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "grounds": case.grounds,
        "warned_at": case.warned_at,
        "rectify_until": case.rectify_until,
        "warning_figures": snapshot(case.warning_figures),
        "provider_reply": case.provider_reply,
        "replied_at": case.replied_at,
        "proposed_at": case.proposed_at,
        "proposal_figures": snapshot(case.proposal_figures),
        "cleared_at": case.cleared_at,
        "decided_at": case.decided_at,
        "decision_reason": case.decision_reason,
        "exited_at": case.exited_at,
        "excluded_until": case.excluded_until,
    }


class ExitFilter(Schema):
    status: str = ""


class TextIn(Schema):
    text: str = ""


class ReasonIn(Schema):
    reason: str = ""


class ThresholdsOut(Schema):
    county_code: str
    exit_satisfaction_min: Decimal
    exit_min_evaluations: int
    exit_substantiated_complaints: int
    exit_rectification_days: int
    exit_exclusion_years: int
    evaluation_reminder_days: int
    evaluation_amend_days: int
    rectification_working_days: int
    complaint_ack_days: int
    complaint_reply_days: int
    complaint_close_days: int


class ThresholdsIn(Schema):
    exit_satisfaction_min: str | None = None
    exit_min_evaluations: str | None = None
    exit_substantiated_complaints: str | None = None
    exit_rectification_days: str | None = None
    exit_exclusion_years: str | None = None
    evaluation_reminder_days: str | None = None
    evaluation_amend_days: str | None = None
    rectification_working_days: str | None = None
    complaint_ack_days: str | None = None
    complaint_reply_days: str | None = None
    complaint_close_days: str | None = None


@router.get("", response=list[ScorecardOut], summary="考核列表：近 12 个月指标（按角色限定范围）")
@paginate(Page)
def list_scorecards(request, filters: Query[ScorecardFilter]):
    orgs = perms.visible_scorecards(request.user)
    if filters.kind == "agency":
        orgs = orgs.exclude(kind="provider")
    else:
        orgs = orgs.filter(kind="provider")
    return [row_out(r) for r in sort_rows(scorecard_rows(request.user, orgs), filters.sort)]


@router.get("/thresholds", response=ThresholdsOut, summary="本县考核与退出阈值")
def get_thresholds(request):
    if not perms.sees_whole_county(request.user):
        raise PermissionDenied("无权查看阈值设置。")
    policy = CountyPolicy.for_county(request.user.county_code)
    return {"county_code": policy.county_code, **current_values(policy)}


@router.put("/thresholds", response=ThresholdsOut, summary="修改本县阈值（司法局，留痕原值→新值）")
def put_thresholds(request, payload: ThresholdsIn):
    if not can_configure(request.user):
        raise PermissionDenied("只有司法局监管人员可以设置考核与退出阈值。")
    data = {k: v for k, v in payload.dict().items() if v is not None}
    policy = update_thresholds(request.user, request.user.county_code, data)
    return {"county_code": policy.county_code, **current_values(policy)}


@router.get("/exit-cases", response=list[ExitCaseOut], summary="不满意退出案件（按角色限定范围）")
@paginate(Page)
def list_exit_cases(request, filters: Query[ExitFilter]):
    qs = perms.visible_exit_cases(request.user)
    if filters.status in ExitStatus.values:
        qs = qs.filter(status=filters.status)
    return [case_out(request.user, c) for c in qs]


def _case(request, case_id: int):
    return get_object_or_404(perms.visible_exit_cases(request.user), pk=case_id)


@router.get("/exit-cases/{case_id}", response=ExitCaseOut, summary="不满意退出案件详情")
def exit_case(request, case_id: int):
    return case_out(request.user, _case(request, case_id))


@router.post("/exit-cases/{case_id}/reply", response=ExitCaseOut, summary="机构陈述申辩")
def reply(request, case_id: int, payload: TextIn):
    case = services.reply_to_warning(request.user, _case(request, case_id), text=payload.text)
    return case_out(request.user, case)


@router.post("/exit-cases/{case_id}/confirm", response=ExitCaseOut, summary="司法局确认退出")
def confirm(request, case_id: int, payload: ReasonIn):
    case = services.confirm_exit(request.user, _case(request, case_id), reason=payload.reason)
    return case_out(request.user, case)


@router.post("/exit-cases/{case_id}/reject", response=ExitCaseOut, summary="司法局不予退出")
def reject(request, case_id: int, payload: ReasonIn):
    case = services.reject_exit(request.user, _case(request, case_id), reason=payload.reason)
    return case_out(request.user, case)


@router.get(
    "/{org_id}", response=ScorecardDetailOut, summary="一个机构或机关的考核：近 12 个月与按月"
)
def scorecard(request, org_id: int):
    org = get_object_or_404(perms.visible_scorecards(request.user), pk=org_id)
    today = timezone.localdate()
    window = rolling_12_months(today)
    row = scorecard_rows(request.user, [org], today)[0]
    months = [
        {"month": m.strftime("%Y-%m"), "figures": figures_out(f, shown)}
        for m, f, shown in monthly_rows(request.user, org, today)
    ]
    return row_out(row) | {
        "window_start": window.start,
        "window_end": window.end,
        "months": months,
    }

"""JSON API for surveys (调研): the bureau builds, sends, closes and reads results; oversight reads;
an enterprise lists its invitations and answers once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zerodisturb.api import Page
from zerodisturb.registry.models import Division
from zerodisturb.surveys import services
from zerodisturb.surveys.forms import earlier_surveys
from zerodisturb.surveys.models import Question
from zerodisturb.surveys.permissions import can_build, is_bureau, my_invitations, visible_surveys
from zerodisturb.surveys.results import compare, question_results, response_rate

router = Router(tags=["调研"])


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    choices: list[str]
    required: bool
    compare_with: int | None = Field(None, alias="compare_with_id")


class SurveyOut(Schema):
    id: int
    number: str
    title: str
    intro: str
    status: str
    previous: int | None = Field(None, alias="previous_id")
    send_total: int
    send_done: int
    sent_at: datetime | None
    closed_at: datetime | None


class SurveyDetailOut(SurveyOut):
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj):
        return list(obj.questions.order_by("position"))


class SurveyIn(Schema):
    title: str
    intro: str = ""
    previous: int | None = Field(None, description="对比的上次调研 id")


class QuestionIn(Schema):
    kind: str = Field(description="single | multiple | satisfaction | text")
    text: str
    options: list[str] = Field([], description="单选、多选题的选项（至少 2 个）")
    required: bool = True
    compare_with: int | None = Field(None, description="上次调研中对应题目的 id；空则按题号")


class SendIn(Schema):
    localities: list[str] = Field([], description="属地区划代码；空为全部")
    sectors: list[str] = Field([], description="行业代码；空为全部")


class RateRow(Schema):
    locality: str
    invited: int
    answered: int
    rate: Decimal | None


class RateOut(Schema):
    invited: int
    answered: int
    rate: Decimal | None = Field(description="回收率（%），无邀请时为空")
    by_locality: list[RateRow]


class OptionOut(Schema):
    label: str
    count: int
    share: Decimal | None


class ResultOut(Schema):
    question: int
    position: int
    text: str
    kind: str
    answers: int
    options: list[OptionOut]
    satisfaction_rate: Decimal | None = Field(description="（非常满意＋满意）÷ 作答数，%")
    texts: list[str]


class ComparisonRow(Schema):
    label: str
    now: Decimal | None
    then: Decimal | None
    difference: Decimal | None = Field(description="变化（百分点）")


class ComparisonOut(Schema):
    position: int
    matched_question: int | None
    rows: list[ComparisonRow]


class ResultsOut(Schema):
    rate: RateOut
    results: list[ResultOut]
    previous: int | None
    comparison: list[ComparisonOut]


class InvitationOut(Schema):
    id: int
    survey: int = Field(alias="survey_id")
    title: str
    status: str
    invited_at: datetime
    answered_at: datetime | None

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.survey.title

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.survey.status


class SurveyAnswerIn(Schema):
    answers: dict[str, int | list[int] | str] = Field(
        description="题目 id → 选项序号（从 0 起）、选项序号列表（多选）或文字"
    )


class MyAnswerOut(Schema):
    answered_at: datetime
    answers: dict[str, list[str]]


def _survey(request, survey_id: int):
    return get_object_or_404(visible_surveys(request.user), pk=survey_id)


@router.get("", response=list[SurveyOut], summary="调研列表（司法局、监督部门）")
@paginate(Page)
def list_surveys(request):
    user = request.user
    if not (is_bureau(user) or user.role == "oversight"):
        raise PermissionDenied("您的角色没有调研结果。")
    return visible_surveys(user)


@router.post("", response={201: SurveyDetailOut}, summary="新建调研（司法局）")
def create_survey(request, payload: SurveyIn):
    previous = None
    if payload.previous is not None:
        previous = earlier_surveys(request.user.county_code).filter(pk=payload.previous).first()
        if previous is None:
            raise ValidationError({"previous": ["上次调研不存在。"]})
    survey = services.create_survey(
        request.user, title=payload.title, intro=payload.intro, previous=previous
    )
    return Status(201, survey)


@router.get("/invitations", response=list[InvitationOut], summary="本企业的调研邀请")
def list_invitations(request):
    if request.user.role != "enterprise":
        raise PermissionDenied("只有企业有调研邀请。")
    return my_invitations(request.user).order_by("-invited_at", "-pk")


@router.post(
    "/invitations/{invitation_id}/answer",
    response={201: MyAnswerOut},
    summary="提交答卷（每家企业一份）",
)
def submit_answer(request, invitation_id: int, payload: SurveyAnswerIn):
    invitation = get_object_or_404(my_invitations(request.user), pk=invitation_id)
    services.submit_answer(request.user, invitation, payload.answers)
    return Status(201, _my_answer(invitation))


@router.get("/invitations/{invitation_id}/answer", response=MyAnswerOut, summary="本企业的答卷")
def my_answer(request, invitation_id: int):
    invitation = get_object_or_404(
        my_invitations(request.user), pk=invitation_id, answered_at__isnull=False
    )
    return _my_answer(invitation)


def _my_answer(invitation) -> dict:
    response = invitation.__class__.objects.get(pk=invitation.pk).response
    answers: dict[str, list[str]] = {}
    for item in response.items.select_related("question"):
        q = item.question
        answers.setdefault(str(q.pk), []).append(
            item.text if item.option is None else q.choices[item.option]
        )
    return {"answered_at": response.answered_at, "answers": answers}


@router.get("/{survey_id}", response=SurveyDetailOut, summary="调研与题目")
def get_survey(request, survey_id: int):
    return _survey(request, survey_id)


@router.post("/{survey_id}/questions", response={201: QuestionOut}, summary="添加题目（编辑中）")
def add_question(request, survey_id: int, payload: QuestionIn):
    survey = _survey(request, survey_id)
    compare_with = None
    if payload.compare_with is not None:
        compare_with = Question.objects.filter(pk=payload.compare_with).first()
        if compare_with is None:
            raise ValidationError({"compare_with": ["题目不存在。"]})
    question = services.add_question(
        request.user,
        survey,
        kind=payload.kind,
        text=payload.text,
        options=payload.options,
        required=payload.required,
        compare_with=compare_with,
    )
    return Status(201, question)


@router.post("/{survey_id}/send", response=SurveyOut, summary="按属地、行业发送给企业")
def send_survey(request, survey_id: int, payload: SendIn):
    survey = _survey(request, survey_id)
    if not can_build(request.user, survey):
        raise PermissionDenied("只有本县司法局可以发送调研。")
    localities = list(
        Division.objects.filter(code__in=payload.localities, county_code=survey.county_code)
    )
    if len(localities) != len(set(payload.localities)):
        raise ValidationError({"localities": ["属地不存在或不在本县。"]})
    return services.send_survey(
        request.user, survey, localities=localities, sectors=payload.sectors
    )


@router.post("/{survey_id}/close", response=SurveyOut, summary="结束调研")
def close_survey(request, survey_id: int):
    return services.close_survey(request.user, _survey(request, survey_id))


@router.get("/{survey_id}/results", response=ResultsOut, summary="回收率、各题结果与对比")
def survey_results(request, survey_id: int, previous: int | None = None):
    survey = _survey(request, survey_id)
    before = survey.previous
    if previous is not None:
        before = earlier_surveys(survey.county_code, exclude=survey).filter(pk=previous).first()
        if before is None:
            raise ValidationError({"previous": ["上次调研不存在。"]})
    rate = response_rate(survey)
    return {
        "rate": {
            "invited": rate.invited,
            "answered": rate.answered,
            "rate": rate.rate,
            "by_locality": [
                {"locality": r.name, "invited": r.invited, "answered": r.answered, "rate": r.rate}
                for r in rate.by_locality
            ],
        },
        "results": [
            {
                "question": r.question.pk,
                "position": r.question.position,
                "text": r.question.text,
                "kind": r.question.kind,
                "answers": r.answers,
                "options": [vars(o) for o in r.options],
                "satisfaction_rate": r.satisfaction_rate,
                "texts": r.texts,
            }
            for r in question_results(survey)
        ],
        "previous": before.pk if before else None,
        "comparison": [
            {
                "position": c.current.question.position,
                "matched_question": c.previous.question.pk if c.previous else None,
                "rows": [
                    {"label": label, "now": now, "then": then, "difference": diff}
                    for label, now, then, diff in c.rows
                ],
            }
            for c in (compare(survey, before) if before else [])
        ],
    }

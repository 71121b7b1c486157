"""The actions on surveys: build (create, add/move/remove questions), send, answer, close."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.registry.choices import OrganisationKind, Sector
from zerodisturb.registry.models import Division, Organisation
from zerodisturb.registry.numbering import next_number
from zerodisturb.surveys.choices import CHOICE_KINDS, QuestionKind, SurveyStatus
from zerodisturb.surveys.models import (
    AnswerItem,
    Question,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from zerodisturb.surveys.permissions import can_answer, can_build

MAX_QUESTIONS = 30
MAX_OPTIONS = 12
TEXT_MAX = 1000
# Up to this many enterprises the invitations are made inside the request; above it, by a
# background task (django-tasks) while the page shows the progress.
INLINE_LIMIT = 200
BATCH = 200


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _builder(actor, survey: Survey | None = None) -> None:
    if not can_build(actor, survey):
        raise PermissionDenied("只有本县司法局可以编制和发送调研。")


def _draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError({"survey": ["调研已发送，题目不能再修改。"]})


def _text(value, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [f"请填写{label}。"]})
    if len(value) > limit:
        raise ValidationError({field: [f"{label}不能超过 {limit} 字。"]})
    return value


@transaction.atomic
def create_survey(actor, *, title: str, intro: str = "", previous=None, now=None) -> Survey:
    _builder(actor)
    now = _now(now)
    title = _text(title, "title", "标题", 120)
    if previous is not None and previous.county_code != actor.county_code:
        raise ValidationError({"previous": ["只能与本县的调研对比。"]})
    county = actor.county_code
    key = f"DY-{county}-{timezone.localdate(now).year}"
    survey = Survey.objects.create(
        county_code=county,
        number=f"{key}-{next_number(key):03d}",
        title=title,
        intro=(intro or "").strip()[:2000],
        previous=previous,
        created_by=actor,
        created_at=now,
    )
    record_event(
        actor, "survey.create", survey, {"title": title, "previous": previous and previous.pk}
    )
    return survey


def _clean_options(kind: str, options) -> list[str]:
    if kind not in CHOICE_KINDS:
        return []
    cleaned = [str(o).strip() for o in (options or []) if str(o).strip()]
    if len(cleaned) < 2:
        raise ValidationError({"options": ["选择题至少需要 2 个选项。"]})
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError({"options": [f"选项不能超过 {MAX_OPTIONS} 个。"]})
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"options": ["选项不能重复。"]})
    if any(len(o) > 100 for o in cleaned):
        raise ValidationError({"options": ["每个选项不能超过 100 字。"]})
    return cleaned


@transaction.atomic
def add_question(
    actor,
    survey: Survey,
    *,
    kind: str,
    text: str,
    options=None,
    required: bool = True,
    compare_with: Question | None = None,
) -> Question:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _builder(actor, survey)
    _draft(survey)
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": ["请选择题型。"]})
    text = _text(text, "text", "题目", 300)
    options = _clean_options(kind, options)
    if compare_with is not None and (
        survey.previous_id is None or compare_with.survey_id != survey.previous_id
    ):
        raise ValidationError({"compare_with": ["只能对应所选上次调研中的题目。"]})
    if compare_with is not None and compare_with.kind != kind:
        raise ValidationError({"compare_with": ["对应的题目题型不同，无法对比。"]})
    count = survey.questions.count()
    if count >= MAX_QUESTIONS:
        raise ValidationError({"survey": [f"一份调研最多 {MAX_QUESTIONS} 题，请保持简短。"]})
    last = survey.questions.aggregate(m=Max("position"))["m"] or 0
    question = Question.objects.create(
        survey=survey,
        position=last + 1,
        kind=kind,
        text=text,
        options=options,
        required=bool(required),
        compare_with=compare_with,
    )
    record_event(
        actor,
        "survey.add_question",
        survey,
        {"position": question.position, "kind": kind, "text": text, "options": options},
    )
    return question


@transaction.atomic
def move_question(actor, question: Question, *, up: bool) -> Question:
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _builder(actor, survey)
    _draft(survey)
    question.refresh_from_db()
    siblings = survey.questions.order_by("position")
    neighbour = (
        siblings.filter(position__lt=question.position).last()
        if up
        else siblings.filter(position__gt=question.position).first()
    )
    if neighbour is None:
        return question
    mine, theirs = question.position, neighbour.position
    # Through position 0 (never used) so the unique (survey, position) holds at every step.
    Question.objects.filter(pk=question.pk).update(position=0)
    Question.objects.filter(pk=neighbour.pk).update(position=mine)
    Question.objects.filter(pk=question.pk).update(position=theirs)
    question.refresh_from_db()
    record_event(actor, "survey.move_question", survey, {"question": question.pk, "to": theirs})
    return question


@transaction.atomic
def remove_question(actor, question: Question) -> None:
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _builder(actor, survey)
    _draft(survey)
    position = question.position
    question.delete()
    for later in survey.questions.filter(position__gt=position).order_by("position"):
        Question.objects.filter(pk=later.pk).update(position=F("position") - 1)
    record_event(actor, "survey.remove_question", survey, {"position": position})


def target_enterprises(county_code: str, localities=(), sectors=()):
    """Active enterprises of the county in the chosen localities and sectors (none = all)."""
    qs = Organisation.objects.filter(
        county_code=county_code, kind=OrganisationKind.ENTERPRISE, active=True
    )
    if localities:
        qs = qs.filter(locality__in=list(localities))
    if sectors:
        qs = qs.filter(sector__in=list(sectors))
    return qs


@transaction.atomic
def send_survey(actor, survey: Survey, *, localities=(), sectors=(), now=None) -> Survey:
    """Freeze the questionnaire and invite the chosen enterprises: inside the request when few,
    otherwise by a background task; the page follows `send_done` / `send_total`."""
    now = _now(now)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _builder(actor, survey)
    _draft(survey)
    if not survey.questions.exists():
        raise ValidationError({"survey": ["请先添加题目再发送。"]})
    localities = list(localities)
    if any(not isinstance(d, Division) or d.county_code != survey.county_code for d in localities):
        raise ValidationError({"localities": ["只能选择本县的属地。"]})
    sectors = list(sectors)
    if any(s not in Sector.values for s in sectors):
        raise ValidationError({"sectors": ["行业不存在。"]})
    total = target_enterprises(survey.county_code, localities, sectors).count()
    if total == 0:
        raise ValidationError({"localities": ["所选属地和行业中没有企业，请调整范围。"]})
    survey.localities.set(localities)
    Survey.objects.filter(pk=survey.pk).update(
        status=SurveyStatus.SENDING, sectors=sectors, send_total=total, sent_at=now
    )
    survey.refresh_from_db()
    record_event(
        actor,
        "survey.send",
        survey,
        {"localities": [d.code for d in localities], "sectors": sectors, "enterprises": total},
    )
    if total <= INLINE_LIMIT:
        invite_batches(survey.pk, now=now)
        survey.refresh_from_db()
    else:
        from zerodisturb.surveys.tasks import invite_task

        transaction.on_commit(lambda: invite_task.enqueue(survey.pk))
    return survey


def invite_batches(survey_id: int, now=None) -> int:
    """Invite the survey's enterprises in batches, each batch committed with its notifications;
    safe to run twice (an enterprise is invited once). Returns how many were invited now."""
    from zerodisturb.surveys.notices import tell_enterprises

    now = _now(now)
    survey = Survey.objects.get(pk=survey_id)
    if survey.status != SurveyStatus.SENDING:
        return 0
    targets = target_enterprises(
        survey.county_code, list(survey.localities.all()), survey.sectors
    ).exclude(survey_invitations__survey=survey)
    invited = 0
    while True:
        batch = list(targets.order_by("pk")[:BATCH])
        if not batch:
            break
        with transaction.atomic():
            # Closed (or otherwise moved on) while sending: stop inviting. The row lock makes a
            # concurrent close wait for this batch, or this batch see the close.
            if (
                not Survey.objects.select_for_update()
                .filter(pk=survey.pk, status=SurveyStatus.SENDING)
                .exists()
            ):
                break
            SurveyInvitation.objects.bulk_create(
                [
                    SurveyInvitation(
                        survey=survey, enterprise=e, locality_id=e.locality_id, invited_at=now
                    )
                    for e in batch
                ],
                ignore_conflicts=True,
            )
            tell_enterprises(survey, batch)
            done = survey.invitations.count()
            Survey.objects.filter(pk=survey.pk).update(send_done=done)
        invited += len(batch)
    Survey.objects.filter(pk=survey.pk, status=SurveyStatus.SENDING).update(
        status=SurveyStatus.OPEN, send_done=survey.invitations.count()
    )
    return invited


@transaction.atomic
def close_survey(actor, survey: Survey, now=None) -> Survey:
    now = _now(now)
    _builder(actor, survey)
    closed = Survey.objects.filter(
        pk=survey.pk, status__in=(SurveyStatus.SENDING, SurveyStatus.OPEN)
    ).update(status=SurveyStatus.CLOSED, closed_at=now)
    if not closed:
        raise ValidationError({"survey": ["只有正在回收的调研可以结束。"]})
    survey.refresh_from_db()
    record_event(actor, "survey.close", survey, {"answers": survey.responses.count()})
    return survey


def _clean_answers(survey: Survey, answers: dict) -> list[AnswerItem]:
    """AnswerItems (unsaved, without response) for {question id or str(id): value}."""
    errors: dict[str, list[str]] = {}
    items: list[AnswerItem] = []
    for question in survey.questions.order_by("position"):
        field = f"q{question.pk}"
        value = answers.get(question.pk, answers.get(str(question.pk), answers.get(field)))
        empty = value in (None, "", [])
        if empty:
            if question.required:
                errors[field] = [f"第 {question.position} 题为必答题。"]
            continue
        if question.kind == QuestionKind.TEXT:
            text = str(value).strip()
            if len(text) > TEXT_MAX:
                errors[field] = [f"回答不能超过 {TEXT_MAX} 字。"]
            elif text:
                items.append(AnswerItem(question=question, text=text))
            elif question.required:
                errors[field] = [f"第 {question.position} 题为必答题。"]
            continue
        values = value if isinstance(value, list | tuple) else [value]
        if question.kind != QuestionKind.MULTIPLE and len(values) > 1:
            errors[field] = ["这一题只能选一项。"]
            continue
        try:
            chosen = sorted({int(v) for v in values})
        except (TypeError, ValueError):
            errors[field] = ["请从选项中选择。"]
            continue
        if any(not 0 <= c < len(question.choices) for c in chosen):
            errors[field] = ["请从选项中选择。"]
            continue
        items.extend(AnswerItem(question=question, option=c) for c in chosen)
    if errors:
        raise ValidationError(errors)
    return items


ALREADY_ANSWERED = "贵企业已提交过本次调研的答卷，每家企业只能提交一次。"


@transaction.atomic
def submit_answer(actor, invitation: SurveyInvitation, answers: dict, now=None) -> SurveyResponse:
    """The enterprise's one answer: the invitation is claimed by a conditional UPDATE, so a second
    (or concurrent) submission is refused with a message, never saved twice."""
    now = _now(now)
    if not can_answer(actor, invitation):
        raise PermissionDenied("只有受邀企业本身可以填写答卷。")
    survey = invitation.survey
    if not Survey.objects.filter(
        pk=survey.pk, status__in=(SurveyStatus.SENDING, SurveyStatus.OPEN)
    ).exists():
        raise ValidationError({"survey": ["本次调研已结束，不再接受答卷。"]})
    items = _clean_answers(survey, answers)
    claimed = SurveyInvitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(
        answered_at=now
    )
    if not claimed:
        raise ValidationError({"survey": [ALREADY_ANSWERED]})
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                invitation=invitation, survey=survey, answered_by=actor, answered_at=now
            )
    except IntegrityError:
        raise ValidationError({"survey": [ALREADY_ANSWERED]}) from None
    for item in items:
        item.response = response
    AnswerItem.objects.bulk_create(items)
    invitation.answered_at = now
    record_event(
        actor,
        "survey.answer",
        survey,
        {"invitation": invitation.pk, "enterprise": invitation.enterprise_id},
    )
    return response

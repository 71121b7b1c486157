"""Rating a checked-out visit (once per visit and enterprise) and amending it within the window."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.evaluations.choices import BAD_LEVELS, Burden, Level, Score
from zerodisturb.evaluations.models import Evaluation, EvaluationInvitation
from zerodisturb.evaluations.services.rectifications import (
    note_evaluation_change,
    open_rectifications,
)
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.roles import Role
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import Visit

MAX_TEXT = 2000
MIN_BAD_TEXT = 5
EVALUATION_FIELDS = (
    "level",
    "attitude",
    "professionalism",
    "code_shown",
    "officer_present",
    "nothing_sold",
    "burden",
    "text",
)
LABELS = {
    "level": "总体评价",
    "attitude": "服务态度",
    "professionalism": "专业水平",
    "code_shown": "是否主动亮码",
    "officer_present": "是否有政府工作人员陪同",
    "nothing_sold": "是否未推销产品或服务",
    "burden": "企业负担",
    "text": "具体意见",
}
SCALES = {"level": Level, "attitude": Score, "professionalism": Score, "burden": Burden}


def _scale(name: str, value, errors: dict) -> int | None:
    label = LABELS[name]
    if value in (None, ""):
        errors[name] = f"请选择“{label}”"
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or number not in SCALES[name].values:
        choices = "、".join(f"{v}={lbl}" for v, lbl in SCALES[name].choices)
        errors[name] = f"“{label}”只能选 1–5 级（{choices}）"
        return None
    return number


def _yes_no(name: str, value, errors: dict) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in ("yes", "true", "1", "on", 1):
        return True
    if value in ("no", "false", "0", "off", 0):
        return False
    errors[name] = f"请回答“{LABELS[name]}”（是或否）"
    return None


def clean_answers(answers: dict) -> dict:
    """The evaluation's values from raw input, or ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    values: dict = {}
    for name in ("level", "attitude", "professionalism", "burden"):
        values[name] = _scale(name, answers.get(name), errors)
    for name in ("code_shown", "officer_present", "nothing_sold"):
        values[name] = _yes_no(name, answers.get(name), errors)
    text = answers.get("text") or ""
    if not isinstance(text, str):
        errors["text"] = "“具体意见”应为文字"
        text = ""
    text = text.strip()
    values["text"] = text
    level = values["level"]
    if len(text) > MAX_TEXT:
        errors["text"] = f"“具体意见”不能超过 {MAX_TEXT} 字（现有 {len(text)} 字）"
    elif level in BAD_LEVELS and len(text) < MIN_BAD_TEXT:
        errors["text"] = (
            f"选择“{Level(level).label}”时，请在“具体意见”中写明不满意的原因"
            f"（至少 {MIN_BAD_TEXT} 个字），机构将据此整改"
        )
    if level == Level.VERY_SATISFIED:
        # A 非常满意 with a very poor dimension is almost always a slip of the finger.
        for name in ("attitude", "professionalism"):
            if values[name] is not None and values[name] <= Score.POOR and name not in errors:
                errors[name] = (
                    f"总体评价为“非常满意”，但“{LABELS[name]}”选了“{Score(values[name]).label}”，"
                    "请核对"
                )
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    return values


def _check_may_rate(actor, visit: Visit) -> None:
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.ENTERPRISE):
        raise PermissionDenied("只有企业联系人可以评价入企服务。")
    if actor.organisation_id != visit.enterprise_id:
        raise PermissionDenied("只能评价到本企业的入企服务。")
    if visit.checked_out_at is None or visit.status not in (
        VisitStatus.COMPLETED,
        VisitStatus.CLOSED,
    ):
        raise ValidationError({"visit": ["确认离场后才能评价本次入企服务"]})


def already_rated(visit: Visit) -> bool:
    return Evaluation.objects.filter(visit=visit, enterprise_id=visit.enterprise_id).exists()


def _duplicate(visit: Visit) -> ValidationError:
    return ValidationError(
        {"visit": ["本次入企服务已经评价过，不能重复评价；如需修改，请在评价后 7 天内修改原评价"]}
    )


@transaction.atomic
def submit_evaluation(actor, visit: Visit, *, now: datetime | None = None, **answers) -> Evaluation:
    """Rate a checked-out visit; a bad level opens a rectification ticket per provider.

    `answers` are the EVALUATION_FIELDS. Two simultaneous submissions make one evaluation: the
    second meets the unique constraint and gets a clear message."""
    now = now or timezone.now()
    visit = Visit.objects.get(pk=visit.pk)
    _check_may_rate(actor, visit)
    values = clean_answers(answers)
    if already_rated(visit):
        raise _duplicate(visit)
    policy = CountyPolicy.for_county(visit.county_code)
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                county_code=visit.county_code,
                visit=visit,
                enterprise_id=visit.enterprise_id,
                author=actor,
                submitted_at=now,
                amend_until=now + timedelta(days=policy.evaluation_amend_days),
                **values,
            )
    except IntegrityError:
        raise _duplicate(visit) from None
    EvaluationInvitation.objects.filter(visit=visit, evaluation__isnull=True).update(
        evaluation=evaluation
    )
    record_event(actor, "evaluation.submit", evaluation, {"visit": visit.number, **values})
    if evaluation.is_bad:
        open_rectifications(actor, evaluation, now=now)
    return evaluation


@transaction.atomic
def amend_evaluation(
    actor, evaluation: Evaluation, *, now: datetime | None = None, **answers
) -> Evaluation:
    """Change one's evaluation within policy.evaluation_amend_days of submitting it.

    Turning it bad opens tickets; turning it good leaves them open (noted on each ticket)."""
    now = now or timezone.now()
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if not (
        actor.is_authenticated
        and actor.is_active
        and actor.role == Role.ENTERPRISE
        and actor.organisation_id == evaluation.enterprise_id
    ):
        raise PermissionDenied("只有评价企业的联系人可以修改评价。")
    if now > evaluation.amend_until:
        days = CountyPolicy.for_county(evaluation.county_code).evaluation_amend_days
        raise ValidationError(
            {
                "evaluation": [
                    f"评价只能在提交后 {days} 天内修改（已于 "
                    f"{timezone.localtime(evaluation.amend_until):%Y-%m-%d %H:%M} 截止）"
                ]
            }
        )
    values = clean_answers(answers)
    changes = {
        name: [getattr(evaluation, name), value]
        for name, value in values.items()
        if getattr(evaluation, name) != value
    }
    if not changes:
        return evaluation
    existing = list(evaluation.rectifications.values_list("pk", flat=True))
    for name, value in values.items():
        setattr(evaluation, name, value)
    evaluation.amended_at = now
    evaluation.save(update_fields=[*values, "amended_at"])
    record_event(actor, "evaluation.amend", evaluation, {"changes": changes})
    if evaluation.is_bad:
        open_rectifications(actor, evaluation, now=now)
    if existing:
        note_evaluation_change(actor, evaluation, changes, existing, now=now)
    return evaluation

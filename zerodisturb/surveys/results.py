"""Reading a survey: the response rate (by locality), results per question, and the comparison
with a previous survey. Rates are Decimal per cent with one decimal, or None ("—") with no data."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from zerodisturb.surveys.choices import SATISFIED_OPTIONS, QuestionKind
from zerodisturb.surveys.models import AnswerItem, Question, Survey

TENTH = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


@dataclass
class LocalityRate:
    name: str
    invited: int
    answered: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.answered, self.invited)


@dataclass
class ResponseRate:
    invited: int
    answered: int
    by_locality: list[LocalityRate]

    @property
    def rate(self) -> Decimal | None:
        return percent(self.answered, self.invited)


def response_rate(survey: Survey) -> ResponseRate:
    rows = (
        survey.invitations.values("locality__name")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by("locality__name")
    )
    by_locality = [
        LocalityRate(r["locality__name"] or "（未设属地）", r["invited"], r["answered"])
        for r in rows
    ]
    return ResponseRate(
        invited=sum(r.invited for r in by_locality),
        answered=sum(r.answered for r in by_locality),
        by_locality=by_locality,
    )


@dataclass
class OptionResult:
    label: str
    count: int
    share: Decimal | None  # of the answers to this question


@dataclass
class QuestionResult:
    question: Question
    answers: int  # responses that answered this question
    options: list[OptionResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """(非常满意 + 满意) ÷ answers; None for other kinds or with no answers."""
        if self.question.kind != QuestionKind.SATISFACTION:
            return None
        satisfied = sum(self.options[i].count for i in SATISFIED_OPTIONS)
        return percent(satisfied, self.answers)


TEXTS_SHOWN = 50


def question_results(survey: Survey) -> list[QuestionResult]:
    questions = list(survey.questions.order_by("position"))
    counts: dict[tuple[int, int | None], int] = {}
    for row in (
        AnswerItem.objects.filter(question__survey=survey)
        .values("question_id", "option")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(row["question_id"], row["option"])] = row["n"]
    answered = dict(
        AnswerItem.objects.filter(question__survey=survey)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
        .values_list("question_id", "n")
    )
    results = []
    for question in questions:
        n = answered.get(question.pk, 0)
        result = QuestionResult(question, n)
        if question.kind == QuestionKind.TEXT:
            result.texts = list(
                question.answers.order_by("-pk").values_list("text", flat=True)[:TEXTS_SHOWN]
            )
        else:
            result.options = [
                OptionResult(label, c, percent(c, n))
                for i, label in enumerate(question.choices)
                for c in [counts.get((question.pk, i), 0)]
            ]
        results.append(result)
    return results


@dataclass
class Comparison:
    current: QuestionResult
    previous: QuestionResult | None
    # (label, share now, share then, difference in points) per option; satisfaction rate first.
    rows: list[tuple[str, Decimal | None, Decimal | None, Decimal | None]]


def _diff(now: Decimal | None, then: Decimal | None) -> Decimal | None:
    return None if now is None or then is None else now - then


def compare(survey: Survey, previous: Survey | None = None) -> list[Comparison]:
    """Each question against its match in the previous survey: the explicit link, else the
    question of the same position and kind. Options are matched by their wording."""
    previous = previous or survey.previous
    current = question_results(survey)
    if previous is None:
        return []
    before = {r.question.pk: r for r in question_results(previous)}
    by_position = {r.question.position: r for r in before.values()}
    out = []
    for result in current:
        q = result.question
        if q.kind == QuestionKind.TEXT:
            continue
        match = before.get(q.compare_with_id) if q.compare_with_id else None
        if match is None and not q.compare_with_id:
            candidate = by_position.get(q.position)
            if candidate is not None and candidate.question.kind == q.kind:
                match = candidate
        rows = []
        if match is not None:
            if q.kind == QuestionKind.SATISFACTION:
                now, then = result.satisfaction_rate, match.satisfaction_rate
                rows.append(("满意率", now, then, _diff(now, then)))
            then_by_label = {o.label: o.share for o in match.options}
            for option in result.options:
                then = then_by_label.get(option.label)
                rows.append((option.label, option.share, then, _diff(option.share, then)))
        out.append(Comparison(result, match, rows))
    return out

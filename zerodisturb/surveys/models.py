"""Surveys (调研) of enterprises by the judicial bureau: a questionnaire, one invitation per
enterprise it was sent to, and at most one answer per invitation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerodisturb.surveys.choices import SATISFACTION_OPTIONS, QuestionKind, SurveyStatus


class Survey(models.Model):
    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    number = models.CharField(_("调研编号"), max_length=30, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    intro = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    # The earlier survey the results are compared with (chosen by the bureau; may be changed).
    previous = models.ForeignKey(
        "self",
        verbose_name=_("对比的上次调研"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who it was sent to: the filters as chosen, kept for the record.
    localities = models.ManyToManyField(
        "registry.Division", verbose_name=_("属地"), blank=True, related_name="+"
    )
    sectors = models.JSONField(_("行业"), default=list, blank=True)
    send_total = models.PositiveIntegerField(_("应发送"), default=0)
    send_done = models.PositiveIntegerField(_("已发送"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("调研")
        verbose_name_plural = _("调研")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def accepts_answers(self) -> bool:
        return self.status in (SurveyStatus.SENDING, SurveyStatus.OPEN)


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("题号"))
    kind = models.CharField(_("题型"), max_length=12, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=300)
    # Choice questions: the options as written; satisfaction questions: the five levels.
    options = models.JSONField(_("选项"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    # Explicit match with a question of the previous survey; by position when empty.
    compare_with = models.ForeignKey(
        "self",
        verbose_name=_("对比上次调研的题目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["survey", "position"]
        verbose_name = _("调研题目")
        verbose_name_plural = _("调研题目")
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def choices(self) -> list[str]:
        if self.kind == QuestionKind.SATISFACTION:
            return SATISFACTION_OPTIONS
        return list(self.options)


class SurveyInvitation(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    enterprise = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="survey_invitations"
    )
    # The enterprise's town or platform when invited, for the response rate by locality.
    locality = models.ForeignKey(
        "registry.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(_("邀请时间"))
    # Claimed by the one answer (a conditional UPDATE): a second submission finds it set.
    answered_at = models.DateTimeField(_("答卷时间"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["survey", "pk"]
        verbose_name = _("调研邀请")
        verbose_name_plural = _("调研邀请")
        constraints = [
            models.UniqueConstraint(fields=["survey", "enterprise"], name="invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey.number} {self.enterprise}"


class SurveyResponse(models.Model):
    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="response"
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答卷时间"))

    class Meta:
        ordering = ["survey", "pk"]
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")

    def __str__(self) -> str:
        return f"{self.invitation}"


class AnswerItem(models.Model):
    """One chosen option (a multiple choice gives several rows) or the text of one question."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "question__position", "option"]
        indexes = [models.Index(fields=["question", "option"])]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.option if self.option is not None else self.text[:20]}"

"""Forms of the survey pages: the survey, a question, the sending filters and the answer sheet."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zerodisturb.registry.choices import DivisionLevel, Sector
from zerodisturb.registry.models import Division
from zerodisturb.surveys.choices import QuestionKind, SurveyStatus
from zerodisturb.surveys.models import Question, Survey

LOCALITY_LEVELS = (DivisionLevel.STREET, DivisionLevel.TOWN, DivisionLevel.PLATFORM)


def earlier_surveys(county_code: str, exclude=None):
    qs = Survey.objects.filter(county_code=county_code).exclude(status=SurveyStatus.DRAFT)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("-sent_at", "-pk")


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120, required=False)
    intro = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    previous = forms.ModelChoiceField(
        label=_("对比的上次调研"), required=False, queryset=Survey.objects.none()
    )

    def __init__(self, *args, county_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous"].queryset = earlier_surveys(county_code)
        self.fields["previous"].empty_label = _("（不对比）")


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("题目"), max_length=300, required=False)
    options = forms.CharField(
        label=_("选项（每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("单选、多选题至少 2 个选项；满意度题自动使用五级选项。"),
    )
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)
    compare_with = forms.ModelChoiceField(
        label=_("对应上次调研的题目"),
        required=False,
        queryset=Question.objects.none(),
        help_text=_("不选则按题号对应。"),
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        if survey.previous_id:
            self.fields["compare_with"].queryset = Question.objects.filter(
                survey_id=survey.previous_id
            )
            self.fields["compare_with"].empty_label = _("（按题号对应）")
        else:
            del self.fields["compare_with"]

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class SendForm(forms.Form):
    localities = forms.ModelMultipleChoiceField(
        label=_("属地（不选为全部）"),
        required=False,
        queryset=Division.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.MultipleChoiceField(
        label=_("行业（不选为全部）"),
        required=False,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, county_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["localities"].queryset = Division.objects.filter(
            county_code=county_code, level__in=LOCALITY_LEVELS
        ).order_by("code")


class AnswerForm(forms.Form):
    """One field per question, named q<question id>; the service checks what is required."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for q in questions:
            label = f"{q.position}. {q.text}" + ("" if q.required else "（选答）")
            choices = list(enumerate(q.choices))
            if q.kind == QuestionKind.TEXT:
                field = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
                )
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    label=label,
                    required=False,
                    choices=choices,
                    coerce=int,
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                field = forms.TypedChoiceField(
                    label=label,
                    required=False,
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    widget=forms.RadioSelect,
                )
            self.fields[f"q{q.pk}"] = field

    def answers(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items()}

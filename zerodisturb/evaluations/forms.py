"""HTML forms: they carry the input to the services, which validate it and name the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zerodisturb.evaluations.choices import Burden, Level, RectificationStatus, Score

YES_NO = [("yes", _("是")), ("no", _("否"))]


def _radio(label, choices, css: str = "choices"):
    # A CharField showing radio buttons: the service, not the form, refuses unknown values
    # ("6"), so each refusal is one message naming the field.
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.RadioSelect(
            choices=[(str(v), lbl) for v, lbl in choices], attrs={"class": css}
        ),
    )


class EvaluationForm(forms.Form):
    level = _radio(_("总体评价"), Level.choices, "choices levels")
    attitude = _radio(_("服务态度"), Score.choices)
    professionalism = _radio(_("专业水平"), Score.choices)
    code_shown = _radio(_("服务人员是否主动亮码"), YES_NO)
    officer_present = _radio(_("是否有政府工作人员陪同"), YES_NO)
    nothing_sold = _radio(_("是否未推销产品或服务"), YES_NO)
    burden = _radio(_("对企业造成的负担（5 = 无负担 … 1 = 负担很重）"), Burden.choices)
    text = forms.CharField(
        label=_("具体意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text=_("选择“不满意”或“非常不满意”时必填。评价对第三方机构和委托机关匿名。"),
    )

    def answers(self) -> dict:
        return {name: self.data.get(name) for name in self.fields}

    @classmethod
    def initial_from(cls, evaluation) -> dict:
        yes_no = {True: "yes", False: "no"}
        return {
            "level": str(evaluation.level),
            "attitude": str(evaluation.attitude),
            "professionalism": str(evaluation.professionalism),
            "burden": str(evaluation.burden),
            "code_shown": yes_no[evaluation.code_shown],
            "officer_present": yes_no[evaluation.officer_present],
            "nothing_sold": yes_no[evaluation.nothing_sold],
            "text": evaluation.text,
        }


def _area(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class AnswerForm(forms.Form):
    cause = _area(_("原因说明"))
    measures = _area(_("整改措施"))


class CallbackForm(forms.Form):
    result = _area(_("回访情况"), _("回访企业的时间、方式和企业的意见"))


class RespondForm(forms.Form):
    reason = _area(_("不认可的理由"), _("不认可时必填，整改单将提交司法局处理"))


class DecideForm(forms.Form):
    decision = _area(_("处理意见"))


class RectificationFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("环节"),
        required=False,
        choices=[("", _("全部"))] + list(RectificationStatus.choices),
    )
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)


class EvaluationFilter(forms.Form):
    level = forms.ChoiceField(
        label=_("总体评价"), required=False, choices=[("", _("全部"))] + list(Level.choices)
    )
    q = forms.CharField(label=_("入企编号或企业"), required=False, max_length=60)

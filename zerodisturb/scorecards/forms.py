from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zerodisturb.registry.models import CountyPolicy
from zerodisturb.scorecards.services import MAX_TEXT
from zerodisturb.scorecards.thresholds import THRESHOLD_FIELDS

SORTS = {
    "name": _("名称"),
    "evaluations": _("评价数"),
    "satisfaction": _("满意率"),
    "score": _("加权得分"),
    "bad": _("差评率"),
    "complaints": _("查实投诉"),
    "breaches": _("违规记录"),
    "rectification": _("整改按时率"),
}


class ScorecardFilter(forms.Form):
    kind = forms.ChoiceField(
        label=_("对象"),
        choices=[("provider", _("第三方机构")), ("agency", _("委托机关"))],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("排序"),
        choices=[(k, v) for k, v in SORTS.items()]
        + [(f"-{k}", format_lazy("{} ↓", v)) for k, v in SORTS.items()],
        required=False,
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("陈述申辩"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEXT,
        help_text=_("说明原因和已采取的整改措施，司法局决定前可以补充。"),
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT
    )


class ThresholdForm(forms.Form):
    """Plain text fields: the service checks every value, so the page and the API agree."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in THRESHOLD_FIELDS.items():
            field = CountyPolicy._meta.get_field(name)
            self.fields[name] = forms.CharField(
                label=field.verbose_name,
                max_length=12,
                help_text=_("%(low)s – %(high)s") % {"low": low, "high": high},
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

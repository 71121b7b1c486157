"""The problem pool's filters; choices of organisations are limited to what the user may see."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zerodisturb.problems.models import ProblemKind, ProblemState
from zerodisturb.registry.models import Division, Organisation


class ProblemFilter(forms.Form):
    kind = forms.ChoiceField(
        label=_("来源"), required=False, choices=[("", _("全部"))] + ProblemKind.choices
    )
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("未办结")), ("all", _("全部"))] + ProblemState.choices,
    )
    agency = forms.ModelChoiceField(label=_("委托机关"), required=False, queryset=None)
    provider = forms.ModelChoiceField(label=_("第三方机构"), required=False, queryset=None)
    locality = forms.ModelChoiceField(label=_("属地"), required=False, queryset=None)
    mine = forms.BooleanField(label=_("本单位待办"), required=False)
    overdue = forms.BooleanField(label=_("已逾期"), required=False)

    def __init__(self, *args, problems=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("agency", "provider", "locality"):
            ids = problems.exclude(**{f"{name}_id": None}).values(f"{name}_id")
            field = self.fields[name]
            model = Division if name == "locality" else Organisation
            field.queryset = model.objects.filter(pk__in=ids).order_by("name")
            field.empty_label = _("全部")

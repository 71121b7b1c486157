"""The alert list's filters and the closing form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zerodisturb.alerts.choices import AlertKind
from zerodisturb.registry.models import Organisation


class AlertFilter(forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部"))] + AlertKind.choices
    )
    owner = forms.ModelChoiceField(label=_("责任单位"), required=False, queryset=None)
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("未关闭")), ("closed", _("已关闭")), ("all", _("全部"))],
    )

    def __init__(self, *args, alerts=None, **kwargs):
        super().__init__(*args, **kwargs)
        owners = alerts.values("owner_id")
        self.fields["owner"].queryset = Organisation.objects.filter(pk__in=owners).order_by("name")
        self.fields["owner"].empty_label = _("全部")


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("处理说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,  # the service says what is missing, in the same words as the API
        help_text=_("说明已采取的措施或核实结果。"),
    )

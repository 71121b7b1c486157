"""HTML forms for credentials: they carry input; credentials.services validates it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zerodisturb.contracts.models import Contract
from zerodisturb.registry.choices import PersonKind
from zerodisturb.registry.models import Person
from zerodisturb.roles import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def issuable_contracts(user):
    """Filed, accepted and not ended contracts the user could issue credentials for."""
    qs = Contract.objects.select_related("provider", "accepted_version").filter(
        county_code=user.county_code, accepted_version__isnull=False, ended_at__isnull=True
    )
    if user.role == Role.AGENCY_OFFICER:
        qs = qs.filter(agency_id=user.organisation_id)
    return qs.order_by("number")


class IssueForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("辅助人员"),
        queryset=Person.objects.none(),
        error_messages={"required": _("请选择辅助人员"), "invalid_choice": _("请选择辅助人员")},
    )
    contracts = forms.ModelMultipleChoiceField(
        label=_("所属合同"),
        queryset=Contract.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少选择一份已备案的合同"),
            "invalid_choice": _("请选择列出的合同"),
        },
    )
    valid_from = forms.DateField(
        label=_("有效期起"),
        widget=DATE,
        error_messages={"required": _("请填写有效期起"), "invalid": _("日期格式应为 年-月-日")},
    )
    valid_to = forms.DateField(
        label=_("有效期止"),
        widget=DATE,
        help_text=_("不能超过合同履行期"),
        error_messages={"required": _("请填写有效期止"), "invalid": _("日期格式应为 年-月-日")},
    )
    scope = forms.CharField(
        label=_("服务范围"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.ImageField(
        label=_("照片"),
        required=False,
        error_messages={"invalid_image": _("请上传 JPG 或 PNG 照片")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        contracts = issuable_contracts(user)
        self.fields["contracts"].queryset = contracts
        self.fields["contracts"].label_from_instance = lambda c: f"{c.number} · {c.provider}"
        self.fields["person"].queryset = Person.objects.select_related("organisation").filter(
            kind=PersonKind.STAFF,
            active=True,
            organisation_id__in=contracts.values("provider_id"),
        )
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.organisation}）"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), required=False, max_length=300)


class VerifySearchForm(forms.Form):
    number = forms.CharField(
        label=_("证件编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "330282-2026-00017", "inputmode": "numeric"}),
        error_messages={"required": _("请输入证件编号")},
    )

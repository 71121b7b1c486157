"""HTML forms for visits: they carry input; visits.services validates the rules."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerodisturb.contracts.models import Contract
from zerodisturb.credentials.models import Credential
from zerodisturb.registry.choices import OrganisationKind, PersonKind
from zerodisturb.registry.models import Organisation, Person
from zerodisturb.visits.choices import FindingKind, VisitKind, VisitStatus
from zerodisturb.visits.models import VisitPlan

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def find_enterprise(county_code: str, text: str) -> tuple[Organisation | None, str]:
    """The one enterprise named by its credit code or (part of) its name, or why there is none."""
    text = text.strip()
    enterprises = Organisation.objects.filter(
        county_code=county_code, kind=OrganisationKind.ENTERPRISE, active=True
    )
    if not text:
        return None, str(_("请填写企业名称或统一社会信用代码"))
    exact = enterprises.filter(Q(credit_code=text.upper()) | Q(name=text)).first()
    if exact:
        return exact, ""
    found = list(enterprises.filter(name__icontains=text)[:2])
    if len(found) == 1:
        return found[0], ""
    if found:
        return None, str(_("匹配到多家企业，请输入完整名称或统一社会信用代码"))
    return None, str(_("本县没有找到该企业"))


class PartyFields(forms.Form):
    """What one agency brings to a visit: its contract, the staff and the accompanying officers."""

    contract = forms.ModelChoiceField(
        label=_("委托合同"),
        queryset=Contract.objects.none(),
        required=False,
        help_text=_("只列出本机关已备案通过、在履行期内的合同"),
    )
    credentials = forms.ModelMultipleChoiceField(
        label=_("入企辅助人员（证件）"),
        queryset=Credential.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请选择列出的辅助人员")},
    )
    officers = forms.ModelMultipleChoiceField(
        label=_("陪同的政府工作人员"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请选择本机关的政府工作人员")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        contracts = Contract.objects.select_related("provider").filter(
            agency_id=user.organisation_id, accepted_version__isnull=False, ended_at__isnull=True
        )
        self.fields["contract"].queryset = contracts
        self.fields["contract"].label_from_instance = lambda c: f"{c.number} · {c.provider}"
        self.fields["credentials"].queryset = (
            Credential.objects.select_related("person")
            .filter(contracts__in=contracts, status=Credential.Status.ACTIVE)
            .distinct()
        )
        self.fields["credentials"].label_from_instance = lambda c: f"{c.number} {c.person.name}"
        self.fields["officers"].queryset = Person.objects.filter(
            organisation_id=user.organisation_id, kind=PersonKind.OFFICER, active=True
        )

    def clean_contract(self):
        contract = self.cleaned_data.get("contract")
        if contract is None:
            raise forms.ValidationError(_("请选择委托合同"))
        return contract


class PlanForm(PartyFields):
    enterprise = forms.CharField(
        label=_("企业"),
        required=False,
        max_length=120,
        help_text=_("企业名称（可只写一部分）或统一社会信用代码"),
    )
    kind = forms.ChoiceField(label=_("入企类型"), choices=[("", "—")] + VisitKind.choices)
    reason = forms.CharField(
        label=_("触发原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("投诉核查、整改复查、企业申请、紧急情况须填写"),
    )
    plan = forms.ModelChoiceField(
        label=_("入企计划"),
        queryset=VisitPlan.objects.none(),
        required=False,
        help_text=_("计划内入企须选择本机关本年度已批准的计划"),
    )
    window_start = forms.DateTimeField(
        label=_("计划开始"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    window_end = forms.DateTimeField(
        label=_("计划结束"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    purpose = forms.CharField(
        label=_("服务内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("技术咨询和风险提示；不得出具检查结论、下达整改或处罚决定"),
    )
    field_order = [
        "enterprise",
        "kind",
        "reason",
        "plan",
        "window_start",
        "window_end",
        "contract",
        "credentials",
        "officers",
        "purpose",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.county_code = user.county_code
        self.fields["plan"].queryset = VisitPlan.objects.filter(agency_id=user.organisation_id)
        for name, label in (
            ("kind", _("入企类型")),
            ("window_start", _("开始时间")),
            ("window_end", _("结束时间")),
        ):
            self.fields[name].error_messages |= {
                "required": _("请填写%(label)s") % {"label": label},
                "invalid": _("时间格式不正确"),
                "invalid_choice": _("请选择入企类型"),
            }

    def clean_enterprise(self):
        enterprise, problem = find_enterprise(self.county_code, self.cleaned_data["enterprise"])
        if enterprise is None:
            raise forms.ValidationError(problem)
        return enterprise


class JoinForm(PartyFields):
    pass


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), required=False, max_length=300)


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=FindingKind.choices, required=False)
    text = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("文件"), required=False)


class VisitFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + VisitStatus.choices
    )
    q = forms.CharField(label=_("编号或企业"), required=False, max_length=60)
    today = forms.BooleanField(label=_("今天"), required=False)

"""Forms of the complaint pages; the services do the checking, these only shape the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zerodisturb.complaints.choices import ComplaintCategory, ComplaintStatus
from zerodisturb.credentials.models import Credential
from zerodisturb.registry.choices import DivisionLevel, OrganisationKind
from zerodisturb.registry.models import Division, Organisation
from zerodisturb.visits.models import Visit

TEXTAREA = forms.Textarea(attrs={"rows": 4})


class ComplaintFilter(forms.Form):
    q = forms.CharField(label=_("编号"), required=False, max_length=30)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + ComplaintStatus.choices
    )
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    mine = forms.BooleanField(label=_("本单位承办"), required=False)


class EnterpriseComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("投诉类别"), choices=ComplaintCategory.choices)
    visit = forms.ModelChoiceField(
        label=_("涉及的入企服务"), queryset=Visit.objects.none(), required=False
    )
    credential = forms.ModelChoiceField(
        label=_("涉及的辅助人员"), queryset=Credential.objects.none(), required=False
    )
    provider = forms.ModelChoiceField(
        label=_("涉及的第三方机构"), queryset=Organisation.objects.none(), required=False
    )
    agency = forms.ModelChoiceField(
        label=_("涉及的委托机关"), queryset=Organisation.objects.none(), required=False
    )
    text = forms.CharField(label=_("投诉内容"), widget=TEXTAREA, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        org = user.organisation
        # pk breaks ties: visits of one moment keep one order (PostgreSQL's order of equal rows
        # changes as the table grows).
        self.fields["visit"].queryset = Visit.objects.filter(enterprise=org).order_by(
            "-window_start", "-pk"
        )
        self.fields["visit"].label_from_instance = lambda v: (
            f"{v.number}（{v.window_start:%Y-%m-%d}）"
        )
        self.fields["credential"].queryset = (
            Credential.objects.filter(visit_assignments__visit__enterprise=org)
            .select_related("person")
            .distinct()
        )
        # Staff on the enterprise's own visits: it saw their names at the gate.
        self.fields["credential"].label_from_instance = lambda c: f"{c.person.name} {c.number}"
        county = org.county_code
        self.fields["provider"].queryset = Organisation.objects.filter(
            county_code=county, kind=OrganisationKind.PROVIDER, active=True
        )
        self.fields["agency"].queryset = Organisation.objects.filter(
            county_code=county, is_agency=True
        )


def public_counties():
    """Counties that can receive complaints: those with a judicial bureau."""
    codes = Organisation.objects.filter(is_judicial_bureau=True).values_list(
        "county_code", flat=True
    )
    return Division.objects.filter(level=DivisionLevel.COUNTY, code__in=codes).order_by("code")


class PublicComplaintForm(forms.Form):
    county = forms.ChoiceField(label=_("所在县（市、区）"))
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        required=False,
        help_text=_("用于查询办理进度和接收办理结果短信，不向被投诉方公开。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    name = forms.CharField(label=_("姓名（可不填）"), max_length=40, required=False)
    about = forms.CharField(
        label=_("涉及的企业或机构名称（可不填）"), max_length=120, required=False
    )
    category = forms.ChoiceField(label=_("投诉类别"), choices=ComplaintCategory.choices)
    text = forms.CharField(label=_("投诉内容"), widget=TEXTAREA, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = list(public_counties())
        self.fields["county"].choices = [(d.code, d.name) for d in counties]
        if len(counties) == 1:
            self.fields["county"].initial = counties[0].code
            self.fields["county"].widget = forms.HiddenInput()


class StatusCheckForm(forms.Form):
    number = forms.CharField(label=_("投诉编号"), max_length=30)
    phone = forms.CharField(
        label=_("投诉时填写的手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class TextForm(forms.Form):
    text = forms.CharField(label=_("内容"), widget=TEXTAREA, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明（可不填）"), widget=TEXTAREA, required=False)


class DecisionForm(forms.Form):
    substantiated = forms.TypedChoiceField(
        label=_("认定"),
        choices=[("yes", _("查实")), ("no", _("不属实"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    note = forms.CharField(label=_("认定意见"), widget=TEXTAREA, required=False)


class RerouteForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("转办至"), queryset=Organisation.objects.none())
    reason = forms.CharField(label=_("转办理由"), widget=TEXTAREA, required=False)

    def __init__(self, *args, county_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Organisation.objects.filter(
            county_code=county_code, is_agency=True
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("不认可的理由"), widget=TEXTAREA, required=False)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("对办理的评价"),
        choices=[(str(n), "★" * n) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("评价说明（可不填）"), widget=TEXTAREA, required=False)

"""HTML forms for contracts: they render and carry input; the contract services validate it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zerodisturb.contracts.choices import FilingStatus
from zerodisturb.registry.choices import OrganisationKind, PersonKind
from zerodisturb.registry.models import Organisation, Person

DATE = forms.DateInput(attrs={"type": "date"})


class ContractForm(forms.Form):
    # Optional everywhere: clean_contract() holds the rules and names the bad fields.
    provider = forms.ChoiceField(label=_("第三方机构"), required=False)
    staff = forms.MultipleChoiceField(
        label=_("辅助人员"), required=False, widget=forms.CheckboxSelectMultiple
    )
    amount = forms.CharField(
        label=_("合同金额（元）"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    signed_on = forms.CharField(label=_("签订日期"), required=False, widget=DATE)
    term_start = forms.CharField(label=_("履行期起"), required=False, widget=DATE)
    term_end = forms.CharField(label=_("履行期止"), required=False, widget=DATE)
    scope = forms.CharField(
        label=_("服务范围"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    no_subentrustment = forms.BooleanField(label=_("承诺不将服务转委托给其他机构"), required=False)
    pdf = forms.FileField(
        label=_("合同扫描件（PDF）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, county_code: str, provider=None, **kwargs):
        super().__init__(*args, **kwargs)
        if provider is not None:
            # Correcting or amending: the provider is fixed, only its staff can be chosen.
            del self.fields["provider"]
            providers = [provider]
        else:
            providers = list(
                Organisation.objects.filter(
                    county_code=county_code, kind=OrganisationKind.PROVIDER, active=True
                ).order_by("name")
            )
            self.fields["provider"].choices = [("", "—")] + [(str(p.pk), p.name) for p in providers]
        staff = Person.objects.filter(
            organisation__in=providers, kind=PersonKind.STAFF, active=True
        ).select_related("organisation")
        groups: dict[str, list] = {}
        for person in staff.order_by("organisation__name", "name"):
            groups.setdefault(person.organisation.name, []).append((str(person.pk), person.name))
        self.fields["staff"].choices = list(groups.items())

    @staticmethod
    def initial_from(version) -> dict:
        return {
            "staff": [str(pk) for pk in version.staff.values_list("pk", flat=True)],
            "amount": f"{version.amount:.2f}",
            "signed_on": version.signed_on.isoformat(),
            "term_start": version.term_start.isoformat(),
            "term_end": version.term_end.isoformat(),
            "scope": version.scope,
            "no_subentrustment": version.no_subentrustment,
        }


class AmendForm(ContractForm):
    change_note = forms.CharField(label=_("变更说明"), required=False, max_length=300)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContractFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("备案状态"), required=False, choices=[("", _("全部"))] + FilingStatus.choices
    )
    overdue = forms.BooleanField(label=_("逾期未备案"), required=False)
    q = forms.CharField(label=_("编号、机构或事项"), required=False, max_length=60)

"""HTML forms for commissioned items: they render and carry input; the services validate it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zerodisturb.commissioning.choices import Decision, ItemStatus, NegativeCategory
from zerodisturb.commissioning.models import Domain
from zerodisturb.registry.choices import Sector
from zerodisturb.registry.models import Division

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (the rest above the form)."""
    form.is_valid()  # make cleaned_data exist so add_error can be used
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages in errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def service_data(form: forms.Form, data) -> dict:
    """The raw submitted values, lists for the multi-value fields, as the services expect them."""
    out = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.MultipleChoiceField):
            out[name] = data.getlist(name)
        else:
            out[name] = data.get(name, "")
    return out


class ItemForm(forms.Form):
    # Everything is optional here on purpose: clean_item() is the one place the rules live.
    domain = forms.ChoiceField(label=_("委托领域"), required=False)
    title = forms.CharField(label=_("事项名称"), required=False, max_length=200)
    content = forms.CharField(label=_("服务内容"), required=False, widget=TEXTAREA)
    legal_basis = forms.CharField(label=_("法律依据"), required=False, widget=TEXTAREA)
    why_external = forms.CharField(label=_("无法自行完成的理由"), required=False, widget=TEXTAREA)
    target_enterprises = forms.CharField(
        label=_("目标企业"),
        required=False,
        help_text=_("企业编号，用逗号分隔；可用下方“查找企业”按名称或信用代码查找"),
    )
    target_sectors = forms.MultipleChoiceField(
        label=_("目标行业"),
        required=False,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    target_localities = forms.MultipleChoiceField(
        label=_("目标属地"), required=False, widget=forms.CheckboxSelectMultiple
    )
    period_start = forms.CharField(
        label=_("服务期起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.CharField(
        label=_("服务期止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    requested_budget = forms.CharField(
        label=_("申请预算（元）"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, county_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        domains = Domain.objects.filter(county_code=county_code, active=True)
        self.fields["domain"].choices = [("", "—")] + [(str(d.pk), d.name) for d in domains]
        localities = Division.objects.filter(county_code=county_code).exclude(level="county")
        self.fields["target_localities"].choices = [(str(d.pk), d.name) for d in localities]

    @staticmethod
    def initial_from(version) -> dict:
        return {
            "domain": str(version.domain_id),
            "title": version.title,
            "content": version.content,
            "legal_basis": version.legal_basis,
            "why_external": version.why_external,
            "target_enterprises": ",".join(
                str(pk) for pk in version.target_enterprises.values_list("pk", flat=True)
            ),
            "target_sectors": version.target_sectors,
            "target_localities": [
                str(pk) for pk in version.target_localities.values_list("pk", flat=True)
            ],
            "period_start": version.period_start.isoformat(),
            "period_end": version.period_end.isoformat(),
            "requested_budget": f"{version.requested_budget:.2f}",
        }


class ItemFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + ItemStatus.choices
    )
    domain = forms.ChoiceField(label=_("领域"), required=False)
    agency = forms.ChoiceField(label=_("委托机关"), required=False)
    q = forms.CharField(label=_("编号或名称"), required=False, max_length=60)
    pending = forms.BooleanField(label=_("本部门待表决"), required=False)

    def __init__(self, *args, domains, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", _("全部"))] + [(str(d.pk), d.name) for d in domains]
        self.fields["agency"].choices = [("", _("全部"))] + [(str(a.pk), a.name) for a in agencies]


class VoteForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("意见"),
        required=False,
        choices=[
            (Decision.APPROVE, Decision.APPROVE.label),
            (Decision.APPROVE_CUT, Decision.APPROVE_CUT.label),
            (Decision.REJECT, Decision.REJECT.label),
        ],
        widget=forms.RadioSelect,
    )
    amount = forms.CharField(
        label=_("核减后金额（元）"),
        required=False,
        help_text=_("仅“核减预算后同意”时填写"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    opinion = forms.CharField(label=_("书面意见"), required=False, widget=TEXTAREA)


class MergeForm(forms.Form):
    merge_with = forms.CharField(
        label=_("合并至事项编号"), required=False, help_text=_("留空表示取消合并建议")
    )
    note = forms.CharField(label=_("合并说明"), required=False, max_length=300)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回理由"), required=False, widget=TEXTAREA)


class NegativeRuleForm(forms.Form):
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", "—")] + NegativeCategory.choices
    )
    keywords = forms.CharField(
        label=_("关键词"),
        required=False,
        widget=TEXTAREA,
        help_text=_("每行一个；任一出现在事项名称或内容中即拒绝提交"),
    )
    reason = forms.CharField(label=_("拒绝理由"), required=False)
    rule_ref = forms.CharField(label=_("依据条款"), required=False)

from django import forms
from django.utils.translation import gettext_lazy as _

from zerodisturb.registry.choices import OrganisationKind


class OrganisationFilter(forms.Form):
    q = forms.CharField(label=_("名称或信用代码"), required=False, max_length=60)
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部"))] + OrganisationKind.choices
    )
    locality = forms.IntegerField(label=_("属地"), required=False, widget=forms.Select)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("工作簿（.xlsx）"))

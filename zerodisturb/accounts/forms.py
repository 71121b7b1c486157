from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LockoutAwareLoginForm(AuthenticationForm):
    """Says plainly when an account is locked instead of the generic wrong-password message."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码错误。连续输错多次后账户将被临时锁定。"),
        "locked": _(
            "该账户因连续登录失败已被临时锁定，请 %(minutes)s 分钟后再试或联系管理员解锁。"
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            username = self.cleaned_data.get("username")
            user = get_user_model().objects.filter(username=username).first()
            if user is not None and user.is_locked():
                from django.utils import timezone

                minutes = max(
                    1, int((user.locked_until - timezone.now()).total_seconds() // 60) + 1
                )
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"minutes": minutes}
                ) from None
            raise


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=60, help_text=_("例如：统计报表脚本"))

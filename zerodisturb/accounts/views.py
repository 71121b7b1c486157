from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerodisturb import ratelimit
from zerodisturb.accounts.forms import ApiTokenForm, LockoutAwareLoginForm
from zerodisturb.accounts.models import ApiToken
from zerodisturb.accounts.services import issue_api_token, revoke_api_token


class Login(LoginView):
    form_class = LockoutAwareLoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Per address, before the password is even checked: guessing across many accounts from
        # one place is slowed here; guessing one account is stopped by its lockout.
        if not ratelimit.allow("login", ratelimit.client_key(request), settings.RATE_LIMIT_LOGIN):
            response = render(request, "registration/too_many.html", status=429)
            response["Retry-After"] = "60"
            return response
        return super().post(request, *args, **kwargs)


@login_required
def tokens(request):
    new_token = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = issue_api_token(request.user, form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "new_token": new_token, "tokens": request.user.api_tokens.all()},
    )


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_api_token(request.user, token)
    messages.success(request, _("令牌 %(prefix)s… 已吊销。") % {"prefix": token.prefix})
    return redirect("accounts:tokens")

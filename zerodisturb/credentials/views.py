"""Credential pages: list, issue, detail, status changes, the PDF card and public verification."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zerodisturb import ratelimit
from zerodisturb.audit.models import AuditEvent
from zerodisturb.commissioning.forms import add_service_errors
from zerodisturb.credentials import services
from zerodisturb.credentials.card import card_pdf
from zerodisturb.credentials.forms import IssueForm, ReasonForm, VerifySearchForm
from zerodisturb.credentials.models import Credential
from zerodisturb.credentials.permissions import may_open_issue_form, visible_credentials
from zerodisturb.exports import DATE, Column, Sheet, export_list, wants_xlsx
from zerodisturb.registry.pii import mask_name


def _credential(request, pk: int) -> Credential:
    return get_object_or_404(visible_credentials(request.user), pk=pk)


def filtered_credentials(user, params):
    """(q, status, the credentials they select for `user`), shared by the page and the export."""
    qs = visible_credentials(user)
    q = params.get("q", "").strip()[:40]
    status = params.get("status", "")
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(person__name__icontains=q))
    if status in Credential.Status.values:
        qs = qs.filter(status=status)
    return q, status, qs


EXPORT_COLUMNS = [
    Column("证件编号", "number"),
    Column("姓名", "person.name"),
    Column("第三方机构", "provider.name"),
    Column("有效期起", "valid_from", DATE),
    Column("有效期止", "valid_to", DATE),
    Column("状态", "get_status_display"),
]


def _export(request, qs):
    labels = {"q": _("证件编号或姓名"), "status": (_("状态"), Credential.Status.choices)}
    sheet = Sheet("辅助人员证件", EXPORT_COLUMNS, qs)
    return export_list(request, "credentials:list", "零扰企 · 辅助人员证件", sheet, labels=labels)


@login_required
def credential_list(request):
    q, status, qs = filtered_credentials(request.user, request.GET)
    if wants_xlsx(request):
        return _export(request, qs)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "credentials/credential_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": Credential.Status.choices,
            "can_issue": may_open_issue_form(request.user),
        },
    )


@login_required
def credential_new(request):
    user = request.user
    if not may_open_issue_form(user):
        raise PermissionDenied
    if request.method != "POST":
        form = IssueForm(user=user)
        return render(request, "credentials/credential_form.html", {"form": form})
    form = IssueForm(request.POST, request.FILES, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            credential = services.issue_credential(
                user,
                data["person"],
                list(data["contracts"]),
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                scope=data["scope"],
                photo=data["photo"],
            )
        except PermissionDenied:
            form.add_error(
                "contracts", _("无权为这些合同签发证件（按本县规定由司法局或委托机关签发）。")
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已签发证件 %(number)s。") % {"number": credential.number})
            return redirect("credentials:detail", pk=credential.pk)
    return render(request, "credentials/credential_form.html", {"form": form}, status=400)


@login_required
def credential_detail(request, pk: int):
    credential = _credential(request, pk)
    history = AuditEvent.objects.filter(
        object_type="credentials.credential", object_id=str(credential.pk)
    ).order_by("seq")
    can_change = services.can_change_status(request.user, credential)
    return render(
        request,
        "credentials/credential_detail.html",
        {
            "credential": credential,
            "state": services.credential_state(credential),
            "contracts": credential.contracts.select_related("agency", "item"),
            "history": history,
            "can_change": can_change,
            "reason_form": ReasonForm(),
            "verify_path": f"/verify/{credential.number}",
        },
    )


def _change(request, pk: int, action, done: str):
    credential = _credential(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if action is services.reinstate_credential:
            action(request.user, credential)
        else:
            action(request.user, credential, reason)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("credentials:detail", pk=credential.pk)


@login_required
@require_POST
def credential_suspend(request, pk: int):
    return _change(request, pk, services.suspend_credential, _("证件已暂停使用。"))


@login_required
@require_POST
def credential_reinstate(request, pk: int):
    return _change(request, pk, services.reinstate_credential, _("证件已恢复有效。"))


@login_required
@require_POST
def credential_revoke(request, pk: int):
    return _change(request, pk, services.revoke_credential, _("证件已吊销。"))


@login_required
def credential_card(request, pk: int):
    credential = _credential(request, pk)
    response = HttpResponse(card_pdf(credential), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{credential.number}.pdf"'
    return response


# ---- public verification ---------------------------------------------------------------------


def rate_limited(request, scope: str) -> HttpResponse | None:
    """The Chinese 429 page once this client has used up its public look-ups for the minute."""
    key = ratelimit.client_key(request)
    if ratelimit.allow(scope, key, settings.RATE_LIMIT_VERIFY):
        return None
    response = render(request, "credentials/too_many.html", status=429)
    response["Retry-After"] = "60"
    return response


@never_cache
def verify_search(request):
    form = VerifySearchForm(request.GET or None)
    if form.is_valid():
        return redirect("verify", number=form.cleaned_data["number"].strip())
    return render(request, "credentials/verify_search.html", {"form": form})


@never_cache
def verify(request, number: str):
    if limited := rate_limited(request, "verify"):
        return limited
    credential = (
        Credential.objects.select_related("person", "provider").filter(number=number).first()
    )
    context = {"number": number, "credential": credential}
    if credential is not None:
        contracts = list(credential.contracts.select_related("agency"))
        context |= {
            "state": services.credential_state(credential),
            "masked_name": mask_name(credential.person.name),
            "agencies": sorted({c.agency.name for c in contracts}),
        }
    status = 200 if credential is not None else 404
    return render(request, "credentials/verify.html", context, status=status)

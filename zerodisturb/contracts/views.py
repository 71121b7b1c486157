"""HTML pages for contracts and their filing: load, call the contract service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerodisturb.commissioning.forms import add_service_errors, service_data
from zerodisturb.commissioning.permissions import visible_items
from zerodisturb.contracts import permissions as perms
from zerodisturb.contracts import services
from zerodisturb.contracts.choices import FilingStatus
from zerodisturb.contracts.cleaning import contracted_elsewhere
from zerodisturb.contracts.forms import AmendForm, ContractFilter, ContractForm, ReturnForm
from zerodisturb.contracts.models import Contract
from zerodisturb.exports import DATE, MONEY, Column, Sheet, export_list, wants_xlsx

UNFILED = (FilingStatus.RECORDED, FilingStatus.RETURNED)


def _contract(request, pk: int) -> Contract:
    return get_object_or_404(perms.visible_contracts(request.user), pk=pk)


def _pdf(request) -> tuple[bytes | None, str]:
    upload = request.FILES.get("pdf")
    if not upload:
        return None, ""
    return upload.read(), upload.name[-100:]


def overdue_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(
        current_version__filing_status__in=UNFILED,
        current_version__filing_due_on__lt=today,
        ended_at__isnull=True,
    )


def filtered_contracts(user, params):
    """The list's filter form and the contracts it selects for `user` (page and export)."""
    qs = perms.visible_contracts(user)
    form = ContractFilter(params or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(current_version__filing_status=data["status"])
        if data["overdue"]:
            qs = qs.filter(overdue_q())
        if q := data["q"]:
            qs = qs.filter(
                Q(number__icontains=q)
                | Q(provider__name__icontains=q)
                | Q(item__number__icontains=q)
                | Q(agency__name__icontains=q)
            )
    return form, qs


def _is_overdue(contract, today) -> bool:
    v = contract.current_version
    return bool(
        v and v.filing_status in UNFILED and v.filing_due_on < today and not contract.ended_at
    )


def _export(request, form, qs):
    today = timezone.localdate()
    columns = [
        Column("合同编号", "number"),
        Column("委托事项", "item.number"),
        Column("委托机关", "agency.name"),
        Column("第三方机构", "provider.name"),
        Column("合同金额（元）", "current_version.amount", MONEY),
        Column("备案状态", "current_version.get_filing_status_display"),
        Column("逾期未备案", lambda c: "是" if _is_overdue(c, today) else ""),
        Column("备案截止日", "current_version.filing_due_on", DATE),
    ]
    sheet = Sheet("合同备案", columns, qs)
    return export_list(request, "contracts:list", "零扰企 · 合同备案", sheet, form=form)


@login_required
def contract_list(request):
    form, qs = filtered_contracts(request.user, request.GET)
    if wants_xlsx(request):
        return _export(request, form, qs)
    today = timezone.localdate()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    for contract in page:
        contract.overdue = _is_overdue(contract, today)
    return render(request, "contracts/contract_list.html", {"form": form, "page": page})


def _form_page(request, template: str, context: dict, status: int = 200):
    return render(request, f"contracts/{template}", context, status=status)


@login_required
def contract_new(request, item_pk: int):
    item = get_object_or_404(visible_items(request.user), pk=item_pk)
    if not perms.can_record(request.user, item):
        raise PermissionDenied
    if not item.is_approved:
        messages.error(request, _("只有经联审批准的委托事项才能登记合同。"))
        return redirect("commissioning:item", pk=item.pk)
    context = {
        "item": item,
        "available": item.approved_budget - contracted_elsewhere(item),
    }
    if request.method != "POST":
        form = ContractForm(county_code=item.county_code, initial={"no_subentrustment": True})
        return _form_page(request, "contract_form.html", context | {"form": form})
    form = ContractForm(request.POST, request.FILES, county_code=item.county_code)
    pdf, name = _pdf(request)
    try:
        contract = services.record_contract(
            request.user, item, service_data(form, request.POST), pdf, name
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _form_page(request, "contract_form.html", context | {"form": form})
    messages.success(
        request,
        _("合同 %(number)s 已登记，请在 %(due)s 前报备司法局。")
        % {
            "number": contract.number,
            "due": f"{contract.current_version.filing_due_on:%Y-%m-%d}",
        },
    )
    return redirect("contracts:detail", pk=contract.pk)


def _detail_context(request, contract: Contract) -> dict:
    user = request.user
    today = timezone.localdate()
    versions = list(
        perms.shown_versions(user, contract)
        .select_related("decided_by")
        .prefetch_related("staff")
        .order_by("-version")
    )
    for v in versions:
        v.overdue = v.filing_status in UNFILED and v.filing_due_on < today and not contract.ended_at
    current = perms.shown_current(user, contract)
    owner = perms.can_record(user, contract.item)
    decider = perms.can_decide_filing(user, contract)
    return {
        "contract": contract,
        "versions": versions,
        "current": current,
        "can_correct": owner and current.filing_status in UNFILED,
        "can_file": owner and current.filing_status in UNFILED,
        "can_amend": owner
        and current.filing_status == FilingStatus.ACCEPTED
        and not contract.ended_at,
        "can_decide": decider and current.filing_status == FilingStatus.FILED,
        "return_form": ReturnForm(),
        "action_errors": [],
    }


def _detail(request, contract, **overrides):
    context = _detail_context(request, contract) | overrides
    return render(request, "contracts/contract_detail.html", context)


@login_required
def contract_detail(request, pk: int):
    return _detail(request, _contract(request, pk))


def _edit(request, pk: int, *, amend: bool):
    contract = _contract(request, pk)
    if not perms.can_record(request.user, contract.item):
        raise PermissionDenied
    form_class = AmendForm if amend else ContractForm
    kwargs = {"county_code": contract.county_code, "provider": contract.provider}
    context = {"contract": contract, "item": contract.item, "amend": amend}
    context["available"] = contract.item.approved_budget - contracted_elsewhere(
        contract.item, contract
    )
    if request.method != "POST":
        initial = ContractForm.initial_from(contract.current_version)
        form = form_class(initial=initial, **kwargs)
        return _form_page(request, "contract_form.html", context | {"form": form})
    form = form_class(request.POST, request.FILES, **kwargs)
    data = service_data(form, request.POST)
    pdf, name = _pdf(request)
    try:
        if amend:
            services.amend_contract(
                request.user, contract, data, pdf, data.get("change_note", ""), name
            )
        else:
            services.correct_contract(request.user, contract, data, pdf, name)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _form_page(request, "contract_form.html", context | {"form": form})
    if amend:
        messages.success(request, _("变更已登记为新版本，请报备司法局。"))
    else:
        messages.success(request, _("合同已修改。"))
    return redirect("contracts:detail", pk=contract.pk)


@login_required
def contract_correct(request, pk: int):
    return _edit(request, pk, amend=False)


@login_required
def contract_amend(request, pk: int):
    return _edit(request, pk, amend=True)


@login_required
@require_POST
def contract_file(request, pk: int):
    contract = _contract(request, pk)
    try:
        services.file_contract(request.user, contract)
    except ValidationError as exc:
        return _detail(request, contract, action_errors=exc.messages)
    messages.success(request, _("已报备司法局，等待审查。"))
    return redirect("contracts:detail", pk=contract.pk)


@login_required
@require_POST
def contract_accept(request, pk: int):
    contract = _contract(request, pk)
    try:
        services.accept_filing(request.user, contract)
    except ValidationError as exc:
        return _detail(request, contract, action_errors=exc.messages)
    messages.success(request, _("备案已通过。"))
    return redirect("contracts:detail", pk=contract.pk)


@login_required
@require_POST
def contract_return(request, pk: int):
    contract = _contract(request, pk)
    form = ReturnForm(request.POST)
    try:
        services.return_filing(request.user, contract, request.POST.get("reason", ""))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail(request, contract, return_form=form)
    messages.success(request, _("已退回修改。"))
    return redirect("contracts:detail", pk=contract.pk)


@login_required
def version_pdf(request, pk: int, number: int):
    contract = _contract(request, pk)  # 404 for anyone who cannot see the contract
    # A provider sees what was filed with the judicial bureau, not the agency's unfiled drafts.
    version = get_object_or_404(perms.shown_versions(request.user, contract), version=number)
    if not version.pdf:
        raise Http404
    return FileResponse(
        version.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{contract.number}-v{version.version}.pdf",
    )

"""HTML pages for commissioned items and the negative list: load, call the service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerodisturb.commissioning import permissions as perms
from zerodisturb.commissioning import services
from zerodisturb.commissioning.choices import Decision, ItemStatus
from zerodisturb.commissioning.forms import (
    ItemFilter,
    ItemForm,
    MergeForm,
    NegativeRuleForm,
    VoteForm,
    WithdrawForm,
    add_service_errors,
    service_data,
)
from zerodisturb.commissioning.models import CommissionedItem, Domain, NegativeRule, Review
from zerodisturb.commissioning.overlap import find_overlaps
from zerodisturb.commissioning.versions import compare_versions
from zerodisturb.exports import DATE, MONEY, Column, Sheet, export_list, wants_xlsx
from zerodisturb.registry.choices import OrganisationKind, Sector
from zerodisturb.registry.models import Organisation

WITHDRAWABLE = (
    ItemStatus.DRAFT,
    ItemStatus.SUBMITTED,
    ItemStatus.UNDER_REVIEW,
    ItemStatus.REJECTED,
)


def _item(request, pk: int) -> CommissionedItem:
    return get_object_or_404(perms.visible_items(request.user), pk=pk)


def _pending_filter(user) -> Q:
    return Q(
        reviews__department_id=user.organisation_id,
        reviews__decision=Decision.PENDING,
        reviews__version=F("current_version"),
    )


def filtered_items(user, params):
    """The list's filter form and the items it selects for `user` (page and export)."""
    qs = perms.visible_items(user)
    domains = Domain.objects.filter(county_code=user.county_code)
    agencies = Organisation.objects.filter(county_code=user.county_code, is_agency=True)
    form = ItemFilter(params or None, domains=domains, agencies=agencies)
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["domain"]:
            qs = qs.filter(current_version__domain_id=data["domain"])
        if data["agency"]:
            qs = qs.filter(agency_id=data["agency"])
        if q := data["q"]:
            qs = qs.filter(Q(number__icontains=q) | Q(current_version__title__icontains=q))
        if data["pending"]:
            qs = qs.filter(_pending_filter(user))
    if params.get("overdue"):
        overdue = Q(
            reviews__decision=Decision.PENDING,
            reviews__version=F("current_version"),
            reviews__due_on__lt=today,
            status__in=(ItemStatus.SUBMITTED, ItemStatus.UNDER_REVIEW),
        )
        if user.role == "reviewer":
            overdue &= Q(reviews__department_id=user.organisation_id)
        qs = qs.filter(overdue)
    return form, qs.distinct()


EXPORT_COLUMNS = [
    Column("事项编号", "number"),
    Column("事项名称", "current_version.title"),
    Column("委托机关", "agency.name"),
    Column("领域", "current_version.domain.name"),
    Column("状态", "get_status_display"),
    Column("申请预算（元）", "current_version.requested_budget", MONEY),
    Column("批准预算（元）", "approved_budget", MONEY),
    Column("联审截止日", "review_due_on", DATE),
]


@login_required
def item_list(request):
    user = request.user
    form, qs = filtered_items(user, request.GET)
    if wants_xlsx(request):
        sheet = Sheet("委托事项", EXPORT_COLUMNS, qs)
        flags = {"overdue": _("联审逾期")}
        return export_list(
            request, "commissioning:items", "零扰企 · 委托事项", sheet, form=form, flags=flags
        )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "commissioning/item_list.html",
        {
            "form": form,
            "page": page,
            "can_create": perms.can_create_item(user),
            "is_reviewer": user.role == "reviewer",
        },
    )


def _item_form_page(request, form, item=None):
    return render(request, "commissioning/item_form.html", {"form": form, "item": item})


@login_required
def item_new(request):
    if not perms.can_create_item(request.user):
        raise PermissionDenied
    county = request.user.county_code
    if request.method != "POST":
        return _item_form_page(request, ItemForm(county_code=county))
    form = ItemForm(request.POST, county_code=county)
    try:
        item = services.create_item(request.user, service_data(form, request.POST))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _item_form_page(request, form)
    messages.success(
        request, _("已保存草稿 %(number)s，核对无误后请提交联审。") % {"number": item.number}
    )
    return redirect("commissioning:item", pk=item.pk)


@login_required
def item_edit(request, pk: int):
    item = _item(request, pk)
    if not perms.can_edit_item(request.user, item):
        raise PermissionDenied
    if item.status != ItemStatus.DRAFT:
        messages.error(request, _("只有草稿可以修改。"))
        return redirect("commissioning:item", pk=item.pk)
    county = item.county_code
    if request.method != "POST":
        initial = ItemForm.initial_from(item.current_version)
        return _item_form_page(request, ItemForm(initial=initial, county_code=county), item)
    form = ItemForm(request.POST, county_code=county)
    try:
        services.update_draft(request.user, item, service_data(form, request.POST))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _item_form_page(request, form, item)
    messages.success(request, _("草稿已保存。"))
    return redirect("commissioning:item", pk=item.pk)


def _detail_context(request, item: CommissionedItem) -> dict:
    # The finance panel reads the contracts app, one layer up; imported here so that the
    # commissioning models and services never depend on contracts.
    from zerodisturb.contracts.cleaning import contracted_elsewhere
    from zerodisturb.contracts.permissions import can_record, visible_contracts

    user = request.user
    version = item.current_version
    today = timezone.localdate()
    reviews = list(
        Review.objects.filter(item=item)
        .select_related("department", "version")
        .order_by("-version__version", "order")
    )
    for review in reviews:
        review.overdue = review.decision == Decision.PENDING and review.due_on < today
    my_review = next(
        (
            r
            for r in reviews
            if r.version_id == item.current_version_id and r.department_id == user.organisation_id
        ),
        None,
    )
    is_owner = perms.can_edit_item(user, item)
    open_review = item.status in (ItemStatus.SUBMITTED, ItemStatus.UNDER_REVIEW)
    contracted = contracted_elsewhere(item)
    sector_labels = dict(Sector.choices)
    overlaps = find_overlaps(version)
    for overlap in overlaps:  # shared sectors come as codes; the page shows their names
        overlap.shared_sector_names = [str(sector_labels.get(s, s)) for s in overlap.shared_sectors]
    return {
        "item": item,
        "version": version,
        "sector_names": "、".join(str(sector_labels.get(s, s)) for s in version.target_sectors),
        "versions": list(item.versions.select_related("domain").order_by("-version")),
        "current_reviews": [r for r in reviews if r.version_id == item.current_version_id],
        "earlier_reviews": [r for r in reviews if r.version_id != item.current_version_id],
        "overlaps": overlaps,
        "contracted": contracted,
        "available": (item.approved_budget - contracted) if item.approved_budget else None,
        "contracts": visible_contracts(user).filter(item=item),
        "can_edit": is_owner and item.status == ItemStatus.DRAFT,
        "can_submit": is_owner and item.status == ItemStatus.DRAFT,
        "can_revise": is_owner and item.status == ItemStatus.REJECTED,
        "can_withdraw": is_owner and item.status in WITHDRAWABLE,
        "can_vote": open_review
        and my_review is not None
        and my_review.decision == Decision.PENDING
        and perms.can_vote(user, item, my_review),
        "can_merge": perms.can_mark_merge(user, item) and item.status != ItemStatus.WITHDRAWN,
        "can_record": item.is_approved and can_record(user, item),
        "vote_form": VoteForm(),
        "merge_form": MergeForm(
            initial={
                "merge_with": item.merge_with.number if item.merge_with_id else "",
                "note": item.merge_note,
            }
        ),
        "withdraw_form": WithdrawForm(),
        "submit_errors": [],
    }


def _detail(request, item, status=200, **overrides):
    context = _detail_context(request, item) | overrides
    return render(request, "commissioning/item_detail.html", context, status=status)


@login_required
def item_detail(request, pk: int):
    return _detail(request, _item(request, pk))


@login_required
def item_compare(request, pk: int):
    item = _item(request, pk)
    versions = {v.version: v for v in item.versions.select_related("domain")}
    try:
        a = versions[int(request.GET.get("a", 0))]
        b = versions[int(request.GET.get("b", 0))]
    except (KeyError, ValueError):
        numbers = sorted(versions)
        if len(numbers) < 2:
            raise Http404 from None
        a, b = versions[numbers[-2]], versions[numbers[-1]]
    return render(
        request,
        "commissioning/item_compare.html",
        {
            "item": item,
            "a": a,
            "b": b,
            "rows": compare_versions(a, b),
            "numbers": sorted(versions),
        },
    )


@login_required
@require_POST
def item_submit(request, pk: int):
    item = _item(request, pk)
    try:
        submission = services.submit_item(request.user, item)
    except ValidationError as exc:
        return _detail(request, item, submit_errors=exc.messages)
    if submission.overlaps:
        messages.warning(
            request,
            _("已提交联审。系统发现 %(n)d 个可能重叠的事项，联审部门将据此考虑合并或核减。")
            % {"n": len(submission.overlaps)},
        )
    else:
        messages.success(request, _("已提交联审。"))
    return redirect("commissioning:item", pk=item.pk)


@login_required
@require_POST
def item_vote(request, pk: int):
    item = _item(request, pk)
    form = VoteForm(request.POST)
    data = service_data(form, request.POST)
    try:
        services.cast_review_vote(
            request.user, item, data["decision"], data["opinion"], amount=data["amount"]
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail(request, item, vote_form=form)
    messages.success(request, _("已记录本部门的联审意见。"))
    return redirect("commissioning:item", pk=item.pk)


@login_required
@require_POST
def item_merge(request, pk: int):
    item = _item(request, pk)
    form = MergeForm(request.POST)
    number = request.POST.get("merge_with", "").strip()
    other = None
    if number:
        other = perms.visible_items(request.user).filter(number=number).first()
        if other is None:
            add_service_errors(form, ValidationError({"merge_with": _("找不到该编号的事项")}))
            return _detail(request, item, merge_form=form)
    try:
        services.mark_merge(request.user, item, other, request.POST.get("note", ""))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail(request, item, merge_form=form)
    messages.success(request, _("已更新合并建议。"))
    return redirect("commissioning:item", pk=item.pk)


@login_required
@require_POST
def item_revise(request, pk: int):
    item = _item(request, pk)
    try:
        services.revise_item(request.user, item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("commissioning:item", pk=item.pk)
    messages.success(request, _("已生成新版本草稿，请修改后重新提交。"))
    return redirect("commissioning:item_edit", pk=item.pk)


@login_required
@require_POST
def item_withdraw(request, pk: int):
    item = _item(request, pk)
    form = WithdrawForm(request.POST)
    try:
        services.withdraw_item(request.user, item, request.POST.get("reason", ""))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail(request, item, withdraw_form=form)
    messages.success(request, _("事项已撤回。"))
    return redirect("commissioning:item", pk=item.pk)


@login_required
def enterprise_search(request):
    """Helper for the item form: find enterprise numbers by name or credit code."""
    if not perms.can_create_item(request.user):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:60]
    found = []
    if q:
        found = Organisation.objects.filter(
            county_code=request.user.county_code, kind=OrganisationKind.ENTERPRISE
        ).filter(Q(name__icontains=q) | Q(credit_code__startswith=q.upper()))[:20]
    template = (
        "commissioning/_enterprise_results.html"
        if request.htmx
        else "commissioning/enterprise_search.html"
    )
    return render(request, template, {"q": q, "found": found})


# ---- negative list ------------------------------------------------------------------------


def _negative_manager(request):
    if not perms.can_manage_negative_list(request.user):
        raise PermissionDenied


def _rule(request, pk: int) -> NegativeRule:
    return get_object_or_404(NegativeRule, pk=pk, county_code=request.user.county_code)


@login_required
def negative_list(request):
    _negative_manager(request)
    rules = NegativeRule.objects.filter(county_code=request.user.county_code).order_by(
        "-active", "category", "pk"
    )
    return render(request, "commissioning/negative_list.html", {"rules": rules})


@login_required
def negative_rule_edit(request, pk: int | None = None):
    _negative_manager(request)
    rule = _rule(request, pk) if pk else None
    if request.method != "POST":
        initial = (
            {
                "category": rule.category,
                "keywords": rule.keywords,
                "reason": rule.reason,
                "rule_ref": rule.rule_ref,
            }
            if rule
            else {}
        )
        form = NegativeRuleForm(initial=initial)
    else:
        form = NegativeRuleForm(request.POST)
        try:
            services.save_negative_rule(request.user, service_data(form, request.POST), rule)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("负面清单已保存。"))
            return redirect("commissioning:negative_list")
    return render(request, "commissioning/negative_rule_form.html", {"form": form, "rule": rule})


@login_required
@require_POST
def negative_rule_active(request, pk: int):
    _negative_manager(request)
    rule = _rule(request, pk)
    active = request.POST.get("active") == "1"
    services.set_negative_rule_active(request.user, rule, active)
    messages.success(request, _("已启用该条目。") if active else _("已停用该条目。"))
    return redirect("commissioning:negative_list")

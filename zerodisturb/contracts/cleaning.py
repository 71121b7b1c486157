"""Checking a contract before it is stored: dates, term, amount against the budget, staff, PDF."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from zerodisturb.commissioning.cleaning import parse_amount, parse_date
from zerodisturb.ids import valid_id
from zerodisturb.registry.choices import OrganisationKind, PersonKind
from zerodisturb.registry.models import Organisation, Person

MAX_TERM_YEARS = 3


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_pdf(data: bytes | None, errors: dict[str, str]) -> str:
    """The SHA-256 of an acceptable PDF, or '' with the error recorded."""
    if not data:
        errors["pdf"] = "请上传已签署合同的 PDF 扫描件"
        return ""
    if len(data) > settings.MEDIA_MAX_PDF_BYTES:
        errors["pdf"] = "PDF 不能超过 20 MB"
        return ""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        errors["pdf"] = "上传的文件不是 PDF（应以 %PDF- 开头、以 %%EOF 结尾），请上传合同扫描件 PDF"
        return ""
    return hashlib.sha256(data).hexdigest()


def contracted_elsewhere(item, exclude_contract=None) -> Decimal:
    """What the item's other live contracts already use of its approved budget."""
    from zerodisturb.contracts.models import Contract

    contracts = Contract.objects.filter(item=item, ended_at__isnull=True)
    if exclude_contract is not None:
        contracts = contracts.exclude(pk=exclude_contract.pk)
    # A pending amendment does not free budget until it is accepted: count the larger amount.
    in_use = Greatest(
        Coalesce("accepted_version__amount", Value(Decimal(0))), "current_version__amount"
    )
    total = contracts.aggregate(s=Sum(in_use))["s"]
    return total or Decimal("0.00")


def clean_contract(
    data: dict,
    item,
    pdf: bytes | None,
    *,
    contract=None,
    pdf_required: bool = True,
    today: date | None = None,
) -> dict:
    errors: dict[str, str] = {}
    clean: dict = {}
    if not item.is_approved:
        raise ValidationError({"item": "只有经联审批准的委托事项才能签订合同。"})
    clean["amount"] = parse_amount(data.get("amount"), "amount", errors)
    available = (item.approved_budget or Decimal(0)) - contracted_elsewhere(item, contract)
    if clean["amount"] is not None and clean["amount"] > available:
        errors["amount"] = (
            f"超出预算：事项批准预算 {item.approved_budget:,.2f} 元，其他合同已用 "
            f"{item.approved_budget - available:,.2f} 元，本合同最多 {available:,.2f} 元"
        )
    today = today or timezone.localdate()
    signed = parse_date(data.get("signed_on"), "signed_on", errors)
    if signed and signed > today:
        errors["signed_on"] = "签订日期不能晚于今天（先签订，后登记备案）"
    start = parse_date(data.get("term_start"), "term_start", errors)
    end = parse_date(data.get("term_end"), "term_end", errors)
    if start and end:
        if end < start:
            errors["term_end"] = "履行期止不能早于履行期起"
        elif end >= _years_later(start, MAX_TERM_YEARS):
            errors["term_end"] = "合同期限不能超过 3 年"
    clean.update(signed_on=signed, term_start=start, term_end=end)
    scope = str(data.get("scope") or "").strip()
    if not scope:
        errors["scope"] = "请填写服务范围"
    elif len(scope) > 3000:
        errors["scope"] = "服务范围不能超过 3000 字"
    clean["scope"] = scope
    if str(data.get("no_subentrustment")).lower() not in ("true", "1", "on", "yes"):
        errors["no_subentrustment"] = "须声明不将服务转委托给其他机构"
    clean["no_subentrustment"] = True
    if contract is None:
        provider = Organisation.objects.filter(
            pk=valid_id(data.get("provider")),
            county_code=item.county_code,
            kind=OrganisationKind.PROVIDER,
            active=True,
        ).first()
        if provider is None:
            errors["provider"] = "请选择本县已登记、有效的第三方机构"
        elif provider.excluded_until and provider.excluded_until >= today:
            # 不满意退出: the judicial bureau excluded the provider for a period.
            errors["provider"] = (
                f"该第三方机构已因不满意退出，{provider.excluded_until:%Y-%m-%d} 前"
                "不得签订新的委托合同，请选择其他机构"
            )
        clean["provider"] = provider
    else:
        provider = contract.provider
    staff_ids = [valid_id(s) for s in (data.get("staff") or []) if str(s).strip()]
    staff = (
        list(
            Person.objects.filter(
                pk__in=staff_ids, organisation=provider, kind=PersonKind.STAFF, active=True
            )
        )
        if provider
        else []
    )
    if len(staff) != len(set(staff_ids)):
        errors["staff"] = "辅助人员须是该机构在职的已登记人员"
    clean["staff"] = staff
    clean["pdf_sha256"] = check_pdf(pdf, errors) if (pdf or pdf_required) else ""
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    return clean

"""Checking an agency's application before it is stored: every problem named by its field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from zerodisturb.commissioning.models import Domain
from zerodisturb.ids import valid_id
from zerodisturb.registry.choices import OrganisationKind, Sector
from zerodisturb.registry.models import Division, Organisation

MAX_BUDGET = Decimal("1000000000.00")  # 10亿元: above this it is a typing error, not a budget
MAX_PERIOD_DAYS = 3 * 366
MIN_YEAR, MAX_YEAR = 2000, 2100
TEXT_LIMITS = {"title": 120, "content": 5000, "legal_basis": 2000, "why_external": 2000}


def parse_amount(raw, field: str, errors: dict[str, str], *, maximum=MAX_BUDGET) -> Decimal | None:
    """Yuan with at most two decimals, greater than zero and not absurdly large."""
    text = str(raw).strip().replace(",", "").replace("，", "") if raw is not None else ""
    if not text:
        errors[field] = "请填写金额（元）"
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors[field] = f"“{text[:20]}”不是有效金额，请填写数字（元，最多两位小数）"
        return None
    if not amount.is_finite():
        errors[field] = "金额必须是有限数字"
        return None
    if amount <= 0:
        errors[field] = "金额必须大于 0"
        return None
    if amount > maximum:
        errors[field] = f"金额超过上限 {maximum:,.2f} 元，请核对单位是否为“元”"
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors[field] = "金额最多保留两位小数（分）"
        return None
    return amount.quantize(Decimal("0.01"))


def parse_date(raw, field: str, errors: dict[str, str]) -> date | None:
    text = raw.isoformat() if isinstance(raw, date) else str(raw or "").strip()
    if not text:
        errors[field] = "请填写日期"
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors[field] = f"“{text[:20]}”不是有效日期（格式 YYYY-MM-DD）"
        return None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        errors[field] = f"日期应在 {MIN_YEAR} 至 {MAX_YEAR} 年之间"
        return None
    return day


def clean_item(data: dict, county_code: str) -> dict:
    """Return clean values or raise ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    clean: dict = {}
    for name, limit in TEXT_LIMITS.items():
        value = str(data.get(name) or "").strip()
        if not value:
            errors[name] = "必填项不能为空"
        elif len(value) > limit:
            errors[name] = f"不能超过 {limit} 个字（现为 {len(value)} 个字）"
        clean[name] = value
    domain_key = data.get("domain")
    domain = None
    if domain_key:
        domain_id = valid_id(domain_key)
        lookup = {"pk": domain_id} if domain_id else {"code": str(domain_key)[:30]}
        domain = Domain.objects.filter(county_code=county_code, active=True, **lookup).first()
    if domain is None:
        errors["domain"] = "请选择本县已启用的委托领域"
    clean["domain"] = domain
    clean["requested_budget"] = parse_amount(
        data.get("requested_budget"), "requested_budget", errors
    )
    start = parse_date(data.get("period_start"), "period_start", errors)
    end = parse_date(data.get("period_end"), "period_end", errors)
    if start and end:
        if end < start:
            errors["period_end"] = "服务期止不能早于服务期起"
        elif (end - start).days > MAX_PERIOD_DAYS:
            errors["period_end"] = "服务期不能超过 3 年"
    clean["period_start"], clean["period_end"] = start, end
    sectors = data.get("target_sectors") or []
    if isinstance(sectors, str):  # "chemical,machinery" from a form or a script
        sectors = sectors.replace("，", ",").split(",")
    sectors = [str(s).strip() for s in sectors if str(s).strip()]
    unknown = [s for s in sectors if s not in Sector.values]
    if unknown:
        errors["target_sectors"] = f"未知行业：{'、'.join(map(str, unknown))}"
    clean["target_sectors"] = sorted(set(sectors) - set(unknown))
    enterprise_ids = _ids(data.get("target_enterprises"), "target_enterprises", errors)
    enterprises = list(
        Organisation.objects.filter(
            pk__in=enterprise_ids, county_code=county_code, kind=OrganisationKind.ENTERPRISE
        )
    )
    if len(enterprises) != len(set(enterprise_ids)):
        errors["target_enterprises"] = "目标企业中有不属于本县的企业或无效编号"
    clean["target_enterprises"] = enterprises
    locality_ids = _ids(data.get("target_localities"), "target_localities", errors)
    localities = list(
        Division.objects.filter(pk__in=locality_ids, county_code=county_code).exclude(
            level="county"
        )
    )
    if len(localities) != len(set(locality_ids)):
        errors["target_localities"] = "目标属地中有不属于本县的镇街或平台"
    clean["target_localities"] = localities
    if not (enterprises or clean["target_sectors"] or localities) and not any(
        k in errors for k in ("target_enterprises", "target_sectors", "target_localities")
    ):
        errors["target_enterprises"] = "请至少指定目标企业、行业或属地之一"
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    return clean


def _ids(raw, field: str, errors: dict[str, str]) -> list[int]:
    values = raw or []
    if isinstance(values, str):
        values = [v for v in values.replace("，", ",").split(",") if v.strip()]
    ids = []
    for value in values:
        number = valid_id(value)
        if number is None:
            errors[field] = f"“{str(value)[:20]}”不是有效编号"
        else:
            ids.append(number)
    return ids

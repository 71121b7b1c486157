"""Field-by-field checks for registry records, shared by forms, the API and the Excel import.

Each `clean_*` takes raw strings keyed by field name and returns (clean values, {field: message}).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zerodisturb.registry.choices import OrganisationKind, PersonKind, Sector
from zerodisturb.registry.models import Division, Organisation
from zerodisturb.registry.validators import (
    credit_code_error,
    id_number_error,
    normalise_code,
    phone_error,
)

MAX_LENGTHS = {
    "name": 120,
    "address": 200,
    "contact_name": 40,
    "qualifications": 2000,
    "title": 60,
}
SECTOR_BY_LABEL = {str(label): value for value, label in Sector.choices}
PERSON_KIND_BY_LABEL = {str(label): value for value, label in PersonKind.choices}


@dataclass
class Lookups:
    """What a batch of rows refers to, loaded once for the county."""

    county_code: str
    localities: dict[str, Division] = field(default_factory=dict)  # by name and by code
    organisations_by_code: dict[str, Organisation] = field(default_factory=dict)

    @classmethod
    def for_county(cls, county_code: str) -> Lookups:
        lookups = cls(county_code)
        for division in Division.objects.filter(county_code=county_code).exclude(level="county"):
            lookups.localities[division.name] = division
            lookups.localities[division.code] = division
        return lookups

    def organisation(self, credit_code: str) -> Organisation | None:
        if credit_code not in self.organisations_by_code:
            # exclude(""): the credit code index is partial (non-empty codes) and is used only so.
            self.organisations_by_code[credit_code] = (
                Organisation.objects.exclude(credit_code="")
                .filter(credit_code=credit_code, county_code=self.county_code)
                .first()
            )
        return self.organisations_by_code[credit_code]


def registered_elsewhere(model, field: str, values, county_code: str) -> set[str]:
    """The values of `field` already registered under another county (they cannot be taken over)."""
    values = [v for v in values if v]
    found: set[str] = set()
    # Both key fields are indexed only where non-empty (partial unique index): say so, or the
    # database scans the whole table for every chunk.
    with_value = model.objects.exclude(**{field: ""}).exclude(county_code=county_code).order_by()
    for start in range(0, len(values), 2000):
        chunk = values[start : start + 2000]
        found.update(with_value.filter(**{f"{field}__in": chunk}).values_list(field, flat=True))
    return found


def _text(raw: dict, name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _common(raw: dict, required: tuple[str, ...], errors: dict[str, str]) -> dict[str, str]:
    values = {name: _text(raw, name) for name in raw}
    for name in required:
        if not values.get(name):
            errors[name] = "必填项不能为空"
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            errors[name] = f"不能超过 {limit} 个字"
    return values


def _clean_credit_code(values: dict, errors: dict[str, str], name: str = "credit_code") -> str:
    code = normalise_code(values.get(name, ""))
    if code and (message := credit_code_error(code)):
        errors[name] = message
    return code


def _clean_phone(values: dict, errors: dict[str, str], name: str) -> str:
    phone = values.get(name, "").replace(" ", "").replace("-", "")
    if phone and (message := phone_error(phone)):
        errors[name] = message
    return phone


def clean_enterprise(raw: dict, lookups: Lookups) -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    values = _common(raw, ("name", "credit_code", "locality", "sector"), errors)
    clean = {
        "kind": OrganisationKind.ENTERPRISE,
        "county_code": lookups.county_code,
        "name": values.get("name", ""),
        "credit_code": _clean_credit_code(values, errors),
        "address": values.get("address", ""),
        "contact_name": values.get("contact_name", ""),
        "contact_phone": _clean_phone(values, errors, "contact_phone"),
    }
    locality_key = values.get("locality", "")
    if locality_key:
        locality = lookups.localities.get(locality_key)
        if locality is None:
            errors["locality"] = f"“{locality_key}”不是本县的镇街或平台"
        clean["locality"] = locality
    sector_key = values.get("sector", "")
    if sector_key:
        sector = SECTOR_BY_LABEL.get(sector_key) or (sector_key if sector_key in Sector else None)
        if sector is None:
            errors["sector"] = f"“{sector_key}”不是可选行业（{'、'.join(SECTOR_BY_LABEL)}）"
        clean["sector"] = sector or ""
    return clean, errors


def clean_provider(raw: dict, lookups: Lookups) -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    values = _common(raw, ("name", "credit_code"), errors)
    clean = {
        "kind": OrganisationKind.PROVIDER,
        "county_code": lookups.county_code,
        "name": values.get("name", ""),
        "credit_code": _clean_credit_code(values, errors),
        "qualifications": values.get("qualifications", ""),
        "address": values.get("address", ""),
        "contact_name": values.get("contact_name", ""),
        "contact_phone": _clean_phone(values, errors, "contact_phone"),
    }
    return clean, errors


def clean_person(
    raw: dict, lookups: Lookups, pending_codes: frozenset[str] = frozenset()
) -> tuple[dict, dict[str, str]]:
    """`pending_codes`: credit codes of providers being created in the same batch."""
    errors: dict[str, str] = {}
    values = _common(raw, ("name", "id_number", "kind", "organisation_code"), errors)
    id_number = normalise_code(values.get("id_number", ""))
    if id_number and (message := id_number_error(id_number)):
        errors["id_number"] = message
    clean = {
        "county_code": lookups.county_code,
        "name": values.get("name", ""),
        "id_number": id_number,
        "phone": _clean_phone(values, errors, "phone"),
        "title": values.get("title", ""),
    }
    if len(clean["name"]) > 40:
        errors["name"] = "姓名不能超过 40 个字"
    kind_key = values.get("kind", "")
    if kind_key:
        kind = PERSON_KIND_BY_LABEL.get(kind_key) or (kind_key if kind_key in PersonKind else None)
        if kind is None:
            errors["kind"] = f"人员类别应为“辅助人员”或“政府工作人员”，不是“{kind_key}”"
        clean["kind"] = kind or ""
    code = _clean_credit_code(values, errors, "organisation_code")
    clean["organisation_code"] = code
    if code and "organisation_code" not in errors:
        organisation = lookups.organisation(code)
        if organisation is None and code not in pending_codes:
            errors["organisation_code"] = f"本县找不到统一社会信用代码为 {code} 的单位"
        elif organisation is not None:
            clean["organisation"] = organisation
            expected = "provider" if clean.get("kind") == PersonKind.STAFF else "government"
            if clean.get("kind") and organisation.kind != expected:
                errors["organisation_code"] = (
                    f"{PersonKind(clean['kind']).label}应属于"
                    f"{OrganisationKind(expected).label}，“{organisation}”不是"
                )
    return clean, errors

"""All-or-nothing import of enterprises, providers and people from the registry workbook template.

Every row of every sheet is checked first; if any is wrong nothing is written and the report lists
each error with sheet, row, column and reason (and a copy of the workbook with the cells marked).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from zerodisturb.registry.cleaning import (
    Lookups,
    clean_enterprise,
    clean_person,
    clean_provider,
    registered_elsewhere,
)
from zerodisturb.registry.models import Organisation, Person
from zerodisturb.registry.pii import lookup_hash
from zerodisturb.registry.services import (
    ELSEWHERE,
    BulkResult,
    bulk_save_organisations,
    bulk_save_people,
    write_bulk_events,
)


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool = False
    text_only: bool = False  # long codes: a numeric cell has already lost digits
    example: str = ""
    note: str = ""


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str
    columns: tuple[Column, ...]


ENTERPRISES = SheetSpec(
    "enterprises",
    "企业",
    (
        Column("name", "企业名称", True, example="慈溪市兴科化纤有限公司"),
        Column(
            "credit_code",
            "统一社会信用代码",
            True,
            True,
            "91330282MA2XXXXXXX",
            "18 位，末位为 GB 32100 校验位",
        ),
        Column("locality", "属地", True, example="宗汉街道", note="本县镇街或平台名称"),
        Column("sector", "行业", True, example="化纤纺织"),
        Column("address", "地址"),
        Column("contact_name", "联系人"),
        Column("contact_phone", "联系电话", text_only=True),
    ),
)
PROVIDERS = SheetSpec(
    "providers",
    "第三方机构",
    (
        Column("name", "机构名称", True),
        Column("credit_code", "统一社会信用代码", True, True),
        Column("qualifications", "资质"),
        Column("address", "地址"),
        Column("contact_name", "联系人"),
        Column("contact_phone", "联系电话", text_only=True),
    ),
)
PEOPLE = SheetSpec(
    "people",
    "人员",
    (
        Column("name", "姓名", True),
        Column("id_number", "身份证号码", True, True, note="18 位，末位可为 X"),
        Column("kind", "人员类别", True, example="辅助人员", note="辅助人员 / 政府工作人员"),
        Column("organisation_code", "所属单位统一社会信用代码", True, True),
        Column("phone", "手机号码", text_only=True),
        Column("title", "职务/岗位"),
    ),
)
SHEETS = (ENTERPRISES, PROVIDERS, PEOPLE)


@dataclass
class RowError:
    sheet: str
    row: int
    column: str  # letter, e.g. "B"; empty when the error is about the whole row
    header: str
    message: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()

    def __str__(self) -> str:
        where = f"{self.sheet} 第 {self.row} 行" + (
            f" {self.column} 列（{self.header}）" if self.column else ""
        )
        return f"{where}：{self.message}"


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    results: dict[str, BulkResult] = field(default_factory=dict)
    rows: int = 0
    error_workbook: bytes = b""

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict:
        return {
            key: {"created": r.created, "updated": r.updated, "unchanged": r.unchanged}
            for key, r in self.results.items()
        } | {"rows": self.rows, "errors": len(self.errors)}


class WorkbookUnreadable(Exception):
    pass


Progress = Callable[[str, int, int], None]


def _read_sheet(workbook, spec: SheetSpec, errors: list[RowError]):
    """Yield (excel_row, {field: value}) for the non-empty rows of one sheet."""
    if spec.title not in workbook.sheetnames:
        return
    rows = workbook[spec.title].iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions = {}
    for index, title in enumerate(header):
        title = str(title).strip().rstrip("*＊") if title is not None else ""
        for column in spec.columns:
            if title == column.header:
                positions[column.field] = index
    missing = [c for c in spec.columns if c.required and c.field not in positions]
    for column in missing:
        errors.append(RowError(spec.title, 1, "", column.header, f"缺少表头“{column.header}”"))
    if missing:
        return
    for excel_row, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        yield (
            excel_row,
            {name: (values[i] if i < len(values) else None) for name, i in positions.items()},
            positions,
        )


def _numeric_code_errors(spec, excel_row, raw, positions, errors) -> bool:
    bad = False
    for column in spec.columns:
        value = raw.get(column.field)
        if column.text_only and isinstance(value, int | float) and not isinstance(value, bool):
            errors.append(
                RowError(
                    spec.title,
                    excel_row,
                    get_column_letter(positions[column.field] + 1),
                    column.header,
                    "单元格是数字格式，长号码会丢失位数，请设为文本格式后重新填写",
                )
            )
            bad = True
    return bad


def _collect(spec, workbook, lookups, errors, progress, pending_codes=frozenset()):
    cleaned, seen = [], {}
    headers = {c.field: c.header for c in spec.columns}
    key_field = "id_number" if spec is PEOPLE else "credit_code"
    for excel_row, raw, positions in _read_sheet(workbook, spec, errors):
        if _numeric_code_errors(spec, excel_row, raw, positions, errors):
            continue
        if spec is ENTERPRISES:
            clean, row_errors = clean_enterprise(raw, lookups)
        elif spec is PROVIDERS:
            clean, row_errors = clean_provider(raw, lookups)
        else:
            clean, row_errors = clean_person(raw, lookups, pending_codes)
        key = clean.get(key_field)
        if key and key_field not in row_errors:
            if key in seen:
                row_errors[key_field] = f"与第 {seen[key]} 行重复"
            else:
                seen[key] = excel_row
        for name, message in row_errors.items():
            errors.append(
                RowError(
                    spec.title,
                    excel_row,
                    get_column_letter(positions[name] + 1) if name in positions else "",
                    headers.get(name, name),
                    message,
                )
            )
        if not row_errors:
            clean["_row"] = excel_row
            cleaned.append(clean)
        if progress and excel_row % 1000 == 0:
            progress(spec.title, excel_row, workbook[spec.title].max_row or 0)
    _refuse_other_counties(spec, cleaned, lookups.county_code, errors)
    return cleaned


def _refuse_other_counties(spec, cleaned, county_code, errors) -> None:
    """A record registered under another county cannot be taken over by this county's import."""
    if spec is PEOPLE:
        model, field, key_field = Person, "id_hash", "id_number"
        keys = {lookup_hash(c["id_number"]): c for c in cleaned}
    else:
        model, field, key_field = Organisation, "credit_code", "credit_code"
        keys = {c["credit_code"]: c for c in cleaned}
    column = next(i for i, c in enumerate(spec.columns) if c.field == key_field)
    refused = {
        key: ELSEWHERE[key_field]
        for key in registered_elsewhere(model, field, list(keys), county_code)
    }
    if spec is not PEOPLE:
        # An enterprise row cannot turn a registered provider or government body into an enterprise.
        kind = keys and next(iter(keys.values()))["kind"]
        for code, other_kind in (
            Organisation.objects.filter(credit_code__in=list(keys))
            .exclude(credit_code="")
            .exclude(kind=kind)
            .values_list("credit_code", "kind")
        ):
            label = Organisation(kind=other_kind).get_kind_display()
            refused.setdefault(code, f"该信用代码已登记为{label}，不能在此表中改登为其他类型")
    for key, message in refused.items():
        clean = keys[key]
        errors.append(
            RowError(
                spec.title,
                clean["_row"],
                get_column_letter(column + 1),
                spec.columns[column].header,
                message,
            )
        )
        cleaned.remove(clean)


def _mark_errors(data: bytes, errors: list[RowError]) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    red = PatternFill("solid", fgColor="FFC7CE")
    by_sheet_row: dict[tuple[str, int], list[str]] = {}
    for error in errors:
        by_sheet_row.setdefault((error.sheet, error.row), []).append(
            f"{error.header}：{error.message}" if error.header else error.message
        )
        sheet = workbook[error.sheet]
        if error.column:
            cell = sheet[f"{error.column}{error.row}"]
            cell.fill = red
            cell.comment = Comment(error.message, "零扰企")
    for sheet_title in {e.sheet for e in errors}:
        sheet = workbook[sheet_title]
        column = sheet.max_column + 1
        sheet.cell(row=1, column=column, value="错误说明").font = Font(bold=True, color="9C0006")
        for (title, row), messages in by_sheet_row.items():
            if title == sheet_title:
                sheet.cell(row=row, column=column, value="；".join(messages)).fill = red
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def import_workbook(
    actor, data: bytes, county_code: str, progress: Progress | None = None
) -> ImportReport:
    """Check every row; write all of them in one transaction, or nothing at all."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise WorkbookUnreadable("无法读取该文件：请上传由模板填写的 .xlsx 工作簿") from exc
    if not any(spec.title in workbook.sheetnames for spec in SHEETS):
        raise WorkbookUnreadable("工作簿中没有“企业”“第三方机构”“人员”任一工作表，请使用模板")
    report = ImportReport()
    lookups = Lookups.for_county(county_code)
    enterprises = _collect(ENTERPRISES, workbook, lookups, report.errors, progress)
    providers = _collect(PROVIDERS, workbook, lookups, report.errors, progress)
    provider_codes = frozenset(p["credit_code"] for p in providers)
    clash = provider_codes & {e["credit_code"] for e in enterprises}
    for code in sorted(clash):
        report.errors.append(
            RowError(
                PROVIDERS.title,
                0,
                "",
                "统一社会信用代码",
                f"{code} 同时出现在“企业”和“第三方机构”工作表",
            )
        )
    people = _collect(PEOPLE, workbook, lookups, report.errors, progress, provider_codes)
    workbook.close()
    report.rows = len(enterprises) + len(providers) + len(people)
    if report.errors:
        report.rows += len(report.errors)
        report.error_workbook = _mark_errors(data, [e for e in report.errors if e.row])
        return report
    total = report.rows
    if progress:
        progress("写入", 0, total)
    with transaction.atomic():
        report.results["enterprises"] = bulk_save_organisations(actor, enterprises)
        if progress:
            progress("写入", len(enterprises), total)
        report.results["providers"] = bulk_save_organisations(actor, providers)
        new_codes = {p["organisation_code"] for p in people if "organisation" not in p}
        with_code = Organisation.objects.exclude(credit_code="")  # uses the partial index
        by_code = {o.credit_code: o for o in with_code.filter(credit_code__in=new_codes)}
        for person in people:
            person.setdefault("organisation", by_code.get(person["organisation_code"]))
        report.results["people"] = bulk_save_people(actor, people)
        write_bulk_events(actor, *report.results.values())
    if progress:
        progress("完成", total, total)
    return report

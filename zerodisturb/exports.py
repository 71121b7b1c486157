"""Any list page as an .xlsx download: Chinese headers, numbers as numbers, the filters on top.

A list view declares its columns (header, how to read the value, what kind of value) and hands
the same filtered rows its page shows to `export_list`, which writes the workbook in openpyxl's
write-only mode (memory stays flat for tens of thousands of rows) and records who exported what.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zerodisturb.audit.services import record_event
from zerodisturb.dbrouter import replica_reads

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEXT, INTEGER, NUMBER, MONEY, PERCENT, DATE, DATETIME = (
    "text",
    "integer",
    "number",
    "money",
    "percent",
    "date",
    "datetime",
)
NUMBER_FORMATS = {
    INTEGER: "#,##0",
    NUMBER: "0.0",
    MONEY: "#,##0.00",
    PERCENT: "0.0%",  # values are fractions: 0.853 shows as 85.3%
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
}
DEFAULT_WIDTHS = {DATE: 12, DATETIME: 17, PERCENT: 10, MONEY: 14}
HEADER_ROW = 3  # title, filters, then the header; the header stays frozen when scrolling
SAMPLED_FOR_WIDTH = 200
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
IGNORED_PARAMS = {"page", "format"}


@dataclass(frozen=True)
class Column:
    """One column: its Chinese header, how to read the value off a row, and the value's kind.

    `value` is a dotted attribute path ("visit.enterprise.name", None-safe) or a function of
    the row; `get_<field>_display` paths are called."""

    header: str
    value: str | Callable[[Any], Any]
    kind: str = TEXT
    width: int | None = None

    def read(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        current = row
        for name in self.value.split("."):
            if current is None:
                return None
            current = getattr(current, name)
            if callable(current) and name.startswith("get_"):
                current = current()
        return current


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]
    written: int = field(default=0, init=False)


def display_width(text: str) -> int:
    """Columns are measured in Latin characters; a CJK character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _clean_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _convert(value: Any, kind: str) -> Any:
    """The value as Excel should hold it: numbers as numbers, dates as (naive, local) dates."""
    if value is None or value == "":
        return None
    if kind == TEXT:
        return _clean_text(value)
    if kind in (DATE, DATETIME):
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.date() if kind == DATE else value.replace(tzinfo=None)
        return value if isinstance(value, date) else _clean_text(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal):
        return value
    return _clean_text(value)  # a "—" or a note where a figure would be: kept as text


def _cell(ws, value: Any, kind: str):
    if isinstance(value, str):
        if value.startswith("="):
            # Text that looks like a formula (an enterprise may name itself "=HYPERLINK(…)")
            # stays text: openpyxl would otherwise write it as a formula.
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            return cell
        return value
    if value is None or kind == TEXT:
        return value
    cell = WriteOnlyCell(ws, value=value)
    if kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[kind]
    elif isinstance(value, datetime):
        cell.number_format = NUMBER_FORMATS[DATETIME]
    elif isinstance(value, date):
        cell.number_format = NUMBER_FORMATS[DATE]
    return cell


def _styled(ws, value: str, *, bold=False, fill=None):
    cell = WriteOnlyCell(ws, value=_clean_text(value))
    if bold:
        cell.font = BOLD
    if fill is not None:
        cell.fill = fill
        cell.alignment = Alignment(vertical="center")
    return cell


def _widths(columns: Sequence[Column], sample: list[list[Any]]) -> list[int]:
    widths = []
    for i, column in enumerate(columns):
        if column.width:
            widths.append(column.width)
            continue
        longest = display_width(column.header)
        for values in sample:
            value = values[i]
            if isinstance(value, str):
                longest = max(longest, display_width(value))
            elif isinstance(value, int | float | Decimal):
                longest = max(longest, len(f"{value:,}") + 1)
        widths.append(max(8, DEFAULT_WIDTHS.get(column.kind, 0), min(longest + 2, 60)))
    return widths


def _count(rows: Iterable[Any]) -> int | None:
    if isinstance(rows, QuerySet):
        return rows.count()
    try:
        return len(rows)  # type: ignore[arg-type]
    except TypeError:
        return None


def _iterate(rows: Iterable[Any]) -> Iterable[Any]:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=2000)
    return iter(rows)


def _write_sheet(wb: Workbook, sheet: Sheet, heading: str, note: str) -> None:
    ws = wb.create_sheet(sheet.title[:31])
    columns = sheet.columns
    total = _count(sheet.rows)
    values = ([_convert(c.read(row), c.kind) for c in columns] for row in _iterate(sheet.rows))
    sample = list(islice(values, SAMPLED_FOR_WIDTH))
    # In write-only mode widths and the frozen pane must be set before the first row.
    for i, width in enumerate(_widths(columns, sample), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.append([_styled(ws, heading, bold=True)])
    summary = note if total is None else f"{note}；共 {total} 条"
    ws.append([_styled(ws, summary)])
    ws.append([_styled(ws, c.header, bold=True, fill=HEADER_FILL) for c in columns])
    kinds = [c.kind for c in columns]
    for chunk in (sample, values):
        for row in chunk:
            ws.append([_cell(ws, v, k) for v, k in zip(row, kinds, strict=True)])
            sheet.written += 1


def workbook_bytes(sheets: Sequence[Sheet], *, heading: str, filters: str, now=None) -> bytes:
    now = timezone.localtime(now or timezone.now())
    note = f"筛选条件：{filters or '无（全部）'}；导出时间：{now:%Y-%m-%d %H:%M}"
    wb = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(wb, sheet, heading, note)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_response(
    filename: str,
    sheet_title: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    heading: str = "",
    filters: str = "",
    now=None,
) -> HttpResponse:
    """One sheet as a download, without an audit event (see `export_list` for list pages)."""
    sheet = Sheet(sheet_title, columns, rows)
    content = workbook_bytes([sheet], heading=heading or sheet_title, filters=filters, now=now)
    return _response(content, filename)


# ── List pages ────────────────────────────────────────────────────────────────────────────────


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _shown(value: Any, field_obj=None) -> str:
    if isinstance(value, bool):
        return "是" if value else ""
    choices = getattr(field_obj, "choices", None)
    if choices is not None and not hasattr(value, "pk"):
        labels = {str(k): v for k, v in choices if not isinstance(v, list | tuple)}
        if str(value) in labels:
            return str(labels[str(value)])
    return "" if value is None else str(value)


def describe_filters(
    params, form=None, labels: dict | None = None, flags: dict[str, str] | None = None
) -> str:
    """The filters in words, '状态：已提交；逾期：是': the form's labels and cleaned values (the
    view ignores an invalid form, so do its words), `labels` for plain parameters ({name: label}
    or {name: (label, choices)}) and `flags` for on/off parameters read outside the form."""
    labels = labels or {}
    flags = flags or {}
    cleaned = getattr(form, "cleaned_data", None) if form is not None and form.is_bound else None
    if form is not None and form.is_bound and not form.is_valid():
        cleaned = {}
    parts = []
    for key in params:
        if key in IGNORED_PARAMS:
            continue
        if form is not None and key in form.fields and key not in labels:
            if cleaned is None or key not in cleaned:
                continue
            text = _shown(cleaned[key], form.fields[key])
            label = str(form.fields[key].label or key)
        elif key in flags:
            text, label = ("是" if params.get(key) else ""), flags[key]
        else:
            label = labels.get(key)
            if label is None:
                continue  # a parameter the view does not read
            raw = params.get(key, "").strip()
            if isinstance(label, tuple):  # (label, choices): show the choice's label
                label, choices = label
                raw = dict((str(k), v) for k, v in choices).get(raw, raw)
            text = _shown(raw)
        if text:
            parts.append(f"{label}：{text}")
    return "；".join(parts)


def record_export(request, name: str, filters: str, rows: int, action="export.xlsx") -> None:
    """The audit event of one download: who took which list, with which filters, how many rows."""
    params = {k: v for k, v in request.GET.items() if k not in IGNORED_PARAMS}
    payload = {"list": name, "filters": params, "filters_text": filters, "rows": rows}
    with transaction.atomic():
        record_event(request.user, action, None, payload, object_type="export", object_number=name)


def export_list(
    request,
    name: str,
    heading: str,
    *sheets: Sheet,
    form=None,
    labels: dict | None = None,
    flags: dict[str, str] | None = None,
    now=None,
) -> HttpResponse:
    """The list `name` as a workbook of `sheets`, with an "export.xlsx" audit event naming the
    list, its filters and the number of rows handed out."""
    now = now or timezone.now()
    filters = describe_filters(request.GET, form, labels, flags)
    with replica_reads():  # a large read that may lag a moment, like the dashboard's
        content = workbook_bytes(sheets, heading=heading, filters=filters, now=now)
    record_export(request, name, filters, sum(s.written for s in sheets))
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return _response(content, f"{name.replace(':', '-')}-{stamp}.xlsx")

"""The downloadable registry workbook template (企业 / 第三方机构 / 人员, with a 说明 sheet)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zerodisturb.registry.cleaning import PERSON_KIND_BY_LABEL, SECTOR_BY_LABEL
from zerodisturb.registry.importing import SHEETS
from zerodisturb.registry.models import Division


def build_template(county_code: str) -> bytes:
    workbook = Workbook()
    guide = workbook.active
    guide.title = "说明"
    localities = list(
        Division.objects.filter(county_code=county_code)
        .exclude(level="county")
        .values_list("name", flat=True)
    )
    lines = [
        "零扰企 主体库导入模板",
        "1. 在“企业”“第三方机构”“人员”工作表中，从第 2 行起每行填写一条；表头请勿修改，带 * 的列必填。",
        "2. 号码类列（统一社会信用代码、身份证号码、电话）已设为文本格式，请勿改为数字。",
        "3. 任一行有误时整个文件都不导入，系统会返回标注了错误单元格的工作簿。",
        "4. 再次导入同一文件只更新有变化的记录，不会重复（按统一社会信用代码 / 身份证号码识别）。",
        "5. 人员的“所属单位统一社会信用代码”须为已登记单位，或同一文件“第三方机构”表中的机构。",
        "可选行业：" + "、".join(SECTOR_BY_LABEL),
        "人员类别：" + "、".join(PERSON_KIND_BY_LABEL),
        "本县镇街与平台：" + "、".join(localities),
    ]
    for row, text in enumerate(lines, start=1):
        guide.cell(row=row, column=1, value=text)
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 110
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for spec in SHEETS:
        sheet = workbook.create_sheet(spec.title)
        for index, column in enumerate(spec.columns, start=1):
            cell = sheet.cell(
                row=1, column=index, value=column.header + ("*" if column.required else "")
            )
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.alignment = Alignment(horizontal="center")
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(14, len(column.header) * 2 + 6)
            if column.text_only:
                for row in range(2, 2002):
                    sheet.cell(row=row, column=index).number_format = "@"
            choices = None
            if column.field == "sector":
                choices = list(SECTOR_BY_LABEL)
            elif column.field == "kind":
                choices = list(PERSON_KIND_BY_LABEL)
            if choices:
                validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"')
                validation.error = "请从下拉列表中选择"
                sheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}100000")
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

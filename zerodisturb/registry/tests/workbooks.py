"""Building registry workbooks for tests, with the template's headers."""

from __future__ import annotations

import io
import random

from openpyxl import Workbook

from zerodisturb.demo.codes import credit_code, id_number, mobile
from zerodisturb.registry.importing import ENTERPRISES, PEOPLE, PROVIDERS


def enterprise_rows(n: int, locality: str, seed: int = 1) -> list[list]:
    rng = random.Random(seed)
    return [
        [
            f"慈溪市测试{i:05d}电器有限公司",
            credit_code(rng, "330282"),
            locality,
            "家电制造",
            f"慈溪市{i}号",
            "联系人",
            mobile(rng),
        ]
        for i in range(n)
    ]


def workbook_bytes(enterprises=(), providers=(), people=()) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for spec, rows in ((ENTERPRISES, enterprises), (PROVIDERS, providers), (PEOPLE, people)):
        sheet = book.create_sheet(spec.title)
        sheet.append([c.header + ("*" if c.required else "") for c in spec.columns])
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def person_row(org_code: str, kind: str = "辅助人员", seed: int = 7) -> list:
    rng = random.Random(seed)
    return ["李四", id_number(rng, "330282"), kind, org_code, mobile(rng), "技术员"]

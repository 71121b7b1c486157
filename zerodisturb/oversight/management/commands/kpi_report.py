"""The dashboard's figures from the command line: JSON (documented in docs/api.md), Excel or PDF."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from zerodisturb.oversight import exports
from zerodisturb.oversight.periods import Period
from zerodisturb.oversight.report import build


class Command(BaseCommand):
    help = "输出一个区县某年（或某月、某季度）的监管指标：json、xlsx 或 pdf"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="区县代码，如 330282")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, help="1–12：月报")
        parser.add_argument("--quarter", type=int, help="1–4：季报")
        parser.add_argument("--format", choices=("json", "xlsx", "pdf"), default="json")
        parser.add_argument("--output", help="输出文件（默认标准输出；xlsx、pdf 必须指定）")

    def handle(self, *args, **o):
        if o["month"] and not 1 <= o["month"] <= 12:
            raise CommandError("--month 应为 1–12")
        if o["quarter"] and not 1 <= o["quarter"] <= 4:
            raise CommandError("--quarter 应为 1–4")
        if o["month"]:
            period = Period(o["year"], "month", o["month"])
        elif o["quarter"]:
            period = Period(o["year"], "quarter", o["quarter"])
        else:
            period = Period(o["year"])
        data = build(o["county"], period, {})
        if o["format"] == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2)
            if o["output"]:
                with open(o["output"], "w", encoding="utf-8") as fh:
                    fh.write(text + "\n")
            else:
                self.stdout.write(text)
            return
        if not o["output"]:
            raise CommandError("xlsx 和 pdf 需要 --output 文件名")
        content = (
            exports.dashboard_xlsx(data) if o["format"] == "xlsx" else exports.report_pdf(data)
        )
        with open(o["output"], "wb") as fh:
            fh.write(content)
        sys.stderr.write(f"已写入 {o['output']}\n")

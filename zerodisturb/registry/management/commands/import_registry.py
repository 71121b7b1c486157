from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zerodisturb.audit.services import record_event
from zerodisturb.registry.importing import WorkbookUnreadable, import_workbook


class Command(BaseCommand):
    help = "从 Excel 工作簿导入企业、第三方机构和人员（全部校验通过才写入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--county", default=settings.DEFAULT_COUNTY_CODE)
        parser.add_argument("--errors-to", type=Path, help="有错误时把标注过的工作簿写到这里")

    def handle(self, *args, file: Path, county: str, errors_to: Path | None, **options):
        if not file.exists():
            raise CommandError(f"找不到文件 {file}")
        data = file.read_bytes()

        def progress(phase, done, total):
            if options["verbosity"] > 1:
                self.stderr.write(f"{phase} {done}/{total}")

        try:
            report = import_workbook(None, data, county, progress)
        except WorkbookUnreadable as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            if errors_to:
                errors_to.write_bytes(report.error_workbook)
                self.stderr.write(f"已标注错误的工作簿：{errors_to}")
            raise CommandError(f"共 {len(report.errors)} 处错误，未导入任何数据。")
        with transaction.atomic():
            record_event(
                None,
                "import.command",
                None,
                report.summary(),
                object_type="registry.import",
                object_number=file.name,
                county_code=county,
            )
        self.stdout.write(self.style.SUCCESS(f"导入完成：{report.summary()}"))

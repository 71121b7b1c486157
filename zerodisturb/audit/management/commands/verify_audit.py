from django.core.management.base import BaseCommand, CommandError

from zerodisturb.audit.verify import verify_chain


class Command(BaseCommand):
    help = "校验审计哈希链：发现被改动、删除或插入的事件时以非零状态退出并指出第一处。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="逐条在本进程中重新计算哈希（不依赖数据库计算的 row_hash），较慢",
        )

    def handle(self, *args, **options):
        report = verify_chain(full=options["full"])
        if not report.ok:
            raise CommandError(report.message())
        self.stdout.write(self.style.SUCCESS(report.message()))

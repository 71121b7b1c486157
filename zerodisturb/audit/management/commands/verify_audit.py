from django.core.management.base import BaseCommand, CommandError

from zerodisturb.audit.verify import verify_chain


class Command(BaseCommand):
    help = "校验审计哈希链：发现被改动、删除或插入的事件时以非零状态退出并指出第一处。"

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(report.message())
        self.stdout.write(self.style.SUCCESS(report.message()))

"""manage.py ensure_partitions: yearly partitions of the growing tables, made ahead (PostgreSQL)."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from zerodisturb.partitions import ensure_partitions


class Command(BaseCommand):
    help = "在 PostgreSQL 上提前建好入企、评价、审计事件和通知表的年度分区（默认提前 2 年）。"

    def add_arguments(self, parser):
        parser.add_argument("--years-ahead", type=int, default=2)

    def handle(self, *args, years_ahead: int, **options):
        with transaction.atomic():
            created = ensure_partitions(connection, years_ahead=years_ahead)
        self.stdout.write(f"新建分区 {len(created)} 个：{', '.join(created) or '无'}")

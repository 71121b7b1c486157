"""Recompute the KPI rollups from the raw records (all counties, or one)."""

from django.core.management.base import BaseCommand

from zerodisturb.oversight.rollups import rebuild


class Command(BaseCommand):
    help = "重算监管看板的指标汇总（全部区县，或 --county 指定的一个）"

    def add_arguments(self, parser):
        parser.add_argument("--county", help="区县代码，如 330282")

    def handle(self, *args, **options):
        days = rebuild(options.get("county"))
        self.stdout.write(f"已重算 {days} 个区县·日")

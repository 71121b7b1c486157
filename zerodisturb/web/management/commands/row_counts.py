"""Rows per table as JSON: compared between a database and its restored backup."""

import json

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "以 JSON 输出每张表的行数（用于核对备份恢复）。"

    def handle(self, *args, **options):
        counts = {
            model._meta.db_table: model._base_manager.count()
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        self.stdout.write(json.dumps(dict(sorted(counts.items())), ensure_ascii=False))

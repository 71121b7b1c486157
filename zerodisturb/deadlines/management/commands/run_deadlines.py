from django.core.management.base import BaseCommand

from zerodisturb.deadlines.tasks import run_deadlines_task
from zerodisturb.deadlines.worker import run_deadlines


class Command(BaseCommand):
    help = "处理到期事项（逾期联审、逾期备案）：发提醒和预警。可重复运行，不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="交给后台任务进程（django-tasks）执行，而不是立即执行",
        )

    def handle(self, *args, enqueue: bool, **options):
        if enqueue:
            result = run_deadlines_task.enqueue()
            self.stdout.write(f"已排队：{result.id}")
            return
        counts = run_deadlines()
        self.stdout.write("；".join(f"{name}: {n}" for name, n in counts.items()))

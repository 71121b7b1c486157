import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from zerodisturb.commissioning.models import CommissionedItem
from zerodisturb.credentials.models import Credential
from zerodisturb.demo.aftercare import seed_aftercare
from zerodisturb.demo.aftercare import summary_lines as aftercare_summary_lines
from zerodisturb.demo.clock import story_now
from zerodisturb.demo.commissioning import seed_commissioning, summary_lines
from zerodisturb.demo.foundation import DEMO_PASSWORD, seed_foundation
from zerodisturb.demo.renewal import seed_renewal
from zerodisturb.demo.visits import seed_visits
from zerodisturb.demo.visits import summary_lines as visit_summary_lines
from zerodisturb.evaluations.models import Evaluation
from zerodisturb.registry.models import Division
from zerodisturb.roles import Role

NULL_SMS = "zerodisturb.notifications.sms.NullSmsAdapter"


class Command(BaseCommand):
    help = "生成以慈溪为原型的演示县（幂等：已生成则只打印演示账户）。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=330282)

    def handle(self, *args, seed: int, **options):
        from zerodisturb.accounts.models import User

        rng = random.Random(seed)
        # One moment the whole story is told up to (demo/clock.py); the real one for the renewal.
        real = timezone.now()
        now = story_now(real)
        if Division.objects.filter(code="330282").exists():
            self.stdout.write("演示数据已存在，未重复生成。")
        else:
            with transaction.atomic():
                seed_foundation(rng, self.stdout.write)
        # A county seeded before the 事前 demo existed gets it once; with any item it is left alone.
        if CommissionedItem.objects.filter(county_code="330282").exists():
            for line in summary_lines():
                self.stdout.write(line)
        else:
            with transaction.atomic():
                seed_commissioning(rng, self.stdout.write)
        # Likewise the 事中 demo: credentials and a year of visits, once.
        if Credential.objects.filter(county_code="330282").exists():
            for line in visit_summary_lines():
                self.stdout.write(line)
        else:
            with transaction.atomic():
                seed_visits(rng, self.stdout.write, now)
        # And the 事后 demo: a year of evaluations either side of the reform, complaints, exit.
        if Evaluation.objects.filter(county_code="330282").exists():
            for line in aftercare_summary_lines("330282"):
                self.stdout.write(line)
        else:
            # The demo's past sends no text messages (its notifications stay in-app); its own
            # generator gives the same demo whether or not the earlier parts ran now.
            with override_settings(SMS_ADAPTER=NULL_SMS), transaction.atomic():
                seed_aftercare(random.Random(seed + 5), self.stdout.write, now)
            # Seeded after the story's last day: one contract renewed for today's gate.
            if timezone.localdate(real) > timezone.localdate(now):
                with override_settings(SMS_ADAPTER=NULL_SMS), transaction.atomic():
                    seed_renewal(random.Random(seed + 7), self.stdout.write, after=now, now=real)
        self.stdout.write(self.style.SUCCESS(f"\n演示账户（密码均为 {DEMO_PASSWORD}）："))
        demo_users = User.objects.filter(username__in=_DEMO_USERNAMES).select_related(
            "organisation"
        )
        for user in demo_users.order_by("pk"):
            self.stdout.write(
                f"  {user.username:<12} {Role(user.role).label:<12} {user.organisation}"
            )


_DEMO_USERNAMES = {
    "admin",
    "sfj",
    "review_sfj",
    "review_czj",
    "review_bb",
    "review_fgj",
    "review_sjj",
    "yjj",
    "yjj_ky",
    "staff_gate",
    "sthj",
    "xfdd",
    "scjg",
    "zjj",
    "wjj",
    "jxj",
    "jcy",
    "anke",
    "staff1",
    "xingke",
    "zonghan",
    "lvyuan",
    "pingan",
    "zhongcheng",
    "hengxin",
    "mingda",
}

"""manage.py seed_scale: province-scale data (counties, enterprises, visits) for load and growth."""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from zerodisturb.demo.fast_load import KEY_TABLES, fast_load, restore
from zerodisturb.demo.scale import build_county, county_codes, load_county
from zerodisturb.demo.scale_bulk import Sink, add_enterprises, stream_visits
from zerodisturb.partitions import ensure_partitions
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.registry.models import Division, Organisation


class Command(BaseCommand):
    help = (
        "生成省级规模的数据（区县、企业、入企服务、评价和审计事件）；已有的区县拒绝重复生成，"
        "用 --add 显式追加。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--counties", type=int, default=1)
        parser.add_argument("--enterprises", type=int, default=1000, help="合计，平均分到各区县")
        parser.add_argument("--visits", type=int, default=10_000, help="合计，平均分到各区县")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--province", default="33")
        parser.add_argument("--years", type=int, default=3, help="到今年为止的年数")
        parser.add_argument("--batch", type=int, default=20_000)
        parser.add_argument("--add", action="store_true", help="向已生成的区县追加企业和入企")
        parser.add_argument("--no-rollups", action="store_true", help="不重算驾驶舱汇总")
        parser.add_argument(
            "--jobs", type=int, default=1, help="PostgreSQL：几个进程并行导入各区县（默认 1）"
        )
        parser.add_argument(
            "--fast",
            action="store_true",
            help="PostgreSQL：导入期间暂时删除大表的二级索引和外键，导入后按原定义重建（适合离线大批量导入）",
        )

    def handle(self, *args, **o):
        counties = county_codes(o["counties"], o["province"])
        existing = set(Division.objects.filter(code__in=counties).values_list("code", flat=True))
        if existing and not o["add"]:
            raise CommandError(
                f"区县 {', '.join(sorted(existing))} 已有数据，未重复生成；"
                "如需追加企业和入企，请加 --add。"
            )
        this_year = timezone.localdate().year
        years = list(range(this_year - o["years"] + 1, this_year + 1))
        ensure_partitions(connection)
        # A --fast run that died leaves its dropped indexes saved: put them back first.
        if restored := restore(self.stdout.write):
            self.stdout.write(f"已恢复上次中断的导入删除的 {restored} 个索引和外键。")
        started = time.monotonic()
        # The backbones first, one county after another (they share the province's and cities'
        # divisions); the bulk of each county then only reads its own.
        parts = []
        for i, code in enumerate(counties):
            rng = random.Random(f"{o['seed']}-{code}-{len(existing)}")
            with transaction.atomic():
                county = load_county(code) if code in existing else build_county(code, years, rng)
            parts.append((i, county, rng))
        jobs = max(1, min(o["jobs"], len(counties))) if connection.vendor == "postgresql" else 1
        if o["fast"]:
            with fast_load(self.stdout.write, jobs) as keys_by_hand:
                totals = self.run_jobs(parts, jobs, years, o, started, keys_by_hand)
        else:
            totals = self.run_jobs(parts, jobs, years, o, started, False)
        self.finish(counties, o, started, totals)

    def run_jobs(self, parts, jobs, years, o, started, keys_by_hand) -> Counter:
        """The counties' bulk in `jobs` processes (forked; each opens its own connection)."""
        if jobs == 1:
            return self.load(parts, years, o, started, keys_by_hand)
        connection.close()
        ctx = multiprocessing.get_context("fork")
        results = ctx.Queue()

        def work(share):
            results.put(self.load(share, years, o, started, keys_by_hand))
            connection.close()

        workers = [ctx.Process(target=work, args=(parts[k::jobs],)) for k in range(jobs)]
        for w in workers:
            w.start()
        totals: Counter = Counter()
        for w in workers:
            w.join()
        while not results.empty():
            totals += results.get()
        failed = [w.exitcode for w in workers if w.exitcode]
        if failed:
            raise CommandError(f"{len(failed)} 个导入进程失败（退出码 {failed}），见上方错误。")
        return totals

    def load(self, parts, years, o, started, keys_by_hand) -> Counter:
        from zerodisturb.accounts.models import User

        sink = Sink()
        if keys_by_hand:
            sink.key_tables = dict(KEY_TABLES)
        totals: Counter = Counter()
        n = o["counties"]
        for i, county, rng in parts:
            code = county.code
            labels = {
                a: (u.username, str(u.organisation))
                for a, u in (
                    (u.organisation_id, u)
                    for u in User.objects.filter(
                        pk__in=county.officer_users.values()
                    ).select_related("organisation")
                )
            }
            share_e = o["enterprises"] // n + (i < o["enterprises"] % n)
            share_v = o["visits"] // n + (i < o["visits"] % n)
            start = Organisation.objects.filter(
                county_code=code, kind=OrganisationKind.ENTERPRISE
            ).count()
            enterprises = []
            for first in range(0, share_e, o["batch"]):
                with transaction.atomic():
                    enterprises += add_enterprises(
                        sink, county, min(o["batch"], share_e - first), start + first, rng
                    )
            totals["enterprises"] += len(enterprises)
            if not enterprises and share_v:
                raise CommandError(
                    f"区县 {code} 没有新企业，无法追加入企（请同时给出 --enterprises）"
                )
            done_before = totals["visits"]

            def progress(written, code=code, done_before=done_before):
                elapsed = time.monotonic() - started
                total = done_before + written
                self.stdout.write(
                    f"  {code}: {written} 次入企；本进程合计 {total}，{elapsed:.0f} 秒，"
                    f"{total / max(elapsed, 1e-6):.0f} 次/秒"
                )

            totals["visits"] += stream_visits(
                sink, county, enterprises, share_v, years, labels, rng, o["batch"], progress
            )
        return totals

    def finish(self, counties, o, started, totals) -> None:
        n = len(counties)
        seeded = time.monotonic() - started
        self.stdout.write(
            f"已生成 {n} 个区县、{totals['enterprises']} 家企业、{totals['visits']} 次入企，"
            f"用时 {seeded:.1f} 秒（{totals['visits'] / max(seeded, 1e-6):.0f} 次入企/秒）。"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if not o["no_rollups"]:
            from zerodisturb.oversight.rollups import rebuild

            t = time.monotonic()
            for code in counties:
                rebuild(code)
            self.stdout.write(f"驾驶舱汇总已重算，用时 {time.monotonic() - t:.1f} 秒。")

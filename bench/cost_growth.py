"""How request-path costs and audit verification grow with the number of visits (100k → 1M → 10M).

    DATABASE_URL=postgres://… .venv/bin/python bench/cost_growth.py [--sizes 100000,1000000]
        [--counties 10] [--repeat 30] [--fresh] [--chain-limit 0]

Grows one database step by step with `seed_scale` (the first step creates the counties, the next
ones add to them with --add, ten visits per enterprise), and after each step prints, for the
first county and this year: the dashboard (oversight.figures.board, after rebuilding that county's
rollups), the frequency check at planning time (visits.frequency.check_cap + frequency_warning),
the public credential verification (the same look-up as /api/v1/public/credentials/<number> +
credentials.services.credential_state) and the audit chain walk (audit.verify.verify_chain) as
events/second against raw hashlib over the same canonical bytes. Sizes it could not reach are not
printed. Goals: request-path costs flat (largest/smallest < 1.5); chain verification ≥ 0.5 of raw.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zerodisturb.settings")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="total visits after each step")
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per measurement")
    parser.add_argument("--fresh", action="store_true", help="seed the first step even if seeded")
    parser.add_argument("--skip-seed", action="store_true", help="measure the database as it is")
    parser.add_argument(
        "--fast", action="store_true", help="seed_scale --fast (indexes dropped while loading)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="seed_scale --jobs")
    parser.add_argument(
        "--no-chain", action="store_true", help="skip the audit chain walk (minutes at 10M)"
    )
    parser.add_argument(
        "--keep-rollups",
        action="store_true",
        help="with --skip-seed: measure on the rollups as they are (a rebuild takes minutes at 10M)",
    )
    return parser.parse_args()


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


CPU: dict[str, float] = {}  # measurement -> client + server CPU ms per call (see median_ms)


def _backend_cpu_s() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend, when the server runs on this host."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median_ms(fn, repeat: int, name: str = "") -> float:
    """Median wall time of `repeat` calls; also records their mean CPU time (this process + the
    database backend) in CPU[name], which a busy shared machine disturbs much less."""
    fn()  # warm the caches once, as a server would be
    times = []
    backend, client = _backend_cpu_s(), time.process_time()
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    used = time.process_time() - client
    if backend is not None and (after := _backend_cpu_s()) is not None:
        used += after - backend
    CPU[name] = used / repeat * 1000
    return statistics.median(times) * 1000


def measure(county: str, repeat: int, chain: bool = True, rebuild_rollups: bool = True) -> dict:
    from django.apps import apps
    from django.db import connection
    from django.utils import timezone

    from zerodisturb.audit.chain import HASHED_FIELDS, canonical_bytes
    from zerodisturb.audit.models import AuditEvent
    from zerodisturb.audit.verify import verify_chain
    from zerodisturb.credentials.models import Credential
    from zerodisturb.credentials.services import credential_state
    from zerodisturb.oversight.figures import board
    from zerodisturb.oversight.periods import Period
    from zerodisturb.oversight.rollups import rebuild
    from zerodisturb.registry.models import Organisation
    from zerodisturb.visits.frequency import check_cap, frequency_warning

    today = timezone.localdate()
    rng = random.Random(7)
    t = time.perf_counter()
    if rebuild_rollups:
        rebuild(county)
    rollup_s = time.perf_counter() - t if rebuild_rollups else float("nan")
    if rebuild_rollups and connection.vendor == "postgresql":
        # The rebuild rewrote the rollup tables: vacuum and analyse them now, as autovacuum would
        # soon, so that it does not start in the middle of the timed calls below (it did).
        with connection.cursor() as cursor:
            for model in apps.get_app_config("oversight").get_models():
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    period = Period(today.year)
    dashboard = median_ms(lambda: board(county, period, {}), repeat, "dashboard")

    agencies = list(Organisation.objects.filter(county_code=county, is_agency=True))
    ent_ids = list(
        Organisation.objects.filter(county_code=county, kind="enterprise").values_list(
            "pk", flat=True
        )
    )
    picks = [
        Organisation.objects.get(pk=pk) for pk in rng.sample(ent_ids, min(repeat + 1, len(ent_ids)))
    ]
    it = iter(picks * 2)

    def frequency():
        ent = next(it)
        check_cap(rng.choice(agencies), ent, today, exempt=False)
        frequency_warning(ent, today)

    freq = median_ms(frequency, repeat, "frequency")

    numbers = list(Credential.objects.filter(county_code=county).values_list("number", flat=True))

    def verify():
        credential = (
            Credential.objects.select_related("person", "provider")
            .prefetch_related("contracts__agency", "contracts__accepted_version__staff")
            .get(number=rng.choice(numbers))
        )
        state = credential_state(credential)
        sorted({c.agency.name for c in credential.contracts.all()})
        return state

    verification = median_ms(verify, repeat, "verification")
    if not chain:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM visits_visit")
            visits = cursor.fetchone()[0]
        nan = float("nan")
        return {
            "visits": visits,
            "events": AuditEvent.objects.count(),
            "chain_ok": None,
            "rollup_s": rollup_s,
            "dashboard_ms": dashboard,
            "frequency_ms": freq,
            "verification_ms": verification,
            **{f"{k}_cpu_ms": v for k, v in CPU.items()},
            "chain_rate": nan,
            "raw_rate": nan,
        }

    t = time.perf_counter()
    report = verify_chain()
    chain_s = time.perf_counter() - t
    # Raw hashlib over the same bytes: the canonical bytes of every event, built beforehand.
    blobs = [
        canonical_bytes(dict(zip(HASHED_FIELDS, row, strict=True)))
        for row in AuditEvent.objects.order_by("seq").values_list(*HASHED_FIELDS).iterator(5000)
    ]
    prev = "0" * 64
    t = time.perf_counter()
    for blob in blobs:
        digest = hashlib.sha256(blob)
        digest.update(prev.encode("ascii"))
        prev = digest.hexdigest()
    raw_s = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM visits_visit")
        visits = cursor.fetchone()[0]
    return {
        "visits": visits,
        "events": report.checked,
        "chain_ok": report.ok,
        "rollup_s": rollup_s,
        "dashboard_ms": dashboard,
        **{f"{k}_cpu_ms": v for k, v in CPU.items()},
        "frequency_ms": freq,
        "verification_ms": verification,
        "chain_rate": report.checked / chain_s,
        "raw_rate": len(blobs) / raw_s,
    }


def main() -> None:
    args = parse_args()
    import django

    django.setup()
    from django.db import connection

    from zerodisturb.demo.scale import county_codes
    from zerodisturb.registry.models import Division
    from zerodisturb.visits.models import Visit

    county = county_codes(1)[0]
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        if not args.skip_seed:
            have = Visit.objects.count()
            seeded = Division.objects.filter(code=county).exists()
            if size > have:
                extra = size - have if seeded else size
                step = ["--counties", str(args.counties), "--visits", str(extra)]
                step += ["--enterprises", str(max(extra // 10, args.counties)), "--no-rollups"]
                step += ["--jobs", str(args.jobs), *(["--fast"] if args.fast else [])]
                t = time.perf_counter()
                manage("seed_scale", *step, *(["--add"] if seeded else []))
                print(f"seed_scale {' '.join(step)}: {time.perf_counter() - t:.1f} s", flush=True)
        connection.close()
        t = time.perf_counter()
        row = measure(
            county,
            args.repeat,
            chain=not args.no_chain,
            rebuild_rollups=not (args.skip_seed and args.keep_rollups),
        )
        results.append(row)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
                size_text = cursor.fetchone()[0]
            print(f"measured in {time.perf_counter() - t:.1f} s; database {size_text}", flush=True)
        print(
            f"{row['visits']:>10} visits  {row['events']:>10} events  "
            f"dashboard {row['dashboard_ms']:7.1f} ms  frequency {row['frequency_ms']:6.2f} ms  "
            f"verification {row['verification_ms']:6.2f} ms  "
            f"chain {row['chain_rate']:9.0f}/s vs raw {row['raw_rate']:9.0f}/s "
            f"({row['chain_rate'] / row['raw_rate']:.2f})  rollup rebuild {row['rollup_s']:.1f} s"
            f"  chain {({True: 'ok', False: 'BROKEN', None: 'not walked'})[row['chain_ok']]}",
            flush=True,
        )
        if "dashboard_cpu_ms" in row:
            print(
                f"{'':>10} CPU per call (client + database backend): "
                f"dashboard {row['dashboard_cpu_ms']:7.1f} ms  "
                f"frequency {row['frequency_cpu_ms']:6.2f} ms  "
                f"verification {row['verification_cpu_ms']:6.2f} ms",
                flush=True,
            )
    first, last = results[0], results[-1]
    print(f"\nfrom {first['visits']} to {last['visits']} visits (goal: ratio < 1.5):")
    for key in ("dashboard_ms", "frequency_ms", "verification_ms"):
        for name in (key, key.replace("_ms", "_cpu_ms")):
            if name in first and name in last:
                ratio = last[name] / first[name]
                print(f"  {name:<20} {ratio:5.2f}  {'ok' if ratio < 1.5 else 'MISSED'}")
    if last["chain_ok"] is not None:
        ratio = last["chain_rate"] / last["raw_rate"]
        print(f"  chain vs raw     {ratio:5.2f}  {'ok' if ratio >= 0.5 else 'MISSED'} (goal ≥ 0.5)")
    version = connection.pg_version if connection.vendor == "postgresql" else ""
    print(f"\nmachine: {os.cpu_count()} CPUs, {connection.vendor} {version}")


if __name__ == "__main__":
    main()

"""Load: people scanning visit codes, checking in and loading the dashboard, against gunicorn.

    .venv/bin/python bench/load.py [--users 100] [--seconds 30] [--think 1,3]
                                   [--warmup-seconds 5] [--saturation-seconds 20]
                                   [--steps 2,4,8,16,32,64] [--step-seconds 4]
                                   [--ratio-seconds 30] [--rounds 2] [--floor sync]
                                   [--visits 9000] [--enterprises 200] [--database-url URL]
                                   [--workers 2] [--threads 8] [--json FILE]

A locust-style scenario without locust. It prepares a throwaway database (SQLite in a temporary
directory unless --database-url names an existing empty one): one county with a filed contract,
a credential, ENTERPRISES enterprises each with a contact user and an API token, VISITS visits
today spread over them, one signed code per visit and minute slot, and two supervisors signed in
(then, on PostgreSQL, ANALYZE: the statistics a database in service has).
It starts gunicorn on 127.0.0.1 (ZD_BENCH_ENDPOINTS on, the scan rate limit raised so that the
limiter runs but never refuses) and then runs, with simulated users in client processes (asyncio,
keep-alive HTTP/1.1 connections, one per user), these phases one after the other:

0. the warm-up (--warmup-seconds, 5): the scenario below, left out of the figures (printed
   apart): a server that has run for a while has loaded its templates and views and cached the
   scan facts and the dashboard's sums in each worker;
1. the scenario (--seconds): USERS people who pace like people, as locust users with
   `wait_time = between(1, 3)` do (--think). A gate user takes the next visit of the schedule,
   scans its code (GET /api/v1/public/scan/<token>, the answer must be valid), reads the answer
   for 1-3 s, checks the visit in as its enterprise's contact (POST
   /api/v1/visits/<id>/check-in with the contact's API token), and turns to the next visit after
   another 1-3 s. Users arrive over the first 3 s, not all at one instant. Every visit's code
   comes 2 to 4 times in a row in the schedule, so several users scan and confirm the same visit
   at once. The supervisors (USERS/10) load /oversight/ and
   /api/v1/oversight/kpis with their session and wait 1-3 s after each page. Why 1-3 s: it is
   the usual locust pacing and it is on the hard side for a gate (reading the answer and tapping
   "confirm" takes longer, and the next visitor rarely arrives within 3 s), so 90 gate users here
   are more traffic than 90 real gates;
2. saturation (--saturation-seconds): the gate users with no wait at all (the supervisors paced
   as before), so requests are always queued: the server's capacity (requests/s of the mix) and
   the p99 at that capacity;
3. the step search (--steps, --step-seconds each): only gate users, no wait, 2, 4, 8 … of them,
   until scan p99 reaches 200 ms: the largest number of back-to-back gate users the server keeps
   under 200 ms;
4. the ratio rounds (--ratio-seconds in alternating rounds), a saturation measurement too: the
   supervisors as before, the gate users with no wait scanning codes of the schedule again
   (distinct tokens, no check-in) in one round, the bare view /bench/bare in the next, and (unless
   --floor none) the yardstick /bench/floor/ over the same codes in the third: the least work any
   correct scan must do, done the cheapest way (zerodisturb/benchviews.py), its first scan of a
   visit written before the answer (--floor sync) or in the next batch (--floor batched). Its
   ratio to the bare view is as far as any scan's ratio could go on the machine. A scan or floor
   round whose schedule runs out before its time is up prints a WARNING (its figure is then too
   low: raise --visits).

Phases 0-3 each take the visits after the ones the phase before used. For each phase it prints
per endpoint the throughput, p50/p99 and errors, and the server's CPU per request, with nproc and
the load average. After gunicorn has stopped (graceful TERM, so that scan-log rows a worker still
holds are written) it checks the database: exactly one check-in per visit (one `visit.check_in`
audit event each, and one answer with already=false), one ScanLog row per scan request sent, no
5xx. It exits with status 1 if a check fails or a request failed. Goals: no errors, scan p99 under
200 ms at 100 users (the paced scenario), ratio at least 0.7. Near local midnight it warns: the
visits are today's, and a run across midnight has every scan refused.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadusers import BARE, CHECK_IN, CHECKING_IN, DASHBOARD, FLOOR, KPIS, SCAN, drive  # noqa: E402
from scan_verify import environment, free_port, server_cpu_seconds  # noqa: E402

GOAL_RATIO, GOAL_P99_MS = 0.7, 200.0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100, help="simulated users (100)")
    parser.add_argument("--seconds", type=float, default=30.0, help="the scenario (30)")
    parser.add_argument(
        "--think", default="1,3", help="MIN,MAX seconds people wait between requests (1,3)"
    )
    parser.add_argument(
        "--warmup-seconds", type=float, default=5.0, help="paced, before the scenario (5)"
    )
    parser.add_argument(
        "--saturation-seconds", type=float, default=20.0, help="no-wait gate users (20; 0: skip)"
    )
    parser.add_argument(
        "--steps", default="2,4,8,16,32,64", help="no-wait gate users per step ('': skip)"
    )
    parser.add_argument("--step-seconds", type=float, default=4.0, help="each step (4)")
    parser.add_argument(
        "--ratio-seconds", type=float, default=30.0, help="the ratio rounds in all (30; 0: skip)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="scan/bare(/floor) alternations (2)")
    parser.add_argument(
        "--floor",
        choices=("sync", "batched", "none"),
        default="sync",
        help="a round of the yardstick /bench/floor/ after each bare round: the first scan "
        "written before the answer (sync, default) or in the next batch (batched); none: no floor",
    )
    parser.add_argument("--visits", type=int, default=9000, help="visits today (9000)")
    parser.add_argument("--enterprises", type=int, default=200, help="enterprises (200)")
    parser.add_argument("--supervisors", type=int, default=-1, help="default users/10")
    parser.add_argument("--clients", type=int, default=2, help="client processes (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (8)")
    parser.add_argument("--database-url", default="", help="an existing, empty database")
    parser.add_argument("--redis", default="", metavar="URL", help="Django's cache on Redis")
    parser.add_argument("--json", default="", metavar="FILE", help="also write the figures here")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


# --- the world --------------------------------------------------------------------------------


def prepare(env: dict[str, str], args) -> dict:
    """Migrate, build the county, the enterprises, their contacts and today's visits."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections, transaction
    from django.utils import timezone

    from zerodisturb.accounts.services import issue_api_token
    from zerodisturb.conftest import build_county
    from zerodisturb.credentials import tokens
    from zerodisturb.registry.choices import OrganisationKind
    from zerodisturb.roles import Role
    from zerodisturb.testing.commissioning import accepted_contract, approved_item, build_panel
    from zerodisturb.testing.factories import OrganisationFactory, UserFactory
    from zerodisturb.visits.models import Visit, VisitOfficer, VisitParty, VisitStaff
    from zerodisturb.visits.services import plan_visit
    from zerodisturb.visits.tests.api_world import PURPOSE, credential, escort

    now = timezone.now()
    today = timezone.localdate()
    panel = build_panel(build_county())
    county = panel.county
    item = approved_item(
        panel,
        now - timedelta(days=40),
        now - timedelta(days=30),
        period_start=(today - timedelta(days=20)).isoformat(),
        period_end=(today + timedelta(days=300)).isoformat(),
    )
    signed = now - timedelta(days=12)
    contract = accepted_contract(
        panel,
        item,
        signed,
        signed_on=signed.date().isoformat(),
        term_start=(today - timedelta(days=10)).isoformat(),
        term_end=(today + timedelta(days=200)).isoformat(),
    )
    staff_credential = credential(panel, contract, county.staff)
    officer, _user = escort(county.orgs["agency"], "escort_bench")
    # Today's visits: begun a minute ago, or at midnight if that was less than a minute ago (the
    # visit's day is its start's local date). A run across local midnight fails: "not today".
    midnight = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    start = max(now - timedelta(minutes=1), midnight)
    window = {"window_start": start, "window_end": now + timedelta(hours=3)}

    # Enterprises with a contact user and an API token each (no password hashing: no log-in).
    enterprises, api_tokens = [], {}
    with transaction.atomic():
        for n in range(args.enterprises):
            org = OrganisationFactory(
                county_code=county.code,
                kind=OrganisationKind.ENTERPRISE,
                name=f"压测企业{n:04d}有限公司",
                locality=county.town,
            )
            user = UserFactory(
                username=f"load_ent_{n}", role=Role.ENTERPRISE, organisation=org, password="!"
            )
            api_tokens[org.pk] = issue_api_token(user, "压测")[1]
            enterprises.append(org)

    # The first visit through the service, the others copied from it in bulk (same rows as
    # plan_visit writes; triggered kind, so the yearly cap does not apply).
    first = plan_visit(
        panel.officer,
        enterprise=enterprises[0],
        kind="complaint",
        reason="企业投诉核查",
        contract=contract,
        credentials=[staff_credential],
        officers=[officer],
        purpose=PURPOSE,
        **window,
    ).visit
    party = first.parties.get()
    with transaction.atomic():
        visits = Visit.objects.bulk_create(
            Visit(
                county_code=first.county_code,
                number=f"{first.number}-L{n:05d}",
                enterprise=enterprises[n % len(enterprises)],
                kind=first.kind,
                reason=first.reason,
                purpose=first.purpose,
                created_by_id=first.created_by_id,
                **window,
            )
            for n in range(1, args.visits)
        )
        parties = VisitParty.objects.bulk_create(
            VisitParty(
                visit=v,
                agency_id=party.agency_id,
                contract_id=party.contract_id,
                is_lead=True,
                counts_for_cap=False,
                year=party.year,
                planned_by_id=party.planned_by_id,
            )
            for v in visits
        )
        VisitStaff.objects.bulk_create(
            VisitStaff(visit=p.visit, party=p, credential=staff_credential) for p in parties
        )
        VisitOfficer.objects.bulk_create(
            VisitOfficer(visit=p.visit, party=p, person=officer) for p in parties
        )
    visits = [first, *visits]

    # A code for every minute any phase can run, the server's start and the checks included.
    phases = args.warmup_seconds + args.seconds + args.saturation_seconds + args.ratio_seconds
    phases += len([n for n in args.steps.split(",") if n.strip()]) * args.step_seconds
    minutes = int(phases / 60) + 4
    if now + timedelta(minutes=minutes) >= midnight + timedelta(days=1):
        print(
            "WARNING: the run will cross local midnight, when today's visits become yesterday's "
            "and every scan is refused: start it after midnight"
        )
    slots = [now + timedelta(minutes=m) for m in range(minutes)]
    codes = {
        v.pk: [(tokens.slot_of(at), tokens.sign(v.pk, staff_credential.pk, at)) for at in slots]
        for v in visits
    }
    sessions = []
    for user in (county.users["supervisor"], county.users["oversight"]):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "zerodisturb.accounts.backends.LockoutModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    if connections["default"].vendor == "postgresql":
        # The statistics a database in service has (autovacuum keeps them; seed_scale runs
        # ANALYZE too). Without them the planner guesses the bulk-loaded tables' sizes and
        # picks hash joins over whole tables: the scan facts' join took 0.40 ms, not 0.12.
        with connections["default"].cursor() as cursor:
            cursor.execute("ANALYZE")
    connections.close_all()
    return {
        "visits": [(v.pk, api_tokens[v.enterprise_id]) for v in visits],
        "codes": codes,
        "sessions": sessions,
        "visit_ids": [v.pk for v in visits],
    }


def schedule(visits: list, rng: random.Random) -> list:
    """Every visit 2-4 times in a row (several phones at the gate), visits in random order."""
    order = list(visits)
    rng.shuffle(order)
    return [v for v in order for _ in range(rng.randint(2, 4))]


def figures(name: str, latencies: list[float], errors: int, seconds: float) -> dict:
    every = sorted(latencies)
    n = len(every)
    return {
        "endpoint": name,
        "requests": n,
        "rps": n / seconds if seconds else 0.0,
        "p50_ms": 1000 * every[n // 2] if n else 0.0,
        "p99_ms": 1000 * every[min(n - 1, int(n * 0.99))] if n else 0.0,
        "errors": errors,
    }


def line(f: dict) -> str:
    return (
        f"  {f['endpoint']:>9}: {f['rps']:8.1f} req/s  p50 {f['p50_ms']:7.1f} ms  "
        f"p99 {f['p99_ms']:7.1f} ms  requests {f['requests']:6d}  errors {f['errors']}"
    )


# --- the run ----------------------------------------------------------------------------------


def start_server(env, port, args, workdir):
    import http.client
    import subprocess

    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "zerodisturb.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={args.workers}",
        f"--threads={args.threads}",
        "--worker-class=gthread",
        "--keep-alive=30",
        f"--worker-connections={max(1000, 2 * args.users)}",
        "--backlog=2048",
        "--log-level=warning",
        "--graceful-timeout=30",
    ]
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/bare")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")


def plans_for(world: dict, args, rng: random.Random) -> list[dict]:
    """Split the users and the visits between the client processes (disjoint visits each)."""
    supervisors = args.supervisors if args.supervisors >= 0 else max(1, args.users // 10)
    gate_users = args.users - supervisors
    clients = max(1, min(args.clients, gate_users or 1))
    low, high = (float(x) for x in args.think.split(","))
    think = (low, high)
    plans = []
    for i in range(clients):
        visits = world["visits"][i::clients]
        plans.append(
            {
                "seed": args.seed,
                "visits": visits,
                "jobs": schedule(visits, rng),
                "codes": {v: world["codes"][v] for v, _t in visits},
                "gate_users": gate_users // clients + (i < gate_users % clients),
                "think": think,
                "sessions": [
                    world["sessions"][k % len(world["sessions"])]
                    for k in range(i, supervisors, clients)
                ],
            }
        )
    return plans


def check_database(world: dict, scans_sent: int, claims: Counter, checked: set) -> list[str]:
    from zerodisturb.audit.models import AuditEvent
    from zerodisturb.visits.models import ScanLog, Visit

    problems = []
    logged = ScanLog.objects.exclude(code="floor").count()  # the floor rounds' rows aside
    if logged != scans_sent:
        problems.append(f"ScanLog rows {logged} != scan requests sent {scans_sent}")
    in_db = set(
        Visit.objects.filter(pk__in=world["visit_ids"], checked_in_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    if in_db != checked:
        problems.append(f"visits checked in: {len(in_db)} in the database, {len(checked)} seen")
    events = Counter(
        int(x)
        for x in AuditEvent.objects.filter(action="visit.check_in").values_list(
            "object_id", flat=True
        )
    )
    if twice := [v for v, n in events.items() if n != 1]:
        problems.append(f"{len(twice)} visits with more than one check-in event")
    if set(events) != in_db:
        problems.append("check-in events do not match the visits checked in")
    if bad := [v for v in checked if claims.get(v) != 1]:
        problems.append(f"{len(bad)} visits whose check-in was claimed {claims.get(bad[0])} times")
    return problems


class Run:
    """The phases against one server: figures per phase, and what the checks need afterwards."""

    def __init__(self, server, port, plans):
        self.server, self.port, self.plans = server, port, plans
        self.scans_sent = 0
        self.claims: Counter = Counter()
        self.check_ins: set[int] = set()
        self.server_errors: Counter = Counter()
        self.samples: dict = {}
        self.errors = 0

    def phase(self, phase: str, seconds: float, plans=None) -> tuple[dict, float]:
        """Drive one phase; (merged figures, server CPU seconds it took)."""
        cpu = server_cpu_seconds(self.server)
        got = drive(self.port, phase, plans or self.plans, seconds)
        cpu = server_cpu_seconds(self.server) - cpu
        self.scans_sent += len(got["latencies"][SCAN])
        self.claims.update(got["claims"])
        self.check_ins |= got["check_ins"]
        self.server_errors.update(got["server_errors"])
        self.samples.update(got["samples"])
        self.errors += sum(got["errors"].values())
        if phase in (*CHECKING_IN, "scan", "floor") and got["jobs_left"] == 0:
            print(f"WARNING: {phase}: the schedule ran out before the time was up (--visits)")
        return got, cpu

    def rows(self, got: dict, names, cpu: float) -> list[dict]:
        rows = [
            figures(n, got["latencies"][n], got["errors"][n], got["seconds"])
            for n in names
            if got["latencies"][n]
        ]
        total = sum(r["requests"] for r in rows)
        for r in rows:
            r["server_cpu_ms_per_request_of_phase"] = 1000 * cpu / max(1, total)
        return rows


def all_requests(got: dict, seconds: float) -> dict:
    return figures(
        "all", [x for v in got["latencies"].values() for x in v], 0, seconds or got["seconds"]
    )


def step_search(run: Run, steps: list[int], seconds: float) -> list[dict]:
    """No-wait gate users only, more each step, until scan p99 reaches the goal."""
    found = []
    for users in steps:
        plans = [
            dict(p, gate_users=users // len(run.plans) + (i < users % len(run.plans)), sessions=[])
            for i, p in enumerate(run.plans)
        ]
        got, _cpu = run.phase("saturation", seconds, plans)
        for plan, used in zip(run.plans, plans, strict=True):
            plan["jobs"] = used["jobs"]
        scan = figures(SCAN, got["latencies"][SCAN], got["errors"][SCAN], got["seconds"])
        if got["jobs_left"] == 0:
            print(f"  step {users:3d} gate users: the schedule ran out, no more steps (--visits)")
            break
        found.append({"gate_users": users, **scan})
        print(f"  step {users:3d} gate users:" + line(scan)[len(SCAN) + 13 :])
        if scan["errors"] or scan["p99_ms"] >= GOAL_P99_MS:
            break
    return found


def floor_starts_as_scan() -> None:
    """The floor's own "code shown" flags, as the visits' are now (zerodisturb.benchviews)."""
    from django.db import connection, transaction

    from zerodisturb.benchviews import SHOWN_TABLE, create_shown_table
    from zerodisturb.visits.models import Visit

    with transaction.atomic(), connection.cursor() as cursor:
        create_shown_table(cursor)
        cursor.execute(f"DELETE FROM {SHOWN_TABLE}")
        cursor.execute(
            f"INSERT INTO {SHOWN_TABLE} (visit_id) SELECT id FROM {Visit._meta.db_table} "
            "WHERE valid_scan_at IS NOT NULL"
        )
    connection.close()


def ratio_rounds(run: Run, args) -> list[dict]:
    rounds = defaultdict(lambda: {"latencies": [], "errors": 0, "seconds": 0.0, "cpu": 0.0})
    kinds = ("scan", "bare", "floor") if args.floor != "none" else ("scan", "bare")
    if args.floor != "none":
        floor_starts_as_scan()
    each = args.ratio_seconds / (len(kinds) * max(1, args.rounds))
    kept = [p["jobs"] for p in run.plans]
    for r in range(max(1, args.rounds)):
        for phase in kinds:
            for plan in run.plans:  # a fresh order of the same visits in every round
                plan["jobs"] = schedule(plan["visits"], random.Random(r))
            got, cpu = run.phase(phase, each)
            name = {"scan": SCAN, "bare": BARE, "floor": FLOOR}[phase]
            bucket = rounds[name]
            bucket["latencies"] += got["latencies"][name]
            bucket["errors"] += got["errors"][name]
            bucket["seconds"] += got["seconds"]
            bucket["cpu"] += cpu
            for other in (DASHBOARD, KPIS):
                rounds[f"{other} ({name} round)"]["latencies"] += got["latencies"][other]
                rounds[f"{other} ({name} round)"]["errors"] += got["errors"][other]
                rounds[f"{other} ({name} round)"]["seconds"] += got["seconds"]
    for plan, jobs in zip(run.plans, kept, strict=True):
        plan["jobs"] = jobs
    out = []
    for name, b in rounds.items():
        f = figures(name, b["latencies"], b["errors"], b["seconds"])
        if b["cpu"]:
            f["server_cpu_ms"] = 1000 * b["cpu"] / max(1, f["requests"])
        out.append(f)
    return out


def print_phase(title: str, rows: list[dict]) -> None:
    cpu = rows[0]["server_cpu_ms_per_request_of_phase"] if rows else 0.0
    print(f"{title} (server CPU {cpu:.2f} ms/request; load average {os.getloadavg()[0]:.2f}):")
    for f in rows:
        print(line(f))


def main(argv=None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="zd-bench-load-"))
    env = environment(workdir, args.database_url, args.redis)
    env["ZD_RATE_LIMIT_VERIFY"] = str(10**9)  # the limiter still counts, it never refuses
    env["ZD_BENCH_FLOOR_WRITES"] = "batched" if args.floor == "batched" else "sync"
    # Pages name their static files without a collected manifest (nothing written in the tree).
    env["ZD_STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    began = time.monotonic()
    world = prepare(env, args)
    print(
        f"prepared {len(world['visits'])} visits, {args.enterprises} enterprises "
        f"in {time.monotonic() - began:.1f} s"
    )
    port = free_port()
    server = start_server(env, port, args, workdir)
    results: dict = {}
    endpoints = (SCAN, CHECK_IN, DASHBOARD, KPIS)
    try:
        run = Run(server, port, plans_for(world, args, rng))
        if args.warmup_seconds > 0:
            got, cpu = run.phase("warm-up", args.warmup_seconds)
            results["warmup"] = run.rows(got, endpoints, cpu)
        got, cpu = run.phase("scenario", args.seconds)
        results["scenario"] = run.rows(got, endpoints, cpu)
        results["scenario_all"] = all_requests(got, 0)
        results["visits_checked_in_paced"] = len(got["check_ins"])
        if args.saturation_seconds > 0:
            got, cpu = run.phase("saturation", args.saturation_seconds)
            results["saturation"] = run.rows(got, endpoints, cpu)
            results["capacity"] = all_requests(got, 0)
        steps = [int(n) for n in args.steps.split(",") if n.strip()]
        if steps and args.step_seconds > 0:
            results["steps"] = step_search(run, steps, args.step_seconds)
        if args.ratio_seconds > 0:
            results["ratio_rounds"] = rows = ratio_rounds(run, args)
            by = {f["endpoint"]: f for f in rows}
            bare = by.get(BARE, {}).get("rps")
            results["ratio"] = by[SCAN]["rps"] / bare if bare and SCAN in by else 0.0
            if bare and FLOOR in by:
                results["floor_ratio"] = by[FLOOR]["rps"] / bare
    finally:
        # Graceful: workers finish their requests and flush what they hold before they exit.
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    # Only now, with every worker gone, are all scan-log rows written.
    problems = check_database(world, run.scans_sent, run.claims, run.check_ins)
    five_xx = sum(run.server_errors.values())
    if run.errors:
        problems.append(f"{run.errors} failed requests, e.g. {run.samples}")
    if five_xx:
        problems.append(f"{five_xx} answers 5xx")
    report(args, env, run, results, problems)
    if five_xx:
        log = (workdir / "gunicorn.log").read_text(errors="replace").splitlines()
        print("gunicorn log (end):", *log[-40:], sep="\n  ")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    **results,
                    "scans_sent": run.scans_sent,
                    "visits_checked_in": len(run.check_ins),
                    "problems": problems,
                    "nproc": os.cpu_count(),
                    "load": os.getloadavg(),
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    shutil.rmtree(workdir, ignore_errors=True)
    return 1 if problems else 0


def report(args, env, run: Run, results: dict, problems: list[str]) -> None:
    load = os.getloadavg()
    supervisors = args.supervisors if args.supervisors >= 0 else max(1, args.users // 10)
    print(f"machine: nproc={os.cpu_count()} load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(
        f"server: gunicorn gthread {args.workers} workers x {args.threads} threads; database "
        f"{env['DATABASE_URL'].split(':')[0]}; cache "
        f"{env.get('ZD_CACHE_BACKEND', 'LocMem (default)').rsplit('.', 1)[-1]}"
    )
    print(
        f"users: {args.users} ({args.users - supervisors} at gates, {supervisors} supervisors) "
        f"in {len(run.plans)} client processes; people wait {args.think.replace(',', '-')} s"
    )
    if "warmup" in results:
        print_phase(
            f"0. warm-up, the scenario's first {args.warmup_seconds:g} s (not in the figures below)",
            results["warmup"],
        )
    scenario = results["scenario"]
    print_phase(
        f"1. scenario, paced like people ({args.seconds:g} s, "
        f"{results['visits_checked_in_paced']} visits checked in)",
        scenario,
    )
    if "saturation" in results:
        print_phase(
            f"2. saturation: gate users with no wait ({args.saturation_seconds:g} s)",
            results["saturation"],
        )
        cap = results["capacity"]
        print(
            f"  capacity: {cap['rps']:.1f} req/s of the mix, p50 {cap['p50_ms']:.1f} ms, "
            f"p99 {cap['p99_ms']:.1f} ms"
        )
    if "steps" in results:
        print(f"3. step search: no-wait gate users only, {args.step_seconds:g} s per step")
        steps = results["steps"]
        good = [s["gate_users"] for s in steps if s["p99_ms"] < GOAL_P99_MS and not s["errors"]]
        best = f"{max(good)}" if good else "none of the steps"
        if good and max(good) == steps[-1]["gate_users"]:
            best += " (the largest step tried)"
        print(f"  largest number of no-wait gate users with scan p99 < {GOAL_P99_MS:g} ms: {best}")
    ratio = results.get("ratio")
    if results.get("ratio_rounds"):
        kinds = "scan, bare" if args.floor == "none" else f"scan, bare, floor ({args.floor})"
        print(f"4. ratio rounds ({args.rounds} x {kinds}; {args.ratio_seconds:g} s in all):")
        for f in results["ratio_rounds"]:
            extra = f"  server CPU {f['server_cpu_ms']:.2f} ms/req" if "server_cpu_ms" in f else ""
            print(line(f) + extra)
        print(f"ratio scan / bare = {ratio:.2f} (goal >= {GOAL_RATIO})")
        if "floor_ratio" in results:
            print(
                f"ratio floor / bare = {results['floor_ratio']:.2f} (the yardstick /bench/floor/)"
            )
    scan_p99 = next((f["p99_ms"] for f in scenario if f["endpoint"] == SCAN), 0.0)
    print(
        f"goals: errors {run.errors} (0), scan p99 at {args.users} paced users {scan_p99:.1f} ms "
        f"(< {GOAL_P99_MS:g}), ratio {ratio if ratio is None else round(ratio, 2)} "
        f"(>= {GOAL_RATIO})"
    )
    print(
        f"checks (after gunicorn stopped): ScanLog rows = {run.scans_sent} scans sent; "
        f"one check-in per visit ({len(run.check_ins)} visits); no 5xx"
    )
    for problem in problems:
        print(f"FAILED: {problem}")


if __name__ == "__main__":
    sys.exit(main())

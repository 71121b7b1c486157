"""Load: many users scanning visit codes, checking in and loading the dashboard, against gunicorn.

    .venv/bin/python bench/load.py [--users 100] [--seconds 30] [--ratio-seconds 20]
                                   [--visits 3000] [--enterprises 200] [--database-url URL]
                                   [--workers 2] [--threads 8] [--json FILE]

A locust-style scenario without locust. It prepares a throwaway database (SQLite in a temporary
directory unless --database-url names an existing empty one): one county with a filed contract,
a credential, ENTERPRISES enterprises each with a contact user and an API token, VISITS visits
today spread over them, one signed code per visit and minute slot, and two supervisors signed in.
It starts gunicorn on 127.0.0.1 (ZD_BENCH_ENDPOINTS on, the scan rate limit raised so that the
limiter runs but never refuses) and then runs, with USERS simulated users in client processes
(asyncio, keep-alive HTTP/1.1 connections, one per user):

1. the scenario, for --seconds: gate users take the next code of the schedule, where every visit's
   code comes 2 to 4 times in a row so that several users scan the same code at once; each scans it
   (GET /api/v1/public/scan/<token>, the answer must be valid) and then checks the visit in as its
   enterprise's contact (POST /api/v1/visits/<id>/check-in with the contact's API token); the
   supervisors (USERS/10) load /oversight/ and /api/v1/oversight/kpis with their session,
   thinking 1-3 s between pages;
2. the ratio rounds, for --ratio-seconds in alternating rounds: the same users, supervisors as
   before, gate users scanning codes of the schedule again (distinct tokens, no check-in) in one
   round and the bare view /bench/bare in the next, so both run under the same load.

It prints per endpoint the throughput, p50/p99 and errors, the ratio scan/bare, nproc and the load
average, then checks the database: exactly one check-in per visit (one `visit.check_in` audit
event each, and one answer with already=false), one ScanLog row per scan request sent, no 5xx.
It exits with status 1 if a check fails or a request failed. Goals: no errors, scan p99 under
200 ms at 100 users, ratio at least 0.7.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scan_verify import environment, free_port, server_cpu_seconds  # noqa: E402

GOAL_RATIO, GOAL_P99_MS = 0.7, 200.0
SCAN, CHECK_IN, DASHBOARD, KPIS, BARE = "scan", "check-in", "dashboard", "kpis", "bare"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100, help="simulated users (100)")
    parser.add_argument("--seconds", type=float, default=30.0, help="the scenario (30)")
    parser.add_argument(
        "--ratio-seconds", type=float, default=20.0, help="scan vs bare, in total (20; 0: skip)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="scan/bare alternations (2)")
    parser.add_argument("--visits", type=int, default=3000, help="visits today (3000)")
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
    window = {"window_start": now - timedelta(minutes=1), "window_end": now + timedelta(hours=3)}

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

    minutes = int((args.seconds + args.ratio_seconds) / 60) + 4
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


# --- the client -------------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection; the smallest client that keeps the CPU for the server."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: str = "") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}"
            f"Content-Length: 0\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                fields[name.strip().lower()] = value.strip()
        if "content-length" in fields:
            body = await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            body = b""
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                body += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")
        else:
            body = await self.reader.read()
            fields["connection"] = "close"
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Stats:
    def __init__(self):
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.server_errors: Counter = Counter()
        self.samples: dict[str, str] = {}
        self.claims: Counter = Counter()  # visit id -> answers with already=false
        self.check_ins: set[int] = set()

    def add(self, name: str, began: float, ok: bool, status: int, body: bytes) -> None:
        self.latencies[name].append(time.perf_counter() - began)
        if not ok:
            self.errors[name] += 1
            self.samples.setdefault(name, f"{status} {body[:300]!r}")
        if status >= 500:
            self.server_errors[name] += 1


async def call(conn: Connection, stats: Stats, name: str, method, path, headers="", check=None):
    began = time.perf_counter()
    try:
        status, body = await conn.request(method, path, headers)
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
        conn.close()
        stats.add(name, began, False, 0, repr(exc).encode())
        return None
    ok = status == 200 and (check is None or check(body))
    stats.add(name, began, ok, status, body)
    return body if ok else None


def _valid(body: bytes) -> bool:
    return body.startswith(b'{"valid": true')


def code_now(codes: list, slot_seconds: int) -> str:
    slot = int(time.time()) // slot_seconds
    return next((t for s, t in codes if s >= slot), codes[-1][1])


async def gate_user(port, stats, jobs, codes, stop, *, check_in: bool, path_of=None):
    from zerodisturb.credentials.tokens import SLOT_SECONDS

    conn = Connection(port)
    while path_of is not None and time.monotonic() < stop:
        # The bare round: the same users, the yardstick view instead (no schedule to run out of).
        await call(conn, stats, BARE, "GET", path_of, check=lambda b: b.startswith(b'{"'))
    while time.monotonic() < stop and jobs:
        visit_id, api_token = jobs.pop()
        token = code_now(codes[visit_id], SLOT_SECONDS)
        body = await call(conn, stats, SCAN, "GET", f"/api/v1/public/scan/{token}", check=_valid)
        if body is None or not check_in:
            continue
        body = await call(
            conn,
            stats,
            CHECK_IN,
            "POST",
            f"/api/v1/visits/{visit_id}/check-in",
            f"Authorization: Bearer {api_token}\r\n",
            check=lambda b: b'"already":' in b.replace(b'": ', b'":'),
        )
        if body is not None:
            stats.check_ins.add(visit_id)
            if b'"already":false' in body.replace(b'": ', b'":'):
                stats.claims[visit_id] += 1
    conn.close()


async def supervisor(port, stats, session, stop, rng):
    conn = Connection(port)
    cookie = f"Cookie: sessionid={session}\r\n"
    while time.monotonic() < stop:
        await call(conn, stats, DASHBOARD, "GET", "/oversight/", cookie)
        await call(conn, stats, KPIS, "GET", "/api/v1/oversight/kpis", cookie)
        await asyncio.sleep(min(rng.uniform(1.0, 3.0), max(0.0, stop - time.monotonic())))
    conn.close()


def client_process(index, port, phase, plan, seconds, out) -> None:
    """One client process: its share of the users for one phase, figures sent back to `out`."""
    sys.path.insert(0, str(ROOT))
    rng = random.Random(plan["seed"] * 1000 + index)
    stats = Stats()

    async def run():
        stop = time.monotonic() + seconds
        jobs = list(reversed(plan["jobs"]))  # pop() takes them in schedule order
        users = [
            gate_user(
                port,
                stats,
                jobs,
                plan["codes"],
                stop,
                check_in=phase == "scenario",
                path_of="/bench/bare" if phase == "bare" else None,
            )
            for _ in range(plan["gate_users"])
        ]
        users += [supervisor(port, stats, s, stop, rng) for s in plan["sessions"]]
        await asyncio.gather(*users)
        return len(jobs)

    left = asyncio.run(run())
    out.put(
        {
            "latencies": dict(stats.latencies),
            "errors": dict(stats.errors),
            "server_errors": dict(stats.server_errors),
            "samples": stats.samples,
            "claims": dict(stats.claims),
            "check_ins": sorted(stats.check_ins),
            "jobs_left": left,
        }
    )


def drive(port, phase, plans, seconds) -> dict:
    """Run one phase with every client process at once; the merged figures."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=client_process, args=(i, port, phase, plan, seconds, out))
        for i, plan in enumerate(plans)
    ]
    began = time.monotonic()
    for proc in procs:
        proc.start()
    parts = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    merged = {
        "seconds": time.monotonic() - began,
        "latencies": defaultdict(list),
        "errors": Counter(),
        "server_errors": Counter(),
        "samples": {},
        "claims": Counter(),
        "check_ins": set(),
        "jobs_left": 0,
    }
    for part in parts:
        for name, values in part["latencies"].items():
            merged["latencies"][name] += values
        merged["errors"].update(part["errors"])
        merged["server_errors"].update(part["server_errors"])
        merged["samples"].update(part["samples"])
        merged["claims"].update(part["claims"])
        merged["check_ins"].update(part["check_ins"])
        merged["jobs_left"] += part["jobs_left"]
    return merged


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
    logged = ScanLog.objects.count()
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


def main(argv=None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="zd-bench-load-"))
    env = environment(workdir, args.database_url, args.redis)
    env["ZD_RATE_LIMIT_VERIFY"] = str(10**9)  # the limiter still counts, it never refuses
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
    results, problems, rows = {}, [], []
    try:
        plans = plans_for(world, args, rng)
        cpu = server_cpu_seconds(server)
        scenario = drive(port, "scenario", plans, args.seconds)
        cpu_scenario = server_cpu_seconds(server) - cpu
        scans_sent = len(scenario["latencies"][SCAN])
        if scenario["jobs_left"] == 0:
            print("WARNING: every visit of the schedule was scanned before the time was up")
        for name in (SCAN, CHECK_IN, DASHBOARD, KPIS):
            rows.append(
                figures(
                    name,
                    scenario["latencies"][name],
                    scenario["errors"][name],
                    scenario["seconds"],
                )
            )
        results["scenario"] = rows
        ratio_rows = []
        if args.ratio_seconds > 0:
            rounds = defaultdict(lambda: {"latencies": [], "errors": 0, "seconds": 0.0, "cpu": 0.0})
            each = args.ratio_seconds / (2 * max(1, args.rounds))
            for r in range(max(1, args.rounds)):
                for phase in ("scan", "bare"):
                    for plan in plans:  # a fresh order of the same visits in every round
                        plan["jobs"] = schedule(plan["visits"], random.Random(r))
                    cpu = server_cpu_seconds(server)
                    got = drive(port, phase, plans, each)
                    name = SCAN if phase == "scan" else BARE
                    bucket = rounds[name]
                    bucket["latencies"] += got["latencies"][name]
                    bucket["errors"] += got["errors"][name]
                    bucket["seconds"] += got["seconds"]
                    bucket["cpu"] += server_cpu_seconds(server) - cpu
                    for other in (DASHBOARD, KPIS):
                        rounds[f"{other} ({name} round)"]["latencies"] += got["latencies"][other]
                        rounds[f"{other} ({name} round)"]["errors"] += got["errors"][other]
                        rounds[f"{other} ({name} round)"]["seconds"] += got["seconds"]
                    scans_sent += len(got["latencies"][SCAN])
                    scenario["server_errors"].update(got["server_errors"])
                    scenario["samples"].update(got["samples"])
            for name, b in rounds.items():
                f = figures(name, b["latencies"], b["errors"], b["seconds"])
                if b["cpu"]:
                    f["server_cpu_ms"] = 1000 * b["cpu"] / max(1, f["requests"])
                ratio_rows.append(f)
            results["ratio_rounds"] = ratio_rows
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    problems += check_database(world, scans_sent, scenario["claims"], scenario["check_ins"])
    errors = sum(f["errors"] for f in rows + ratio_rows)
    five_xx = sum(scenario["server_errors"].values())
    if errors:
        problems.append(f"{errors} failed requests, e.g. {scenario['samples']}")
    if five_xx:
        problems.append(f"{five_xx} answers 5xx")

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
        f"in {len(plans)} client processes"
    )
    print(
        f"scenario ({scenario['seconds']:.1f} s; {len(scenario['check_ins'])} visits checked in, "
        f"server CPU {1000 * cpu_scenario / max(1, sum(f['requests'] for f in rows)):.2f} "
        f"ms/request):"
    )
    for f in rows:
        print(line(f))
    ratio = None
    if ratio_rows:
        print(f"ratio rounds ({args.rounds} x scan then bare, {args.ratio_seconds:g} s in all):")
        for f in ratio_rows:
            extra = f"  server CPU {f['server_cpu_ms']:.2f} ms/req" if "server_cpu_ms" in f else ""
            print(line(f) + extra)
        by = {f["endpoint"]: f for f in ratio_rows}
        ratio = by[SCAN]["rps"] / by[BARE]["rps"] if by[BARE]["rps"] else 0.0
        print(f"ratio scan / bare = {ratio:.2f} (goal >= {GOAL_RATIO})")
    scan_p99 = rows[0]["p99_ms"]
    print(
        f"goals: errors {errors} (0), scan p99 {scan_p99:.1f} ms (< {GOAL_P99_MS:g}), "
        f"ratio {ratio if ratio is None else round(ratio, 2)} (>= {GOAL_RATIO})"
    )
    print(f"checks: ScanLog rows = {scans_sent} scans sent; one check-in per visit; no 5xx")
    for problem in problems:
        print(f"FAILED: {problem}")
    if five_xx:
        log = (workdir / "gunicorn.log").read_text(errors="replace").splitlines()
        print("gunicorn log (end):", *log[-40:], sep="\n  ")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "scenario": rows,
                    "ratio_rounds": ratio_rows,
                    "ratio": ratio,
                    "scans_sent": scans_sent,
                    "visits_checked_in": len(scenario["check_ins"]),
                    "problems": problems,
                    "nproc": os.cpu_count(),
                    "load": load,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    shutil.rmtree(workdir, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

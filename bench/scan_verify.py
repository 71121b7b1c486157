"""Throughput of the public scan endpoint (亮码核验) against a bare Django JSON view.

    .venv/bin/python bench/scan_verify.py [--seconds 10] [--rounds 5] [--clients 8] [--workers 1]
                                          [--threads 4] [--warmup-seconds 4]
                                          [--database-url URL] [--redis URL]

Prepares a throwaway database (SQLite in a temporary directory unless --database-url names an
existing empty one): migrate, one county with an accepted contract, a credential and a visit today,
one signed token per minute slot of the run. Starts gunicorn on 127.0.0.1 with ZD_BENCH_ENDPOINTS
on and the verify rate limit raised, then drives /api/v1/public/scan/<token> and /bench/bare with
N keep-alive clients (wrk when installed, Python threads otherwise; every answer is checked): a
warm-up of both that is not counted, then alternating rounds so that a change of machine load
hits both alike. Prints requests/second, p50/p99 latency, errors, the server's CPU time per
request and the ratio verify_rps / bare_rps (goal >= 0.7). --redis runs the server (and the
preparation) on a shared Redis cache.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.7


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint (10)")
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternate the endpoints this many times (5)"
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument(
        "--warmup-seconds",
        type=float,
        default=4.0,
        help="both endpoints driven first, not counted: every worker loads its URLs and caches (4)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="gunicorn workers (1: the load generator gets the other core, and no accept race "
        "decides how many of the keep-alive connections each worker serves; see bench/README.md)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--database-url", default="", help="an existing, empty database")
    parser.add_argument(
        "--redis",
        default="",
        metavar="URL",
        help="Django's cache on Redis, e.g. redis://127.0.0.1:6379/9",
    )
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="instead of the run, profile N scans in-process and print where the time goes",
    )
    return parser.parse_args()


def environment(workdir: Path, database_url: str, redis_url: str = "") -> dict[str, str]:
    env = dict(os.environ)
    if redis_url:
        env.update(
            ZD_CACHE_BACKEND="zerodisturb.cache.RedisCache",
            ZD_CACHE_LOCATION=redis_url,
        )
    env.update(
        DJANGO_SETTINGS_MODULE="zerodisturb.settings",
        ZD_VAR_DIR=str(workdir / "var"),
        ZD_SECRETS_FILE=str(workdir / "secrets.json"),
        DATABASE_URL=database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
        ZD_BENCH_ENDPOINTS="true",
        ZD_RATE_LIMIT_VERIFY=str(10**9),  # the limiter still runs, it just never refuses
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def prepare(env: dict[str, str], seconds: float) -> list[tuple[int, str]]:
    """Migrate and build the county; (slot, token) for every minute the run can last."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)

    from django.utils import timezone

    from zerodisturb.conftest import build_county
    from zerodisturb.credentials import tokens
    from zerodisturb.testing.commissioning import accepted_contract, approved_item, build_panel
    from zerodisturb.visits.services import plan_visit
    from zerodisturb.visits.tests.api_world import PURPOSE, credential, escort

    now = timezone.now()
    today = timezone.localdate()
    panel = build_panel(build_county())
    term = {"term_start": (today - timedelta(days=10)).isoformat()}
    term["term_end"] = (today + timedelta(days=200)).isoformat()
    item = approved_item(
        panel,
        now - timedelta(days=40),
        now - timedelta(days=30),
        period_start=(today - timedelta(days=20)).isoformat(),
        period_end=(today + timedelta(days=300)).isoformat(),
    )
    signed = now - timedelta(days=12)
    contract = accepted_contract(panel, item, signed, signed_on=signed.date().isoformat(), **term)
    staff_credential = credential(panel, contract, panel.county.staff)
    officer, _user = escort(panel.county.orgs["agency"], "escort_bench")
    visit = plan_visit(
        panel.officer,
        enterprise=panel.county.orgs["enterprise"],
        kind="complaint",
        reason="企业投诉核查",
        window_start=now - timedelta(minutes=1),
        window_end=now + timedelta(hours=2),
        contract=contract,
        credentials=[staff_credential],
        officers=[officer],
        purpose=PURPOSE,
    ).visit
    minutes = int(2 * seconds / 60) + 5
    return [
        (
            tokens.slot_of(now + timedelta(minutes=m)),
            tokens.sign(visit.pk, staff_credential.pk, now + timedelta(minutes=m)),
        )
        for m in range(minutes)
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, port, workers, threads, workdir) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "zerodisturb.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread",
        "--keep-alive=30",
        "--log-level=warning",
    ]
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    deadline = time.monotonic() + 30
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


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU of the gunicorn master and its workers so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [server.pid]
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def merge(rounds: list[dict]) -> dict:
    """One figure for several rounds of one endpoint."""
    seconds = sum(r["seconds"] for r in rounds)
    requests = sum(r["requests"] for r in rounds)
    every = sorted(x for r in rounds for x in r.get("latencies", []))
    if every:
        p50 = 1000 * every[len(every) // 2]
        p99 = 1000 * every[min(len(every) - 1, int(len(every) * 0.99))]
    else:  # wrk gives percentiles per round only: the worst round's
        p50 = max(r["p50_ms"] for r in rounds)
        p99 = max(r["p99_ms"] for r in rounds)
    return {
        "requests": requests,
        "rps": requests / seconds,
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": sum(r["errors"] for r in rounds),
        "cpu_ms": 1000 * sum(r["cpu"] for r in rounds) / max(1, requests),
        "per_round": [r["requests"] / r["seconds"] for r in rounds],
    }


def drive_python(port: int, path_of, clients: int, seconds: float) -> dict:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path_of())
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200 and b'"valid": true' in body.replace(
                    b'":true', b'": true'
                )
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            latencies[index].append(time.perf_counter() - started)
            errors[index] += not ok

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    every = sorted(x for row in latencies for x in row)
    return {
        "seconds": elapsed,
        "latencies": every,
        "requests": len(every),
        "rps": len(every) / elapsed,
        "p50_ms": 1000 * every[len(every) // 2] if every else 0,
        "p99_ms": 1000 * every[min(len(every) - 1, int(len(every) * 0.99))] if every else 0,
        "errors": sum(errors),
    }


# wrk reads every answer too: one that is not 200 with "valid": true counts as an error, as in
# drive_python (both endpoints answer that, so the check costs the client the same for both).
WRK_CHECK = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status ~= 200 or not (string.find(body, '"valid": true', 1, true)
                           or string.find(body, '"valid":true', 1, true)) then
    bad = bad + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("Bad answers: %d\\n", total))
end
"""


def drive_wrk(port: int, path: str, clients: int, seconds: float) -> dict:
    script = Path(tempfile.gettempdir()) / f"zd-bench-check-{os.getpid()}.lua"
    script.write_text(WRK_CHECK)
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(clients, 2)}",
            f"-c{clients}",
            f"-d{max(1, int(seconds))}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(text: str) -> float:
        unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
        number = text.rstrip("usm")
        return float(number) * unit[text[len(number) :]]

    result = {"errors": 0, "seconds": max(1, int(seconds))}
    for line in out.splitlines():
        parts = line.split()
        if line.strip().startswith("50%"):
            result["p50_ms"] = ms(parts[1])
        elif line.strip().startswith("99%"):
            result["p99_ms"] = ms(parts[1])
        elif line.startswith("Requests/sec:"):
            result["rps"] = float(parts[1])
        elif "requests in" in line:
            result["requests"] = int(parts[0])
        elif line.strip().startswith("Socket errors"):
            result["errors"] += sum(int(p.strip(",")) for p in parts if p.strip(",").isdigit())
        elif line.startswith("Bad answers:"):  # non-2xx included
            result["errors"] += int(parts[2])
    script.unlink(missing_ok=True)
    return result


def profile(token: str, count: int) -> None:
    """cProfile of `count` scans through Django's test client, and the queries of one."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/api/v1/public/scan/{token}"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).json()["valid"]
    print(f"queries per scan: {len(queries)}")
    for query in queries:
        print("   ", query["sql"][:110])
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        client.get(url)
    profiler.disable()
    print(f"{count} scans in-process: {1000 * (time.perf_counter() - began) / count:.2f} ms each")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="zd-bench-scan-"))
    env = environment(workdir, args.database_url, args.redis)
    slots = prepare(env, args.seconds)
    if args.profile:
        profile(slots[0][1], args.profile)
        return
    port = free_port()
    server = start_server(env, port, args.workers, args.threads, workdir)
    use_wrk = shutil.which("wrk") is not None and not args.python_client
    try:
        from zerodisturb.credentials.tokens import SLOT_SECONDS

        def scan_path() -> str:
            slot = int(time.time()) // SLOT_SECONDS
            token = next((t for s, t in slots if s >= slot), slots[-1][1])
            return f"/api/v1/public/scan/{token}"

        check = http.client.HTTPConnection("127.0.0.1", port)
        check.request("GET", scan_path())
        answer = json.loads(check.getresponse().read())
        if not answer.get("valid"):
            raise SystemExit(f"the prepared code does not verify: {answer}")
        # A fresh worker imports the URLconf and builds its caches on its first requests (about
        # a second of CPU): both endpoints run first so that neither round pays for it.
        for path_of in (scan_path, lambda: "/bench/bare"):
            if args.warmup_seconds > 0:
                drive_python(port, path_of, args.clients, args.warmup_seconds / 2)
        rounds: dict[str, list[dict]] = {"verify": [], "bare": []}
        each = args.seconds / max(1, args.rounds)
        for _round in range(max(1, args.rounds)):
            for name, path_of in (("verify", scan_path), ("bare", lambda: "/bench/bare")):
                cpu = server_cpu_seconds(server)
                # wrk keeps one URL: the token signed now stays good for ~3 minutes (grace slots).
                if use_wrk and each <= 120:
                    result = drive_wrk(port, path_of(), args.clients, each)
                else:
                    result = drive_python(port, path_of, args.clients, each)
                result["cpu"] = server_cpu_seconds(server) - cpu
                rounds[name].append(result)
        results = {name: merge(r) for name, r in rounds.items()}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    load = os.getloadavg()
    print(f"machine: nproc={os.cpu_count()} load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(
        f"server: gunicorn gthread {args.workers} workers x {args.threads} threads; "
        f"database {env['DATABASE_URL'].split(':')[0]}; "
        f"client: {'wrk' if use_wrk else 'python threads'}, {args.clients} connections, "
        f"{args.seconds:g} s each in {args.rounds} alternating rounds; "
        f"cache {env.get('ZD_CACHE_BACKEND', 'LocMem (default)').rsplit('.', 1)[-1]}"
    )
    for name, r in results.items():
        print(
            f"{name:>7}: {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f} ms  "
            f"p99 {r['p99_ms']:6.1f} ms  requests {r['requests']}  errors {r['errors']}  "
            f"server CPU {r['cpu_ms']:.2f} ms/request"
        )
        print("         req/s per round: " + " ".join(f"{x:.0f}" for x in r["per_round"]))
    ratio = results["verify"]["rps"] / results["bare"]["rps"]
    print(f"ratio verify_rps / bare_rps = {ratio:.2f} (goal >= {GOAL})")
    cpu_ratio = results["bare"]["cpu_ms"] / max(1e-9, results["verify"]["cpu_ms"])
    print(f"server CPU per request, bare / verify = {cpu_ratio:.2f}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

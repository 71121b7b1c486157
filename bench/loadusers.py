"""The simulated users of bench/load.py: a minimal HTTP/1.1 client, gate users and supervisors.

Each client process runs its share of the users of one phase with asyncio (one keep-alive
connection per user) and sends its figures back; `drive` runs the processes of a phase at once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCAN, CHECK_IN, DASHBOARD, KPIS, BARE = "scan", "check-in", "dashboard", "kpis", "bare"
FLOOR = "floor"  # the floor round: the schedule's codes, scanned by the yardstick /bench/floor/
# Phases whose gate users check visits in (and so use up the schedule).
CHECKING_IN = ("warm-up", "scenario", "saturation")


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


async def pause(rng, think, stop) -> None:
    """A person's wait between two requests (none in the saturation phases)."""
    if think[1] > 0:
        await asyncio.sleep(min(rng.uniform(*think), max(0.0, stop - time.monotonic())))


async def gate_user(
    port, stats, jobs, codes, stop, rng, *, check_in, think, path_of=None, name=SCAN
):
    from zerodisturb.credentials.tokens import SLOT_SECONDS

    conn = Connection(port)
    await pause(rng, (0.0, think[1]), stop)  # people arrive over a while, not all at one instant
    while path_of is not None and time.monotonic() < stop:
        # The bare round: the same users, the yardstick view instead (no schedule to run out of).
        await call(conn, stats, BARE, "GET", path_of, check=lambda b: b.startswith(b'{"'))
    while time.monotonic() < stop and jobs:
        visit_id, api_token = jobs.pop()
        token = code_now(codes[visit_id], SLOT_SECONDS)
        path = f"/bench/floor/{token}" if name == FLOOR else f"/api/v1/public/scan/{token}"
        body = await call(conn, stats, name, "GET", path, check=_valid)
        if body is None or not check_in:
            continue
        await pause(rng, think, stop)  # reading the answer on the phone
        if time.monotonic() >= stop:
            break
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
        await pause(rng, think, stop)  # until the next visitor comes to the gate
    conn.close()


async def supervisor(port, stats, session, stop, rng, think):
    conn = Connection(port)
    cookie = f"Cookie: sessionid={session}\r\n"
    await pause(rng, (0.0, think[1]), stop)
    while time.monotonic() < stop:
        await call(conn, stats, DASHBOARD, "GET", "/oversight/", cookie)
        await pause(rng, think, stop)
        if time.monotonic() >= stop:
            break
        await call(conn, stats, KPIS, "GET", "/api/v1/oversight/kpis", cookie)
        await pause(rng, think, stop)
    conn.close()


def client_process(index, port, phase, plan, seconds, out) -> None:
    """One client process: its share of the users for one phase, figures sent back to `out`."""
    sys.path.insert(0, str(ROOT))
    rng = random.Random(plan["seed"] * 1000 + index + 7919 * len(plan["jobs"]))
    stats = Stats()
    think = plan["think"] if phase in ("warm-up", "scenario") else (0.0, 0.0)

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
                rng,
                check_in=phase in CHECKING_IN,
                think=think,
                path_of="/bench/bare" if phase == "bare" else None,
                name=FLOOR if phase == "floor" else SCAN,
            )
            for _ in range(plan["gate_users"])
        ]
        # Supervisors always pace like people; only the gate users stop waiting when saturating.
        users += [supervisor(port, stats, s, stop, rng, plan["think"]) for s in plan["sessions"]]
        await asyncio.gather(*users)
        return len(jobs)

    left = asyncio.run(run())
    out.put(
        {
            "index": index,
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
        if phase in CHECKING_IN:
            # The next phase starts after the visits this one took (jobs_left: never popped).
            plan = plans[part["index"]]
            plan["jobs"] = plan["jobs"][len(plan["jobs"]) - part["jobs_left"] :]
    return merged

"""A visit's first scan and its repeats, in one process: the CPU and the time of each.

    .venv/bin/python bench/first_scan.py [--visits 2000] [--database-url URL]

It builds the world of `load.py` (one county, a filed contract, VISITS visits today; SQLite in a
temporary directory unless --database-url names an existing, empty database), then calls
`scanning.scan` directly, without HTTP: once for each visit (its first scan: the facts read from
the database, the first valid scan recorded) and again for the same visits (repeats: cached facts,
the log row batched). Every answer must be valid. It prints, per scan, the process's CPU time and
the wall time (on PostgreSQL the difference is mostly the server's work and the round trips).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402
from scan_verify import environment  # noqa: E402


def per_scan(scan, tokens: list[str], now) -> tuple[float, float]:
    """(CPU ms, wall ms) per scan of `tokens`, each answer checked."""
    cpu, wall = time.process_time(), time.perf_counter()
    for token in tokens:
        result = scan(token, now=now)
        if not result.valid:
            raise SystemExit(f"a scan was refused: {result.code} {result.message}")
    n = max(1, len(tokens))
    return (time.process_time() - cpu) * 1000 / n, (time.perf_counter() - wall) * 1000 / n


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=2000, help="visits, each scanned (2000)")
    parser.add_argument("--database-url", default="", help="an existing, empty database")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="zd-bench-first-scan-"))
    try:
        env = environment(workdir, args.database_url)
        world = load.prepare(
            env, load.parse_args(["--visits", str(args.visits + 1), "--enterprises", "50"])
        )
        from django.db import connection
        from django.utils import timezone

        from zerodisturb.credentials.tokens import slot_of
        from zerodisturb.visits.scanning import scan

        now = timezone.now()
        slot = slot_of(now)
        tokens = [dict(world["codes"][v])[slot] for v in world["visit_ids"]]
        scan(tokens[0], now=now)  # the credential's and the contract's parts, the key: once
        first = per_scan(scan, tokens[1:], now)
        repeat = per_scan(scan, tokens[1:], now)
        print(f"database: {connection.vendor}; {len(tokens) - 1} visits")
        print(f"first scan of a visit: CPU {first[0]:.3f} ms, wall {first[1]:.3f} ms")
        print(f"repeat scan:           CPU {repeat[0]:.3f} ms, wall {repeat[1]:.3f} ms")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the KPI dashboard on a county-year of 100,000 versus 1,000,000 visits.

Each size runs in its own process on a fresh database (a throwaway SQLite file, or --database-url
for an empty PostgreSQL database): it builds a county (26 agencies with their providers, contracts
and domains, 20 localities, --enterprises enterprises), bulk-inserts the visits of 2026 (15% joint,
90% shown a valid code) and a tenth as many in 2025, rebuilds the rollups once (timed), then times
the whole dashboard report (`oversight.report.build`: every KPI with its previous year, monthly
series, rankings) --repeat times and keeps the median. The last line is the ratio of the two.

    .venv/bin/python bench/dashboard_scale.py                      # 100,000 and 1,000,000
    .venv/bin/python bench/dashboard_scale.py --sizes 20000,200000  # a quick run

Figures (November 2026, SQLite, 2 shared cores, 20,000 enterprises, median of 5):

    visits     insert   rebuild  daily rows  monthly rows  dashboard wall / CPU
    100,000     94 s     50 s     103,696       18,359      0.120 s / 0.120 s
    1,000,000  195 s    117 s     384,372       24,448      0.121 s / 0.121 s
    ratio 1M / 100k: 1.01 wall, 1.00 CPU (goal: under 1.5)

The dashboard reads the monthly rollup (rows bounded by months × agencies × providers ×
localities × domains) and one per-enterprise row per period, so ten times the visits costs the
same. The full rebuild grows with the raw rows; the worker only recomputes the days that changed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AGENCIES, LOCALITIES, DOMAINS = 26, 20, 5


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="100000,1000000")
    p.add_argument("--enterprises", type=int, default=20000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--database-url", default="")
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)
    return p.parse_args()


def setup_django(workdir: Path, database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zerodisturb.settings"
    os.environ["ZD_VAR_DIR"] = str(workdir / "var")
    os.environ["ZD_SECRETS_FILE"] = str(workdir / "secrets.json")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build_county(enterprises: int):
    from django.contrib.auth import get_user_model

    from zerodisturb.commissioning.models import CommissionedItem, Domain, ItemVersion
    from zerodisturb.contracts.models import Contract, ContractVersion
    from zerodisturb.registry.models import Division, Organisation
    from zerodisturb.roles import Role

    code = "330282"
    county = Division.objects.create(code=code, name="慈溪市", level="county", county_code=code)
    towns = [
        Division.objects.create(
            code=f"{code}{100 + i}", name=f"镇{i}", level="town", parent=county, county_code=code
        )
        for i in range(LOCALITIES)
    ]
    user = get_user_model().objects.create(username="bench", role=Role.SYSTEM_ADMIN)
    domains = [
        Domain.objects.create(county_code=code, code=f"d{i}", name=f"领域{i}")
        for i in range(DOMAINS)
    ]
    contracts = []
    for i in range(AGENCIES):
        agency = Organisation.objects.create(
            county_code=code, kind="government", name=f"机关{i}", is_agency=True
        )
        provider = Organisation.objects.create(county_code=code, kind="provider", name=f"机构{i}")
        item = CommissionedItem.objects.create(
            county_code=code, number=f"I{i}", agency=agency, created_by=user, status="approved"
        )
        version = ItemVersion.objects.create(
            item=item,
            version=1,
            domain=domains[i % DOMAINS],
            title="t",
            content="c",
            legal_basis="l",
            why_external="w",
            period_start=date(2025, 1, 1),
            period_end=date(2026, 12, 31),
            requested_budget=100000,
            created_by=user,
        )
        CommissionedItem.objects.filter(pk=item.pk).update(current_version=version)
        contract = Contract.objects.create(
            county_code=code,
            number=f"C{i}",
            item=item,
            agency=agency,
            provider=provider,
            created_by=user,
        )
        ContractVersion.objects.create(
            contract=contract,
            version=1,
            kind="original",
            amount=1,
            signed_on=date(2025, 1, 1),
            term_start=date(2025, 1, 1),
            term_end=date(2026, 12, 31),
            scope="s",
            pdf="x.pdf",
            pdf_sha256="0",
            filing_due_on=date(2025, 1, 15),
            created_by=user,
        )
        contracts.append(contract)
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                county_code=code, kind="enterprise", name=f"企业{i}", locality=towns[i % LOCALITIES]
            )
            for i in range(enterprises)
        ],
        batch_size=5000,
    )
    return code, user, contracts, [o.pk for o in orgs]


def insert_visits(code, user, contracts, enterprise_ids, n, year, rng, start_no):
    from zerodisturb.visits.models import Visit, VisitParty

    first = datetime(year, 1, 1, 1, tzinfo=UTC)
    batch = 20000
    for offset in range(0, n, batch):
        visits = []
        for k in range(offset, min(n, offset + batch)):
            when = first + timedelta(minutes=rng.randrange(364 * 24 * 60))
            visits.append(
                Visit(
                    county_code=code,
                    number=f"B{start_no + k:08d}",
                    enterprise_id=rng.choice(enterprise_ids),
                    kind="planned",
                    purpose="p",
                    window_start=when,
                    window_end=when + timedelta(hours=2),
                    status="completed",
                    valid_scan_at=when if rng.random() < 0.9 else None,
                    created_by=user,
                )
            )
        Visit.objects.bulk_create(visits, batch_size=5000)
        saved = Visit.objects.filter(number__gte=visits[0].number, number__lte=visits[-1].number)
        parties = []
        for pk in saved.values_list("pk", flat=True):
            lead = rng.randrange(AGENCIES)
            for j, c in enumerate(
                [lead] + ([(lead + 1) % AGENCIES] if rng.random() < 0.15 else [])
            ):
                contract = contracts[c]
                parties.append(
                    VisitParty(
                        visit_id=pk,
                        agency_id=contract.agency_id,
                        contract=contract,
                        is_lead=j == 0,
                        year=year,
                        planned_by=user,
                    )
                )
        VisitParty.objects.bulk_create(parties, batch_size=5000)


def run_one(args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="zd-bench-dash-"))
    setup_django(workdir, args.database_url)
    from zerodisturb.oversight.models import EnterpriseVisitPeriod, KpiMonth, KpiRollup
    from zerodisturb.oversight.periods import Period
    from zerodisturb.oversight.report import build
    from zerodisturb.oversight.rollups import rebuild

    rng = random.Random(7)
    code, user, contracts, ents = build_county(args.enterprises)
    t = time.perf_counter()
    insert_visits(code, user, contracts, ents, args.one, 2026, rng, 0)
    insert_visits(code, user, contracts, ents, args.one // 10, 2025, rng, args.one)
    inserted = time.perf_counter() - t
    t = time.perf_counter()
    rebuild()
    rebuilt = time.perf_counter() - t
    walls, cpus = [], []
    for _ in range(args.repeat):
        w, c = time.perf_counter(), time.process_time()
        report = build(code, Period(2026), {})
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    visits = next(k for k in report["kpis"] if k["key"] == "visits")["value"]
    assert visits == args.one, visits
    return {
        "visits": args.one,
        "insert_s": round(inserted, 1),
        "rebuild_s": round(rebuilt, 1),
        "daily_rows": KpiRollup.objects.count(),
        "monthly_rows": KpiMonth.objects.count(),
        "enterprise_period_rows": EnterpriseVisitPeriod.objects.count(),
        "dashboard_wall_s": round(statistics.median(walls), 4),
        "dashboard_cpu_s": round(statistics.median(cpus), 4),
    }


def main():
    args = parse_args()
    if args.one:
        print(json.dumps(run_one(args)))
        return
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        cmd = [sys.executable, __file__, "--one", str(size), "--enterprises", str(args.enterprises)]
        cmd += ["--repeat", str(args.repeat)]
        if args.database_url:
            cmd += ["--database-url", args.database_url]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    if len(results) == 2:
        small, large = results
        for key in ("dashboard_wall_s", "dashboard_cpu_s"):
            print(
                f"{key} ratio {large['visits']:,} / {small['visits']:,} visits: "
                f"{large[key] / small[key]:.2f}"
            )


if __name__ == "__main__":
    main()

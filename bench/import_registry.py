"""Benchmark of the registry workbook import against openpyxl's own read speed.

    .venv/bin/python bench/import_registry.py [--rows 100000] [--database-url URL]

Builds a workbook of N valid enterprise rows, times a bare openpyxl read of it (the floor no import
can beat), then `import_workbook` twice: the first import creates every row, the second finds every
row unchanged. Checks the counts and the audit chain, and fails loudly when either is wrong.

Without --database-url it uses a throwaway SQLite file in a temporary directory. With one, the
database must exist and be empty (it is migrated here, never dropped).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import re
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

COUNTY = "330282"
ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="enterprise rows (100000)")
    parser.add_argument(
        "--database-url",
        default="",
        help="an existing, empty database (default: a new SQLite file in a temporary directory)",
    )
    parser.add_argument(
        "--inline-strings",
        action="store_true",
        help="keep text cells inline as openpyxl writes them (default: a shared string table, "
        "as Excel and WPS save)",
    )
    parser.add_argument("--seed", type=int, default=20260101, help="random seed for the data")
    return parser.parse_args()


def setup_django(workdir: Path, database_url: str) -> None:
    """Point the real settings at throwaway places; nothing under the project tree is touched."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "zerodisturb.settings"
    os.environ["ZD_VAR_DIR"] = str(workdir / "var")
    os.environ["ZD_SECRETS_FILE"] = str(workdir / "secrets.json")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def create_localities() -> list[str]:
    """The county and its streets, towns and platforms, as the demo seeds them."""
    from django.db import transaction

    from zerodisturb.demo import cixi
    from zerodisturb.registry.choices import DivisionLevel
    from zerodisturb.registry.models import Division

    with transaction.atomic():
        province = Division.objects.create(
            code=cixi.PROVINCE[0], name=cixi.PROVINCE[1], level=DivisionLevel.PROVINCE
        )
        city = Division.objects.create(
            code=cixi.CITY[0], name=cixi.CITY[1], level=DivisionLevel.CITY, parent=province
        )
        county = Division.objects.create(
            code=COUNTY,
            name=cixi.COUNTY[1],
            level=DivisionLevel.COUNTY,
            parent=city,
            county_code=COUNTY,
        )
        names = []
        for prefix, group, level in (
            ("0", cixi.STREETS, DivisionLevel.STREET),
            ("1", cixi.TOWNS, DivisionLevel.TOWN),
            ("4", cixi.PLATFORMS, DivisionLevel.PLATFORM),
        ):
            for index, name in enumerate(group, start=1):
                Division.objects.create(
                    code=f"{COUNTY}{prefix}{index:02d}",
                    name=name,
                    level=level,
                    parent=county,
                    county_code=COUNTY,
                )
                names.append(name)
    return names


_TRADE_WORDS = "兴科 华茂 永信 恒达 金海 东方 海宇 天成 宏远 新越 瑞丰 富达 明辉 立信 长隆 嘉禾"
_TRADES = ("化纤", "电器", "机械", "五金", "塑业", "汽配", "食品", "建材", "电子", "物流")


def build_workbook(
    path: Path, rows: int, localities: list[str], rng: random.Random, shared_strings: bool
) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from zerodisturb.demo import cixi
    from zerodisturb.demo.codes import credit_code, mobile
    from zerodisturb.registry.choices import Sector
    from zerodisturb.registry.importing import ENTERPRISES

    sectors = [str(label) for _, label in Sector.choices]
    words = _TRADE_WORDS.split()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ENTERPRISES.title)
    sheet.append([column.header for column in ENTERPRISES.columns])
    codes: set[str] = set()
    while len(codes) < rows:
        codes.add(credit_code(rng, COUNTY))
    for number, code in enumerate(sorted(codes, key=lambda _: rng.random()), start=1):
        locality = rng.choice(localities)
        word, trade = rng.choice(words), rng.choice(_TRADES)
        contact = rng.choice(cixi.SURNAMES) + rng.choice(cixi.GIVEN) + rng.choice(cixi.GIVEN)
        sheet.append(
            [
                f"慈溪市{word}{trade}第{number}有限公司",
                code,
                locality,
                rng.choice(sectors),
                f"浙江省慈溪市{locality}工业园区{rng.randrange(1, 999)}号",
                contact,
                mobile(rng),
            ]
        )
    workbook.save(path)
    ref = f"A1:{get_column_letter(len(ENTERPRISES.columns))}{rows + 1}"
    _like_excel(path, ref, shared_strings)


_SHEET = "xl/worksheets/sheet1.xml"
_INLINE = re.compile(rb' t="inlineStr"><is>(.*?)</is>', re.S)
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _like_excel(path: Path, ref: str, shared_strings: bool) -> None:
    """Rewrite openpyxl's file the way Excel or WPS would save it, as real uploads are.

    openpyxl's write-only mode leaves out the sheet's used range, so its read-only loader parses
    the whole sheet an extra time looking for it; and openpyxl writes every text cell inline where
    Excel puts them in a shared string table, which is much cheaper to read. Either would make the
    baseline and the import slower than for a workbook a user filled in and saved.
    """
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: (info, source.read(info)) for info in source.infolist()}
    info, sheet = entries[_SHEET]
    sheet = sheet.replace(b"<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>'.encode(), 1)
    if shared_strings:
        index: dict[bytes, int] = {}

        def shared(match: re.Match) -> bytes:
            position = index.setdefault(match.group(1), len(index))
            return b' t="s"><v>%d</v>' % position

        sheet, count = _INLINE.subn(shared, sheet)
        table = b"".join(b"<si>%s</si>" % text for text in index)
        sst = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'count="%d" uniqueCount="%d">%s</sst>' % (count, len(index), table)
        )
        entries["xl/sharedStrings.xml"] = (zipfile.ZipInfo("xl/sharedStrings.xml"), sst)
        for name, old, new in (
            (
                "[Content_Types].xml",
                "</Types>",
                f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/></Types>',
            ),
            (
                "xl/_rels/workbook.xml.rels",
                "</Relationships>",
                f'<Relationship Id="rIdSst" '
                f'Type="{_SST_REL}" Target="sharedStrings.xml"/></Relationships>',
            ),
        ):
            part_info, part = entries[name]
            entries[name] = (part_info, part.replace(old.encode(), new.encode(), 1))
    entries[_SHEET] = (info, sheet)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part_info, content in entries.values():
            target.writestr(part_info, content, zipfile.ZIP_DEFLATED)


def raw_read(data: bytes) -> tuple[int, int]:
    """What openpyxl alone costs: open read-only and pull every row's values.

    Returns (rows iterated, rows the sheet's dimension declares)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = declared = 0
    for sheet in workbook.worksheets:
        declared += sheet.max_row or 0
        for _ in sheet.iter_rows(values_only=True):
            count += 1
    workbook.close()
    return count, declared


def timed(label: str, func, *args):
    """(result, wall seconds, this process's CPU seconds)."""
    print(f"  {label} …", end="", flush=True)
    start, start_cpu = time.perf_counter(), time.process_time()
    result = func(*args)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(f" {seconds:.2f} s (CPU {cpu:.2f} s)", flush=True)
    return result, seconds, cpu


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def fail(message: str) -> None:
    print(f"\nFAILED: {message}", file=sys.stderr)
    sys.exit(1)


def check_report(report, label: str, **expected: int) -> None:
    if not report.ok:
        shown = "\n".join(str(e) for e in report.errors[:10])
        fail(f"{label}: {len(report.errors)} errors, first ones:\n{shown}")
    got = report.results["enterprises"]
    for name, value in expected.items():
        if getattr(got, name) != value:
            fail(f"{label}: enterprises.{name} = {getattr(got, name)}, expected {value}")


def main() -> None:
    args = parse_args()
    rows = args.rows
    with tempfile.TemporaryDirectory(prefix="zd-bench-") as tmp:
        workdir = Path(tmp)
        print(f"Setting up in {workdir}", flush=True)
        setup_django(workdir, args.database_url)

        load_before = _load()
        from django.db import connection

        from zerodisturb.audit.models import AuditEvent
        from zerodisturb.audit.verify import verify_chain
        from zerodisturb.registry.importing import import_workbook
        from zerodisturb.registry.models import Organisation

        if Organisation.objects.exists() or AuditEvent.objects.exists():
            fail("the database already holds organisations or audit events; give an empty one")
        localities = create_localities()

        path = workdir / "registry.xlsx"
        _, build_seconds, _ = timed(
            f"building {rows} rows",
            build_workbook,
            path,
            rows,
            localities,
            random.Random(args.seed),
            not args.inline_strings,
        )
        data = path.read_bytes()
        strings = "inline strings" if args.inline_strings else "shared strings"
        print(f"  workbook {len(data) / 1e6:.1f} MB, {strings}")

        (read_rows, declared), read_seconds, read_cpu = timed("raw openpyxl read", raw_read, data)
        if read_rows != rows + 1 or declared != rows + 1:
            fail(f"raw read saw {read_rows} rows ({declared} declared), expected {rows + 1}")
        first, first_seconds, first_cpu = timed("first import", import_workbook, None, data, COUNTY)
        check_report(first, "first import", created=rows, updated=0, unchanged=0)
        again, again_seconds, again_cpu = timed("re-import", import_workbook, None, data, COUNTY)
        check_report(again, "re-import", created=0, updated=0, unchanged=rows)

        if (stored := Organisation.objects.count()) != rows:
            fail(f"{stored} organisations stored, expected {rows}")
        if (events := AuditEvent.objects.count()) != rows:
            fail(f"{events} audit events, expected {rows} (one per created record)")
        chain, verify_seconds, _ = timed("verify audit chain", verify_chain)
        if not chain.ok:
            fail(chain.message())

        vendor = connection.vendor
        version = ".".join(map(str, connection.get_database_version()))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print()
    print(
        f"machine: {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), "
        f"Python {platform.python_version()}, {vendor} {version}, peak RSS {peak_mb:.0f} MB"
    )
    print(f"load average: {load_before} before, {_load()} after (other work on the machine)")
    print(f"workbook: {rows} enterprise rows, {strings}, built in {build_seconds:.1f} s")
    print()
    print(
        f"{'step':<14}{'rows':>8}{'seconds':>9}{'rows/s':>8}{'x raw read':>11}"
        f"{'speed vs raw':>13}{'CPU s':>8}{'CPU x raw':>10}"
    )
    for label, seconds, cpu in (
        ("raw read", read_seconds, read_cpu),
        ("first import", first_seconds, first_cpu),
        ("re-import", again_seconds, again_cpu),
    ):
        ratio = seconds / read_seconds
        print(
            f"{label:<14}{rows:>8}{seconds:>9.2f}{rows / seconds:>8.0f}{ratio:>11.2f}"
            f"{1 / ratio:>13.1%}{cpu:>8.2f}{cpu / read_cpu:>10.2f}"
        )
    print(f"verify_chain: {chain.checked} events ok in {verify_seconds:.2f} s")


if __name__ == "__main__":
    main()

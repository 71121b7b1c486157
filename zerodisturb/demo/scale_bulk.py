"""Province-scale data (seed_scale): streaming enterprises, visits, evaluations and audit events.

Rows go straight to the tables: COPY (psycopg 3 `cursor.copy()`) on PostgreSQL, executemany on
SQLite. Ids are taken from the tables' sequences first, so children can point at their parents
in the same batch. Audit events are hashed here exactly as audit.services.record_events does, under
the chain head's row lock, one batch per transaction, so `verify_audit` stays green.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.audit.chain import canonical_payload, event_hash
from zerodisturb.audit.models import AuditEvent, ChainHead
from zerodisturb.audit.services import _lock_head
from zerodisturb.demo.scale import CountyBackbone, _bump
from zerodisturb.evaluations.models import Evaluation
from zerodisturb.registry.choices import OrganisationKind, Sector
from zerodisturb.registry.models import Organisation
from zerodisturb.registry.validators import CREDIT_ALPHABET, credit_code_check_char
from zerodisturb.roles import Role
from zerodisturb.visits.choices import EXEMPT_KINDS, VisitKind, VisitStatus
from zerodisturb.visits.models import Visit, VisitOfficer, VisitParty, VisitStaff

SECTORS = [s.value for s in Sector]
WORDS = "华瑞鑫达兴盛宏远恒泰嘉德永丰金诚顺昌信和广博"
TRADES = ["纺织", "化工", "电器", "机械", "汽配", "食品", "建材", "塑业", "电子", "物流"]
REASONS = {
    VisitKind.COMPLAINT: "企业投诉核查",
    VisitKind.RECTIFICATION: "差评整改复查",
    VisitKind.ENTERPRISE_REQUEST: "企业申请技术指导",
    VisitKind.EMERGENCY: "突发险情技术支持",
}
LEVELS = [5] * 62 + [4] * 25 + [3] * 8 + [2] * 3 + [1] * 2
TEXTS = ["", "", "服务规范，讲解清楚", "提前预约，没有影响生产", "建议进一步减少材料要求"]


class Sink:
    """Writes rows of one model: COPY on PostgreSQL, executemany elsewhere (tests, SQLite)."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self._cols: dict[type, tuple[list[str], list]] = {}
        # table -> (key table, columns): filled here when the session skips their row trigger
        # (seed_scale --fast, see fast_load.py).
        self.key_tables: dict[str, tuple[str, list[str]]] = {}

    def _columns(self, model):
        if model not in self._cols:
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            defaults = [f.get_default() for f in fields]
            self._cols[model] = (["id", *(f.attname for f in fields)], [None, *defaults])
        return self._cols[model]

    def ids(self, model, count: int) -> list[int]:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.pg:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [r[0] for r in cursor.fetchall()]
            # SQLite (tests): one writer at a time, and each call's rows are written before the
            # next call for the same table.
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))

    def write(self, model, rows: list[dict]) -> int:
        if not rows:
            return 0
        names, defaults = self._columns(model)
        table = model._meta.db_table
        tuples = [tuple(r.get(n, d) for n, d in zip(names, defaults, strict=True)) for r in rows]
        with connection.cursor() as cursor:
            skip = self.pg and table in self.key_tables
            if skip:
                # This COPY only: no row trigger, so the key rows are written below instead.
                cursor.execute("SET LOCAL session_replication_role = replica")
            if self.pg:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in tuples:
                        copy.write_row(row)
                if skip:
                    cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(names)}) "
                    f"VALUES ({', '.join(['%s'] * len(names))})",
                    [tuple(_sqlite(v) for v in row) for row in tuples],
                )
        keys = self.key_tables.get(table)
        if keys and self.pg:
            key_table, key_columns = keys
            with connection.cursor() as cursor:
                with cursor.cursor.copy(
                    f"COPY {key_table} ({', '.join(key_columns)}) FROM STDIN"
                ) as copy:
                    for r in rows:
                        copy.write_row(tuple(r[c] for c in key_columns))
        return len(rows)


def _sqlite(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def credit_code(county: str, serial: int) -> str:
    """A valid 统一社会信用代码: 9 (工商) 1 (企业), the county, 9 characters, check character."""
    body, n = "", serial * 7_919 + 104_729
    for _ in range(9):
        n, r = divmod(n, len(CREDIT_ALPHABET))
        body += CREDIT_ALPHABET[r]
    first17 = f"91{county}{body}"
    return first17 + credit_code_check_char(first17)


@dataclass
class Enterprise:
    id: int
    name: str
    user_id: int
    username: str


def add_enterprises(
    sink: Sink, county: CountyBackbone, count: int, start: int, rng: random.Random
) -> list[Enterprise]:
    """`count` enterprises with one contact user each; `start` continues an earlier run's serials."""
    now = timezone.now()
    ids, user_ids = sink.ids(Organisation, count), sink.ids(User, count)
    out, orgs, users = [], [], []
    for i, (pk, user_pk) in enumerate(zip(ids, user_ids, strict=True)):
        serial = start + i
        name = (
            f"{county.code[2:]}{rng.choice(WORDS)}{rng.choice(WORDS)}"
            f"{rng.choice(TRADES)}有限公司{serial}"
        )
        orgs.append(
            {
                "id": pk,
                "county_code": county.code,
                "kind": OrganisationKind.ENTERPRISE,
                "name": name,
                "credit_code": credit_code(county.code, serial),
                "locality_id": county.localities[serial % len(county.localities)],
                "sector": SECTORS[serial % len(SECTORS)],
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
        )
        username = f"qy{pk}"
        users.append(
            {
                "id": user_pk,
                "username": username,
                "password": "!",
                "organisation_id": pk,
                "role": Role.ENTERPRISE,
                "display_name": name[:40],
                "is_active": True,
                "date_joined": now,
                "failed_logins": 0,
                "is_superuser": False,
                "is_staff": False,
            }
        )
        out.append(Enterprise(pk, name, user_pk, username))
    sink.write(Organisation, orgs)
    sink.write(User, users)
    return out


@dataclass
class Batch:
    visits: list[dict]
    parties: list[dict]
    staff: list[dict]
    officers: list[dict]
    evaluations: list[dict]
    events: list[dict]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute))).astimezone(UTC)


def build_batch(
    sink: Sink,
    county: CountyBackbone,
    plan: list[tuple[Enterprise, int, date]],
    agency_labels: dict[int, tuple[str, str]],
    now: datetime,
    rng: random.Random,
) -> Batch:
    """Rows for the visits of `plan`: (enterprise, k-th visit of it that year, day)."""
    b = Batch([], [], [], [], [], [])
    visit_ids = sink.ids(Visit, len(plan))
    party_ids = iter(sink.ids(VisitParty, int(len(plan) * 1.2) + 2))
    agencies = county.agencies
    for (ent, k, day), vid in zip(plan, visit_ids, strict=True):
        # The k-th visit of the year goes to agency k // 2: no agency passes the cap of 2.
        lead = agencies[(ent.id + k // 2) % len(agencies)]
        kind = VisitKind.PLANNED if k < 2 * len(agencies) and rng.random() < 0.85 else None
        kind = kind or rng.choice(EXEMPT_KINDS)
        start = _at(day, rng.randint(8, 15), rng.choice((0, 30)))
        created = start - timedelta(days=rng.randint(3, 20))
        visit = {
            "id": vid,
            "county_code": county.code,
            "enterprise_id": ent.id,
            "kind": kind,
            "reason": REASONS.get(kind, ""),
            "plan_id": county.plans.get((lead, day.year)) if kind == VisitKind.PLANNED else None,
            "purpose": "安全生产隐患排查技术支持与风险提示",
            "window_start": start,
            "window_end": start + timedelta(hours=3),
            "created_by_id": county.officer_users[lead],
            "created_at": created,
        }
        if start > now:
            visit["status"] = VisitStatus.PLANNED
        elif rng.random() < 0.04:
            visit["status"] = VisitStatus.CANCELLED
            visit["cancelled_reason"] = "企业停产检修，另行安排"
        else:
            arrived = start + timedelta(minutes=rng.randint(0, 20))
            left = arrived + timedelta(minutes=rng.randint(60, 170))
            visit.update(
                valid_scan_at=arrived,
                checked_in_at=arrived,
                checked_out_at=left if left < now else None,
                status=VisitStatus.CLOSED if left < now and rng.random() < 0.7 else None,
            )
            if left >= now:
                visit["status"] = VisitStatus.IN_PROGRESS
            elif visit["status"] is None:
                visit["status"] = VisitStatus.COMPLETED
            if visit["status"] == VisitStatus.CLOSED:
                visit["closed_at"] = left + timedelta(hours=2)
        b.visits.append(visit)
        joint = [lead] + (
            [agencies[(ent.id + k // 2 + 1) % len(agencies)]] if rng.random() < 0.08 else []
        )
        for order, agency in enumerate(joint):
            party_id = next(party_ids)
            contract = county.contracts[agency]
            b.parties.append(
                {
                    "id": party_id,
                    "visit_id": vid,
                    "agency_id": agency,
                    "contract_id": contract,
                    "is_lead": order == 0,
                    # An agency joining another's visit is not counted here, so generated data
                    # never passes the cap.
                    "counts_for_cap": order == 0 and kind == VisitKind.PLANNED,
                    "year": day.year,
                    "planned_by_id": county.officer_users[agency],
                    "created_at": created,
                }
            )
            creds = county.credentials[county.provider_of[contract]]
            for cred in rng.sample(creds, 1 + (rng.random() < 0.3)) if order == 0 else []:
                b.staff.append({"visit_id": vid, "party_id": party_id, "credential_id": cred})
            b.officers.append(
                {
                    "visit_id": vid,
                    "party_id": party_id,
                    "person_id": rng.choice(county.officers[agency]),
                }
            )
        label, org_label = agency_labels[lead]
        b.events.append(
            {
                "occurred_at": created,
                "actor_id": county.officer_users[lead],
                "actor_label": label,
                "organisation_id": lead,
                "organisation_label": org_label,
                "county_code": county.code,
                "action": "visit.plan",
                "object_type": "visits.visit",
                "object_id": str(vid),
                "visit": visit,
                "payload": {"kind": str(kind), "window_start": start.isoformat()},
            }
        )
        left = visit.get("checked_out_at")
        if left and rng.random() < 0.6:
            submitted = left + timedelta(hours=rng.randint(1, 72))
            if submitted < now:
                level = rng.choice(LEVELS)
                answers = {
                    "level": level,
                    "attitude": max(1, min(5, level + rng.choice((-1, 0, 0, 1)))),
                    "professionalism": max(1, min(5, level + rng.choice((-1, 0, 0)))),
                    "code_shown": level > 2 or rng.random() < 0.5,
                    "officer_present": True,
                    "nothing_sold": level > 1,
                    "burden": max(1, min(5, level + rng.choice((-1, 0)))),
                    "text": rng.choice(TEXTS),
                }
                b.evaluations.append(
                    {
                        "county_code": county.code,
                        "visit_id": vid,
                        "enterprise_id": ent.id,
                        "author_id": ent.user_id,
                        "submitted_at": submitted,
                        "amend_until": submitted + timedelta(days=7),
                        **answers,
                    }
                )
                b.events.append(
                    {
                        "occurred_at": submitted,
                        "actor_id": ent.user_id,
                        "actor_label": ent.username,
                        "organisation_id": ent.id,
                        "organisation_label": ent.name,
                        "county_code": county.code,
                        "action": "evaluation.submit",
                        "object_type": "evaluations.evaluation",
                        "evaluation": b.evaluations[-1],
                        "visit": visit,
                        "payload": answers,
                    }
                )
    return b


def number_batch(county: str, b: Batch) -> None:
    """Visit numbers RQ-<county>-<year>-<n>, reserved from the same sequence plan_visit uses."""
    per_year = Counter(
        v["window_start"].astimezone(timezone.get_current_timezone()).year for v in b.visits
    )
    next_of = {y: _bump(f"RQ-{county}-{y}", n) for y, n in per_year.items()}
    for v in b.visits:
        y = v["window_start"].astimezone(timezone.get_current_timezone()).year
        v["number"] = f"RQ-{county}-{y}-{next_of[y]:06d}"
        next_of[y] += 1


def write_batch(sink: Sink, county: str, b: Batch) -> int:
    """Numbers, ids, the audit chain and all rows of one batch, in one transaction."""
    with transaction.atomic():
        number_batch(county, b)
        for e, pk in zip(b.evaluations, sink.ids(Evaluation, len(b.evaluations)), strict=True):
            e["id"] = pk
        # Everything but the events first: the chain head's lock (below) is then held only for
        # hashing and writing the events, so loaders running side by side (--jobs) overlap.
        sink.write(Visit, b.visits)
        sink.write(VisitParty, b.parties)
        for model, rows_of in ((VisitStaff, b.staff), (VisitOfficer, b.officers)):
            for r, pk in zip(rows_of, sink.ids(model, len(rows_of)), strict=True):
                r["id"] = pk
            sink.write(model, rows_of)
        sink.write(Evaluation, b.evaluations)
        events = sorted(b.events, key=lambda e: e["occurred_at"])
        first_seq, prev_hash = _lock_head(len(events))
        event_ids = sink.ids(AuditEvent, len(events))
        rows = []
        for offset, (e, pk) in enumerate(zip(events, event_ids, strict=True), start=1):
            visit, evaluation = e.pop("visit"), e.pop("evaluation", None)
            e["object_id"] = str(evaluation["id"]) if evaluation else e["object_id"]
            e["object_number"] = "" if evaluation else visit["number"]
            if evaluation:
                e["payload"] = {"visit": visit["number"], **e["payload"]}
            e.update(seq=first_seq + offset, request_id="")
            digest = event_hash(e, prev_hash)
            rows.append(
                {
                    **e,
                    "id": pk,
                    "payload": canonical_payload(e["payload"]),
                    "prev_hash": prev_hash,
                    "hash": digest,
                }
            )
            prev_hash = digest
        sink.write(AuditEvent, rows)
        ChainHead.objects.filter(id=1).update(last_hash=prev_hash)
    return len(b.visits)


def visit_days(
    enterprises: list[Enterprise], total: int, years: list[int], today: date, rng: random.Random
):
    """(enterprise, k, day) for `total` visits spread over the enterprises and years, in order."""
    per, extra = divmod(total, max(len(enterprises), 1))
    first = date(years[0], 1, 1).toordinal()
    last = max(date(years[-1], 12, 31).toordinal(), first)
    for i, ent in enumerate(enterprises):
        n = per + (i < extra)
        days = sorted(date.fromordinal(rng.randint(first, last)) for _ in range(n))
        k_of: Counter = Counter()
        for day in days:
            yield ent, k_of[day.year], day
            k_of[day.year] += 1


def stream_visits(
    sink: Sink,
    county: CountyBackbone,
    enterprises: list[Enterprise],
    total: int,
    years: list[int],
    agency_labels: dict[int, tuple[str, str]],
    rng: random.Random,
    batch_size: int = 20_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    now = timezone.now()
    written, pending = 0, []
    for item in visit_days(enterprises, total, years, timezone.localdate(now), rng):
        pending.append(item)
        if len(pending) >= batch_size:
            written += write_batch(
                sink, county.code, build_batch(sink, county, pending, agency_labels, now, rng)
            )
            pending = []
            if progress:
                progress(written)
    if pending:
        written += write_batch(
            sink, county.code, build_batch(sink, county, pending, agency_labels, now, rng)
        )
        if progress:
            progress(written)
    return written

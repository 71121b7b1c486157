"""What a scan of a visit code needs to know about (visit, credential), built once and cached.

The scan at the gate is the hot path: several people may scan the same code, and every scan must
be answered in well under a millisecond of work. So the answer's parts that are read from the
database (the visit's state and day, the credential's state, the contracts' filing and terms, the
people, names and texts shown) are loaded once into a `ScanFacts` and kept in Django's cache; the
verdict itself is computed on every scan from those facts and the current date (`judge`).

Consistency. The facts are keyed by the stamps (zerodisturb.cachestamps) of what they were built
from: the visit, the credential, all contracts' filing decisions and all people's active flag.
The services that change those call `cachestamps.invalidate("visit:<pk>")`, "credential:<pk>",
"contracts" or "people" (visits, credentials, contracts and registry services), which retires the
stamp at once and again on commit. The stamps are read
before the database, so facts built from a state that a transaction is about to change are
cached under a stamp that the commit retires. Hence, in the process that made the change, the
very next scan sees it; with a shared cache (ZD_CACHE_BACKEND Redis) every process does. With
the per-process LocMem default and several server processes, another process may answer from
its own facts for up to FACTS_SECONDS: run a shared cache when more than one process serves
scans (docs/operations.md). What no service stamps is only shown, never judged: names and the
item's title and legal basis follow a registry or item edit within FACTS_SECONDS.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from zerodisturb.cachestamps import stamps
from zerodisturb.commissioning.models import ItemVersion
from zerodisturb.contracts.models import Contract
from zerodisturb.credentials.models import Credential
from zerodisturb.prepared import PreparedValues
from zerodisturb.registry.pii import mask_name
from zerodisturb.roles import Role
from zerodisturb.singleflight import SingleFlight
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import VisitOfficer, VisitStaff

FACTS_SECONDS = 10
ENDED = (VisitStatus.COMPLETED, VisitStatus.CLOSED)


@dataclass(frozen=True)
class Term:
    """What `Contract.in_force` reads: accepted, not ended, its accepted term."""

    accepted: bool
    ended: bool
    start: date | None
    end: date | None

    @classmethod
    def of(cls, contract: Contract) -> Term:
        v = contract.accepted_version
        return cls(v is not None, bool(contract.ended_at), v and v.term_start, v and v.term_end)

    def in_force(self, on: date) -> bool:
        return self.accepted and not self.ended and self.start <= on <= self.end


@dataclass(frozen=True)
class ScanFacts:
    # Never changed once built (`replace` makes a new one): the LocMem cache keeps it as it is,
    # unpickled, and every thread of the process reads the same object (zerodisturb.cache).
    SHARED = True

    visit_id: int
    credential_id: int
    county_code: str
    enterprise_id: int
    enterprise: str
    visit_status: str
    window_start: datetime
    day: date  # the visit's day (local date of window_start), what "today" is compared with
    code_shown: bool  # Visit.valid_scan_at is set
    party_contract: Term
    credential_status: str
    status_reason: str
    valid_from: date
    valid_to: date
    person_active: bool
    # (term, holder listed on its accepted version) for each contract of the credential
    credential_contracts: tuple[tuple[Term, bool], ...]
    answer: dict  # the details shown to whoever scans (public_api.ScanOut)
    under: tuple[str, ...] = ()  # the stamps it was built under (its key: facts_key)
    # New on every build: what is derived from the answer (its JSON) can be memoised under it.
    # 64 random bits (the random module's generator, reseeded in every forked worker: no system
    # call per build as with the secrets module; nothing here needs to be unguessable).
    built: str = field(default_factory=lambda: f"{random.getrandbits(64):016x}")
    built_at: float = field(default_factory=time.time)


def credential_verdict(f: ScanFacts, on: date) -> tuple[bool, str, str]:
    """credential_state() over the cached facts: same order, codes and messages."""
    S = Credential.Status
    if f.credential_status == S.REVOKED:
        return False, "revoked", f"证件已吊销：{f.status_reason}"
    if f.credential_status == S.SUSPENDED:
        return False, "suspended", f"证件已暂停使用：{f.status_reason}"
    if on < f.valid_from:
        return False, "not_yet_valid", f"证件自 {f.valid_from} 起生效"
    if on > f.valid_to:
        return False, "expired", f"证件已于 {f.valid_to} 过期"
    if not f.person_active:
        return False, "person_inactive", "持证人已离职或已被停用"
    in_force = [listed for term, listed in f.credential_contracts if term.in_force(on)]
    if not in_force:
        return False, "contract_not_in_force", "所属委托合同未备案通过、已终止或不在履行期内"
    if not any(in_force):
        return False, "not_on_contract", "持证人已不在委托合同备案的人员名单中"
    return True, "valid", "证件有效"


def judge(f: ScanFacts, now: datetime, actor) -> tuple[bool, str, str]:
    """The verdict on a genuine, fresh code for this (visit, credential), scanned at `now`."""
    # The deployment's time zone (nothing activates another), without looking up the current one.
    today = now.astimezone(timezone.get_default_timezone()).date()
    if f.visit_status == VisitStatus.CANCELLED:
        return False, "cancelled", "该次入企已取消"
    if f.visit_status in ENDED:
        return False, "visit_ended", "该次入企已结束，二维码不能再次使用"
    if f.day != today:
        return False, "visit_not_today", f"入企安排在 {f.day:%Y-%m-%d}，不是今天"
    if (
        actor is not None
        and actor.is_authenticated
        and actor.role == Role.ENTERPRISE
        and actor.organisation_id != f.enterprise_id
    ):
        return False, "wrong_enterprise", f"该二维码是到 {f.enterprise} 的入企，不是贵企业"
    if not f.party_contract.in_force(today):
        # Before the credential: an ended contract also makes the credential invalid, and the
        # enterprise should be told it is the contract (contract_not_filed), not the person.
        return False, "contract_not_filed", "委托合同未备案通过或不在履行期内"
    valid, code, message = credential_verdict(f, today)
    if valid:
        return True, "valid", "有效：可以入企"
    return False, code, message


def _key(visit_id: int, credential_id: int) -> tuple[str, ...]:
    return (f"visit:{visit_id}", f"credential:{credential_id}", "contracts", "people")


# The same facts, unpickled, for this process: under the same stamped key, until they expire.
_local: dict[str, ScanFacts] = {}


_builds = SingleFlight()


def facts_key(visit_id: int, credential_id: int, current: tuple[str, ...]) -> str:
    """Where the facts built under the stamps `current` are kept."""
    return "zd:scan:{}:{}:{}".format(visit_id, credential_id, ":".join(current))


def _remember(key: str, found: ScanFacts) -> None:
    if len(_local) >= 1024:
        _local.clear()
    kept = _local.get(key)
    if kept is not None and kept.code_shown and not found.code_shown:
        # The first valid scan was recorded (code_shown) after these facts were built: a code
        # once shown stays shown, so the newer flag is kept.
        found = replace(found, code_shown=True)
    _local[key] = found


def facts(visit_id: int, credential_id: int) -> ScanFacts | None:
    """The facts of the visit's assignment of the credential; None if it has no such assignment."""
    names = _key(visit_id, credential_id)
    current = stamps(*names)
    key = facts_key(visit_id, credential_id, current)
    found = _local.get(key)
    if found is not None and time.time() < found.built_at + FACTS_SECONDS:
        return found
    found = cache.get(key)
    if found is None:
        if connection.in_atomic_block:
            # A caller's transaction may see what other threads cannot (and they it): its own.
            found = build(visit_id, credential_id, current)
        else:
            # The phones at a gate scan a code at once: one thread of this process builds the
            # facts, the others of the same moment wait for them.
            found, _shared = _builds.do(key, lambda: build(visit_id, credential_id, current))
        if found is None:
            return None
    _remember(key, found)
    return found


def code_shown(facts: ScanFacts) -> None:
    """The visit's first valid scan is recorded: later scans need not try to record it again.

    Only this flag changes, so the facts are updated where they are kept rather than rebuilt
    (a retired stamp would make the next scan rebuild everything). A process that still holds
    the old flag only repeats the conditional UPDATE, which then changes nothing. Under the
    stamps the facts were built with: if one was retired since, these facts are unreachable
    anyway and the next scan rebuilds them from the database, flag included."""
    visit_id, current = facts.visit_id, facts.under
    key = facts_key(visit_id, facts.credential_id, current)
    found = _local.get(key) or cache.get(key)
    if found is not None and not found.code_shown:
        found = replace(found, code_shown=True)
        cache.set(key, found, FACTS_SECONDS)
        _remember(key, found)
    visit_key = f"zd:scanv:{visit_id}:{current[0]}"
    if (part := cache.get(visit_key)) is not None and not part.code_shown:
        cache.set(visit_key, replace(part, code_shown=True), FACTS_SECONDS)


# Parts of the facts, each cached under the stamps of what it is read from, so that a change of
# the visit (the first valid scan, a check-in) rebuilds the visit's part only, and the credential's
# and the contract's parts serve every visit of that day.


@dataclass(frozen=True)
class _VisitPart:
    SHARED = True  # as ScanFacts

    county_code: str
    enterprise_id: int
    enterprise: str
    visit_status: str
    window_start: datetime
    code_shown: bool
    # credential id -> (contract id, agency name): the visit's assignments
    assignments: dict
    answer: dict  # the visit's share of the answer


@dataclass(frozen=True)
class _CredentialPart:
    SHARED = True  # as ScanFacts

    status: str
    status_reason: str
    valid_from: date
    valid_to: date
    person_active: bool
    scope: str
    contracts: tuple  # ((Term, holder listed), ...)


@dataclass(frozen=True)
class _ContractPart:
    SHARED = True  # as ScanFacts

    term: Term
    number: str
    item: str
    legal_basis: str


# values_list, compiled once: a few columns load far faster than the models of six tables, and
# the SQL is not compiled again on every first scan of a visit.
_STAFF = PreparedValues(
    VisitStaff,
    lambda visit_id: (
        VisitStaff.objects.filter(visit_id=visit_id)
        .order_by("pk")
        .values_list(
            "credential_id",
            "party__contract_id",
            "party__agency__name",
            "credential__number",
            "credential__person__name",
            "credential__provider__name",
            "visit__county_code",
            "visit__enterprise_id",
            "visit__enterprise__name",
            "visit__enterprise__short_name",
            "visit__status",
            "visit__window_start",
            "visit__window_end",
            "visit__valid_scan_at",
            "visit__number",
            "visit__purpose",
        )
    ),
)
_OFFICERS = PreparedValues(
    VisitOfficer,
    lambda visit_id: (
        VisitOfficer.objects.filter(visit_id=visit_id)
        .order_by("pk")
        .values_list("person__name", "party__agency__name")
    ),
)


def _visit_part(visit_id: int) -> _VisitPart | None:
    staff = _STAFF.rows(visit_id)
    if not staff:
        return None
    (county, enterprise_id, name, short_name, status, start, end, shown, number, purpose) = staff[
        0
    ][6:]
    officers = _OFFICERS.rows(visit_id)
    return _VisitPart(
        county_code=county,
        enterprise_id=enterprise_id,
        enterprise=short_name or name,  # str(Organisation)
        visit_status=status,
        window_start=start,
        code_shown=shown is not None,
        assignments={s[0]: (s[1], s[2]) for s in staff},
        answer={
            "visit_number": number,
            "enterprise": name,
            "window_start": timezone.localtime(start),
            "window_end": timezone.localtime(end),
            "staff": [
                {"credential_number": s[3], "masked_name": mask_name(s[4]), "provider": s[5]}
                for s in staff
            ],
            "officers": [
                {"masked_name": mask_name(person), "agency": agency} for person, agency in officers
            ],
            "purpose": purpose,
        },
    )


def _credential_part(credential_id: int) -> _CredentialPart:
    credential = (
        Credential.objects.select_related("person")
        .prefetch_related(
            Prefetch(
                "contracts",
                queryset=Contract.objects.select_related("accepted_version")
                .prefetch_related("accepted_version__staff")
                .order_by(),
            )
        )
        .get(pk=credential_id)
    )
    return _CredentialPart(
        status=credential.status,
        status_reason=credential.status_reason,
        valid_from=credential.valid_from,
        valid_to=credential.valid_to,
        person_active=credential.person.active,
        scope=credential.scope,
        contracts=tuple(
            (
                Term.of(c),
                c.accepted_version is not None
                and credential.person_id in {p.pk for p in c.accepted_version.staff.all()},
            )
            for c in credential.contracts.all()
        ),
    )


def _contract_part(contract_id: int) -> _ContractPart:
    contract = Contract.objects.select_related("accepted_version", "item").get(pk=contract_id)
    version = ItemVersion.objects.only("title", "legal_basis").get(
        pk=contract.item.current_version_id
    )
    return _ContractPart(
        term=Term.of(contract),
        number=contract.number,
        item=f"{contract.item.number} {version.title}",
        legal_basis=version.legal_basis,
    )


def _part(key: str, found: dict, load):
    part = found.get(key)
    if part is None:
        part = load()
        if part is not None:
            cache.set(key, part, FACTS_SECONDS)
    return part


def build(
    visit_id: int, credential_id: int, current: tuple[str, ...] | None = None
) -> ScanFacts | None:
    """The facts from their parts (cached or read now), cached under the stamps `current`, which
    must be read before the database (the commit of a change retires them)."""
    current = current or stamps(*_key(visit_id, credential_id))
    visit_stamp, credential_stamp, contracts, people = current
    keys = (
        f"zd:scanv:{visit_id}:{visit_stamp}",
        f"zd:scanc:{credential_id}:{credential_stamp}:{contracts}:{people}",
    )
    found = cache.get_many(keys)
    visit = _part(keys[0], found, lambda: _visit_part(visit_id))
    if visit is None or credential_id not in visit.assignments:
        return None
    credential = _part(keys[1], found, lambda: _credential_part(credential_id))
    contract_id, agency = visit.assignments[credential_id]
    key = f"zd:scank:{contract_id}:{contracts}"
    contract = _part(key, cache.get_many([key]), lambda: _contract_part(contract_id))
    answer = dict(visit.answer)
    purpose = answer.pop("purpose")
    answer |= {
        "agency": agency,
        "item": contract.item,
        "contract": contract.number,
        "legal_basis": contract.legal_basis,
        "may": [purpose, credential.scope],
    }
    facts = ScanFacts(
        visit_id=visit_id,
        credential_id=credential_id,
        county_code=visit.county_code,
        enterprise_id=visit.enterprise_id,
        enterprise=visit.enterprise,
        visit_status=visit.visit_status,
        window_start=visit.window_start,
        day=timezone.localdate(visit.window_start),
        code_shown=visit.code_shown,
        party_contract=contract.term,
        credential_status=credential.status,
        status_reason=credential.status_reason,
        valid_from=credential.valid_from,
        valid_to=credential.valid_to,
        person_active=credential.person_active,
        credential_contracts=credential.contracts,
        answer=answer,
        under=current,
    )
    cache.set(facts_key(visit_id, credential_id, current), facts, FACTS_SECONDS)
    return facts

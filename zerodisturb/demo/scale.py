"""Province-scale data (seed_scale): the small per-county backbone, built with the ORM.

Each county gets a judicial bureau, agencies with officers, providers with staff, one approved item
and one accepted contract per agency, credentials and visit plans. The bulk (enterprises, visits,
evaluations, audit events) is streamed by scale_bulk.py; this module only builds what it draws on.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db.models import F
from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.commissioning.models import CommissionedItem, Domain, ItemVersion
from zerodisturb.contracts.models import Contract, ContractVersion
from zerodisturb.credentials.models import Credential
from zerodisturb.registry.choices import DivisionLevel, OrganisationKind, PersonKind, Sector
from zerodisturb.registry.models import Division, NumberSequence, Organisation, Person
from zerodisturb.registry.pii import lookup_hash
from zerodisturb.registry.validators import id_number_check_char
from zerodisturb.roles import Role
from zerodisturb.visits.models import VisitPlan

CITIES = ["杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水"]
AGENCIES = [
    ("应急管理局", "应急"),
    ("生态环境分局", "环境"),
    ("市场监督管理局", "市场"),
    ("消防救援大队", "消防"),
    ("住房和城乡建设局", "住建"),
    ("卫生健康局", "卫健"),
]
DOMAINS = [("safety", "安全生产"), ("environment", "生态环境"), ("market", "市场监管")]
PROVIDERS = [
    "安科技术咨询有限公司",
    "环评检测服务有限公司",
    "消安技术服务有限公司",
    "标准化咨询有限公司",
]
STAFF_PER_PROVIDER = 6
OFFICERS_PER_AGENCY = 3
TOWNS = ["城关街道", "东山镇", "西湖镇", "经济开发区"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
# Seeded users cannot log in until an administrator sets a password.
UNUSABLE = make_password(None)


def county_codes(count: int, province: str = "33") -> list[str]:
    """GB/T 2260-shaped codes: 11 cities of the province, counties numbered 21… under each."""
    return [f"{province}{i % len(CITIES) + 1:02d}{21 + i // len(CITIES):02d}" for i in range(count)]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def id_number(county: str, serial: int, rng: random.Random) -> str:
    born = date(1965, 1, 1).toordinal() + rng.randrange(365 * 35)
    first17 = f"{county}{date.fromordinal(born):%Y%m%d}{serial % 1000:03d}"
    return first17 + id_number_check_char(first17)


@dataclass
class CountyBackbone:
    """What the bulk generator draws on for one county (ids only, no model instances)."""

    code: str
    supervisor_id: int
    localities: list[int]
    agencies: list[int]
    officer_users: dict[int, int]  # agency -> officer user
    officers: dict[int, list[int]]  # agency -> officer people
    contracts: dict[int, int]  # agency -> contract in force
    provider_of: dict[int, int]  # contract -> provider
    credentials: dict[int, list[int]]  # provider -> credentials
    plans: dict[tuple[int, int], int] = field(default_factory=dict)  # (agency, year) -> plan


def _bump(key: str, count: int) -> int:
    """Reserve `count` numbers of a numbering key; returns the first."""
    NumberSequence.objects.get_or_create(key=key)
    NumberSequence.objects.filter(key=key).update(value=F("value") + count)
    return NumberSequence.objects.get(key=key).value - count + 1


def _division(code: str, name: str, level: str, parent: Division | None, county: str = ""):
    return Division.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "county_code": county}
    )[0]


def build_county(code: str, years: list[int], rng: random.Random) -> CountyBackbone:
    province = _division(code[:2], "浙江省", DivisionLevel.PROVINCE, None)
    city_name = CITIES[int(code[2:4]) - 1] if int(code[2:4]) <= len(CITIES) else f"市{code[2:4]}"
    city = _division(code[:4], f"{city_name}市", DivisionLevel.CITY, province)
    name = f"{city_name}第{int(code[4:6]) - 20}县"
    county = _division(code, name, DivisionLevel.COUNTY, city, code)
    levels = [DivisionLevel.STREET, DivisionLevel.TOWN, DivisionLevel.TOWN, DivisionLevel.PLATFORM]
    localities = Division.objects.bulk_create(
        Division(code=f"{code}{i + 1:03d}", name=t, level=lv, parent=county, county_code=code)
        for i, (t, lv) in enumerate(zip(TOWNS, levels, strict=True))
    )
    gov = dict(county_code=code, kind=OrganisationKind.GOVERNMENT)
    bureau = Organisation.objects.create(
        **gov, name=f"{name}司法局", short_name="司法局", is_judicial_bureau=True
    )
    agencies = Organisation.objects.bulk_create(
        Organisation(**gov, name=f"{name}{n}", short_name=s, is_agency=True) for n, s in AGENCIES
    )
    providers = Organisation.objects.bulk_create(
        Organisation(
            county_code=code,
            kind=OrganisationKind.PROVIDER,
            name=f"{city_name}{p}（{code}）",
            short_name=p[:4],
            sector=Sector.OTHER,
        )
        for p in PROVIDERS
    )
    serial = iter(range(1, 10_000))
    people = Person.objects.bulk_create(
        Person(
            county_code=code,
            organisation=org,
            kind=kind,
            name=person_name(rng),
            id_number=(idn := id_number(code, next(serial), rng)),
            id_hash=lookup_hash(idn),
            title="辅助人员" if kind == PersonKind.STAFF else "执法人员",
        )
        for org, kind, n in [
            *((a, PersonKind.OFFICER, OFFICERS_PER_AGENCY) for a in agencies),
            *((p, PersonKind.STAFF, STAFF_PER_PROVIDER) for p in providers),
        ]
        for _ in range(n)
    )
    by_org: dict[int, list[Person]] = {}
    for p in people:
        by_org.setdefault(p.organisation_id, []).append(p)

    def user(username, org, role, person=None):
        return User(
            username=username,
            password=UNUSABLE,
            organisation=org,
            role=role,
            person=person,
            display_name=person.name if person else str(org),
        )

    users = User.objects.bulk_create(
        [
            user(f"sfj_{code}", bureau, Role.SUPERVISOR),
            *(user(f"jg{a.pk}", a, Role.AGENCY_OFFICER, by_org[a.pk][0]) for a in agencies),
            *(user(f"jg{p.pk}", p, Role.PROVIDER_ADMIN) for p in providers),
        ]
    )
    supervisor, officer_users = users[0], users[1 : 1 + len(agencies)]
    domains = Domain.objects.bulk_create(
        Domain(county_code=code, code=c, name=n, order=i) for i, (c, n) in enumerate(DOMAINS)
    )
    first_year = years[0]
    term_start, term_end = date(first_year, 1, 1), date(first_year + 2, 12, 31)
    decided = timezone.make_aware(datetime.combine(date(first_year - 1, 12, 1), time(10)))
    item_no = _bump(f"WT-{code}-{first_year - 1}", len(agencies))
    items = CommissionedItem.objects.bulk_create(
        CommissionedItem(
            county_code=code,
            number=f"WT-{code}-{first_year - 1}-{item_no + i:04d}",
            agency=a,
            created_by=officer_users[i],
            status="approved",
            approved_budget=Decimal(rng.randrange(200, 900) * 1000),
            first_submitted_at=decided,
            submitted_at=decided,
            decided_at=decided,
        )
        for i, a in enumerate(agencies)
    )
    versions = ItemVersion.objects.bulk_create(
        ItemVersion(
            item=item,
            version=1,
            domain=domains[i % len(domains)],
            title=f"{AGENCIES[i][1]}领域第三方技术服务",
            content="隐患排查技术支持、风险提示和技术咨询",
            legal_basis="《安全生产法》等",
            why_external="专业检测设备和技术力量不足",
            period_start=term_start,
            period_end=term_end,
            requested_budget=item.approved_budget,
            created_by=officer_users[i],
            submitted_at=decided,
        )
        for i, item in enumerate(items)
    )
    for item, version in zip(items, versions, strict=True):
        item.current_version = version
    CommissionedItem.objects.bulk_update(items, ["current_version"])
    contract_no = _bump(f"HT-{code}-{first_year - 1}", len(agencies))
    contracts = Contract.objects.bulk_create(
        Contract(
            county_code=code,
            number=f"HT-{code}-{first_year - 1}-{contract_no + i:04d}",
            item=item,
            agency_id=item.agency_id,
            provider=providers[i % len(providers)],
            created_by=officer_users[i],
        )
        for i, item in enumerate(items)
    )
    cversions = ContractVersion.objects.bulk_create(
        ContractVersion(
            contract=c,
            version=1,
            kind="original",
            amount=items[i].approved_budget,
            signed_on=date(first_year - 1, 12, 15),
            term_start=term_start,
            term_end=term_end,
            scope="技术咨询、风险提示",
            no_subentrustment=True,
            pdf="contracts/seed-scale.pdf",
            pdf_sha256=hashlib.sha256(c.number.encode()).hexdigest(),
            filing_status="accepted",
            filing_due_on=date(first_year - 1, 12, 29),
            filed_at=decided,
            first_filed_at=decided,
            decided_at=decided,
            decided_by=supervisor,
            created_by=officer_users[i],
        )
        for i, c in enumerate(contracts)
    )
    for c, v in zip(contracts, cversions, strict=True):
        c.current_version = c.accepted_version = v
    Contract.objects.bulk_update(contracts, ["current_version", "accepted_version"])
    Staff = ContractVersion.staff.through
    Staff.objects.bulk_create(
        Staff(contractversion_id=v.pk, person_id=p.pk)
        for c, v in zip(contracts, cversions, strict=True)
        for p in by_org[c.provider_id]
    )
    staff = [p for pr in providers for p in by_org[pr.pk]]
    cred_no = _bump(f"ZJ-{code}-{first_year}", len(staff))
    credentials = Credential.objects.bulk_create(
        Credential(
            county_code=code,
            number=f"{code}-{first_year}-{cred_no + i:05d}",
            person=p,
            provider_id=p.organisation_id,
            scope="技术咨询、风险提示",
            valid_from=term_start,
            valid_to=term_end,
            issued_by=supervisor,
        )
        for i, p in enumerate(staff)
    )
    CredContracts = Credential.contracts.through
    CredContracts.objects.bulk_create(
        CredContracts(credential_id=cr.pk, contract_id=c.pk)
        for cr in credentials
        for c in contracts
        if c.provider_id == cr.provider_id
    )
    plans = VisitPlan.objects.bulk_create(
        VisitPlan(
            county_code=code,
            agency=a,
            year=y,
            title=f"{y} 年度入企计划",
            approved_by=supervisor,
        )
        for a in agencies
        for y in years
    )
    creds_by_provider: dict[int, list[int]] = {}
    for cr in credentials:
        creds_by_provider.setdefault(cr.provider_id, []).append(cr.pk)
    return CountyBackbone(
        code=code,
        supervisor_id=supervisor.pk,
        localities=[d.pk for d in localities],
        agencies=[a.pk for a in agencies],
        officer_users={a.pk: u.pk for a, u in zip(agencies, officer_users, strict=True)},
        officers={a.pk: [p.pk for p in by_org[a.pk]] for a in agencies},
        contracts={c.agency_id: c.pk for c in contracts},
        provider_of={c.pk: c.provider_id for c in contracts},
        credentials=creds_by_provider,
        plans={(p.agency_id, p.year): p.pk for p in plans},
    )


def load_county(code: str) -> CountyBackbone:
    """The backbone of a county seeded before (for --add)."""
    bureau_user = User.objects.filter(username=f"sfj_{code}").first()
    if bureau_user is None:
        raise ValueError(f"{code} 不是由 seed_scale 生成的区县，不能追加")
    agencies = list(Organisation.objects.filter(county_code=code, is_agency=True).order_by("pk"))
    contracts = Contract.objects.filter(county_code=code, accepted_version__isnull=False)
    credentials: dict[int, list[int]] = {}
    for pk, provider in Credential.objects.filter(county_code=code).values_list(
        "pk", "provider_id"
    ):
        credentials.setdefault(provider, []).append(pk)
    officers: dict[int, list[int]] = {}
    for pk, org in Person.objects.filter(county_code=code, kind=PersonKind.OFFICER).values_list(
        "pk", "organisation_id"
    ):
        officers.setdefault(org, []).append(pk)
    return CountyBackbone(
        code=code,
        supervisor_id=bureau_user.pk,
        localities=list(
            Division.objects.filter(county_code=code, parent__code=code).values_list(
                "pk", flat=True
            )
        ),
        agencies=[a.pk for a in agencies],
        officer_users=dict(
            User.objects.filter(organisation__in=agencies, role=Role.AGENCY_OFFICER).values_list(
                "organisation_id", "pk"
            )
        ),
        officers=officers,
        contracts={c.agency_id: c.pk for c in contracts},
        provider_of={c.pk: c.provider_id for c in contracts},
        credentials=credentials,
        plans={
            (p.agency_id, p.year): p.pk
            for p in VisitPlan.objects.filter(county_code=code, agency__in=agencies)
        },
    )

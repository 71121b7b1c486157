"""Demo registry: the county, its localities, bodies, providers, 1,766 enterprises, people, logins."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from zerodisturb.accounts.models import User
from zerodisturb.audit.services import PendingEvent, describe, record_events
from zerodisturb.demo import cixi
from zerodisturb.demo.codes import credit_code, id_number, mobile
from zerodisturb.registry.choices import DivisionLevel, OrganisationKind, PersonKind
from zerodisturb.registry.models import Division, Organisation, Person, ReviewDepartment
from zerodisturb.registry.pii import lookup_hash
from zerodisturb.roles import Role

DEMO_PASSWORD = "Demo@2026"
ENTERPRISE_COUNT = 1766


def _created(objs) -> list[PendingEvent]:
    events = []
    for obj in objs:
        object_type, object_id, number, county = describe(obj)
        events.append(
            PendingEvent(
                f"{obj._meta.model_name}.create",
                object_type,
                object_id,
                number,
                county,
                {"via": "seed_demo"},
            )
        )
    return events


def _divisions() -> dict[str, Division]:
    province = Division.objects.create(
        code=cixi.PROVINCE[0], name=cixi.PROVINCE[1], level=DivisionLevel.PROVINCE
    )
    city = Division.objects.create(
        code=cixi.CITY[0], name=cixi.CITY[1], level=DivisionLevel.CITY, parent=province
    )
    code = cixi.COUNTY[0]
    county = Division.objects.create(
        code=code, name=cixi.COUNTY[1], level=DivisionLevel.COUNTY, parent=city, county_code=code
    )
    localities = {}
    for prefix, names, level in (
        ("0", cixi.STREETS, DivisionLevel.STREET),
        ("1", cixi.TOWNS, DivisionLevel.TOWN),
        ("4", cixi.PLATFORMS, DivisionLevel.PLATFORM),
    ):
        for index, name in enumerate(names, start=1):
            localities[name] = Division.objects.create(
                code=f"{code}{prefix}{index:02d}",
                name=name,
                level=level,
                parent=county,
                county_code=code,
            )
    return localities


def _person_name(rng: random.Random) -> str:
    return rng.choice(cixi.SURNAMES) + "".join(
        rng.choice(cixi.GIVEN) for _ in range(rng.choice((1, 2)))
    )


def seed_foundation(rng: random.Random, log) -> dict:
    county = cixi.COUNTY[0]
    localities = _divisions()
    events = _created(Division.objects.filter(code__startswith=county[:2]))

    def gov(name, short, kind="11", **flags) -> Organisation:
        return Organisation(
            county_code=county,
            kind=OrganisationKind.GOVERNMENT,
            name=name,
            short_name=short,
            credit_code=credit_code(rng, county, kind),
            **flags,
        )

    system = Organisation(county_code=county, kind=OrganisationKind.SYSTEM, name="零扰企平台运维组")
    judicial = gov(*cixi.JUDICIAL, is_judicial_bureau=True)
    reviewers = [judicial] + [gov(*r) for r in cixi.REVIEWERS[1:]]
    reviewers[1].is_oversight = True  # the finance bureau also oversees (brief: 监督部门)
    oversight = [gov(*o, is_oversight=True) for o in cixi.OVERSIGHT]
    agencies = [gov(*a, is_agency=True) for a in cixi.AGENCIES]
    locality_orgs = [
        Organisation(
            county_code=county,
            kind=OrganisationKind.LOCALITY,
            name=f"{name}办事处"
            if name.endswith("街道")
            else f"{name}人民政府"
            if name.endswith("镇")
            else f"{name}管理委员会",
            short_name=name,
            locality=division,
        )
        for name, division in localities.items()
    ]
    providers = [
        Organisation(
            county_code=county,
            kind=OrganisationKind.PROVIDER,
            name=name,
            credit_code=credit_code(rng, county),
            qualifications=quals,
            contact_name=_person_name(rng),
            contact_phone=mobile(rng),
            locality=localities[rng.choice(cixi.STREETS)],
        )
        for name, quals in cixi.PROVIDERS
    ]
    enterprises = _enterprises(rng, county, localities)
    everything = [
        system,
        *reviewers,
        *oversight,
        *agencies,
        *locality_orgs,
        *providers,
        *enterprises,
    ]
    for org in everything:
        org.contact_phone_hash = lookup_hash(org.contact_phone)
    Organisation.objects.bulk_create(everything, batch_size=1000)
    events += _created(everything)
    seats = [
        ReviewDepartment(county_code=county, organisation=org, order=i, is_lead=i == 0)
        for i, org in enumerate(reviewers)
    ]
    ReviewDepartment.objects.bulk_create(seats)
    events += _created(seats)

    people = []
    for provider in providers:
        for index in range(5):
            people.append(
                _person(
                    rng,
                    county,
                    provider,
                    PersonKind.STAFF,
                    "项目负责人" if index == 0 else "技术员",
                )
            )
    for agency in agencies + [judicial]:
        for title in ("科长", "科员"):
            people.append(_person(rng, county, agency, PersonKind.OFFICER, title))
    Person.objects.bulk_create(people, batch_size=1000)
    events += _created(people)

    xingke = next(e for e in enterprises if e.name == "慈溪市兴科化纤有限公司")
    staff_person = people[1]
    logins = [
        ("admin", Role.SYSTEM_ADMIN, system, "系统管理员", None),
        ("sfj", Role.SUPERVISOR, judicial, "司法局 王科长", None),
        ("review_sfj", Role.REVIEWER, reviewers[0], "司法局 联审", None),
        ("review_czj", Role.REVIEWER, reviewers[1], "财政局 联审", None),
        ("review_bb", Role.REVIEWER, reviewers[2], "编办 联审", None),
        ("review_fgj", Role.REVIEWER, reviewers[3], "发改局 联审", None),
        ("review_sjj", Role.REVIEWER, reviewers[4], "审计局 联审", None),
        ("yjj", Role.AGENCY_OFFICER, agencies[0], "应急管理局 陈科长", None),
        ("sthj", Role.AGENCY_OFFICER, agencies[2], "生态环境分局 沈科长", None),
        ("jxj", Role.OVERSIGHT, oversight[0], "经信局 监督", None),
        ("jcy", Role.OVERSIGHT, oversight[1], "检察院营商环境投诉监督中心", None),
        ("anke", Role.PROVIDER_ADMIN, providers[0], "安泰咨询 管理员", None),
        ("staff1", Role.PROVIDER_STAFF, providers[0], staff_person.name, staff_person),
        ("xingke", Role.ENTERPRISE, xingke, "兴科化纤 岑总", None),
        (
            "zonghan",
            Role.LOCALITY,
            next(o for o in locality_orgs if o.locality.name == "宗汉街道"),
            "宗汉街道",
            None,
        ),
    ]
    password = make_password(DEMO_PASSWORD)  # hashed once: the same demo password for everyone
    users = [
        User(
            username=u,
            role=role,
            organisation=org,
            display_name=label,
            person=person,
            password=password,
            is_staff=role == Role.SYSTEM_ADMIN,
            is_superuser=role == Role.SYSTEM_ADMIN,
        )
        for u, role, org, label, person in logins
    ]
    User.objects.bulk_create(users)
    events += _created(User.objects.filter(username__in=[u[0] for u in logins]))
    record_events(None, events)
    log(
        f"主体库：{len(localities)} 个镇街/平台，{len(agencies)} 个委托机关，"
        f"{len(reviewers)} 个联审部门，{len(providers)} 家第三方机构，{len(enterprises)} 家企业，"
        f"{len(people)} 名人员，{len(users)} 个演示账户。"
    )
    return {"logins": logins}


def _person(rng, county, organisation, kind, title) -> Person:
    number = id_number(rng, county)
    phone = mobile(rng)
    return Person(
        county_code=county,
        organisation=organisation,
        kind=kind,
        name=_person_name(rng),
        id_number=number,
        id_hash=lookup_hash(number),
        phone=phone,
        phone_hash=lookup_hash(phone),
        title=title,
    )


def _enterprises(rng: random.Random, county: str, localities: dict) -> list[Organisation]:
    sectors = list(cixi.SECTOR_WEIGHTS)
    weights = list(cixi.SECTOR_WEIGHTS.values())
    names = {"慈溪市兴科化纤有限公司"}
    enterprises = [
        Organisation(
            county_code=county,
            kind=OrganisationKind.ENTERPRISE,
            name="慈溪市兴科化纤有限公司",
            credit_code=credit_code(rng, county),
            locality=localities["宗汉街道"],
            sector="chemical_fibre",
            contact_name="岑科超",
            contact_phone=mobile(rng),
            address="慈溪市宗汉街道工业园区",
        )
    ]
    locality_names = list(localities)
    while len(enterprises) < ENTERPRISE_COUNT:
        sector = rng.choices(sectors, weights)[0]
        name = (
            "慈溪市"
            + rng.choice(cixi.NAME_WORDS)
            + rng.choice(cixi.NAME_WORDS)
            + rng.choice(cixi.SECTOR_SUFFIX[sector])
        )
        if name in names:
            continue
        names.add(name)
        place = rng.choice(locality_names)
        enterprises.append(
            Organisation(
                county_code=county,
                kind=OrganisationKind.ENTERPRISE,
                name=name,
                credit_code=credit_code(rng, county),
                locality=localities[place],
                sector=sector,
                contact_name=_person_name(rng),
                contact_phone=mobile(rng),
                address=f"慈溪市{place}{rng.randrange(1, 999)}号",
            )
        )
    return enterprises

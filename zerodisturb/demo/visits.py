"""Demo 事中强规范: credentials for the staff on the filed contracts and a year of visits.

Credentials are issued by the judicial bureau (sfj) through the real service: one per person,
bound to every contract of that person in force during the 2026 visit season whose terms overlap
(a credential is valid only inside all its contracts' terms, so a person is not bound to a contract
that ended before the season). One credential is suspended (the staff member left the provider)
and one revoked (misconduct), each from a date on: later visits use other staff.

Visits run on one timeline from 2026-04-01 to the story's today (demo/clock.py) through the real
services with `now=`: each agency's yearly plan is approved; visits are planned a few days to three
weeks ahead (mostly planned, some triggered by a complaint, a rectification check or the
enterprise's own request, two emergencies registered after the fact, one of which is not completed
by its due date); about 15 % are joined by a second agency (综合查一次) found through
`joinable_visits`; on the day the code is scanned (by the enterprise's contact where it has a
login, otherwise by the accompanying officer), arrival and departure are confirmed, findings
recorded and the visit closed. About 5 % of the past visits never had a valid code shown; a few
planned visits beyond the yearly cap are refused by plan_visit; some visits are today and in the
coming days.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import combinations

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.accounts.services import check_role_fits
from zerodisturb.audit.services import record_events
from zerodisturb.contracts.models import Contract
from zerodisturb.credentials import services as creds
from zerodisturb.credentials.models import Credential
from zerodisturb.credentials.tokens import sign
from zerodisturb.demo import cixi
from zerodisturb.demo.clock import story_now
from zerodisturb.demo.foundation import DEMO_PASSWORD, _created
from zerodisturb.registry.choices import OrganisationKind, PersonKind
from zerodisturb.registry.models import Organisation, Person
from zerodisturb.roles import Role
from zerodisturb.visits import services as visits
from zerodisturb.visits.choices import FindingKind, VisitKind, VisitStatus
from zerodisturb.visits.models import ScanLog, Visit, VisitParty
from zerodisturb.visits.scanning import scan

COUNTY = cixi.COUNTY[0]
SEASON_START = date(2026, 4, 1)
SEASON_END = date(2026, 12, 31)
SUSPEND_ON = date(2026, 9, 14)
REVOKE_ON = date(2026, 10, 19)
CAP = 2
ENTERPRISE_LOGINS = 30
# Per agency short name: (officer login to add, what a visit does, risk alerts, technical advice).
TEXTS = {
    "应急管理局": (
        "yjj_ky",
        [
            "粉尘涉爆除尘系统运行状况技术查看，提出隐患辨识意见",
            "有限空间作业审批、通风检测和监护措施技术咨询",
            "危险化学品储存场所及安全距离技术查看",
            "安全生产标准化运行情况技术辅导",
            "应急预案与现场处置方案可操作性技术咨询",
        ],
        [
            "除尘器泄爆口朝向人员通道，存在粉尘爆炸伤人风险，建议调整泄爆方向",
            "有限空间作业前未见气体检测记录，存在中毒窒息风险",
            "危化品仓库内氧化剂与可燃物混存，存在火灾爆炸风险",
            "配电箱周边堆放纸箱等可燃物，存在电气火灾风险",
            "叉车作业区与人行通道未分隔，存在车辆伤害风险",
        ],
        [
            "建议每班清理除尘管道积尘并建立清扫台账",
            "建议为有限空间作业配备四合一气体检测仪并开展一次专项培训",
            "建议按化学品安全技术说明书分区分类储存并张贴安全周知卡",
            "建议将岗位风险告知卡更新为本年度版本",
            "建议每半年开展一次现场处置方案演练并留存影像记录",
        ],
    ),
    "消防救援大队": (
        "xfdd_ky",
        [
            "消防设施运行状况技术检测，提出维护保养建议",
            "人员密集场所火灾风险技术评估",
            "消防控制室值班与联动测试技术咨询",
            "厂房疏散通道与安全出口设置技术查看",
        ],
        [
            "二层车间安全出口被货架遮挡，紧急情况下疏散受阻风险较高",
            "自动喷水灭火系统末端试水压力不足，存在灭火失效风险",
            "员工宿舍与仓库同一建筑内，存在“三合一”火灾风险",
            "消防控制室值班人员未持证，联动操作不熟练",
            "部分灭火器压力指示在红区，存在失效风险",
        ],
        [
            "建议委托有资质单位对火灾自动报警系统开展年度检测",
            "建议在车间醒目位置增设疏散指示标志并保持通道畅通",
            "建议每月开展一次消防设施巡查并填写巡查记录",
            "建议组织员工开展一次灭火器实操培训",
        ],
    ),
    "生态环境分局": (
        "sthj_ky",
        [
            "废气治理设施运行状况技术评估",
            "重点排污单位自行监测技术服务",
            "危险废物贮存和台账规范化技术帮扶",
            "雨污分流与排污口规范化技术查看",
        ],
        [
            "活性炭吸附装置更换周期偏长，VOCs 治理效率可能下降",
            "危废仓库未设置导流沟和收集井，存在泄漏外溢风险",
            "雨水排放口检出异常颜色，存在混接风险",
            "废气收集罩距离产污点较远，收集效率偏低",
        ],
        [
            "建议按设计风量核算活性炭更换周期并建立更换记录",
            "建议完善危险废物台账并按月在系统中申报",
            "建议在雨水排放口设置应急闸门",
            "建议将自行监测方案报备并按频次开展监测",
        ],
    ),
    "市场监管局": (
        "scjg_ky",
        [
            "食品生产企业风险监测抽样检验",
            "产品质量监督抽查检验技术服务",
            "特种设备安全隐患排查技术辅助",
            "电动自行车及配件产品质量技术检测",
        ],
        [
            "原料仓库温湿度记录缺失，存在原料变质风险",
            "压力容器安全阀校验已过期，存在超压风险",
            "成品电池组未见出厂检验记录，存在质量风险",
            "电梯维保记录与实际维保周期不符",
        ],
        [
            "建议建立原料进货查验和温湿度记录制度",
            "建议将特种设备定期检验日期纳入设备台账提醒",
            "建议对照强制性国家标准开展出厂自检",
            "建议对关键工序开展首件检验并留存记录",
        ],
    ),
    "住建局": (
        "zjj_ky",
        [
            "建筑施工安全生产技术巡查辅助",
            "城镇燃气用户安全隐患排查技术辅助",
            "起重机械和脚手架安全技术查看",
        ],
        [
            "塔吊附着装置螺栓缺失，存在倾覆风险",
            "脚手架连墙件间距过大，存在坍塌风险",
            "燃气管道穿越配电间，存在燃气泄漏引发爆炸风险",
            "临边洞口防护栏杆缺失，存在高处坠落风险",
        ],
        [
            "建议对塔吊开展一次专项检查并留存记录",
            "建议按专项施工方案复核连墙件设置",
            "建议为燃气使用场所加装可燃气体报警装置",
            "建议班前教育中增加高处作业安全内容",
        ],
    ),
    "卫健局": (
        "wjj_ky",
        [
            "工作场所职业病危害因素检测技术服务",
            "重点行业职业健康技术指导",
            "噪声和粉尘岗位防护技术查看",
        ],
        [
            "打磨岗位粉尘浓度检测值接近限值，存在尘肺病风险",
            "冲压车间噪声超过 85 dB(A)，员工未佩戴护耳器",
            "喷漆岗位局部通风不足，存在苯系物接触风险",
        ],
        [
            "建议为噪声岗位配备耳塞并开展佩戴培训",
            "建议安排接害岗位员工进行在岗期间职业健康检查",
            "建议在喷漆房增加局部排风设施",
            "建议在岗位醒目位置设置职业病危害告知卡",
        ],
    ),
}
COMPLAINT = [
    "周边居民投诉夜间异味，需核查废气治理设施运行情况",
    "员工反映车间噪声大、防护用品不足",
    "投诉反映厂区消防通道长期被占用",
    "群众举报厂区内有疑似危险废物露天堆放",
]
REQUEST = [
    "企业新上生产线，主动申请技术指导",
    "企业申请对新建危化品仓库开展技术咨询",
    "企业申请协助梳理安全生产标准化材料",
    "企业申请对扩建厂房消防设施提供技术建议",
]
RECTIFY = "对前次入企提出的风险提示事项开展整改情况复核，形成技术意见供本机关参考"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class _Spec:
    agency: Organisation
    enterprise: Organisation
    kind: str
    day: date
    start: datetime
    end: datetime
    contract: Contract
    credentials: list[Credential]
    plan_at: datetime
    reason: str = ""
    scan: str = "valid"  # valid | none | refused
    visit: Visit | None = None
    joiner: tuple | None = None  # (agency, contract, credentials, at)
    emergency_late: bool = False
    cancel: bool = False
    keep_open: bool = False  # today's visit left for the demo: scan it live


@dataclass
class _Seeder:
    rng: random.Random
    now: datetime
    sfj: User
    officers: dict[int, User] = field(default_factory=dict)  # agency pk -> login
    persons: dict[int, list[Person]] = field(default_factory=dict)  # agency pk -> officers
    plans: dict[tuple[int, int], object] = field(default_factory=dict)
    contracts: dict[int, list[Contract]] = field(default_factory=dict)  # agency pk -> contracts
    bound: dict[int, list[Credential]] = field(default_factory=dict)  # contract pk -> creds
    ends: dict[int, date] = field(default_factory=dict)  # credential pk -> last usable day
    pools: dict[int, list[Organisation]] = field(default_factory=dict)  # contract pk -> ents
    counted: Counter = field(default_factory=Counter)  # (agency, enterprise, year)
    steps: list = field(default_factory=list)
    stats: Counter = field(default_factory=Counter)
    ent_users: dict[int, User] = field(default_factory=dict)

    def at(self, when: datetime, run) -> None:
        self.steps.append((when, len(self.steps), run))

    # --- choosing ---------------------------------------------------------------------------
    def usable(self, contract: Contract, day: date) -> list[Credential]:
        if not contract.in_force(day):
            return []
        return [
            c
            for c in self.bound.get(contract.pk, [])
            if c.valid_from <= day <= min(c.valid_to, self.ends.get(c.pk, c.valid_to))
        ]

    def party(self, agency: Organisation, day: date):
        options = [c for c in self.contracts[agency.pk] if self.usable(c, day)]
        if not options:
            return None
        contract = self.rng.choice(options)
        staff = self.usable(contract, day)
        return contract, self.rng.sample(staff, min(len(staff), self.rng.choice((1, 2, 2))))

    def enterprise(self, contract: Contract, everyone: list[Organisation]) -> Organisation:
        pool = self.pools[contract.pk]
        return self.rng.choice(pool if pool and self.rng.random() < 0.7 else everyone)

    def officer_people(self, agency: Organisation) -> list[Person]:
        linked = self.officers[agency.pk].person
        others = [p for p in self.persons[agency.pk] if p.pk != linked.pk]
        return [linked, *others[:1]] if self.rng.random() < 0.5 else [linked]

    # --- acting -----------------------------------------------------------------------------
    def plan(self, spec: _Spec) -> None:
        officer = self.officers[spec.agency.pk]
        text = TEXTS[spec.agency.short_name]
        purpose = f"{spec.contract.item.current_version.title}：{self.rng.choice(text[1])}"
        if spec.kind == VisitKind.RECTIFICATION:
            purpose = RECTIFY
        result = visits.plan_visit(
            officer,
            enterprise=spec.enterprise,
            kind=spec.kind,
            window_start=spec.start,
            window_end=spec.end,
            contract=spec.contract,
            credentials=spec.credentials,
            officers=self.officer_people(spec.agency),
            purpose=purpose,
            reason=spec.reason,
            plan=self.plans.get((spec.agency.pk, spec.day.year))
            if spec.kind == VisitKind.PLANNED
            else None,
            now=spec.plan_at,
        )
        spec.visit = result.visit
        self.stats["planned"] += 1

    def over_cap(self, spec: _Spec) -> None:
        try:
            self.plan(spec)
        except ValidationError as refused:
            if "enterprise" not in refused.message_dict:
                raise
            self.stats["refused"] += 1
            return
        raise RuntimeError(f"plan_visit accepted a visit over the cap: {spec.visit}")

    def join(self, spec: _Spec) -> None:
        agency, contract, credentials = spec.joiner[:3]
        intended = spec.start + timedelta(days=self.rng.randint(-10, 10))
        found = visits.joinable_visits(agency, spec.enterprise, intended)
        assert spec.visit in found, (spec.visit, intended)
        visits.join_visit(
            self.officers[agency.pk],
            spec.visit,
            contract=contract,
            credentials=credentials,
            officers=self.officer_people(agency),
        )
        self.stats["joined"] += 1

    def confirmer(self, spec: _Spec) -> User:
        return self.ent_users.get(spec.enterprise.pk) or self.officers[spec.agency.pk]

    def arrive(self, spec: _Spec) -> None:
        visit, who = spec.visit, self.confirmer(spec)
        t = spec.start + timedelta(minutes=self.rng.randint(0, 25))
        if spec.kind == VisitKind.EMERGENCY:
            t = spec.plan_at + timedelta(minutes=5)
        credential = self.rng.choice(spec.credentials)
        if spec.scan != "valid":
            if spec.scan == "refused":  # an old screenshot: refused, and no valid code after it
                stale = sign(visit.pk, credential.pk, now=t - timedelta(minutes=20))
                assert not scan(stale, now=t, actor=who).valid
            return
        if self.rng.random() < 0.04:  # a screenshot first, then the live code
            stale = sign(visit.pk, credential.pk, now=t - timedelta(minutes=15))
            scan(stale, now=t - timedelta(minutes=1), actor=who)
        result = scan(sign(visit.pk, credential.pk, now=t), now=t, actor=who)
        assert result.valid, (visit.number, result.code, result.message)
        visits.check_in(who, visit, now=t + timedelta(minutes=1))
        if self.rng.random() < 0.03:  # scanned again at the gate: still one visit
            scan(sign(visit.pk, credential.pk, now=t), now=t + timedelta(minutes=2), actor=who)
            visits.check_in(who, visit, now=t + timedelta(minutes=2))

    def leave(self, spec: _Spec, at: datetime) -> None:
        visit, who = spec.visit, self.confirmer(spec)
        visits.check_out(who, visit, now=at)
        officer = self.officers[spec.agency.pk]
        text = TEXTS[spec.agency.short_name]
        if self.rng.random() < 0.85:
            visits.add_finding(officer, visit, FindingKind.RISK_ALERT, self.rng.choice(text[2]))
        if self.rng.random() < 0.7:
            visits.add_finding(
                officer, visit, FindingKind.TECHNICAL_ADVICE, self.rng.choice(text[3])
            )
        if spec.joiner and self.rng.random() < 0.8:
            other = spec.joiner[0]
            visits.add_finding(
                self.officers[other.pk],
                visit,
                FindingKind.TECHNICAL_ADVICE,
                self.rng.choice(TEXTS[other.short_name][3]),
            )

    def close(self, spec: _Spec, at: datetime) -> None:
        visits.close_visit(self.officers[spec.agency.pk], spec.visit, now=at)

    def cancel(self, spec: _Spec) -> None:
        visits.cancel_visit(
            self.officers[spec.agency.pk], spec.visit, "企业因生产安排申请改期，本次入企取消"
        )

    def schedule(self, spec: _Spec, over_cap: bool = False) -> None:
        if over_cap:
            self.at(spec.plan_at, lambda: self.over_cap(spec))
            return
        self.at(spec.plan_at, lambda: self.plan(spec))
        if spec.joiner:
            self.at(spec.joiner[3], lambda: self.join(spec))
        if spec.cancel:
            self.at(spec.start - timedelta(days=1), lambda: self.cancel(spec))
            return
        arrive_at = spec.start if spec.kind != VisitKind.EMERGENCY else spec.plan_at
        if arrive_at > self.now or (spec.keep_open and spec.day == timezone.localdate(self.now)):
            return
        self.at(arrive_at, lambda: self.arrive(spec))
        if spec.scan != "valid" or spec.emergency_late:
            return
        out = max(
            spec.end - timedelta(minutes=self.rng.randint(0, 50)),
            arrive_at + timedelta(minutes=60),
        )
        if out > self.now:
            return
        self.at(out, lambda: self.leave(spec, out))
        closed = _at(spec.day + timedelta(days=self.rng.randint(1, 4)), 17)
        if closed <= self.now:
            self.at(closed, lambda: self.close(spec, closed))


def _bulk_users(rows: list[tuple]) -> list[User]:
    """Logins created like foundation.py's: one password hash, one audit batch."""
    password = make_password(DEMO_PASSWORD)
    users = []
    for username, role, org, label, person in rows:
        check_role_fits(role, org)
        users.append(
            User(
                username=username,
                role=role,
                organisation=org,
                display_name=label,
                person=person,
                password=password,
            )
        )
    User.objects.bulk_create(users)
    created = list(User.objects.filter(username__in=[r[0] for r in rows]).order_by("pk"))
    record_events(None, _created(created))
    return created


def _best_binding(person_contracts: list[Contract]) -> list[Contract]:
    """The subset of a person's contracts whose common term covers most contract-days of the
    season (a credential is valid only within all its contracts' terms)."""
    best, score = [], 0
    for size in range(len(person_contracts), 0, -1):
        for subset in combinations(person_contracts, size):
            start = max(c.accepted_version.term_start for c in subset)
            end = min(c.accepted_version.term_end for c in subset)
            days = (min(end, SEASON_END) - max(start, SEASON_START)).days + 1
            if days > 0 and days * size > score:
                best, score = list(subset), days * size
    return best


def _issue(seeder: _Seeder, contracts: list[Contract]) -> list[Credential]:
    by_person: dict[int, list[Contract]] = defaultdict(list)
    people = {}
    for contract in contracts:
        version = contract.accepted_version
        if version.term_end < SEASON_START:
            continue  # ended before the season: no credential is issued for it
        for person in version.staff.all():
            by_person[person.pk].append(contract)
            people[person.pk] = person
    issued = []
    for pk in sorted(by_person):
        binding = _best_binding(by_person[pk])
        start = max(c.accepted_version.term_start for c in binding)
        end = min(c.accepted_version.term_end for c in binding)
        titles = "；".join(c.item.current_version.title for c in binding)
        credential = creds.issue_credential(
            seeder.sfj,
            people[pk],
            binding,
            valid_from=start,
            valid_to=end,
            scope=f"在委托机关工作人员陪同下入企提供技术辅助服务：{titles}。不得作出检查结论或处罚建议。",
        )
        issued.append(credential)
        for contract in binding:
            seeder.bound.setdefault(contract.pk, []).append(credential)
    return issued


def _workday(rng: random.Random, first: date, last: date) -> date:
    while True:
        day = first + timedelta(days=rng.randrange((last - first).days + 1))
        if day.weekday() < 5:
            return day


def seed_visits(rng: random.Random, log, now: datetime | None = None) -> dict:
    """Build the 事中 year once, up to `now` (the story's, demo/clock.py); the caller runs it only
    when the county has no credentials yet."""
    now = now or story_now()
    today = timezone.localdate(now)
    seeder = _Seeder(rng, now, User.objects.get(username="sfj"))
    accepted = list(
        Contract.objects.filter(county_code=COUNTY, accepted_version__isnull=False)
        .select_related("agency", "provider", "accepted_version", "item__current_version")
        .prefetch_related("accepted_version__staff")
        .order_by("pk")
    )
    agencies = {c.agency_id: c.agency for c in accepted}
    issued = _issue(seeder, accepted)
    for contract in accepted:
        if contract.pk in seeder.bound:
            seeder.contracts.setdefault(contract.agency_id, []).append(contract)
        targets = list(contract.item.current_version.target_enterprises.all())
        if not targets:
            targets = list(
                Organisation.objects.filter(
                    county_code=COUNTY,
                    kind=OrganisationKind.ENTERPRISE,
                    sector__in=contract.item.current_version.target_sectors or ["-"],
                )
            )
        seeder.pools[contract.pk] = targets
    # One credential suspended (left the provider) and one revoked (misconduct): each chosen
    # among staff whose contracts have other credential holders, from a date on.
    spare = [
        c
        for c in issued
        if all(len(seeder.bound[k.pk]) >= 3 for k in c.contracts.all())
        and c.valid_from < SUSPEND_ON <= c.valid_to
    ]
    suspended, revoked = rng.sample(spare, 2)
    seeder.ends[suspended.pk] = SUSPEND_ON - timedelta(days=1)
    seeder.ends[revoked.pk] = REVOKE_ON - timedelta(days=1)
    seeder.at(
        _at(SUSPEND_ON, 8),
        lambda: creds.suspend_credential(
            seeder.sfj, suspended, "该辅助人员已从受托机构离职，证件暂停使用"
        ),
    )
    seeder.at(
        _at(REVOKE_ON, 8),
        lambda: creds.revoke_credential(
            seeder.sfj, revoked, "入企期间向企业推荐有偿服务，经核实违反委托合同约定，吊销证件"
        ),
    )

    # Officer logins linked to an officer Person, one per agency with contracts; yearly plans.
    rows = []
    for agency in agencies.values():
        people = list(
            Person.objects.filter(organisation=agency, kind=PersonKind.OFFICER).order_by("pk")
        )
        seeder.persons[agency.pk] = people
        linked = people[-1]
        rows.append(
            (
                TEXTS[agency.short_name][0],
                Role.AGENCY_OFFICER,
                agency,
                f"{agency} {linked.name}",
                linked,
            )
        )
    for user in _bulk_users(rows):
        seeder.officers[user.organisation_id] = user
    for year in sorted({2026, today.year, (today + timedelta(days=14)).year}):
        for agency in agencies.values():
            seeder.plans[(agency.pk, year)] = visits.approve_visit_plan(
                seeder.sfj, agency, year, f"{agency}{year}年度入企服务计划"
            )

    everyone = list(
        Organisation.objects.filter(county_code=COUNTY, kind=OrganisationKind.ENTERPRISE)
        .select_related("locality")
        .order_by("pk")
    )
    specs = _specs(seeder, list(agencies.values()), everyone, today)

    # Enterprise contacts with a login (like xingke): ~30 of the visited enterprises.
    visited = sorted({s.enterprise.pk for s in specs if not s.cancel})
    xingke = User.objects.filter(username="xingke").first()
    if xingke:
        seeder.ent_users[xingke.organisation_id] = xingke
    by_pk = {e.pk: e for e in everyone}
    chosen = rng.sample([pk for pk in visited if pk not in seeder.ent_users], ENTERPRISE_LOGINS)
    rows = [
        (
            f"qy{i:02d}",
            Role.ENTERPRISE,
            by_pk[pk],
            f"{by_pk[pk].name} {by_pk[pk].contact_name}",
            None,
        )
        for i, pk in enumerate(sorted(chosen), start=1)
    ]
    for user in _bulk_users(rows):
        seeder.ent_users[user.organisation_id] = user

    for _when, _order, run in sorted(seeder.steps, key=lambda s: (s[0], s[1])):
        run()
    if today == timezone.localdate():
        _gate_login(today, log)  # a story that stopped before today gets it from the renewal
    for line in summary_lines(refused=seeder.stats["refused"]):
        log(line)
    return {"credentials": issued, "refused": seeder.stats["refused"]}


def _gate_login(today: date, log) -> None:
    """A staff login (staff_gate) for today's open visit to 兴科化纤, to try 亮码入企 live."""
    visit = (
        Visit.objects.filter(
            enterprise__name="慈溪市兴科化纤有限公司",
            status=VisitStatus.PLANNED,
            window_start__date=today,
        )
        .order_by("window_start")
        .first()
    )
    if visit is None:
        return
    person = visit.staff.select_related("credential__person").first().credential.person
    if User.objects.filter(Q(person=person) | Q(username="staff_gate")).exists():
        return
    _bulk_users([("staff_gate", Role.PROVIDER_STAFF, person.organisation, person.name, person)])
    log(
        f"亮码入企演示：今天 {timezone.localtime(visit.window_start):%H:%M} 到兴科化纤的 "
        f"{visit.number}，用 staff_gate 登录显示二维码，用 xingke 扫码确认到场。"
    )


def _specs(seeder: _Seeder, agencies, everyone, today: date) -> list[_Spec]:
    rng = seeder.rng
    specs: list[_Spec] = []
    last_past = today - timedelta(days=1)

    def make(kind, day, agency=None, enterprise=None, hour=None, plan_days=None):
        agency = agency or rng.choice(agencies)
        party = seeder.party(agency, day)
        if party is None:
            return None
        contract, staff = party
        enterprise = enterprise or seeder.enterprise(contract, everyone)
        start = _at(day, hour or rng.choice((8, 9, 9, 10, 13, 14)), rng.choice((0, 30)))
        end = start + timedelta(hours=rng.choice((2, 2, 3, 4)))
        lead = plan_days if plan_days is not None else rng.randint(3, 20)
        plan_at = _at(day - timedelta(days=lead), rng.randint(9, 16), rng.randint(0, 59))
        return _Spec(agency, enterprise, kind, day, start, end, contract, staff, plan_at)

    def add(spec, **extra) -> _Spec | None:
        if spec is None:
            return None
        key = (spec.agency.pk, spec.enterprise.pk, spec.day.year)
        if spec.kind == VisitKind.PLANNED and seeder.counted[key] >= CAP:
            return None
        for name, value in extra.items():
            setattr(spec, name, value)
        if spec.kind == VisitKind.PLANNED and not spec.cancel:
            seeder.counted[key] += 1
        specs.append(spec)
        return spec

    # Planned visits over the season, some triggered ones.
    while len(specs) < 720:
        day = _workday(rng, SEASON_START, last_past)
        roll = rng.random()
        if roll < 0.83:
            spec = add(make(VisitKind.PLANNED, day), cancel=rng.random() < 0.015)
        elif roll < 0.89:
            spec = add(
                make(VisitKind.COMPLAINT, day, plan_days=rng.randint(1, 4)),
                reason=rng.choice(COMPLAINT),
            )
        elif roll < 0.95:
            earlier = [s for s in specs if s.day < day - timedelta(days=20) and not s.cancel]
            if not earlier:
                continue
            before = rng.choice(earlier)
            add(
                make(
                    VisitKind.RECTIFICATION,
                    day,
                    before.agency,
                    before.enterprise,
                    plan_days=rng.randint(2, 7),
                ),
                reason=f"{before.day:%m月%d日}入企提出风险提示，企业已报告整改完成，申请复核",
            )
        else:
            add(
                make(VisitKind.ENTERPRISE_REQUEST, day, plan_days=rng.randint(2, 6)),
                reason=rng.choice(REQUEST),
            )
    # Second planned visits to the same enterprise, then a few third ones the cap refuses.
    firsts = [s for s in specs if s.kind == VisitKind.PLANNED and not s.cancel]
    seconds = []
    for first in rng.sample(firsts, 60):
        day = first.day + timedelta(days=rng.randint(40, 120))
        if day > last_past or day.weekday() > 4:
            continue
        second = add(make(VisitKind.PLANNED, day, first.agency, first.enterprise))
        if second:
            seconds.append((first, second))
    refused = []
    for first, second in seconds[:8]:
        day = second.day + timedelta(days=rng.randint(14, 40))
        third = make(VisitKind.PLANNED, min(day, last_past), first.agency, first.enterprise)
        if third:
            third.plan_at = max(third.plan_at, first.plan_at, second.plan_at) + timedelta(hours=2)
            refused.append(third)
    # Joint visits (综合查一次): another agency with a free slot joins a pending visit.
    joinable = [s for s in specs if not s.cancel and s.kind != VisitKind.EMERGENCY]
    for spec in rng.sample(joinable, len(joinable) * 19 // 100):
        if (spec.start - spec.plan_at).days < 2:
            continue
        others = [a for a in agencies if a.pk != spec.agency.pk]
        other = rng.choice(others)
        key = (other.pk, spec.enterprise.pk, spec.day.year)
        party = seeder.party(other, spec.day)
        if party is None or (spec.kind == VisitKind.PLANNED and seeder.counted[key] >= CAP):
            continue
        if spec.kind == VisitKind.PLANNED:
            seeder.counted[key] += 1
        at = spec.plan_at + (spec.start - spec.plan_at) * rng.uniform(0.2, 0.8)
        spec.joiner = (other, *party, at)
    # About 5 % of past visits never show a valid code.
    past = [s for s in specs if not s.cancel]
    for spec in rng.sample(past, len(past) * 5 // 100):
        spec.scan = rng.choice(("none", "refused"))
    # Two emergencies registered after the fact; the second is not completed in time.
    for index, day in enumerate((date(2026, 7, 16), date(2026, 10, 29))):
        spec = None
        while spec is None:
            spec = make(VisitKind.EMERGENCY, day, hour=10)
            day += timedelta(days=1)
        spec.plan_at = spec.start + timedelta(hours=2)
        spec.end = spec.start + timedelta(hours=6)
        spec.reason = (
            "企业报告反应釜温度异常、有刺激性气味，需立即派员到场提供技术支持"
            if index == 0
            else "企业仓库屋顶漏雨导致化学品包装受潮，企业请求紧急技术支持"
        )
        spec.emergency_late = index == 1
        specs.append(spec)
    # Today and the coming days, including the demo enterprise xingke.
    xingke = next((e for e in everyone if e.name == "慈溪市兴科化纤有限公司"), None)
    for offset, hour, enterprise in [
        (0, 9, None), (0, 10, None), (0, 14, xingke), (0, 15, None),
        (1, 9, None), (1, 14, None), (2, 9, None), (3, 10, xingke), (4, 9, None),
        (6, 14, None), (7, 9, None), (8, 10, None),
    ]:  # fmt: skip
        day = today + timedelta(days=offset)
        spec = None
        for _ in range(20):
            agency = rng.choice(
                [a for a in agencies if a.short_name in ("应急管理局", "消防救援大队")]
                if enterprise
                else agencies
            )
            spec = make(VisitKind.PLANNED, day, agency, enterprise, hour=hour)
            if enterprise and spec and spec.contract.provider.name in NOT_AT_GATE:
                spec = None  # the gate demo's provider stays in good standing
                continue
            spec = add(spec)
            if spec:
                break
        if spec:
            spec.plan_at = min(spec.plan_at, seeder.now - timedelta(days=1))
            spec.keep_open = enterprise is not None or hour == 15
    for spec in specs:
        seeder.schedule(spec)
    for spec in refused:
        seeder.schedule(spec, over_cap=True)
    return specs


NOT_AT_GATE = (cixi.WARNED_PROVIDER, cixi.EXITED_PROVIDER)


def summary_lines(county: str = COUNTY, refused: int | None = None) -> list[str]:
    credentials = Credential.objects.filter(county_code=county)
    status = Counter(credentials.values_list("status", flat=True))
    # The platform's season only: the year before (demo/aftercare/history.py) had no gate.
    all_visits = Visit.objects.filter(county_code=county, window_start__gte=_at(SEASON_START, 0))
    kinds = Counter(all_visits.values_list("kind", flat=True))
    statuses = Counter(all_visits.values_list("status", flat=True))
    joint = (
        VisitParty.objects.filter(visit__county_code=county, is_lead=False)
        .values("visit")
        .distinct()
        .count()
    )
    now = story_now()
    due = all_visits.filter(window_end__lt=now).exclude(status=VisitStatus.CANCELLED)
    shown = due.filter(valid_scan_at__isnull=False).count()
    # An expired or forged code is logged before its visit is looked up: no county on it.
    scans = ScanLog.objects.filter(Q(county_code=county) | Q(county_code=""))
    return [
        f"证件：签发 {len(credentials)} 张，暂停 {status['suspended']} 张，"
        f"吊销 {status['revoked']} 张。",
        "入企："
        + "，".join(f"{VisitKind(k).label} {n}" for k, n in sorted(kinds.items()))
        + "；"
        + "，".join(f"{VisitStatus(k).label} {n}" for k, n in sorted(statuses.items())),
        f"综合查一次 {joint} 次；"
        + (f"超上限被拒 {refused} 次；" if refused is not None else "")
        + f"亮码率 {shown / max(due.count(), 1):.1%}（{shown}/{due.count()}）；"
        f"扫码 {scans.count()} 次，其中无效 {scans.filter(valid=False).count()} 次。",
    ]

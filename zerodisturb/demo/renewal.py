"""The renewal: when the demo is seeded after its story's last day (demo/clock.py), 消防救援大队
renews its fire-safety contract with 平安消防 for the real year so that the gate can still be tried
live. The item goes through the joint review, the contract is filed and accepted, a technician who
joined 平安消防 since is on it and credentialed, and a visit to 兴科化纤 at 14:30 today waits for
its code (staff_gate shows it, xingke scans it). Every action goes through the services with `now=`
between the story's today and the real one; nothing of the story moves.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.audit.services import record_events
from zerodisturb.credentials import services as creds
from zerodisturb.demo import cixi
from zerodisturb.demo.commissioning import LAW, PINGAN, Deal, Spec, walk
from zerodisturb.demo.foundation import _created, _person
from zerodisturb.demo.visits import TEXTS, _at, _gate_login
from zerodisturb.registry.choices import PersonKind
from zerodisturb.registry.models import Organisation, Person
from zerodisturb.visits import services as visits
from zerodisturb.visits.choices import VisitKind
from zerodisturb.visits.models import Visit, VisitPlan
from zerodisturb.workdays.services import add_working_days

AGENCY = "消防救援大队"
ENTERPRISE = "慈溪市兴科化纤有限公司"
# The item is submitted two months before today, or as soon after the story as it can be: its
# review, signing and filing take about three weeks, and its term starts the month after.
LEAD_DAYS = 60
QUIET_DAYS = 8


def seed_renewal(rng: random.Random, log, *, after: datetime, now: datetime) -> Visit:
    """Renew after the story stopped at `after`, up to the real `now`; return today's visit."""
    today = timezone.localdate(now)
    begin = max(
        timezone.localdate(after) + timedelta(days=QUIET_DAYS), today - timedelta(LEAD_DAYS)
    )
    submitted, decided, signed, filed = _steps(begin)
    # Submitted in the real year instead when its contract (its term starts the month after the
    # submission) is running by today: the story's year then keeps its figures (in January the
    # renewal is one of the story's year's items, as it would be in life).
    in_year = _steps(date(today.year, 1, 1))
    running = date(today.year, in_year[0].month + 1, 1) <= today and in_year[3] < today
    if begin.year < today.year and running:
        submitted, decided, signed, filed = in_year
    provider = Organisation.objects.get(county_code=cixi.COUNTY[0], name=cixi.PROVIDERS[PINGAN][0])
    newcomer = _newcomer(rng, provider)
    others = list(
        Person.objects.filter(organisation=provider, kind=PersonKind.STAFF)
        .exclude(pk=newcomer.pk)
        .order_by("pk")
    )
    spec = Spec(
        f"renew{today.year}",
        "xfdd",
        "fire_emergency",
        f"企业消防安全隐患排查技术辅助（{today.year}年度续签）",
        "为化纤、化工等火灾高风险企业提供消防设施运行状况技术检测和火灾风险提示。",
        LAW["xf"],
        ["chemical_fibre", "chemical"],
        220_000,
        submitted,
        deal=Deal(PINGAN, signed, filed=filed, staff=2),
    )
    contract = walk(rng, [spec], {PINGAN: [newcomer, *others]})["contracts"][spec.key]
    contract.refresh_from_db()
    version = contract.accepted_version
    credential = creds.issue_credential(
        User.objects.get(username="sfj"),
        newcomer,
        [contract],
        valid_from=version.term_start,
        valid_to=version.term_end,
        scope=f"在委托机关工作人员陪同下入企提供技术辅助服务：{spec.title}。不得作出检查结论或处罚建议。",
    )
    visit = _todays_visit(rng, contract, credential, today)
    _gate_login(today, log)
    log(
        f"续签：{AGENCY}与{provider.short_name or provider.name}的合同 {contract.number}"
        f"（{version.term_start} 至 {version.term_end}），新证件 {credential.number}。"
    )
    return visit


def _steps(begin: date) -> tuple[date, date, date, date]:
    """Submitted, decided, signed and filed, from `begin`."""
    submitted = add_working_days(begin, 1).date
    decided = add_working_days(submitted, 5).date  # the five departments, one a working day
    signed = add_working_days(decided, 2).date
    return submitted, decided, signed, add_working_days(signed, 2).date


def _newcomer(rng: random.Random, provider: Organisation) -> Person:
    """A technician who joined the provider after the story: no credential yet (one per person)."""
    person = _person(rng, provider.county_code, provider, PersonKind.STAFF, "技术员")
    person.save()
    record_events(None, _created([person]))
    return person


def _todays_visit(rng: random.Random, contract, credential, today: date) -> Visit:
    officer = User.objects.select_related("person", "organisation").get(username=TEXTS[AGENCY][0])
    agency = officer.organisation
    plan = VisitPlan.objects.filter(agency=agency, year=today.year).first()
    if plan is None:
        plan = visits.approve_visit_plan(
            User.objects.get(username="sfj"),
            agency,
            today.year,
            f"{agency}{today.year}年度入企服务计划",
        )
    enterprise = Organisation.objects.get(county_code=contract.county_code, name=ENTERPRISE)
    start = _at(today, 14, 30)
    result = visits.plan_visit(
        officer,
        enterprise=enterprise,
        kind=VisitKind.PLANNED,
        window_start=start,
        window_end=start + timedelta(hours=2),
        contract=contract,
        credentials=[credential],
        officers=[officer.person],
        purpose=f"{contract.item.current_version.title}：{rng.choice(TEXTS[AGENCY][1])}",
        reason="",
        plan=plan,
        now=_at(today - timedelta(days=3), 10),
    )
    return result.visit

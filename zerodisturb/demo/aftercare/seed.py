"""Demo 事后强监管: a year of evaluations before the reform and one after, the bad-review loop,
complaints, and the exit assessment warning one provider and taking another out.

The year before (2025) is imported history (see history.py); 2026 runs through the services on
one timeline with `now=` up to the story's today (demo/clock.py): evaluations shortly after
check-out, tickets, complaints, the deadlines worker's daily escalations, and the exit assessment
(scorecards.assess_providers) on the days it matters. Which evaluations are satisfied is planned
first (planner.py) so that the county's rates come out at 76.4 % and 90.9 % and only the intended
providers cross the thresholds: 明达职业卫生 is warned in the autumn, stays below through its
rectification period and is taken out by the judicial bureau; 安泰安全 slides in October and
November and is warned six days ago.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.complaints.deadlines import JOBS as COMPLAINT_JOBS
from zerodisturb.demo import cixi
from zerodisturb.demo.aftercare import complaints, history, ratings, texts
from zerodisturb.demo.aftercare.context import Context, at
from zerodisturb.demo.aftercare.planner import Check, Rating, freshen, plan
from zerodisturb.demo.aftercare.summary import summary_lines
from zerodisturb.demo.clock import story_now
from zerodisturb.demo.visits import _bulk_users
from zerodisturb.evaluations.deadlines import invite_evaluations, process_overdue_rectifications
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.registry.models import CountyPolicy, Organisation
from zerodisturb.roles import Role
from zerodisturb.scorecards import services as exits
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import Visit

COUNTY = "330282"
# The county's yearly evaluations and satisfied ones: 191 / 250 = 76.4 %, 300 / 330 = 90.9 %.
BEFORE = (250, 191)
AFTER = (330, 300)
HISTORIC_VISITS = 300
WARNED = cixi.WARNED_PROVIDER
EXITED = cixi.EXITED_PROVIDER
PROVIDER_LOGINS = {
    "浙江绿源环境检测技术有限公司": "lvyuan",
    "慈溪市平安消防技术服务有限公司": "pingan",
    "宁波众诚质量技术服务有限公司": "zhongcheng",
    "浙江恒信工程咨询有限公司": "hengxin",
    EXITED: "mingda",
}


def seed_aftercare(rng: random.Random, log, now: datetime | None = None) -> None:
    """Build the 事后 year once, up to `now` (the story's, demo/clock.py); the caller runs it only
    when the county has no evaluations."""
    now = now or story_now()
    ctx = Context(
        rng,
        COUNTY,
        now,
        User.objects.get(username="sfj"),
        User.objects.get(username="admin"),
    )
    providers = {
        p.name: p
        for p in Organisation.objects.filter(county_code=COUNTY, kind=OrganisationKind.PROVIDER)
    }
    warned, exited = providers.get(WARNED), providers.get(EXITED)

    # The ratings: the year before on imported visits, 2026 on the services' visits.
    past = history.plan_visits(rng, COUNTY, HISTORIC_VISITS)
    before = history.ratings_for(rng, past, BEFORE[0])
    done = list(
        Visit.objects.filter(
            county_code=COUNTY,
            status__in=(VisitStatus.COMPLETED, VisitStatus.CLOSED),
            checked_out_at__isnull=False,
        )
        .prefetch_related("parties__contract__provider", "staff__credential")
        .order_by("checked_out_at", "pk")
    )
    after = _after(ctx, done)
    everyone = before + after
    runs = _runs(ctx)
    checks = _checks(everyone, runs, warned, exited)
    for r in everyone:
        r.sat = rng.random() < _likely(r, warned, exited, runs)
    targets = {2025: BEFORE[1], **({2026: _satisfied(len(after))} if after else {})}
    planned = plan(everyone, targets, checks, rng) and bool(after)
    if planned:  # a bad review of the last days, its ticket still with the provider
        freshen(after, checks, now - timedelta(days=10), rng)
    else:
        log("提示：评价分布未能同时满足预警/退出条件，已跳过考核预警和退出演示。")
    ratings.assign_levels(ctx, everyone, {p.pk for p in (warned, exited) if p})
    complaint_plans = complaints.choose(ctx, done, after)

    # Logins: each rating or complaining enterprise's contact, each provider's administrator.
    _logins(
        ctx,
        {r.enterprise_id for r in everyone}
        | {p["enterprise_id"] for p in complaint_plans if "enterprise_id" in p},
        providers,
    )

    history.create(
        COUNTY, ctx.admin, past, before, ctx.ent_users, lambda r: ratings.answers(ctx, r)
    )
    ratings.schedule(ctx, after)
    agencies = list(Organisation.objects.filter(pk__in=ctx.officers))
    complaints.schedule(ctx, complaint_plans, agencies)
    _workers(ctx, min((r.at for r in after), default=ctx.now))
    if planned:
        _exit_runs(ctx, runs, warned, exited)
    ctx.run()
    invite_evaluations(now)
    process_overdue_rectifications(now)
    for line in summary_lines(COUNTY):
        log(line)


def _after(ctx: Context, done: list[Visit]) -> list[Rating]:
    """About half the checked-out 2026 visits rated, mostly within a day, some after a reminder."""
    rng = ctx.rng
    rated = []
    for visit in done:
        if visit.window_start.year != 2026:
            continue
        delay = rng.choice(
            (rng.uniform(1, 8), rng.uniform(1, 8), rng.uniform(20, 70), rng.uniform(72, 140))
        )
        when = visit.checked_out_at + timedelta(hours=delay)
        if when < ctx.now - timedelta(hours=1):
            providers = frozenset(p.contract.provider_id for p in visit.parties.all())
            rated.append(Rating(visit, visit.enterprise_id, providers, when))
    count = min(AFTER[0], len(rated) * 48 // 100)
    while count and _satisfied(count) is None:
        count -= 1
    return sorted(rng.sample(rated, count), key=lambda r: r.at)


def _satisfied(count: int) -> int | None:
    """How many of `count` evaluations are satisfied for a rate shown as 90.9 %."""
    if count == AFTER[0]:
        return AFTER[1]
    for satisfied in range(count + 1):
        if round(Decimal(satisfied * 100) / count, 1) == Decimal("90.9"):
            return satisfied
    return None


def _runs(ctx: Context) -> dict:
    """When the exit assessment runs (02:00): the exited provider is warned 56 days ago, its
    rectification period runs out, it is proposed and confirmed; the warned one 6 days ago."""
    days = CountyPolicy.for_county(COUNTY).exit_rectification_days
    first = at(ctx.today - timedelta(days=70), 2)
    return {
        "warn_exited": first,
        "propose": first + timedelta(days=days + 1),
        "warn": at(ctx.today - timedelta(days=6), 2),
        "now": ctx.now,
    }


def _checks(everyone, runs, warned, exited) -> list[Check]:
    providers = sorted({p for r in everyone if not r.historic for p in r.providers})
    checks = []
    for name, when in runs.items():
        for provider in providers:
            if exited and provider == exited.pk:
                if name in ("warn_exited", "propose"):
                    checks.append(Check(when, provider, below=True, cap=0.80))
                continue
            if warned and provider == warned.pk:
                if name == "warn":
                    checks.append(Check(when, provider, below=True, cap=0.84))
                elif name == "now":
                    continue
                else:
                    checks.append(Check(when, provider, below=False))
                continue
            checks.append(Check(when, provider, below=False))
    return checks


def _likely(r: Rating, warned, exited, runs) -> float:
    if r.historic:
        return 0.70 if r.at.month <= 6 else 0.80
    if exited and exited.pk in r.providers:
        return 0.72
    if warned and warned.pk in r.providers and r.at > runs["propose"]:
        return 0.45
    return 0.95


def _logins(ctx: Context, enterprises: set[int], providers: dict) -> None:
    existing = User.objects.filter(role=Role.ENTERPRISE, organisation_id__in=enterprises)
    ctx.ent_users = {u.organisation_id: u for u in existing.order_by("-pk")}
    missing = sorted(enterprises - set(ctx.ent_users))
    numbered = User.objects.filter(username__regex=r"^qy\d{3}$").count()
    orgs = Organisation.objects.in_bulk(missing)
    rows = [
        (
            f"qy{31 + numbered + i:03d}",
            Role.ENTERPRISE,
            orgs[pk],
            f"{orgs[pk].name} {orgs[pk].contact_name}",
            None,
        )
        for i, pk in enumerate(missing)
    ]
    for user in _bulk_users(rows) if rows else []:
        ctx.ent_users[user.organisation_id] = user
    admins = User.objects.filter(role=Role.PROVIDER_ADMIN, organisation__in=providers.values())
    ctx.admins = {u.organisation_id: u for u in admins.order_by("-pk")}
    rows = [
        (PROVIDER_LOGINS.get(name, f"jg{org.pk}"), Role.PROVIDER_ADMIN, org, f"{name} 管理员", None)
        for name, org in sorted(providers.items(), key=lambda kv: kv[1].pk)
        if org.pk not in ctx.admins
    ]
    for user in _bulk_users(rows) if rows else []:
        ctx.admins[user.organisation_id] = user
    officers = User.objects.filter(
        role=Role.AGENCY_OFFICER, organisation__county_code=COUNTY, is_active=True
    ).order_by(F("person_id").asc(nulls_last=True), "pk")
    for user in officers:
        ctx.officers.setdefault(user.organisation_id, user)


def _workers(ctx: Context, first) -> None:
    """The deadlines worker's complaint escalations and ticket chasing, every night at 01:30."""
    day = timezone.localdate(first)
    while day <= ctx.today:
        when = at(day, 1, 30)
        for job in COMPLAINT_JOBS.values():
            ctx.at(when, lambda job=job, when=when: job(when))
        ctx.at(when, lambda when=when: process_overdue_rectifications(when))
        day += timedelta(days=1)


def _exit_runs(ctx: Context, runs: dict, warned, exited) -> None:
    def assess(when) -> None:
        exits.assess_providers(now=when)
        ctx.stats["assessments"] += 1

    for when in runs.values():
        ctx.at(when, lambda when=when: assess(when))
    if exited:
        early = runs["warn_exited"] + timedelta(days=3, hours=8)
        ctx.at(early, lambda: _reply(ctx, exited, early, "early"))
        decide = at(timezone.localdate(runs["propose"]) + timedelta(days=5), 15)
        ctx.at(decide, lambda: _confirm(ctx, exited, decide))
    if warned:
        late = min(runs["warn"] + timedelta(days=2, hours=14), ctx.now - timedelta(minutes=30))
        ctx.at(late, lambda: _reply(ctx, warned, late, "late"))


def _reply(ctx: Context, provider, when, which: str) -> None:
    case = ExitCase.objects.filter(provider=provider, status=ExitStatus.WARNING).first()
    if case:
        exits.reply_to_warning(
            ctx.admins[provider.pk], case, text=texts.WARNING_REPLIES[which], now=when
        )


def _confirm(ctx: Context, provider, when) -> None:
    case = ExitCase.objects.filter(provider=provider, status=ExitStatus.PROPOSED).first()
    if case:
        exits.confirm_exit(ctx.sfj, case, reason=texts.EXIT_REASON, now=when)

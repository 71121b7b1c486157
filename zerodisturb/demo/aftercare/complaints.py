"""A year of complaints through the complaints services, on the 2026 timeline.

Enterprises complain about a visit (routed to its commissioning agency) or about a provider; the
public complains without logging in (the judicial bureau triages: re-routes most to an agency,
handles the rest). Most are acknowledged, answered and closed on time; a few run late and the
deadlines worker escalates them. Some are substantiated (at most two per provider, so complaints
alone never push a provider out); complainants confirm and rate, a few reopen.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.utils import timezone

from zerodisturb.complaints import services as complaints
from zerodisturb.complaints.models import Complaint
from zerodisturb.demo.aftercare import texts
from zerodisturb.demo.aftercare.context import Context
from zerodisturb.demo.aftercare.planner import Rating
from zerodisturb.demo.codes import mobile
from zerodisturb.registry.models import Organisation
from zerodisturb.visits.models import Visit

VISIT_COMPLAINTS = 26
ORG_COMPLAINTS = 4
PUBLIC_COMPLAINTS = 10
SUBSTANTIATED_PER_PROVIDER = 2
REOPENED = 3


def choose(ctx: Context, visits: list[Visit], ratings: list[Rating]) -> list[dict]:
    """What each complaint is about and when it comes in (before logins exist: enterprises
    chosen here get one)."""
    rng = ctx.rng
    if len(visits) < VISIT_COMPLAINTS + ORG_COMPLAINTS:
        return []  # seeded before the platform's season has much to complain about
    rated = {r.visit.pk: r for r in ratings if not r.historic}
    unhappy = [v for v in visits if v.pk in rated and not rated[v.pk].sat]
    others = [v for v in visits if v.pk not in rated]
    picked = rng.sample(unhappy, min(len(unhappy), VISIT_COMPLAINTS // 2))
    picked += rng.sample(others, VISIT_COMPLAINTS - len(picked))
    plans = []
    for visit in picked:
        when = visit.checked_out_at + timedelta(hours=rng.uniform(3, 60))
        if when < ctx.now - timedelta(hours=2):
            plans.append({"visit": visit, "enterprise_id": visit.enterprise_id, "at": when})
    for visit in rng.sample(visits, ORG_COMPLAINTS):
        provider = visit.parties.all()[0].contract.provider
        when = visit.checked_out_at + timedelta(days=rng.uniform(5, 30))
        if when < ctx.now - timedelta(hours=2):
            plans.append({"provider": provider, "enterprise_id": visit.enterprise_id, "at": when})
    first = min(v.window_start for v in visits)
    span = (ctx.now - timedelta(days=1) - first).total_seconds()
    for _ in range(PUBLIC_COMPLAINTS - 2):
        plans.append({"public": True, "at": first + timedelta(seconds=rng.uniform(0, span))})
    # Two still being handled today, and a few older ones that ran late (the worker escalates).
    for days in (4, 1):
        plans.append({"public": True, "at": ctx.now - timedelta(days=days)})
    older = [p for p in plans if p["at"] < ctx.now - timedelta(days=40)]
    for plan, late in zip(rng.sample(older, 4), ("ack", "reply", "close", "close"), strict=False):
        plan["late"] = late
    # A few complainants are not satisfied with the closure and reopen it (chosen here, not left
    # to chance: the demo always shows a reopened complaint).
    on_time = [p for p in older if "late" not in p]
    for plan in rng.sample(on_time, min(len(on_time), REOPENED)):
        plan["reopen"] = True
    return plans


def schedule(ctx: Context, plans: list[dict], agencies: list[Organisation]) -> None:
    substantiated: Counter = Counter()
    for plan in plans:
        plan["at"] = _office(ctx, plan["at"])
        ctx.at(plan["at"], lambda p=plan: _receive(ctx, p, agencies, substantiated))


def _office(ctx: Context, when: datetime) -> datetime:
    """Complaints come in by day (the form is open at night too, but few use it then)."""
    if when > ctx.now - timedelta(days=2):
        return min(when, ctx.now - timedelta(hours=3))
    return timezone.localtime(when).replace(
        hour=ctx.rng.randint(8, 21), minute=ctx.rng.randint(0, 59)
    )


def _handler(ctx: Context, complaint: Complaint):
    return (
        ctx.sfj
        if complaint.routed_to_id == ctx.sfj.organisation_id
        else ctx.officers[complaint.routed_to_id]
    )


def _fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def _receive(ctx: Context, plan: dict, agencies, substantiated: Counter) -> None:
    rng, when = ctx.rng, plan["at"]
    if plan.get("public"):
        category, text = rng.choice(texts.PUBLIC_COMPLAINTS)
        plan["phone"] = mobile(rng)
        complaint = complaints.create_public_complaint(
            county_code=ctx.county,
            phone=plan["phone"],
            name=rng.choice(texts.PUBLIC_NAMES),
            about=rng.choice(["工业园区企业", "", "某消防技术服务公司", "宗汉街道一家化纤厂"]),
            category=category,
            text=text,
            now=when,
        )
        if rng.random() < 0.6:  # triage: the bureau sends it to the agency that answers for it
            triage = ctx.later(when, 1, 5)
            agency = rng.choice(agencies)
            ctx.at(
                triage,
                lambda: complaints.reroute_complaint(
                    ctx.sfj,
                    _fresh(complaint),
                    agency=agency,
                    reason="经初步核实，所涉入企服务由该机关委托，按谁委托、谁负责转办。",
                    now=triage,
                ),
            )
    else:
        author = ctx.ent_users[plan["enterprise_id"]]
        if plan.get("visit"):
            category, text = rng.choice(texts.VISIT_COMPLAINTS)
            staff = list(plan["visit"].staff.all())
            credential = rng.choice(staff).credential if staff and rng.random() < 0.4 else None
            complaint = complaints.create_complaint(
                author,
                category=category,
                text=text,
                visit=plan["visit"],
                credential=credential,
                now=when,
            )
        else:
            category, text = rng.choice(texts.ORG_COMPLAINTS)
            complaint = complaints.create_complaint(
                author, category=category, text=text, provider=plan["provider"], now=when
            )
    ctx.stats["complaints"] += 1
    nxt = ctx.working(when, 3 if plan.get("late") == "ack" else 1, hour=rng.choice((9, 10, 11)))
    if not plan.get("late") and not plan.get("public") and rng.random() < 0.5 and when.hour < 15:
        nxt = ctx.later(when, 0.5, 2)
    ctx.at(nxt, lambda: _acknowledge(ctx, complaint, nxt, plan, substantiated))


def _acknowledge(ctx: Context, complaint: Complaint, when, plan, substantiated) -> None:
    complaint = _fresh(complaint)
    complaints.acknowledge_complaint(_handler(ctx, complaint), complaint, now=when)
    rng = ctx.rng
    ask = complaint.provider_id is not None and rng.random() < 0.5
    if ask:
        asked = ctx.later(when, 1, 4)
        ctx.at(
            asked,
            lambda: complaints.request_provider_reply(
                _handler(ctx, complaint),
                _fresh(complaint),
                note="请就投诉反映的情况书面说明。",
                now=asked,
            ),
        )
        if complaint.provider_id in ctx.admins:
            side = ctx.working(asked, rng.randint(1, 2))
            ctx.at(
                side,
                lambda: complaints.answer_as_provider(
                    ctx.admins[complaint.provider_id],
                    _fresh(complaint),
                    text=rng.choice(texts.PROVIDER_SIDES),
                    now=side,
                ),
            )
    reply = ctx.working(when, 6 if plan.get("late") == "reply" else rng.randint(1, 4))
    ctx.at(reply, lambda: _reply(ctx, complaint, reply, plan, substantiated, ask))


def _reply(ctx: Context, complaint, when, plan, substantiated, asked: bool) -> None:
    complaint = _fresh(complaint)
    complaints.reply_to_complainant(
        _handler(ctx, complaint), complaint, text=ctx.rng.choice(texts.REPLIES), now=when
    )
    # After the provider's side (or its 3 working days) has come in.
    decide = ctx.working(when, ctx.rng.randint(4, 6) if asked else ctx.rng.randint(1, 5))
    ctx.at(decide, lambda: _decide(ctx, complaint, decide, plan, substantiated))


def _decide(ctx: Context, complaint, when, plan, substantiated: Counter) -> None:
    complaint = _fresh(complaint)
    rng = ctx.rng
    found = rng.random() < 0.3 and (
        complaint.provider_id is None
        or substantiated[complaint.provider_id] < SUBSTANTIATED_PER_PROVIDER
    )
    if found and complaint.provider_id:
        substantiated[complaint.provider_id] += 1
    note = rng.choice(texts.SUBSTANTIATED if found else texts.NOT_SUBSTANTIATED)
    complaints.decide_complaint(
        _handler(ctx, complaint), complaint, substantiated=found, note=note, now=when
    )
    close = ctx.working(when, rng.randint(0, 2))
    if plan.get("late") == "close":
        close = ctx.working(_fresh(complaint).received_at, 18)
    close = max(close, when + timedelta(hours=1))
    ctx.at(close, lambda: _close(ctx, complaint, close, plan))


def _close(ctx: Context, complaint, when, plan) -> None:
    complaint = _fresh(complaint)
    complaints.close_complaint(
        _handler(ctx, complaint), complaint, text=ctx.rng.choice(texts.CLOSINGS), now=when
    )
    rng = ctx.rng
    roll = rng.random()
    nxt = ctx.later(when, 10, 70)
    if plan.pop("reopen", False):
        ctx.at(nxt, lambda: _reopen(ctx, complaint, nxt, plan))
    elif roll < 0.85:
        ctx.at(nxt, lambda: _confirm(ctx, complaint, nxt, plan))


def _complainant(ctx: Context, complaint: Complaint, plan: dict) -> dict:
    if plan.get("public"):
        return {"actor": None, "phone": plan["phone"]}
    return {"actor": ctx.ent_users[plan["enterprise_id"]]}


def _confirm(ctx: Context, complaint, when, plan) -> None:
    who = _complainant(ctx, complaint, plan)
    actor = who.pop("actor")
    complaint = complaints.confirm_closure(actor, _fresh(complaint), now=when, **who)
    again = complaint.reopen_count > 0
    rating = 3 if again else ctx.rng.choice((4, 5, 5, 5))
    complaints.rate_handling(
        actor,
        _fresh(complaint),
        rating=rating,
        text="" if rating == 5 else "处理及时，但希望机构真正改正。",
        now=when + timedelta(minutes=2),
        **who,
    )


def _reopen(ctx: Context, complaint, when, plan) -> None:
    who = _complainant(ctx, complaint, plan)
    actor = who.pop("actor")
    complaints.reopen_complaint(
        actor, _fresh(complaint), reason=ctx.rng.choice(texts.REOPENS), now=when, **who
    )
    reply = ctx.working(when, ctx.rng.randint(2, 4))

    def again() -> None:
        fresh = _fresh(complaint)
        complaints.reply_to_complainant(
            _handler(ctx, fresh),
            fresh,
            text="已重新调阅亮码和陪同记录，并当面听取企业意见，处理情况如下：已责成机构书面致歉并调整人员。",
            now=reply,
        )
        close = ctx.working(reply, ctx.rng.randint(1, 3))
        ctx.at(close, lambda: _close(ctx, complaint, close, plan))

    ctx.at(reply, again)

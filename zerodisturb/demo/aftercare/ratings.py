"""2026 evaluations through submit_evaluation, and each bad review's ticket walked through the loop.

Most tickets are answered, called back and accepted on time; one is answered late, one disputed
and settled by the judicial bureau, one disputed and still with it, one left unanswered past its
due date (the worker chases it); the newest is still with the provider and the one before it
waits for the agency's call-back.
"""

from __future__ import annotations

from datetime import timedelta

from zerodisturb.demo.aftercare import texts
from zerodisturb.demo.aftercare.context import Context
from zerodisturb.demo.aftercare.planner import Rating
from zerodisturb.evaluations import services as evaluations
from zerodisturb.evaluations.choices import BAD_LEVELS
from zerodisturb.evaluations.models import Rectification

# Likely dimensions per level: (attitude, professionalism, burden) choices.
DIMENSIONS = {
    5: ((5, 5, 5, 4), (5, 5, 4), (5, 5, 4)),
    4: ((5, 4, 4), (4, 4, 5, 3), (4, 5, 4)),
    3: ((4, 3, 3), (3, 3, 4), (3, 3, 4)),
    2: ((3, 2, 2), (3, 2), (2, 2, 3)),
    1: ((2, 1, 1), (2, 1), (1, 1, 2)),
}


def answers(ctx: Context, rating: Rating) -> dict:
    """The evaluation's fields for the planned level, consistent with it."""
    rng, level = ctx.rng, rating.level
    attitude, professionalism, burden = (rng.choice(c) for c in DIMENSIONS[level])
    if rating.historic:
        code_shown = False  # there was no code to show before the reform
        officer_present = bool(rating.visit.officers) and not (level == 1 and rng.random() < 0.5)
        nothing_sold = not (level <= 2 and rng.random() < 0.2)
    else:
        code_shown = not (level == 1 and rng.random() < 0.4) and rating.code_shown
        officer_present = not (level == 1 and rng.random() < 0.35)
        nothing_sold = not (level == 1 and rng.random() < 0.3)
    return {
        "level": level,
        "attitude": attitude,
        "professionalism": professionalism,
        "code_shown": code_shown,
        "officer_present": officer_present,
        "nothing_sold": nothing_sold,
        "burden": burden,
        "text": rng.choice(texts.EVALUATION[level]),
    }


def assign_levels(ctx: Context, ratings: list[Rating], harsh: set[int]) -> None:
    """From satisfied / not: 非常满意 or 满意; 基本满意, 不满意 or 非常不满意 (harsher for the
    providers in `harsh`)."""
    rng = ctx.rng
    for r in ratings:
        if r.sat:
            r.level = 5 if rng.random() < (0.45 if r.historic else 0.62) else 4
        elif r.providers & harsh:
            r.level = rng.choices((3, 2, 1), (0.3, 0.5, 0.2))[0]
        else:
            r.level = rng.choices((3, 2, 1), (0.55, 0.33, 0.12))[0]
    # The newest two 2026 unsatisfied ratings are bad reviews: tickets still in the loop today.
    recent = sorted((r for r in ratings if not r.historic and not r.sat), key=lambda r: r.at)
    for r in recent[-2:]:
        r.level = min(r.level, 2)
    # And one before them is 非常不满意 from a visit whose staff showed no code (chosen, not left
    # to chance: the demo always has one).
    if older := recent[:-2]:
        worst = next((r for r in older if r.level == 1), None) or rng.choice(older)
        worst.level, worst.code_shown = 1, False


def schedule(ctx: Context, ratings: list[Rating]) -> None:
    """Each 2026 rating on the timeline; the fate of its tickets chosen now."""
    fates = _fates(ctx, [r for r in ratings if r.level in BAD_LEVELS])
    for r in ratings:
        ctx.at(r.at, lambda r=r: _submit(ctx, r, fates.get(id(r), "accept")))


def _fates(ctx: Context, bad: list[Rating]) -> dict[int, str]:
    """One overdue, one disputed and pending, one disputed and settled, one late; else accepted."""
    fates: dict[int, str] = {}
    now = ctx.now
    bad = sorted(bad, key=lambda r: r.at)
    # The newest is still with the provider, the one before waits for the agency's call-back.
    for fate, r, days in zip(("open", "answered"), reversed(bad), (12, 20), strict=False):
        if r.at >= now - timedelta(days=days):
            fates[id(r)] = fate

    def pick(fate, newest: int, oldest: int) -> None:
        options = [
            r
            for r in bad
            if id(r) not in fates
            and now - timedelta(days=oldest) <= r.at <= now - timedelta(days=newest)
        ]
        if not options:  # none in the window: the newest old enough (the demo shows every fate)
            options = sorted(
                (r for r in bad if id(r) not in fates and r.at <= now - timedelta(days=newest)),
                key=lambda r: r.at,
            )[-1:]
        if options:
            fates[id(ctx.rng.choice(options))] = fate

    pick("ignore", 25, 45)
    pick("dispute", 18, 60)
    pick("dispute_decided", 60, 240)
    pick("late", 40, 200)
    return fates


def _submit(ctx: Context, rating: Rating, fate: str) -> None:
    author = ctx.ent_users[rating.enterprise_id]
    evaluation = evaluations.submit_evaluation(
        author, rating.visit, now=rating.at, **answers(ctx, rating)
    )
    ctx.stats["evaluations"] += 1
    for ticket in Rectification.objects.filter(evaluation=evaluation):
        if fate not in ("ignore", "open"):
            late = fate == "late"
            when = ctx.working(
                rating.at, ctx.rng.randint(16, 18) if late else ctx.rng.randint(2, 8)
            )
            if fate == "answered":  # answered promptly; the call-back is still to come
                when = max(min(when, ctx.now - timedelta(hours=1)), rating.at + timedelta(hours=1))
            ctx.at(when, lambda t=ticket, w=when: _answer(ctx, t, w, fate))


def _answer(ctx: Context, ticket: Rectification, when, fate: str) -> None:
    cause, measures = ctx.rng.choice(texts.ANSWERS)
    ticket = evaluations.answer_rectification(
        ctx.admins[ticket.provider_id], ticket, cause=cause, measures=measures, now=when
    )
    if fate != "answered":
        nxt = ctx.working(when, ctx.rng.randint(1, 4), hour=15)
        ctx.at(nxt, lambda: _callback(ctx, ticket, nxt, fate))


def _callback(ctx: Context, ticket: Rectification, when, fate: str) -> None:
    ticket = evaluations.record_callback(
        ctx.officers[ticket.agency_id], ticket, result=ctx.rng.choice(texts.CALLBACKS), now=when
    )
    nxt = ctx.later(when, 18, 50)
    ctx.at(nxt, lambda: _respond(ctx, ticket, nxt, fate))


def _respond(ctx: Context, ticket: Rectification, when, fate: str) -> None:
    author = ticket.evaluation.author
    if fate.startswith("dispute"):
        ticket = evaluations.respond_rectification(
            author, ticket, accepts=False, reason=ctx.rng.choice(texts.DISPUTES), now=when
        )
        if fate == "dispute_decided":
            nxt = ctx.working(when, ctx.rng.randint(3, 6))
            ctx.at(
                nxt,
                lambda: evaluations.decide_rectification(
                    ctx.sfj, ticket, decision=texts.DECISIONS[0], now=nxt
                ),
            )
        return
    evaluations.respond_rectification(author, ticket, accepts=True, now=when)

"""不满意退出: warning, the provider's reply, the exit proposal and the judicial bureau's decision."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.audit.services import record_event
from zerodisturb.contracts.models import Contract
from zerodisturb.contracts.services import end_provider_contracts
from zerodisturb.credentials.models import Credential
from zerodisturb.credentials.services import revoke_credential
from zerodisturb.notifications.services import judicial_bureau_supervisors, notify, users_of
from zerodisturb.once import process_once
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.registry.models import CountyPolicy, Organisation
from zerodisturb.registry.numbering import next_number
from zerodisturb.roles import Role
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.figures import figures_by_org, figures_for, rolling_12_months
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.permissions import can_decide, can_reply
from zerodisturb.scorecards.thresholds import describe_grounds, grounds
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import Visit
from zerodisturb.visits.services import cancel_visit

MAX_TEXT = 5000
S = ExitStatus


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _text(value, field: str, label: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: [f"请填写{label}"]})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: [f"{label}不能超过 {MAX_TEXT} 字"]})
    return text


def _link(case: ExitCase) -> str:
    return reverse("scorecards:exit_detail", args=[case.pk])


def _agency_officers(provider: Organisation):
    agencies = Contract.objects.filter(provider=provider).values("agency_id")
    return User.objects.filter(
        organisation_id__in=agencies, role=Role.AGENCY_OFFICER, is_active=True
    ).select_related("person")


def _everyone(case: ExitCase) -> list:
    people = list(users_of(case.provider, [Role.PROVIDER_ADMIN]))
    people += list(_agency_officers(case.provider))
    people += list(judicial_bureau_supervisors(case.county_code))
    return people


def _tell(users, case: ExitCase, step: str, title: str, body: str = "", kind="alert") -> None:
    notify(
        users,
        title=title,
        body=body,
        link=_link(case),
        kind=kind,
        dedupe_key=f"exit_case:{case.pk}:{step}",
        county_code=case.county_code,
        sms=kind == "alert",
    )


def _snapshot(figures, window) -> dict:
    return {"window": [str(window.start), str(window.end)], **figures.as_dict()}


# ── the worker ───────────────────────────────────────────────────────────────────────────────
def _cooling_down(provider_ids, today: date, policy: CountyPolicy) -> set[int]:
    """Providers whose last case was cleared or rejected within one rectification period: the
    same 12 months of figures must not warn them again the next morning."""
    since = timezone.make_aware(
        datetime.combine(
            today - timedelta(days=policy.exit_rectification_days), datetime.min.time()
        )
    )
    closed = ExitCase.objects.filter(provider_id__in=provider_ids).filter(
        cleared_at__gte=since
    ) | ExitCase.objects.filter(
        provider_id__in=provider_ids, status=S.REJECTED, decided_at__gte=since
    )
    return set(closed.values_list("provider_id", flat=True))


def _open_warning(provider: Organisation, figures, found, window, policy, now) -> ExitCase | None:
    today = timezone.localdate(now)
    county = provider.county_code
    try:
        with transaction.atomic():
            seq = next_number(f"TC-{county}-{today.year}")
            case = ExitCase.objects.create(
                county_code=county,
                number=f"TC-{county}-{today.year}-{seq:04d}",
                provider=provider,
                grounds=describe_grounds(figures, policy, found),
                warned_at=now,
                warning_figures=_snapshot(figures, window),
                rectify_until=today + timedelta(days=policy.exit_rectification_days),
            )
            record_event(
                None,
                "exit_case.warn",
                case,
                {"provider": provider.pk, "grounds": list(found), "figures": case.warning_figures},
            )
            _tell(
                _everyone(case),
                case,
                "warn",
                f"考核预警：{provider.name}",
                f"{case.grounds}。整改期至 {case.rectify_until}，机构可在期内陈述申辩。",
            )
    except IntegrityError:  # another run opened the provider's case first
        return None
    return case


def _assess_expired(case: ExitCase, now: datetime) -> None:
    """A warning whose rectification period has run out: still below → proposed, else cleared."""
    today = timezone.localdate(now)
    policy = CountyPolicy.for_county(case.county_code)
    window = rolling_12_months(today)
    figures = figures_for(case.provider, window, "provider")
    found = grounds(figures, policy)
    if found:
        moved = ExitCase.objects.filter(pk=case.pk, status=S.WARNING).update(
            status=S.PROPOSED,
            proposed_at=now,
            proposal_figures=_snapshot(figures, window),
            grounds=describe_grounds(figures, policy, found),
        )
        if moved:
            case.refresh_from_db()
            record_event(None, "exit_case.propose", case, {"figures": case.proposal_figures})
            _tell(
                judicial_bureau_supervisors(case.county_code),
                case,
                "propose",
                f"拟退出待确认：{case.provider.name}",
                f"整改期满仍未达标：{case.grounds}。请确认或不予退出，并说明理由。",
            )
        return
    moved = ExitCase.objects.filter(pk=case.pk, status=S.WARNING).update(
        status=S.CLEARED, cleared_at=now
    )
    if moved:
        case.refresh_from_db()
        record_event(None, "exit_case.clear", case, {"figures": _snapshot(figures, window)})
        _tell(_everyone(case), case, "clear", f"考核预警解除：{case.provider.name}", kind="info")


def assess_providers(now: datetime | None = None) -> int:
    """Open warnings for providers below the thresholds and move warnings whose period ran out.

    Idempotent: one open case per provider (a database constraint), each expiry claimed once.
    """
    now = _now(now)
    today = timezone.localdate(now)
    window = rolling_12_months(today)
    handled = 0
    providers = Organisation.objects.filter(kind=OrganisationKind.PROVIDER, active=True).exclude(
        excluded_until__gte=today
    )
    counties = providers.values_list("county_code", flat=True).distinct().order_by()
    for county in counties:
        policy = CountyPolicy.for_county(county)
        figures = figures_by_org("provider", window, county_code=county)
        below = {pk: grounds(f, policy) for pk, f in figures.items()}
        below = {pk: found for pk, found in below.items() if found}
        if not below:
            continue
        open_ids = set(
            ExitCase.objects.filter(
                provider_id__in=below, status__in=[S.WARNING, S.PROPOSED]
            ).values_list("provider_id", flat=True)
        )
        skip = open_ids | _cooling_down(list(below), today, policy)
        for provider in providers.filter(county_code=county, pk__in=below).exclude(pk__in=skip):
            if _open_warning(
                provider, figures[provider.pk], below[provider.pk], window, policy, now
            ):
                handled += 1
    expired = ExitCase.objects.filter(status=S.WARNING, rectify_until__lt=today)
    handled += process_once(
        expired.select_related("provider"),
        claim_field="assessed_at",
        now=now,
        act=lambda case: _assess_expired(case, now),
    )
    return handled


# ── the people's actions ─────────────────────────────────────────────────────────────────────
def _locked(case: ExitCase) -> ExitCase:
    return ExitCase.objects.select_for_update().select_related("provider").get(pk=case.pk)


@transaction.atomic
def reply_to_warning(actor, case: ExitCase, *, text: str, now: datetime | None = None) -> ExitCase:
    """The provider's statement (陈述申辩) while its case is open; a later reply replaces it."""
    now = _now(now)
    case = _locked(case)
    if not can_reply(actor, case):
        raise PermissionDenied("只有该机构的管理员可以在预警或拟退出期间陈述申辩。")
    text = _text(text, "text", "陈述申辩内容")
    before = case.provider_reply
    case.provider_reply, case.replied_at, case.replied_by = text, now, actor
    case.save(update_fields=["provider_reply", "replied_at", "replied_by"])
    record_event(actor, "exit_case.reply", case, {"text": text, "replaced": bool(before)})
    _tell(
        judicial_bureau_supervisors(case.county_code),
        case,
        f"reply:{now.isoformat()}",
        f"{case.provider.name} 已就考核预警陈述申辩",
        kind="info",
    )
    return case


def _decidable(actor, case: ExitCase, reason: str) -> tuple[ExitCase, str]:
    case = _locked(case)
    if not can_decide(actor, case, any_status=True):
        raise PermissionDenied("只有本县司法局监管人员可以决定是否退出。")
    if case.status != S.PROPOSED:
        raise ValidationError(
            {"status": [f"该案件当前为“{case.get_status_display()}”，不能再作决定。"]}
        )
    return case, _text(reason, "reason", "理由")


def _cancel_planned_visits(actor, provider: Organisation, reason: str) -> list[Visit]:
    planned = (
        Visit.objects.filter(status=VisitStatus.PLANNED)
        .filter(parties__contract__provider=provider)
        .distinct()
        .order_by("pk")
    )
    cancelled = []
    for visit in planned:
        cancelled.append(cancel_visit(actor, visit, reason))
        officers = User.objects.filter(
            organisation_id__in=visit.parties.values("agency_id"),
            role=Role.AGENCY_OFFICER,
            is_active=True,
        ).select_related("person")
        notify(
            officers,
            title=f"入企已取消：{visit.number}",
            body=reason,
            link=reverse("visits:detail", args=[visit.pk]),
            kind="alert",
            dedupe_key=f"visit:{visit.pk}:cancel_exit",
            county_code=visit.county_code,
        )
    return cancelled


@transaction.atomic
def confirm_exit(actor, case: ExitCase, *, reason: str, now: datetime | None = None) -> ExitCase:
    """Exit at once: contracts end, credentials revoked, planned visits cancelled, excluded."""
    now = _now(now)
    case, reason = _decidable(actor, case, reason)
    provider = Organisation.objects.select_for_update().get(pk=case.provider_id)
    today = timezone.localdate(now)
    policy = CountyPolicy.for_county(case.county_code)
    excluded_until = _years_later(today, policy.exit_exclusion_years)
    note = f"不满意退出（{case.number}）：{reason}"[:300]
    ended = [c.number for c in end_provider_contracts(actor, provider, note, now)]
    revoked = []
    for credential in Credential.objects.filter(
        provider=provider, status__in=[Credential.Status.ACTIVE, Credential.Status.SUSPENDED]
    ).order_by("pk"):
        revoke_credential(actor, credential, note)
        revoked.append(credential.number)
    cancelled = _cancel_planned_visits(actor, provider, note)
    provider.exited_at, provider.excluded_until = now, excluded_until
    provider.save(update_fields=["exited_at", "excluded_until", "updated_at"])
    case.status, case.decided_by, case.decided_at = S.EXITED, actor, now
    case.decision_reason, case.exited_at, case.excluded_until = reason, now, excluded_until
    case.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
            "exited_at",
            "excluded_until",
        ]
    )
    record_event(
        actor,
        "exit_case.confirm",
        case,
        {
            "reason": reason,
            "contracts_ended": ended,
            "credentials_revoked": revoked,
            "visits_cancelled": [v.number for v in cancelled],
            "excluded_until": excluded_until,
        },
    )
    record_event(
        actor,
        "organisation.exit",
        provider,
        {"exit_case": case.number, "excluded_until": excluded_until},
    )
    _tell(
        _everyone(case),
        case,
        "exit",
        f"已退出：{provider.name}",
        f"司法局确认退出。合同已终止，证件已吊销，{excluded_until} 前不得签订新合同。",
    )
    return case


@transaction.atomic
def reject_exit(actor, case: ExitCase, *, reason: str, now: datetime | None = None) -> ExitCase:
    now = _now(now)
    case, reason = _decidable(actor, case, reason)
    case.status, case.decided_by, case.decided_at, case.decision_reason = (
        S.REJECTED,
        actor,
        now,
        reason,
    )
    case.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    record_event(actor, "exit_case.reject", case, {"reason": reason})
    _tell(_everyone(case), case, "reject", f"不予退出：{case.provider.name}", reason, kind="info")
    return case

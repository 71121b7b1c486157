"""The 事后 thresholds the judicial bureau configures, and the rule that compares figures to them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zerodisturb.audit.services import record_event
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.roles import Role
from zerodisturb.scorecards.choices import Ground
from zerodisturb.scorecards.figures import Figures

# field → (lowest, highest) allowed; the order is the settings page's.
THRESHOLD_FIELDS: dict[str, tuple[int, int]] = {
    "exit_satisfaction_min": (0, 100),
    "exit_min_evaluations": (1, 10000),
    "exit_substantiated_complaints": (1, 1000),
    "exit_rectification_days": (1, 365),
    "exit_exclusion_years": (1, 10),
    "evaluation_reminder_days": (1, 30),
    "evaluation_amend_days": (1, 90),
    "rectification_working_days": (1, 120),
    "complaint_ack_days": (1, 30),
    "complaint_reply_days": (1, 60),
    "complaint_close_days": (1, 120),
}


def grounds(figures: Figures, policy: CountyPolicy) -> list[str]:
    """The thresholds these 12-month figures cross (empty: not below)."""
    found = []
    if figures.satisfaction_below(
        Decimal(policy.exit_satisfaction_min), policy.exit_min_evaluations
    ):
        found.append(Ground.SATISFACTION)
    if figures.substantiated_complaints >= policy.exit_substantiated_complaints:
        found.append(Ground.COMPLAINTS)
    return found


def describe_grounds(figures: Figures, policy: CountyPolicy, found: list[str]) -> str:
    """One line in words, with figures only (no names): kept on the case and shown publicly."""
    parts = []
    if Ground.SATISFACTION in found:
        parts.append(
            f"近 12 个月满意率 {figures.satisfaction_rate}%（{figures.evaluations} 条评价），"
            f"低于 {Decimal(policy.exit_satisfaction_min).normalize():f}%"
        )
    if Ground.COMPLAINTS in found:
        parts.append(
            f"近 12 个月查实投诉 {figures.substantiated_complaints} 件，"
            f"达到 {policy.exit_substantiated_complaints} 件"
        )
    return "；".join(parts)[:300]


def can_configure(user, county_code: str | None = None) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.SUPERVISOR
        and user.organisation is not None
        and user.organisation.is_judicial_bureau
        and (county_code is None or user.county_code == county_code)
    )


def current_values(policy: CountyPolicy) -> dict:
    return {name: getattr(policy, name) for name in THRESHOLD_FIELDS}


def _parse(name: str, raw, errors: dict) -> int | Decimal | None:
    low, high = THRESHOLD_FIELDS[name]
    text = str(raw if raw is not None else "").strip()
    if not text:
        errors[name] = ["请填写此项"]
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[name] = ["请填写数字"]
        return None
    if not value.is_finite():
        errors[name] = ["请填写数字"]
        return None
    if name == "exit_satisfaction_min":
        if value != value.quantize(Decimal("0.01")):
            errors[name] = ["最多保留两位小数"]
            return None
    elif value != value.to_integral_value():
        errors[name] = ["请填写整数"]
        return None
    if not low <= value <= high:
        errors[name] = [f"应在 {low} 到 {high} 之间"]
        return None
    return value.quantize(Decimal("0.01")) if name == "exit_satisfaction_min" else int(value)


@transaction.atomic
def update_thresholds(actor, county_code: str, data: dict) -> CountyPolicy:
    """Set the county's thresholds; fields not in `data` keep their value. Audited old → new."""
    if not can_configure(actor, county_code):
        raise PermissionDenied("只有本县司法局监管人员可以设置考核与退出阈值。")
    policy, _created = CountyPolicy.objects.get_or_create(county_code=county_code)
    policy = CountyPolicy.objects.select_for_update().get(pk=policy.pk)
    before = current_values(policy)
    errors: dict[str, list[str]] = {}
    after = dict(before)
    for name in THRESHOLD_FIELDS:
        if name in data:
            value = _parse(name, data[name], errors)
            if value is not None:
                after[name] = value
    if not errors:
        ack, reply, close = (
            after["complaint_ack_days"],
            after["complaint_reply_days"],
            after["complaint_close_days"],
        )
        if reply < ack:
            errors["complaint_reply_days"] = ["首次答复期限不能短于受理期限"]
        elif close < reply:
            errors["complaint_close_days"] = ["办结期限不能短于首次答复期限"]
    if errors:
        raise ValidationError(errors)
    changed = {
        name: [str(before[name]), str(after[name])]
        for name in THRESHOLD_FIELDS
        if Decimal(before[name]) != Decimal(after[name])
    }
    if changed:
        for name in changed:
            setattr(policy, name, after[name])
        policy.save(update_fields=list(changed))
        record_event(
            actor,
            "county_policy.thresholds",
            policy,
            {"changed": changed},
            object_number=county_code,
            county_code=county_code,
        )
    return policy

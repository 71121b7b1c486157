"""Commissioned-item actions: create, edit, submit, vote, revise, withdraw, mark for merging.

Each runs in one transaction, checks who may act, moves the state machine and writes its audit
event. Votes lock the item row so that simultaneous votes produce exactly one outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.commissioning import permissions as perms
from zerodisturb.commissioning.choices import CURRENT_STATUSES, Decision, ItemStatus
from zerodisturb.commissioning.cleaning import clean_item, parse_amount
from zerodisturb.commissioning.models import CommissionedItem, ItemVersion, Review
from zerodisturb.commissioning.negative import negative_list_hits
from zerodisturb.commissioning.overlap import Overlap, find_overlaps
from zerodisturb.notifications.models import Notification
from zerodisturb.notifications.services import notify, users_of
from zerodisturb.registry.models import ReviewDepartment
from zerodisturb.registry.numbering import next_number
from zerodisturb.roles import Role
from zerodisturb.workdays.services import add_working_days

REVIEW_WORKING_DAYS = 10
VERSION_FIELDS = (
    "domain",
    "title",
    "content",
    "legal_basis",
    "why_external",
    "target_sectors",
    "period_start",
    "period_end",
    "requested_budget",
)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _snapshot(version: ItemVersion) -> dict:
    data = {name: getattr(version, name) for name in VERSION_FIELDS}
    data["domain"] = version.domain.name
    data["target_enterprises"] = sorted(version.target_enterprises.values_list("pk", flat=True))
    data["target_localities"] = sorted(version.target_localities.values_list("pk", flat=True))
    return data


def _write_version(version: ItemVersion, clean: dict) -> None:
    for name in VERSION_FIELDS:
        setattr(version, name, clean[name])
    version.save()
    version.target_enterprises.set(clean["target_enterprises"])
    version.target_localities.set(clean["target_localities"])


def _locked(item: CommissionedItem) -> CommissionedItem:
    return CommissionedItem.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def create_item(actor, data: dict, now: datetime | None = None) -> CommissionedItem:
    if not perms.can_create_item(actor):
        raise PermissionDenied("只有委托机关经办人可以申请委托事项。")
    county = actor.county_code
    clean = clean_item(data, county)
    year = timezone.localdate(_now(now)).year
    number = f"WT-{county}-{year}-{next_number(f'WT-{county}-{year}'):04d}"
    item = CommissionedItem.objects.create(
        county_code=county, number=number, agency=actor.organisation, created_by=actor
    )
    version = ItemVersion(item=item, version=1, created_by=actor)
    _write_version(version, clean)
    item.current_version = version
    item.save(update_fields=["current_version"])
    record_event(actor, "item.create", item, {"version": 1, "data": _snapshot(version)})
    return item


@transaction.atomic
def update_draft(actor, item: CommissionedItem, data: dict) -> CommissionedItem:
    item = _locked(item)
    if not perms.can_edit_item(actor, item):
        raise PermissionDenied("只有本机关经办人可以修改草稿。")
    if item.status != ItemStatus.DRAFT:
        raise ValidationError({"status": "只有草稿可以修改；已提交的事项请等待联审结果。"})
    clean = clean_item(data, item.county_code)
    version = item.current_version
    before = _snapshot(version)
    _write_version(version, clean)
    after = _snapshot(version)
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if changes:
        record_event(actor, "item.update", item, {"version": version.version, "changes": changes})
    return item


@dataclass
class Submission:
    item: CommissionedItem
    overlaps: list[Overlap]


class _NegativeListRefusal(Exception):
    def __init__(self, item: CommissionedItem, hits: list) -> None:
        super().__init__(item.number)
        self.item, self.hits = item, hits


def submit_item(actor, item: CommissionedItem, now: datetime | None = None) -> Submission:
    """Refuse negative-list content; otherwise open the joint review with its deadline."""
    try:
        return _submit_item(actor, item, now)
    except _NegativeListRefusal as refusal:
        # Written after the rollback: raised inside the transaction it would vanish with it.
        hits = refusal.hits
        with transaction.atomic():
            record_event(
                actor,
                "item.refused_negative_list",
                refusal.item,
                {
                    "rules": [
                        {"id": h.rule.pk, "keyword": h.keyword, "rule_ref": h.rule.rule_ref}
                        for h in hits
                    ]
                },
            )
        raise ValidationError({"content": [h.message() for h in hits]}) from None


@transaction.atomic
def _submit_item(actor, item: CommissionedItem, now: datetime | None) -> Submission:
    now = _now(now)
    item = _locked(item)
    if not perms.can_edit_item(actor, item):
        raise PermissionDenied("只有本机关经办人可以提交事项。")
    if item.status != ItemStatus.DRAFT:
        raise ValidationError({"status": f"事项当前为“{item.get_status_display()}”，不能提交。"})
    version = item.current_version
    hits = negative_list_hits(item.county_code, version.title, version.content)
    if hits:
        raise _NegativeListRefusal(item, hits)
    seats = list(
        ReviewDepartment.objects.filter(county_code=item.county_code, active=True)
        .select_related("organisation")
        .order_by("order")
    )
    if not seats:
        raise ValidationError({"status": "本县尚未配置联审部门，请联系司法局。"})
    today = timezone.localdate(now)
    deadline = add_working_days(today, REVIEW_WORKING_DAYS)
    reviews = [
        Review(
            item=item,
            version=version,
            department=seat.organisation,
            is_lead=seat.is_lead,
            order=seat.order,
            due_on=deadline.date,
            due_estimated=deadline.estimated,
        )
        for seat in seats
        if seat.organisation_id != item.agency_id  # no one reviews its own organisation's item
    ]
    if not reviews:
        raise ValidationError(
            {"status": "除本单位外没有可参加联审的部门，请联系司法局调整联审部门。"}
        )
    Review.objects.bulk_create(reviews)
    item.submit()
    item.submitted_at = now
    item.first_submitted_at = item.first_submitted_at or now
    item.review_due_on = deadline.date
    item.save()
    ItemVersion.objects.filter(pk=version.pk).update(submitted_at=now)
    overlaps = find_overlaps(version)
    record_event(
        actor,
        "item.submit",
        item,
        {
            "version": version.version,
            "review_due_on": deadline.date,
            "due_estimated": deadline.estimated,
            "departments": [r.department_id for r in reviews],
            "overlaps": [{"item": o.item.number, "score": o.score} for o in overlaps],
        },
    )
    for review in reviews:
        notify(
            users_of(review.department, [Role.REVIEWER]),
            kind="reminder",
            title=f"待联审：{item.number} {version.title}",
            body=f"请于 {deadline.date:%Y-%m-%d} 前提出意见。",
            link=f"/commissioning/items/{item.pk}/",
            dedupe_key=f"review-request:{review.version_id}:{review.department_id}",
            county_code=item.county_code,
        )
    return Submission(item, overlaps)


@transaction.atomic
def cast_review_vote(
    actor,
    item: CommissionedItem,
    decision: str,
    opinion: str,
    amount=None,
    now: datetime | None = None,
) -> Review:
    """Record one department's vote; the last vote (or any rejection) decides the item."""
    now = _now(now)
    item = _locked(item)  # serialises votes on this item: exactly one outcome
    if decision not in (Decision.APPROVE, Decision.APPROVE_CUT, Decision.REJECT):
        raise ValidationError({"decision": "意见应为同意、核减预算后同意或不同意"})
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": "请填写书面意见"})
    if len(opinion) > 2000:
        raise ValidationError({"opinion": "书面意见不能超过 2000 字"})
    if item.status not in (ItemStatus.SUBMITTED, ItemStatus.UNDER_REVIEW):
        raise ValidationError({"status": f"事项当前为“{item.get_status_display()}”，不在联审中。"})
    review = Review.objects.filter(
        version=item.current_version, department_id=actor.organisation_id
    ).first()
    if not perms.can_vote(actor, item, review):
        raise PermissionDenied("您所在部门不是本事项的联审部门，或不能审核本单位的事项。")
    if review.decision != Decision.PENDING:
        raise ValidationError({"decision": "本部门已表决，不能重复表决。"})
    requested = item.current_version.requested_budget
    errors: dict[str, str] = {}
    approved_amount = None
    if decision == Decision.APPROVE_CUT:
        approved_amount = parse_amount(amount, "amount", errors)
        if approved_amount is not None and approved_amount >= requested:
            errors["amount"] = f"核减后金额应低于申请金额 {requested:,.2f} 元"
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    review.decision, review.approved_amount, review.opinion = decision, approved_amount, opinion
    review.reviewer, review.decided_at = actor, now
    review.save()
    # The department's "please review" notification is done with once it has voted.
    Notification.objects.filter(
        dedupe_key=f"review-request:{review.version_id}:{review.department_id}",
        read_at__isnull=True,
    ).update(read_at=now)
    record_event(
        actor,
        "review.vote",
        item,
        {
            "version": item.current_version.version,
            "department": actor.organisation_id,
            "decision": decision,
            "approved_amount": approved_amount,
        },
    )
    if item.status == ItemStatus.SUBMITTED:
        item.start_review()
    _decide_if_complete(actor, item, now)
    item.save()
    return review


def _decide_if_complete(actor, item: CommissionedItem, now: datetime) -> None:
    reviews = list(Review.objects.filter(version=item.current_version).select_related("version"))
    if any(r.decision == Decision.REJECT for r in reviews):
        item.reject()
        Review.objects.filter(version=item.current_version, decision=Decision.PENDING).update(
            decision=Decision.CLOSED
        )
        outcome = {"outcome": ItemStatus.REJECTED}
    elif all(r.decision in (Decision.APPROVE, Decision.APPROVE_CUT) for r in reviews):
        item.approved_budget = min(r.amount_for_outcome for r in reviews)
        if item.approved_budget < item.current_version.requested_budget:
            item.approve_reduced()
        else:
            item.approve()
        outcome = {"outcome": item.status, "approved_budget": item.approved_budget}
    else:
        return
    item.decided_at = now
    record_event(actor, "item.decide", item, outcome | {"version": item.current_version.version})
    notify(
        users_of(item.agency, [Role.AGENCY_OFFICER]),
        kind="info",
        title=f"联审结果：{item.number} {item.get_status_display()}",
        link=f"/commissioning/items/{item.pk}/",
        dedupe_key=f"decided:{item.current_version_id}",
        county_code=item.county_code,
    )


@transaction.atomic
def revise_item(actor, item: CommissionedItem) -> CommissionedItem:
    """After a rejection: a new draft version, copied from the last one."""
    item = _locked(item)
    if not perms.can_edit_item(actor, item):
        raise PermissionDenied("只有本机关经办人可以修改后重新提交。")
    if item.status != ItemStatus.REJECTED:
        raise ValidationError({"status": "只有未通过的事项可以修改后重新提交。"})
    old = item.current_version
    new = ItemVersion(item=item, version=old.version + 1, created_by=actor)
    clean = {name: getattr(old, name) for name in VERSION_FIELDS}
    clean["target_enterprises"] = list(old.target_enterprises.all())
    clean["target_localities"] = list(old.target_localities.all())
    _write_version(new, clean)
    item.revise()
    item.current_version = new
    item.approved_budget = None
    item.decided_at = None
    item.review_due_on = None
    item.save()
    record_event(actor, "item.revise", item, {"version": new.version, "from_version": old.version})
    return item


@transaction.atomic
def withdraw_item(actor, item: CommissionedItem, reason: str) -> CommissionedItem:
    item = _locked(item)
    if not perms.can_edit_item(actor, item):
        raise PermissionDenied("只有本机关经办人可以撤回事项。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤回理由"})
    if item.status not in (
        ItemStatus.DRAFT,
        ItemStatus.SUBMITTED,
        ItemStatus.UNDER_REVIEW,
        ItemStatus.REJECTED,
    ):
        raise ValidationError({"status": f"“{item.get_status_display()}”的事项不能撤回。"})
    item.withdraw()
    item.withdrawn_reason = reason[:300]
    item.save()
    Review.objects.filter(item=item, decision=Decision.PENDING).update(decision=Decision.CLOSED)
    record_event(actor, "item.withdraw", item, {"reason": item.withdrawn_reason})
    return item


@transaction.atomic
def mark_merge(
    actor, item: CommissionedItem, other: CommissionedItem | None, note: str = ""
) -> CommissionedItem:
    """A reviewer or the judicial bureau suggests merging this item into another (or clears it)."""
    item = _locked(item)
    if not perms.can_mark_merge(actor, item):
        raise PermissionDenied("只有联审部门和司法局可以标记合并。")
    if other is not None:
        # Its current status, not the caller's (possibly stale) copy.
        other = CommissionedItem.objects.get(pk=other.pk)
    if other is not None and (
        other.pk == item.pk
        or other.county_code != item.county_code
        or other.status not in CURRENT_STATUSES
    ):
        raise ValidationError({"merge_with": "只能合并到本县另一个已提交或已批准的事项"})
    before = item.merge_with.number if item.merge_with_id else None
    item.merge_with = other
    item.merge_note = (note or "").strip()[:300]
    item.save(update_fields=["merge_with", "merge_note"])
    record_event(
        actor,
        "item.mark_merge",
        item,
        {"merge_with": [before, other.number if other else None], "note": item.merge_note},
    )
    return item


NEGATIVE_RULE_LIMITS = {"reason": 300, "rule_ref": 200, "keywords": 2000}


def _clean_negative_rule(data: dict) -> dict:
    from zerodisturb.commissioning.choices import NegativeCategory
    from zerodisturb.commissioning.models import NegativeRule

    errors: dict[str, str] = {}
    clean: dict = {}
    category = str(data.get("category") or "").strip()
    if category not in NegativeCategory.values:
        errors["category"] = "请选择负面清单类别"
    clean["category"] = category
    for name, limit in NEGATIVE_RULE_LIMITS.items():
        value = str(data.get(name) or "").strip()
        if name != "keywords" and not value:
            errors[name] = "必填项不能为空"
        elif len(value) > limit:
            errors[name] = f"不能超过 {limit} 个字（现为 {len(value)} 个字）"
        clean[name] = value
    keywords = NegativeRule(keywords=clean["keywords"]).keyword_list
    if not keywords and "keywords" not in errors:
        errors["keywords"] = "请至少填写一个关键词"
    elif any(len(k) < 2 for k in keywords):
        # A one-character keyword would refuse almost every application.
        errors["keywords"] = "每个关键词至少 2 个字"
    clean["keywords"] = "\n".join(dict.fromkeys(keywords))
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    return clean


@transaction.atomic
def save_negative_rule(actor, data: dict, rule=None):
    """The judicial bureau adds a negative-list entry or edits one of its county's entries."""
    from zerodisturb.commissioning.models import NegativeRule

    if not perms.can_manage_negative_list(actor):
        raise PermissionDenied("只有司法局可以维护负面清单。")
    if rule is not None:
        rule = NegativeRule.objects.select_for_update().get(pk=rule.pk)
        if actor.role != Role.SYSTEM_ADMIN and rule.county_code != actor.county_code:
            raise PermissionDenied("只能维护本县的负面清单。")
    clean = _clean_negative_rule(data)
    if rule is None:
        rule = NegativeRule(county_code=actor.county_code)
        before = None
    else:
        before = {k: getattr(rule, k) for k in clean}
    for name, value in clean.items():
        setattr(rule, name, value)
    rule.updated_by = actor
    rule.save()
    changes = (
        clean if before is None else {k: [before[k], v] for k, v in clean.items() if before[k] != v}
    )
    record_event(actor, "negative_rule.save", rule, {"created": before is None, "changes": changes})
    return rule


@transaction.atomic
def set_negative_rule_active(actor, rule, active: bool):
    from zerodisturb.commissioning.models import NegativeRule

    if not perms.can_manage_negative_list(actor):
        raise PermissionDenied("只有司法局可以维护负面清单。")
    rule = NegativeRule.objects.select_for_update().get(pk=rule.pk)
    if actor.role != Role.SYSTEM_ADMIN and rule.county_code != actor.county_code:
        raise PermissionDenied("只能维护本县的负面清单。")
    if rule.active == bool(active):
        return rule
    rule.active = bool(active)
    rule.updated_by = actor
    rule.save(update_fields=["active", "updated_by", "updated_at"])
    action = "negative_rule.activate" if active else "negative_rule.deactivate"
    record_event(actor, action, rule, {"category": rule.category, "reason": rule.reason})
    return rule

"""Overdue joint reviews: a reminder to the department, an alert to the judicial bureau, once."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.commissioning.choices import Decision, ItemStatus
from zerodisturb.commissioning.models import Review
from zerodisturb.notifications.services import judicial_bureau_supervisors, notify, users_of
from zerodisturb.once import process_once
from zerodisturb.roles import Role


def overdue_reviews(now: datetime):
    return Review.objects.filter(
        decision=Decision.PENDING,
        due_on__lt=timezone.localdate(now),
        overdue_notified_at__isnull=True,
        item__status__in=(ItemStatus.SUBMITTED, ItemStatus.UNDER_REVIEW),
    ).select_related("item", "version", "department")


def process_overdue_reviews(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return process_once(
        overdue_reviews(now),
        claim_field="overdue_notified_at",
        now=now,
        act=_chase_review,
        order_by=("due_on", "pk"),
    )


def _chase_review(review) -> None:
    item = review.item
    record_event(
        None,
        "review.overdue",
        item,
        {"department": review.department_id, "due_on": review.due_on},
    )
    link = f"/commissioning/items/{item.pk}/"
    notify(
        users_of(review.department, [Role.REVIEWER]),
        kind="reminder",
        sms=True,
        title=f"联审已逾期：{item.number}",
        link=link,
        body=f"{review.version.title}，截止日 {review.due_on:%Y-%m-%d}，请尽快表决。",
        dedupe_key=f"review-overdue:{review.pk}",
        county_code=item.county_code,
    )
    notify(
        judicial_bureau_supervisors(item.county_code),
        kind="alert",
        link=link,
        title=f"预警：{review.department} 逾期未表决 {item.number}",
        dedupe_key=f"review-overdue-alert:{review.pk}",
        county_code=item.county_code,
    )

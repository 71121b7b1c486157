"""Sending notifications: once per (recipient, dedupe key), in-app always, email and SMS when set."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from zerodisturb.notifications.models import Notification
from zerodisturb.notifications.sms import sms_adapter

log = logging.getLogger(__name__)


def notify(
    recipients: Iterable,
    *,
    title: str,
    body: str = "",
    link: str = "",
    kind: str = "info",
    dedupe_key: str,
    county_code: str = "",
    sms: bool = False,
) -> list[Notification]:
    """Create one notification per recipient unless it was already sent for this key."""
    created = []
    for user in recipients:
        if not user.is_active:
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    county_code=county_code or user.county_code,
                    recipient=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    link=link,
                    dedupe_key=dedupe_key[:200],
                )
        except IntegrityError:
            continue  # already sent: the worker ran before
        created.append(note)
        transaction.on_commit(lambda user=user: _deliver(user, title, body, link, sms))
    return created


def _deliver(user, title: str, body: str, link: str, sms: bool) -> None:
    text = f"{title}\n{body}\n{settings.SITE_URL}{link}" if link else f"{title}\n{body}"
    if user.email and settings.NOTIFY_BY_EMAIL:
        try:
            send_mail(f"[零扰企] {title}", text, None, [user.email])
        except Exception:  # a mail outage must not stop the worker; the in-app copy stands
            log.exception("email to user %s failed", user.pk)
    phone = user.person.phone if user.person_id else ""
    if sms and phone:
        try:
            sms_adapter().send(phone, f"【零扰企】{title}")
        except Exception:
            log.exception("SMS to user %s failed", user.pk)


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def users_of(organisation, roles: Iterable[str] | None = None):
    """Active users of an organisation, optionally only those with the given roles."""
    from zerodisturb.accounts.models import User

    qs = User.objects.filter(organisation=organisation, is_active=True).select_related("person")
    if roles:
        qs = qs.filter(role__in=list(roles))
    return qs


def judicial_bureau_supervisors(county_code: str):
    """The supervisors of the county's judicial bureau, who receive every alert (预警)."""
    from zerodisturb.accounts.models import User

    return User.objects.filter(
        organisation__county_code=county_code,
        organisation__is_judicial_bureau=True,
        role="supervisor",
        is_active=True,
    ).select_related("person")

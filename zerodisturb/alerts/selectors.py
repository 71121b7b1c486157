"""Filtering the alert list (the same for the page and the API)."""

from __future__ import annotations

from django.db.models import QuerySet

from zerodisturb.alerts.models import Alert


def filter_alerts(qs: QuerySet[Alert], *, kind="", owner=None, state="") -> QuerySet[Alert]:
    """`state` "" means the open ones, "closed" the closed ones, "all" everything."""
    if kind:
        qs = qs.filter(kind=kind)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if state == "":
        qs = qs.filter(closed_at__isnull=True)
    elif state == "closed":
        qs = qs.filter(closed_at__isnull=False)
    return qs.order_by("-opened_at", "-pk")

"""Rates on the scorecard pages: "—" when nothing stands behind them, never 0%."""

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def score(value) -> str:
    return "—" if value is None else str(value)


@register.filter
def snap(value) -> str:
    return "—" if value in (None, "") else str(value)

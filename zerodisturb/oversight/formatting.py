"""How a figure reads on the page: "—" for nothing, percentages with one decimal."""

from __future__ import annotations

DASH = "—"


def fmt(value, unit: str) -> str:
    if value is None:
        return DASH
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "count":
        return f"{int(value):,}"
    if unit == "yuan":
        return f"{value:,.2f}"
    return f"{value:.2f}"


def fmt_change(change, unit: str) -> str:
    if change is None:
        return DASH
    if unit == "rate":
        return f"{change * 100:+.1f} 个百分点"
    return f"{change * 100:+.1f}%"

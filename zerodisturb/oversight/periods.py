"""The dashboard's periods (month, quarter, year) and filters, parsed from a query string."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date

from django.utils.translation import gettext as _

from zerodisturb.oversight.sources import DIMENSIONS

KINDS = ("year", "quarter", "month")


@dataclass(frozen=True)
class Period:
    year: int
    kind: str = "year"
    index: int | None = None  # quarter 1..4 or month 1..12

    @property
    def first_month(self) -> int:
        if self.kind == "month":
            return self.index
        if self.kind == "quarter":
            return 3 * (self.index - 1) + 1
        return 1

    @property
    def last_month(self) -> int:
        return {"month": self.first_month, "quarter": self.first_month + 2}.get(self.kind, 12)

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        m = self.last_month
        return date(self.year, m, calendar.monthrange(self.year, m)[1])

    def months(self) -> list[date]:
        return [date(self.year, m, 1) for m in range(self.first_month, self.last_month + 1)]

    def previous_year(self) -> Period:
        return replace(self, year=self.year - 1)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(y)s 年 %(m)s 月") % {"y": self.year, "m": self.index}
        if self.kind == "quarter":
            return _("%(y)s 年第 %(q)s 季度") % {"y": self.year, "q": self.index}
        return _("%(y)s 年") % {"y": self.year}

    def as_query(self) -> dict:
        out = {"year": self.year, "period": self.kind}
        if self.kind == "month":
            out["month"] = self.index
        elif self.kind == "quarter":
            out["quarter"] = self.index
        return out


def _int(value, low, high, default):
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return n if low <= n <= high else default


def parse_period(params, today: date) -> Period:
    year = _int(params.get("year"), 2000, 2100, today.year)
    kind = params.get("period") if params.get("period") in KINDS else "year"
    if kind == "month":
        return Period(year, kind, _int(params.get("month"), 1, 12, today.month))
    if kind == "quarter":
        return Period(year, kind, _int(params.get("quarter"), 1, 4, (today.month - 1) // 3 + 1))
    return Period(year)


def parse_filters(params) -> dict[str, int | None]:
    out = {}
    for dim in DIMENSIONS:
        value = params.get(dim)
        out[dim] = int(value) if value and str(value).isdigit() else None
    return out

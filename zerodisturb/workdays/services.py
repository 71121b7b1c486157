"""Working-day arithmetic on the Chinese holiday calendar.

A date's status comes from, in order: a `CalendarDay` row in the database; chinese-calendar for the
years it knows; for any other year that has rows in the database, weekends; otherwise weekends too,
but the result is flagged as estimated because the State Council schedule is not known yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

from zerodisturb.workdays.models import CalendarDay


@dataclass(frozen=True)
class Deadline:
    date: date
    estimated: bool  # True when a day past the known calendar was counted on weekends only


class _Calendar:
    """Answers for one computation; loads the database overrides for the years it touches."""

    def __init__(self) -> None:
        self._overrides: dict[date, bool] = {}
        self._loaded_years: set[int] = set()
        self._years_with_rows: set[int] = set()
        self.estimated = False

    def _load(self, year: int) -> None:
        if year in self._loaded_years:
            return
        rows = CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day")
        for day, working in rows:
            self._overrides[day] = working
            self._years_with_rows.add(year)
        self._loaded_years.add(year)

    def is_working_day(self, day: date) -> bool:
        self._load(day.year)
        if day in self._overrides:
            return self._overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self._years_with_rows:
                self.estimated = True
            return day.weekday() < 5


def is_working_day(day: date) -> bool:
    return _Calendar().is_working_day(day)


def is_known_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
        return True
    except NotImplementedError:
        return CalendarDay.objects.filter(date__year=year).exists()


def add_working_days(start: date, days: int) -> Deadline:
    """The date `days` working days after `start` (start itself not counted; negative goes back)."""
    cal = _Calendar()
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = start
    while remaining:
        current += timedelta(days=step)
        if cal.is_working_day(current):
            remaining -= 1
    return Deadline(current, cal.estimated)


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start)
    cal = _Calendar()
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if cal.is_working_day(current):
            count += 1
    return count


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the next one."""
    cal = _Calendar()
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    return day

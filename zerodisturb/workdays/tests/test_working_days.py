"""Working days on the Chinese calendar, with database overrides for years it does not know."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerodisturb.workdays.models import CalendarDay
from zerodisturb.workdays.services import (
    add_working_days,
    is_known_year,
    is_working_day,
    next_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db


def test_national_day_2026_with_adjusted_working_days():
    # 2026: Mid-autumn 25–27 September and National Day 1–7 October off; Saturday 10 October
    # is a working day (调休).
    assert not is_working_day(date(2026, 9, 25))
    assert not is_working_day(date(2026, 10, 1))
    assert not is_working_day(date(2026, 10, 7))
    assert is_working_day(date(2026, 10, 10))
    # Ten working days from Thursday 24 September: 28, 29, 30 Sep, then 8, 9, 10 (Sat), 12, 13,
    # 14, 15 Oct.
    deadline = add_working_days(date(2026, 9, 24), 10)
    assert deadline.date == date(2026, 10, 15)
    assert not deadline.estimated


def test_spring_festival_2026():
    # 2026 Spring Festival: 15–23 February off; 14 February (Saturday) and 28 February work.
    assert not is_working_day(date(2026, 2, 16))
    assert is_working_day(date(2026, 2, 14))
    assert add_working_days(date(2026, 2, 13), 1).date == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1).date == date(2026, 2, 24)


def test_ordinary_weekend_and_going_back():
    assert add_working_days(date(2026, 11, 20), 1).date == date(2026, 11, 23)  # Fri -> Mon
    assert add_working_days(date(2026, 11, 23), -1).date == date(2026, 11, 20)
    assert add_working_days(date(2026, 11, 23), 0).date == date(2026, 11, 23)
    assert next_working_day(date(2026, 11, 21)) == date(2026, 11, 23)


def test_between_counts_working_days():
    assert working_days_between(date(2026, 9, 24), date(2026, 10, 15)) == 10
    assert working_days_between(date(2026, 10, 15), date(2026, 9, 24)) == -10


def test_deadline_past_the_known_calendar_is_computed_and_flagged():
    assert not is_known_year(2027)
    deadline = add_working_days(date(2026, 12, 24), 10)
    # 25, 28, 29, 30, 31 Dec (2026 known; 1 Jan 2026-calendar says nothing for 2027) ...
    assert deadline.estimated
    assert deadline.date.year == 2027
    assert deadline.date.weekday() < 5


def test_database_rows_make_a_new_year_known_and_override():
    CalendarDay.objects.create(date=date(2027, 1, 1), is_working_day=False, name="元旦")
    CalendarDay.objects.create(date=date(2027, 2, 20), is_working_day=True, name="春节调休")
    assert is_known_year(2027)
    assert not is_working_day(date(2027, 1, 1))
    assert is_working_day(date(2027, 2, 20))  # a Saturday made a working day
    deadline = add_working_days(date(2026, 12, 31), 1)
    assert deadline.date == date(2027, 1, 4) and not deadline.estimated


def test_database_row_overrides_the_library_too():
    CalendarDay.objects.create(date=date(2026, 11, 25), is_working_day=False, name="临时停工")
    assert not is_working_day(date(2026, 11, 25))


@settings(max_examples=60, deadline=None)
@given(start=st.dates(date(2024, 1, 1), date(2026, 6, 30)), n=st.integers(0, 40))
def test_add_then_count_back_round_trips(start, n):
    deadline = add_working_days(start, n)
    assert working_days_between(start, deadline.date) == n
    assert n == 0 or is_working_day(deadline.date)

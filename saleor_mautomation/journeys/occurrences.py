"""When a date entry or a recurring entry falls due: calendar arithmetic, pure.

Yearly dates recur on their anniversary; a 29 February recurs on 28 February in years without
one (the last day of February, as most civil rules and payroll systems count it). Months are
added to a series' start date, never to the previous occurrence: the start's day is kept, or the
month's last day where the month is shorter, so a series from 31 January runs 28 (29) February,
31 March, 30 April, 31 May.

A sweep that missed days (worker down) looks back ``CATCH_UP_DAYS`` local days: a date entry
enters each contact for every occurrence due in that window, a recurring entry for its latest
occurrence there only (a series never sends a backlog). Each run is keyed by its occurrence
date, so nobody enters twice for one occurrence however often the sweep runs.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from typing import Literal

CATCH_UP_DAYS = 3
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")

Unit = Literal["days", "weeks", "months"]


def anniversary(value: date, year: int) -> date:
    """``value``'s date in ``year``: 29 February is 28 February in a year without one."""
    if (value.month, value.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return value.replace(year=year)


def month_days(day: date) -> list[tuple[int, int]]:
    """The (month, day) pairs of dates whose anniversary is ``day``."""
    pairs = [(day.month, day.day)]
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        pairs.append((2, 29))
    return pairs


def occurs_on(value: date, day: date, *, yearly: bool, same_year: bool = True) -> bool:
    """Whether ``value`` (a contact's date) has an occurrence on ``day``: the date itself
    once, or yearly its anniversaries from its own year on (from the next year with
    ``same_year`` False: a sign-up's anniversaries, not the sign-up day)."""
    if not yearly:
        return value == day
    first_year = value.year if same_year else value.year + 1
    return day.year >= first_year and anniversary(value, day.year) == day


def date_of(text: object) -> date | None:
    """A custom attribute's date: an ISO 8601 date (a time after it is ignored, the date
    taken as written), or None for anything else."""
    if not isinstance(text, str):
        return None
    match = ISO_DATE.match(text)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def due_days(local_now: datetime, at_hour: int, *, since: date) -> list[date]:
    """The local days whose entry moment has come and that a sweep at ``local_now`` still
    serves: today once ``at_hour`` has come, and up to ``CATCH_UP_DAYS`` days before, none
    before ``since`` (the journey's first publication)."""
    today = local_now.date()
    days = [today - timedelta(days=n) for n in range(CATCH_UP_DAYS, 0, -1)]
    if local_now.hour >= at_hour:
        days.append(today)
    return [day for day in days if day >= since]


def add_months(start: date, months: int) -> date:
    """``months`` calendar months after ``start``, on its day or the month's last day."""
    years, month = divmod(start.month - 1 + months, 12)
    year = start.year + years
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


def occurrence(start: date, every: int, unit: Unit, n: int) -> date:
    """The ``n``-th occurrence of a series (0: ``start`` itself)."""
    if unit == "months":
        return add_months(start, n * every)
    step = timedelta(days=every * (7 if unit == "weeks" else 1))
    return start + step * n


def latest_occurrence(start: date, every: int, unit: Unit, day: date) -> tuple[int, date] | None:
    """The last occurrence on or before ``day`` with its number, or None before ``start``."""
    if day < start:
        return None
    if unit == "months":
        n = ((day.year - start.year) * 12 + day.month - start.month) // every
        while occurrence(start, every, unit, n) > day:
            n -= 1
    else:
        n = (day - start).days // (every * (7 if unit == "weeks" else 1))
    return n, occurrence(start, every, unit, n)

"""Dated sessions for a run: one a week, moved on a week when a bank holiday falls on one.

Pure functions (the ``holidays`` package works offline). Bank holidays differ between the
UK nations, so the venue's nation decides.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays

NATION_SUBDIVISIONS = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern_ireland": "NIR",
}


def bank_holidays(nation: str, years: range) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=NATION_SUBDIVISIONS[nation], years=years)


def is_bank_holiday(day: date, nation: str) -> bool:
    return day in bank_holidays(nation, range(day.year, day.year + 1))


def session_times(first: datetime, count: int, nation: str) -> list[datetime]:
    """``count`` weekly times from ``first``; a bank holiday pushes that week (and the rest)
    on by one week, so families always meet on the same weekday and time."""
    closed = bank_holidays(nation, range(first.year, first.year + 2 + count // 52))
    times: list[datetime] = []
    candidate = first
    while len(times) < count:
        if candidate.date() not in closed:
            times.append(candidate)
        candidate += timedelta(weeks=1)
    return times


def next_free_week(after: datetime, nation: str, taken: set[date]) -> datetime:
    """The next weekly slot after ``after`` that is neither a bank holiday nor taken."""
    closed = bank_holidays(nation, range(after.year, after.year + 2))
    candidate = after + timedelta(weeks=1)
    while candidate.date() in closed or candidate.date() in taken:
        candidate += timedelta(weeks=1)
    return candidate

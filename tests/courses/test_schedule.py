"""Weekly sessions skip each UK nation's own bank holidays."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from nurture.courses.schedule import is_bank_holiday, next_free_week, session_times

LONDON = ZoneInfo("Europe/London")


def days(times: list[datetime]) -> list[date]:
    return [t.date() for t in times]


def test_england_may_bank_holidays_push_sessions_on_a_week() -> None:
    times = session_times(datetime(2026, 4, 27, 10, tzinfo=LONDON), 5, "england")
    assert days(times) == [
        date(2026, 4, 27),
        date(2026, 5, 11),  # 4 May is the early May bank holiday
        date(2026, 5, 18),
        date(2026, 6, 1),  # 25 May is the spring bank holiday
        date(2026, 6, 8),
    ]
    assert all(t.hour == 10 and t.weekday() == 0 for t in times)


@pytest.mark.parametrize(
    ("nation", "day", "closed"),
    [
        ("scotland", date(2026, 11, 30), True),  # St Andrew's Day
        ("england", date(2026, 11, 30), False),
        ("northern_ireland", date(2026, 3, 17), True),  # St Patrick's Day
        ("wales", date(2026, 3, 17), False),
        ("scotland", date(2026, 8, 3), True),  # Scotland's summer bank holiday
        ("england", date(2026, 8, 3), False),
        ("england", date(2026, 8, 31), True),
        ("scotland", date(2026, 8, 31), False),
    ],
)
def test_each_nation_has_its_own_bank_holidays(nation: str, day: date, closed: bool) -> None:
    assert is_bank_holiday(day, nation) is closed


def test_monday_courses_in_scotland_skip_st_andrews_day() -> None:
    times = session_times(datetime(2026, 11, 16, 13, 30, tzinfo=LONDON), 3, "scotland")
    assert days(times) == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 12, 7)]
    england = session_times(datetime(2026, 11, 16, 13, 30, tzinfo=LONDON), 3, "england")
    assert days(england) == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]


def test_next_free_week_skips_holidays_and_taken_days() -> None:
    after = datetime(2026, 12, 14, 10, tzinfo=LONDON)
    free = next_free_week(after, "england", taken={date(2026, 12, 21)})
    assert free.date() == date(2027, 1, 4)  # 28 Dec is a bank holiday (Boxing Day observed)

"""Dates and times as people say them, in the installation's local time (messages, pages).

The wording follows GOV.UK's style: "Tuesday 3 March at 10am", "midday".
"""

from __future__ import annotations

from datetime import datetime

from django.utils import dateformat, timezone

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def clock(moment: datetime) -> str:
    """The local time as GOV.UK writes it: 10am, 2:30pm, midday."""
    local = timezone.localtime(moment)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def day(moment: datetime) -> str:
    """The local date as people say it: Tuesday 3 March."""
    local = timezone.localtime(moment)
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}"


def when(moment: datetime) -> str:
    """The local date and time: Tuesday 3 March at 10am."""
    return f"{day(moment)} at {clock(moment)}"


def date_and_time(moment: datetime) -> str:
    """A date and 24-hour time for staff pages: "Tuesday 3 March 2026, 10:00"."""
    return dateformat.format(timezone.localtime(moment), "l j F Y, H:i")

"""The sensible range of every date and time people send us, checked here and nowhere else.

A date far outside its range is a slip of the finger or a probe. Stored, it breaks later
reads: calendar sums overflow near the years 1 and 9999, and PostgreSQL keeps a year 0 that
Python cannot read back. So each kind of moment has its range, and the forms, the API and
the services all ask these functions. Pure: the caller passes "now" and the baby's birth.
Each returns a message for the person, or None when the value is fine.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

PHONE_CLOCK_DRIFT = timedelta(minutes=10)
"""A phone's clock may run this far ahead of ours."""
LONGEST_SESSION = timedelta(hours=4)
"""A home massage with its pauses; anything longer is a phone left running or a wrong time."""
LONGEST_PLAN = timedelta(days=2 * 365)
"""Courses, moved sessions and reviews are planned at most this far ahead."""
OLDEST_RECORD = timedelta(days=3 * 366)
"""Nurture is for babies: nothing it records happened longer ago than this."""


def happened_problem(when: datetime, *, now: datetime, born: date | None) -> str | None:
    """Something that has happened (a massage, a concern seen): not in the future beyond a
    phone clock's drift, and not before the baby was born (on the sender's own calendar)."""
    if when > now + PHONE_CLOCK_DRIFT:
        return "This cannot be in the future."
    if born is not None and when.date() < born:
        return "This cannot be before the baby was born."
    if when < now - OLDEST_RECORD:
        return "This is too long ago: check the year."
    return None


def session_problems(
    started_at: datetime, ended_at: datetime, *, now: datetime, born: date | None
) -> dict[str, str]:
    """A massage session: it has happened, after the birth, and lasted at most a few hours."""
    problems: dict[str, str] = {}
    for field, when in (("started_at", started_at), ("ended_at", ended_at)):
        problem = happened_problem(when, now=now, born=born)
        if problem:
            problems[field] = problem
    if problems:
        return problems
    if ended_at < started_at:
        problems["ended_at"] = "A session cannot end before it starts."
    elif ended_at - started_at > LONGEST_SESSION:
        hours = LONGEST_SESSION // timedelta(hours=1)
        problems["ended_at"] = f"A session lasts at most {hours} hours: check the times."
    return problems


def during_problem(when: datetime, *, started_at: datetime, ended_at: datetime) -> str | None:
    """A moment within a session (a cue tapped), give or take a phone clock's drift."""
    if not started_at - PHONE_CLOCK_DRIFT <= when <= ended_at + PHONE_CLOCK_DRIFT:
        return "This is not during the session."
    return None


def planned_problem(day: date, *, today: date) -> str | None:
    """A day being planned (a course's first session, a moved session, a review): at most two
    years ahead. Past days stay allowed, for recording what already happened."""
    if day > today + LONGEST_PLAN:
        return "Choose a date within the next two years."
    if day < today - OLDEST_RECORD:
        return "This is too long ago: check the year."
    return None

"""Hand-built data for the funnel, waiting list and reach report tests.

Rows are written straight through the ORM (not the services) so each test can set every
date and status to exactly what its known answers need. Times are in the project's time
zone (Europe/London).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nurture.accounts.models import Provider, User, Venue
from nurture.courses.models import (
    Attendance,
    CourseRun,
    CourseTemplate,
    Enrolment,
    Offer,
    Session,
)
from nurture.families.models import Baby, Carer, Family
from nurture.referrals.models import Referral, ReferralEvent

LONDON = ZoneInfo("Europe/London")
_numbers = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def family(
    provider: Provider,
    *,
    postcode: str = "",
    languages: Sequence[str] = ("en",),
    interpreter: bool = False,
) -> Family:
    """A family with one carer per language (the first carer needs an interpreter if asked)."""
    made = Family.objects.create(provider=provider, postcode=postcode)
    Carer.objects.bulk_create(
        Carer(
            family=made,
            given_name=f"Carer{next(_numbers)}",
            family_name="Example",
            language=language,
            needs_interpreter=interpreter and index == 0,
        )
        for index, language in enumerate(languages)
    )
    return made


def referral(
    provider: Provider,
    *,
    received: datetime,
    history: Sequence[tuple[str, datetime]] = (),
    status: str | None = None,
    to_family: Family | None = None,
    reasons: Sequence[str] = ("first_time",),
    priority: str = "routine",
    gestation_weeks: int | None = None,
    born: date | None = None,
    due: date | None = None,
    duplicate_of: Referral | None = None,
) -> Referral:
    """A referral received at ``received``, with a "received" event then one event per
    ``(to_status, at)`` in ``history``; its status is the last one unless given."""
    home = to_family or family(provider)
    baby = Baby.objects.create(
        family=home,
        given_name=f"Baby{next(_numbers)}",
        date_of_birth=born or (received.date() - timedelta(weeks=8)),
        gestation_weeks=gestation_weeks,
        due_date=due,
    )
    final = status or (history[-1][0] if history else "received")
    made = Referral.objects.create(
        provider=provider,
        family=home,
        baby=baby,
        reasons=list(reasons),
        priority=priority,
        status=final,
        duplicate_of=duplicate_of,
    )
    Referral.objects.filter(pk=made.pk).update(created_at=received)
    made.created_at = received
    steps = [("", "received", received)]
    previous = "received"
    for to_status, when in history:
        steps.append((previous, to_status, when))
        previous = to_status
    events = ReferralEvent.objects.bulk_create(
        ReferralEvent(referral=made, from_status=f, to_status=t) for f, t, _ in steps
    )
    for event, (_f, _t, when) in zip(events, steps, strict=True):
        ReferralEvent.objects.filter(pk=event.pk).update(at=when)
    return made


def run(
    provider: Provider,
    venue: Venue,
    *,
    first: datetime,
    facilitators: Sequence[User] = (),
    sessions: int = 5,
) -> CourseRun:
    template = CourseTemplate.objects.create(
        provider=provider, name=f"Course {next(_numbers)}", sessions_count=sessions
    )
    made = CourseRun.objects.create(
        provider=provider, template=template, venue=venue, first_session_at=first
    )
    made.facilitators.set(facilitators)
    Session.objects.bulk_create(
        Session(run=made, number=week + 1, starts_at=first + timedelta(weeks=week))
        for week in range(sessions)
    )
    return made


def offer(
    on: CourseRun,
    to: Referral,
    *,
    offered: datetime,
    status: str = "pending",
    kind: str = "automatic",
) -> Offer:
    made = Offer.objects.create(
        run=on, referral=to, kind=kind, status=status, expires_at=offered + timedelta(days=3)
    )
    Offer.objects.filter(pk=made.pk).update(offered_at=offered)
    return made


def enrol(
    on: CourseRun,
    who: Referral,
    *,
    status: str = "enrolled",
    joined_at_session: int = 1,
    marks: dict[int, str] | None = None,
) -> Enrolment:
    """An enrolment, and its register marks: ``{week number: attendance status}``."""
    made = Enrolment.objects.create(
        run=on, referral=who, status=status, joined_at_session=joined_at_session
    )
    sessions = {s.number: s for s in on.sessions.all()}
    Attendance.objects.bulk_create(
        Attendance(session=sessions[number], enrolment=made, status=mark)
        for number, mark in (marks or {}).items()
    )
    return made


def many(count: int, make: Any, /, **kwargs: Any) -> list[Any]:
    return [make(**kwargs) for _ in range(count)]

"""Course dates as iCalendar, so families can add every session to their phone.

One event per session the family attends, with a UID that never changes for that
session and family, and a SEQUENCE raised whenever the session moves or is cancelled,
so calendar apps replace the old event instead of keeping a stale one. Times carry the
Europe/London zone. No names or clinical detail go in: only the venue and the week.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from nurture.courses.models import Enrolment, SessionStatus


def calendar_host() -> str:
    """The host named in event UIDs: the public site's, so UIDs do not depend on which
    address a calendar app happened to use."""
    return urlsplit(settings.NURTURE_SITE_URL).hostname or "nurture.localhost"


def course_calendar(
    enrolments: Iterable[Enrolment], *, host: str, method: str | None = None
) -> bytes:
    """An .ics of the enrolments' sessions. ``method="REQUEST"`` for an email attachment."""
    calendar = Calendar()
    calendar.add("prodid", "-//Nurture//Baby massage courses//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Baby massage course")
    if method:
        calendar.add("method", method)
    for enrolment in enrolments:
        run = enrolment.run
        plan = run.template.week_plan
        for session in run.sessions.all():
            if session.number < enrolment.joined_at_session:
                continue
            starts = timezone.localtime(session.starts_at)
            event = Event()
            event.add("uid", f"session-{session.pk}-enrolment-{enrolment.pk}@{host}")
            event.add("sequence", session.sequence)
            event.add("summary", f"Baby massage, week {session.number}: {run.venue.name}")
            event.add("dtstart", starts)
            event.add("dtend", starts + timedelta(minutes=run.template.session_minutes))
            event.add("dtstamp", timezone.now())
            event.add("location", f"{run.venue.name}, {run.venue.address()}")
            topic = plan[session.number - 1] if 0 < session.number <= len(plan) else ""
            event.add(
                "description",
                "\n".join(part for part in (topic, f"Bring: {run.template.what_to_bring}") if part),
            )
            cancelled = session.status == SessionStatus.CANCELLED
            event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical

"""Course dates as an iCalendar file, so parents can add every session to their phone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from nurture.courses.models import Enrolment, SessionStatus


def course_calendar(enrolments: Iterable[Enrolment], *, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Nurture//Baby massage courses//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Baby massage course")
    for enrolment in enrolments:
        run = enrolment.run
        plan = run.template.week_plan
        for session in run.sessions.all():
            if session.number < enrolment.joined_at_session:
                continue
            event = Event()
            event.add("uid", f"session-{session.pk}@{host}")
            event.add("summary", f"Baby massage, week {session.number}: {run.venue.name}")
            event.add("dtstart", session.starts_at)
            event.add("dtend", session.starts_at + timedelta(minutes=run.template.session_minutes))
            event.add("dtstamp", timezone.now())
            event.add("location", f"{run.venue.name}, {run.venue.address()}")
            topic = plan[session.number - 1] if 0 < session.number <= len(plan) else ""
            event.add(
                "description",
                "\n".join(part for part in (topic, f"Bring: {run.template.what_to_bring}") if part),
            )
            if session.status == SessionStatus.CANCELLED:
                event.add("status", "CANCELLED")
            calendar.add_component(event)
    return calendar.to_ical()

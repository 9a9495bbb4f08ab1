"""What the programme's events put in the outbox.

The course services call these inside their own transactions, so a message commits with the
offer, enrolment or session change that caused it, or not at all. Each message names its
event in a dedupe key, so calling the same function twice for one event queues nothing new.
Messages carry no clinical detail: the baby's first name, the venue, dates and a link.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from nurture.courses.calendar import calendar_host, course_calendar
from nurture.courses.capacity import joining
from nurture.courses.models import (
    AttendanceStatus,
    CourseRun,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferKind,
    Session,
    SessionStatus,
)
from nurture.lib.dates import day, when
from nurture.notify import outbox
from nurture.notify.models import Message, MessageStatus

# A "sorry we missed you" note only makes sense soon after the session, not when a register
# is filled in days later.
MISSED_NOTE_WITHIN = timedelta(days=3)
REMINDER_KINDS = ("session_reminder", "session_today")


def course_context(run: CourseRun) -> dict[str, Any]:
    """What every message about a course may say: the venue and what to bring."""
    venue = run.venue
    return {
        "venue": venue.name,
        "address": venue.address(),
        "what_to_bring": run.template.what_to_bring.strip(),
    }


def baby_name(enrolment_or_offer: Enrolment | Offer) -> str:
    return enrolment_or_offer.referral.baby.given_name


def attending(session: Session) -> QuerySet[Enrolment]:
    """Families still on the course who are due at this session."""
    return (
        Enrolment.objects.filter(
            run_id=session.run_id,
            status=EnrolmentStatus.ENROLLED,
            joined_at_session__lte=session.number,
        )
        .select_related("referral__baby", "referral__family")
        .prefetch_related("referral__family__carers")
        .order_by("created_at")
    )


def _next_session(run: CourseRun, after: int, now: datetime) -> Session | None:
    return (
        run.sessions.filter(number__gt=after, status=SessionStatus.SCHEDULED, starts_at__gt=now)
        .order_by("number")
        .first()
    )


def cancel_queued_reminders(session: Session) -> int:
    """Reminders already queued for a session that has moved or been cancelled would carry
    the wrong time: they are cancelled (the reminder job queues fresh ones if still due)."""
    prefixes = Q()
    for kind in REMINDER_KINDS:
        prefixes |= Q(dedupe_key__startswith=f"{kind}:{session.pk}:")
    return Message.objects.filter(
        prefixes, status=MessageStatus.QUEUED, kind__in=REMINDER_KINDS
    ).update(status=MessageStatus.CANCELLED, last_error="The session changed before it went.")


def offer_made(offer: Offer) -> list[Message]:
    """A place is offered: say where and when, and how long it is held."""
    run = offer.run
    now = timezone.now()
    sessions = list(run.sessions.order_by("number"))
    join = joining(run, sessions, now)
    first = next((s for s in sessions if join and s.number == join.session_number), None)
    context = {
        **course_context(run),
        "baby": baby_name(offer),
        "starts": when(first.starts_at) if first else "",
        "weeks": sum(
            1
            for s in sessions
            if s.status == SessionStatus.SCHEDULED and (first is None or s.number >= first.number)
        ),
        "expires": when(offer.expires_at),
        "first_to_accept": offer.kind == OfferKind.OPEN_TO_ALL,
    }
    return outbox.to_family_carers(
        family=offer.referral.family,
        kind="offer_made",
        context=context,
        dedupe=f"offer_made:{offer.pk}",
        run=run,
    )


def enrolment_confirmed(enrolment: Enrolment) -> list[Message]:
    """The family has a place: every date, the venue, what to bring, and a calendar file."""
    run = enrolment.run
    sessions = [
        s
        for s in run.sessions.order_by("number")
        if s.number >= enrolment.joined_at_session and s.status == SessionStatus.SCHEDULED
    ]
    context = {
        **course_context(run),
        "baby": baby_name(enrolment),
        "dates": [when(s.starts_at) for s in sessions],
        # GOV.UK Notify cannot carry a calendar file; Django email (SMTP) can.
        "calendar_attached": settings.NOTIFY_EMAIL_BACKEND != "notify",
        "starts": when(sessions[0].starts_at) if sessions else "",
    }
    attachment = outbox.Attachment(
        name="baby-massage-course.ics",
        content=course_calendar([enrolment], host=calendar_host(), method="REQUEST"),
    )
    return outbox.to_family_carers(
        family=enrolment.referral.family,
        kind="enrolment_confirmed",
        context=context,
        dedupe=f"enrolment_confirmed:{enrolment.pk}",
        run=run,
        attachment=attachment,
    )


def _tell_attending(
    session: Session, *, kind: str, dedupe: str, extra: dict[str, Any]
) -> list[Message]:
    """Tell every family due at ``session`` about a change to it (and call off its queued
    reminders). ``dedupe`` names the event; the enrolment is added per family."""
    cancel_queued_reminders(session)
    run = session.run
    course = course_context(run)
    messages: list[Message] = []
    for enrolment in attending(session):
        messages += outbox.to_family_carers(
            family=enrolment.referral.family,
            kind=kind,
            context={**course, "baby": baby_name(enrolment), "week": session.number, **extra},
            dedupe=f"{dedupe}:{enrolment.pk}",
            run=run,
        )
    return messages


def session_moved(session: Session) -> list[Message]:
    """A session has a new time: tell every family due at it."""
    # Each move is its own event: a session moved twice is announced twice.
    return _tell_attending(
        session,
        kind="session_moved",
        dedupe=f"session_moved:{session.pk}:{session.sequence}",
        extra={"starts": when(session.starts_at)},
    )


def session_cancelled(session: Session, *, replacement: Session | None = None) -> list[Message]:
    """A session is off: tell every family due at it, and whether a week was added."""
    return _tell_attending(
        session,
        kind="session_cancelled",
        dedupe=f"session_cancelled:{session.pk}",
        extra={
            "was": when(session.starts_at),
            "replacement": when(replacement.starts_at) if replacement else "",
        },
    )


def missed_session(
    enrolment: Enrolment, session: Session, *, now: datetime | None = None
) -> list[Message]:
    """A kind note to a family marked "did not attend", with the next date."""
    now = now or timezone.now()
    return _missed(enrolment, session, now, _next_session(session.run, session.number, now))


def _missed(
    enrolment: Enrolment, session: Session, now: datetime, following: Session | None
) -> list[Message]:
    if enrolment.status != EnrolmentStatus.ENROLLED or session.starts_at < now - MISSED_NOTE_WITHIN:
        return []
    run = session.run
    return outbox.to_family_carers(
        family=enrolment.referral.family,
        kind="missed_session",
        context={
            **course_context(run),
            "baby": baby_name(enrolment),
            "missed": day(session.starts_at),
            "next": when(following.starts_at) if following else "",
        },
        dedupe=f"missed_session:{enrolment.pk}:{session.pk}",
        run=run,
        now=now,
    )


def register_saved(
    session: Session, marks: Mapping[uuid.UUID, Any], *, now: datetime | None = None
) -> list[Message]:
    """After a register save: a note to each family newly marked "did not attend"; a note
    still waiting to go is called off if the family is now marked as having come."""
    missed = [eid for eid, mark in marks.items() if mark.status == AttendanceStatus.DID_NOT_ATTEND]
    corrected = [str(eid) for eid in marks if eid not in missed]
    if corrected:
        keys = Q()
        for eid in corrected:
            keys |= Q(dedupe_key__startswith=f"missed_session:{eid}:{session.pk}:")
        Message.objects.filter(keys, kind="missed_session", status=MessageStatus.QUEUED).update(
            status=MessageStatus.CANCELLED, last_error="The register was corrected."
        )
    messages: list[Message] = []
    if not missed:
        return messages
    now = now or timezone.now()
    following = _next_session(session.run, session.number, now)
    for enrolment in (
        Enrolment.objects.filter(pk__in=missed)
        .select_related("referral__baby", "referral__family")
        .prefetch_related("referral__family__carers")
    ):
        messages += _missed(enrolment, session, now, following)
    return messages

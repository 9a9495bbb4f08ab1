"""A run's capacity: how many places are taken or held, how many are free, and when a family
offered a place now would start. Places are held by enrolments and by pending offers made to
one family; an "offer to all" holds none. Reads only: the waiting list and offers that take
and free places are in ``nurture.allocation``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from nurture.accounts.models import ProgrammeRules
from nurture.courses.models import (
    CourseRun,
    EnrolmentStatus,
    Offer,
    OfferKind,
    OfferStatus,
    Session,
    SessionStatus,
)

ACTIVE_ENROLMENT = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
RESERVING = (OfferKind.AUTOMATIC, OfferKind.MANUAL)


@dataclass(frozen=True)
class Joining:
    """When a family offered a place now would start: their first session."""

    session_number: int
    starts_on: date


def joining(
    run: CourseRun, sessions: list[Session], now: datetime, rules: ProgrammeRules | None = None
) -> Joining | None:
    """The first session a new family would attend, or None if it is too late to join.
    Pass the provider's ``rules`` when looking at many runs, to read them once."""
    rules = rules or ProgrammeRules.for_provider(run.provider_id)
    for session in sessions:
        if session.status == SessionStatus.CANCELLED or session.starts_at <= now:
            continue
        if session.number > rules.late_join_last_session:
            return None
        return Joining(session.number, timezone.localtime(session.starts_at).date())
    return None


def sessions_in_order(run: CourseRun) -> list[Session]:
    return list(run.sessions.order_by("number"))


def places_taken(run: CourseRun, *, excluding_offer: Offer | None = None) -> int:
    enrolled = run.enrolments.filter(status__in=ACTIVE_ENROLMENT).count()
    held = run.offers.filter(status=OfferStatus.PENDING, kind__in=RESERVING)
    if excluding_offer is not None:
        held = held.exclude(pk=excluding_offer.pk)
    return enrolled + held.count()


def free_places(run: CourseRun) -> int:
    return max(run.capacity - places_taken(run), 0)

"""Demo courses: a finished course with full registers, one in its third week, and one
starting soon with offers out and a waiting list (a high-priority family who is too young
for it yet, and a baby about to age out). Loaded once; dates count from that day."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from nurture.allocation import places
from nurture.allocation import services as allocation_services
from nurture.courses import registers, schedule, services
from nurture.courses.models import AttendanceStatus, CourseRun, Offer, OfferStatus
from nurture.devdata.demo_accounts import DemoWorld
from nurture.devdata.demo_families import NAMESPACE
from nurture.families.models import Baby
from nurture.referrals import services as referral_services
from nurture.referrals.models import Referral, ReferralEvent

FINISHED = ["ahmed", "byrne", "clarke", "dimitrov", "edwards"]
THIRD_WEEK = ["okafor", "fraser", "gupta", "hughes"]
UPCOMING_WAITING = ["nowak", "evans", "brown", "khan", "ali"]
HIGH_PRIORITY = ["patel"]
# Who missed which weeks on the finished course (everyone else came; one was late).
MISSED = {"clarke": {2, 3, 4}, "byrne": {2}}


def _baby(key: str) -> Baby:
    family_id = uuid.uuid5(NAMESPACE, f"family:{key}")
    return Baby.objects.filter(family_id=family_id).order_by("given_name").first()  # type: ignore[return-value]


def _refer(key: str, actor: Any, *, high: bool = False, days_ago: int = 0) -> Referral:
    referral, _ = allocation_services.referral_create(
        actor=actor,
        baby=_baby(key),
        details=referral_services.ReferralDetails(
            reasons=["low_mood", "first_time"] if high else ["first_time"],
            priority="high" if high else "routine",
            consent_to_contact=True,
        ),
        referral_id=uuid.uuid5(NAMESPACE, f"referral:{key}"),
    )
    if days_ago:
        when = timezone.now() - timedelta(days=days_ago)
        Referral.objects.filter(pk=referral.pk).update(created_at=when)
        ReferralEvent.objects.filter(referral=referral).update(at=when)
    return referral


def _slot(days_from_today: int, hour: int, nation: str = "england") -> datetime:
    day = timezone.localdate() + timedelta(days=days_from_today)
    while day.weekday() >= 5 or schedule.is_bank_holiday(day, nation):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def _first_with_past_sessions(
    days_ago: int, hour: int, past: int, weeks: int = 5, nation: str = "england"
) -> datetime:
    """A first session about ``days_ago`` days back with exactly ``past`` weekly sessions over
    by now. Bank holidays push weeks on (at Christmas two in a row), so on some days the run
    has to start a week or two earlier to look the same."""
    now = timezone.now()
    for weeks_back in range(4):
        first = _slot(-days_ago - 7 * weeks_back, hour, nation)
        if sum(time <= now for time in schedule.session_times(first, weeks, nation)) == past:
            return first
    return _slot(-days_ago, hour, nation)


def _past_run(
    world: DemoWorld, keys: list[str], *, first: datetime, venue_name: str, template: Any
) -> CourseRun:
    provider = world.providers["riverside"]
    hv = world.users["hv"]
    for key in keys:
        _refer(key, hv, days_ago=(timezone.now() - first).days + 14)
    run = allocation_services.run_create(
        actor=world.users["manager"],
        provider=provider,
        template=template,
        venue=provider.venues.get(name=venue_name),
        first_session_at=first,
        facilitators=[world.users["facilitator"]],
        capacity=8,
        now=first - timedelta(days=7),
    )
    for offer in Offer.objects.filter(run=run, status=OfferStatus.PENDING):
        places.accept_offer(actor=None, offer=offer, now=first - timedelta(days=6))
    return run


def _keep_registers(run: CourseRun, world: DemoWorld) -> None:
    now = timezone.now()
    keys = {
        enrolment.pk: next(
            key
            for key in FINISHED + THIRD_WEEK
            if enrolment.referral.family_id == uuid.uuid5(NAMESPACE, f"family:{key}")
        )
        for enrolment in run.enrolments.select_related("referral")
    }
    for session in run.sessions.filter(starts_at__lte=now).order_by("number"):
        marks = {
            enrolment_id: registers.Mark(
                status=(
                    AttendanceStatus.DID_NOT_ATTEND
                    if session.number in MISSED.get(key, set())
                    else AttendanceStatus.LATE
                    if key == "edwards" and session.number == 1
                    else AttendanceStatus.PRESENT
                ),
                contraindications_checked=True,
                baby_state_note="Settled and alert" if session.number == 1 else "",
            )
            for enrolment_id, key in keys.items()
        }
        registers.register_save(
            actor=world.users["facilitator"],
            session=session,
            marks=marks,
            save_id=uuid.uuid5(NAMESPACE, f"register:{session.pk}"),
            now=session.starts_at + timedelta(hours=2),
        )


def load(world: DemoWorld) -> None:
    provider = world.providers["riverside"]
    if CourseRun.objects.filter(provider=provider).exists():
        return
    manager = world.users["manager"]
    template = provider.templates.first() or services.template_create(
        actor=manager, provider=provider, name="Baby massage (5 weeks)"
    )
    finished = _past_run(
        world,
        FINISHED,
        first=_slot(-62, 10),
        venue_name="Riverside Medical Centre",
        template=template,
    )
    _keep_registers(finished, world)
    allocation_services.run_close(actor=manager, run=finished)
    third_week = _past_run(
        world,
        THIRD_WEEK,
        first=_first_with_past_sessions(11, 13, past=2),
        venue_name="Hillview Family Hub",
        template=template,
    )
    _keep_registers(third_week, world)

    hv = world.users["hv"]
    for position, key in enumerate(UPCOMING_WAITING):
        _refer(key, hv, days_ago=30 - position * 3)
    for key in HIGH_PRIORITY:
        _refer(key, hv, high=True, days_ago=2)
    allocation_services.run_create(
        actor=manager,
        provider=provider,
        template=template,
        venue=provider.venues.get(name="Riverside Medical Centre"),
        first_session_at=_slot(10, 10),
        facilitators=[world.users["facilitator"]],
        capacity=4,
    )

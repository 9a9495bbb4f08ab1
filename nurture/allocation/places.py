"""Places on runs: the waiting list, offers and acceptance (a run's capacity is read in
``courses.capacity``).

Capacity is never exceeded: every change that takes or frees a place locks the run's row
first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write transactions queue), then
counts. Places are held by enrolments and by pending offers made to one family; an
"offer to all" holds no place, and the first family to accept wins it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from nurture.accounts.models import ProgrammeRules
from nurture.audit.services import person, record
from nurture.courses import messages as course_messages
from nurture.courses.capacity import (
    Joining,
    free_places,
    joining,
    places_taken,
    sessions_in_order,
)
from nurture.courses.models import (
    CourseRun,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferKind,
    OfferStatus,
    RunStatus,
)
from nurture.lib.errors import DomainError
from nurture.notify import outbox
from nurture.referrals import services as referral_services
from nurture.referrals.models import Priority, Referral, Status


def priority_rank(referral: Referral) -> int:
    return 0 if referral.priority == Priority.HIGH else 1


def waiting_list(provider_id: int, *, venue_id: int | None = None) -> list[Referral]:
    """Families waiting for a place, fairest first: high priority, then the baby who ages
    out soonest (so nobody misses out by ageing), then the earliest referral."""
    rows: QuerySet[Referral] = Referral.objects.filter(
        provider_id=provider_id, status=Status.WAITING
    ).select_related("baby", "family")
    if venue_id is not None:
        rows = rows.filter(Q(preferred_venues=venue_id) | Q(preferred_venues=None)).distinct()
    limits = referral_services.limits_for(provider_id)
    return sorted(
        rows,
        key=lambda r: (
            priority_rank(r),
            referral_services.age_window(r, limits).last_start,
            r.created_at,
        ),
    )


def _lock(run: CourseRun) -> CourseRun:
    return CourseRun.objects.select_for_update().select_related("venue").get(pk=run.pk)


def _hold_until(run: CourseRun, now: datetime) -> datetime:
    hours = ProgrammeRules.for_provider(run.provider_id).offer_hold_hours
    return now + timedelta(hours=hours)


def _make_offer(
    *, run: CourseRun, referral: Referral, kind: str, actor: Any, now: datetime
) -> Offer:
    offer = Offer.objects.create(
        run=run, referral=referral, kind=kind, expires_at=_hold_until(run, now)
    )
    if referral.status != Status.OFFERED:
        referral_services.move(referral, Status.OFFERED, actor=actor, note=str(run))
    record(
        actor=actor,
        action=f"offer.made.{kind}",
        target=offer,
        provider_id=run.provider_id,
        data={"run": str(run.pk), "referral": str(referral.pk)},
    )
    course_messages.offer_made(offer)
    return offer


def _eligible_waiting(run: CourseRun, start: date) -> list[Referral]:
    rules = ProgrammeRules.for_provider(run.provider_id)
    # A family who said no to this run, or let its offer lapse, is not asked again; one
    # whose offer was withdrawn by staff or lost to another family may be.
    answered = run.offers.exclude(status__in=(OfferStatus.WITHDRAWN, OfferStatus.FILLED))
    already = set(answered.values_list("referral_id", flat=True)) | set(
        run.enrolments.values_list("referral_id", flat=True)
    )
    return [
        referral
        for referral in waiting_list(
            run.provider_id, venue_id=run.venue_id if rules.waiting_list_by_area else None
        )
        if referral.pk not in already
        and referral_services.check_for_start(referral, start).eligible
    ]


def fill_free_places(*, run: CourseRun, actor: Any, now: datetime | None = None) -> list[Offer]:
    """Offer each free place on ``run`` to the next eligible family on the waiting list."""
    now = now or timezone.now()
    run = _lock(run)
    if run.status != RunStatus.SCHEDULED:
        return []
    join = joining(run, sessions_in_order(run), now)
    if join is None:
        return []
    free = free_places(run)
    if free <= 0:
        return []
    return [
        _make_offer(run=run, referral=referral, kind=OfferKind.AUTOMATIC, actor=actor, now=now)
        for referral in _eligible_waiting(run, join.starts_on)[:free]
    ]


def fill_provider_runs(*, provider_id: int, actor: Any, now: datetime | None = None) -> None:
    for run in CourseRun.objects.filter(provider_id=provider_id, status=RunStatus.SCHEDULED):
        fill_free_places(run=run, actor=actor, now=now)


@transaction.atomic
def offer_place(
    *, actor: Any, run: CourseRun, referral: Referral, now: datetime | None = None
) -> Offer:
    """Staff offer a free place on ``run`` to one family, by hand."""
    now = now or timezone.now()
    run = _lock(run)
    referral = Referral.objects.select_for_update().select_related("baby").get(pk=referral.pk)
    if run.provider_id != referral.provider_id:
        raise DomainError({"referral": "Choose a family referred to this provider."})
    if referral.status not in (Status.WAITING, Status.OFFERED):
        raise DomainError({"referral": "Only families on the waiting list can be offered."})
    if run.offers.filter(referral=referral, status=OfferStatus.PENDING).exists():
        raise DomainError({"referral": "This family already has an offer on this course."})
    if run.enrolments.filter(referral=referral).exists():
        raise DomainError({"referral": "This family has already been on this course."})
    join = _joinable(run, now)
    verdict = referral_services.check_for_start(referral, join.starts_on)
    if not verdict.eligible:
        raise DomainError({"referral": verdict.reason})
    if free_places(run) <= 0:
        raise DomainError({"run": "This course is full."})
    return _make_offer(run=run, referral=referral, kind=OfferKind.MANUAL, actor=actor, now=now)


@transaction.atomic
def offer_to_all(*, actor: Any, run: CourseRun, now: datetime | None = None) -> list[Offer]:
    """Offer a last-minute gap to every eligible waiting family: first to accept wins."""
    now = now or timezone.now()
    run = _lock(run)
    join = _joinable(run, now)
    if free_places(run) <= 0:
        raise DomainError({"run": "This course has no free places."})
    return [
        _make_offer(run=run, referral=referral, kind=OfferKind.OPEN_TO_ALL, actor=actor, now=now)
        for referral in _eligible_waiting(run, join.starts_on)
    ]


def _joinable(run: CourseRun, now: datetime) -> Joining:
    if run.status != RunStatus.SCHEDULED:
        raise DomainError({"run": "This course is closed."})
    join = joining(run, sessions_in_order(run), now)
    if join is None:
        raise DomainError({"run": "It is too late to join this course."})
    return join


def _load_offer(offer: Offer) -> Offer:
    return Offer.objects.select_for_update().select_related("referral", "run").get(pk=offer.pk)


def close_offer(offer: Offer, status: str, *, actor: Any, now: datetime, note: str = "") -> None:
    offer.status = status
    offer.answered_at = now
    offer.answered_by = person(actor)
    offer.answer_note = note
    offer.save(update_fields=["status", "answered_at", "answered_by", "answer_note"])
    referral = offer.referral
    outbox.cancel_queued(
        family_id=referral.family_id, run_id=offer.run_id, reason=f"Offer {status}"
    )
    has_other = referral.offers.filter(status=OfferStatus.PENDING).exclude(pk=offer.pk).exists()
    if referral.status == Status.OFFERED and not has_other:
        referral_services.move(referral, Status.WAITING, actor=actor, note=note or status)
    record(actor=actor, action=f"offer.{status}", target=offer, provider_id=offer.run.provider_id)


def accept_offer(*, actor: Any, offer: Offer, now: datetime | None = None) -> Enrolment:
    """Take the offered place. When that is no longer possible (expired, taken, too late),
    the offer is closed, that change is kept, and then the family is told why."""
    with transaction.atomic():
        outcome = _accept(actor=actor, offer=offer, now=now or timezone.now())
    if isinstance(outcome, str):
        raise DomainError(outcome)
    return outcome


def _accept(*, actor: Any, offer: Offer, now: datetime) -> Enrolment | str:
    run = _lock(offer.run)
    offer = _load_offer(offer)
    if offer.status != OfferStatus.PENDING:
        return f"This offer is no longer open: {OfferStatus(offer.status).label.lower()}."
    if offer.expires_at <= now:
        close_offer(offer, OfferStatus.EXPIRED, actor=actor, now=now)
        fill_free_places(run=run, actor=None, now=now)
        return "Sorry, this offer has expired. We have kept you on the waiting list."
    join = joining(run, sessions_in_order(run), now)
    if run.status != RunStatus.SCHEDULED or join is None:
        close_offer(offer, OfferStatus.WITHDRAWN, actor=actor, now=now, note="Course closed")
        return "Sorry, it is now too late to join this course. You are still on the waiting list."
    if places_taken(run, excluding_offer=offer) >= run.capacity:
        close_offer(offer, OfferStatus.FILLED, actor=actor, now=now)
        return "Sorry, the last place has just been taken. You are still on the waiting list."
    verdict = referral_services.check_for_start(offer.referral, join.starts_on)
    if not verdict.eligible:
        close_offer(offer, OfferStatus.WITHDRAWN, actor=actor, now=now, note=verdict.reason)
        return f"Sorry, your baby can no longer join this course. {verdict.reason}"
    if run.enrolments.filter(referral=offer.referral).exists():
        close_offer(offer, OfferStatus.WITHDRAWN, actor=actor, now=now)
        return "You have already been on this course."
    offer.status = OfferStatus.ACCEPTED
    offer.answered_at = now
    offer.answered_by = person(actor)
    offer.save(update_fields=["status", "answered_at", "answered_by"])
    enrolment = Enrolment.objects.create(
        run=run, referral=offer.referral, joined_at_session=join.session_number
    )
    course_messages.enrolment_confirmed(enrolment)
    referral = offer.referral
    for other in referral.offers.filter(status=OfferStatus.PENDING).exclude(pk=offer.pk):
        close_offer(other, OfferStatus.WITHDRAWN, actor=actor, now=now, note="Took another place")
    referral.refresh_from_db()
    referral_services.move(referral, Status.ENROLLED, actor=actor, note=str(run))
    record(actor=actor, action="offer.accepted", target=offer, provider_id=run.provider_id)
    if places_taken(run) >= run.capacity:
        for gap in run.offers.filter(status=OfferStatus.PENDING, kind=OfferKind.OPEN_TO_ALL):
            close_offer(gap, OfferStatus.FILLED, actor=actor, now=now)
    return enrolment


@transaction.atomic
def decline_offer(
    *, actor: Any, offer: Offer, stay_on_list: bool, note: str = "", now: datetime | None = None
) -> Offer:
    """The family says no. They stay on the waiting list unless they want no place at all."""
    now = now or timezone.now()
    _lock(offer.run)
    offer = _load_offer(offer)
    if offer.status != OfferStatus.PENDING:
        raise DomainError("This offer has already been answered.")
    close_offer(offer, OfferStatus.DECLINED, actor=actor, now=now, note=note)
    if not stay_on_list:
        for other in Offer.objects.filter(
            referral_id=offer.referral_id, status=OfferStatus.PENDING
        ).select_related("referral", "run"):
            close_offer(other, OfferStatus.WITHDRAWN, actor=actor, now=now, note="No place wanted")
    referral = Referral.objects.get(pk=offer.referral_id)
    if not stay_on_list and referral.status == Status.WAITING:
        referral_services.move(
            referral, Status.DECLINED, actor=actor, note=note or "Does not want a place."
        )
    fill_free_places(run=offer.run, actor=actor, now=now)
    return offer


@transaction.atomic
def withdraw_enrolment(
    *, actor: Any, enrolment: Enrolment, reason: str, now: datetime | None = None
) -> Enrolment:
    if not reason.strip():
        raise DomainError({"reason": "Say why the family is leaving the course."})
    now = now or timezone.now()
    _lock(enrolment.run)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise DomainError("This family is not enrolled on the course any more.")
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    referral = enrolment.referral
    outbox.cancel_queued(
        family_id=referral.family_id, run_id=enrolment.run_id, reason="Left the course"
    )
    referral_services.move(referral, Status.WITHDRAWN, actor=actor, note=reason.strip())
    record(
        actor=actor,
        action="enrolment.withdrawn",
        target=enrolment,
        provider_id=enrolment.run.provider_id,
    )
    fill_free_places(run=enrolment.run, actor=actor, now=now)
    return enrolment


def release_for_withdrawn_referral(*, referral: Referral, actor: Any) -> None:
    """Inside ``referral_withdraw``: give back the family's offers and places."""
    now = timezone.now()
    runs = set()
    for offer in referral.offers.filter(status=OfferStatus.PENDING).select_related("run"):
        offer.status = OfferStatus.WITHDRAWN
        offer.answered_at = now
        offer.save(update_fields=["status", "answered_at"])
        runs.add(offer.run)
    for enrolment in referral.enrolments.filter(status=EnrolmentStatus.ENROLLED):
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.save(update_fields=["status"])
        runs.add(enrolment.run)
    outbox.cancel_queued(family_id=referral.family_id, reason="Referral withdrawn")
    for run in runs:
        fill_free_places(run=run, actor=actor, now=now)


@transaction.atomic
def expire_offers(*, now: datetime | None = None) -> int:
    """Close offers whose hold has run out and pass each freed place on. For the periodic job."""
    now = now or timezone.now()
    due = list(
        Offer.objects.select_for_update(skip_locked=True)
        .filter(status=OfferStatus.PENDING, expires_at__lte=now)
        .select_related("referral", "run")
    )
    for offer in due:
        close_offer(offer, OfferStatus.EXPIRED, actor=None, now=now)
    for run in {offer.run for offer in due}:
        fill_free_places(run=run, actor=None, now=now)
    return len(due)

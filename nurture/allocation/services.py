"""Writes elsewhere that take or free places. Each does the referral's or the course's own
write (in ``referrals.services`` or ``courses.services``), then offers any place it frees or
opens to the waiting list, in the same transaction. Views, the API and the demo call these,
so a place is never left unoffered because a caller forgot the second step."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from nurture.accounts.models import Provider, Venue
from nurture.allocation import places
from nurture.courses import services as course_services
from nurture.courses.models import CourseRun, CourseTemplate, Offer, OfferStatus
from nurture.families.models import Baby
from nurture.referrals import services as referral_services
from nurture.referrals.models import Referral, Status


def offer_free_places(referral: Referral, actor: Any) -> None:
    """A family joining the waiting list may be next for a free place on a run."""
    if referral.status != Status.WAITING:
        return
    places.fill_provider_runs(provider_id=referral.provider_id, actor=actor)
    referral.refresh_from_db()


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    baby: Baby,
    details: referral_services.ReferralDetails,
    referral_id: uuid.UUID | None = None,
    confirm_duplicate: bool = False,
) -> tuple[Referral, bool]:
    """Refer a baby (``referrals.services.referral_create``); a new referral on the waiting
    list is offered any free place at once."""
    referral, created = referral_services.referral_create(
        actor=actor,
        baby=baby,
        details=details,
        referral_id=referral_id,
        confirm_duplicate=confirm_duplicate,
    )
    if created:
        offer_free_places(referral, actor)
    return referral, created


@transaction.atomic
def eligibility_override(*, actor: Any, referral: Referral, reason: str) -> Referral:
    referral = referral_services.eligibility_override(actor=actor, referral=referral, reason=reason)
    offer_free_places(referral, actor)
    return referral


@transaction.atomic
def referral_reopen(*, actor: Any, referral: Referral, note: str = "") -> Referral:
    referral = referral_services.referral_reopen(actor=actor, referral=referral, note=note)
    offer_free_places(referral, actor)
    return referral


@transaction.atomic
def referral_withdraw(*, actor: Any, referral: Referral, reason: str) -> Referral:
    """Withdraw a referral: its pending offers and its place go back to the waiting list."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    places.release_for_withdrawn_referral(referral=referral, actor=actor)
    return referral_services.referral_withdraw(actor=actor, referral=referral, reason=reason)


@transaction.atomic
def run_create(
    *,
    actor: Any,
    provider: Provider,
    template: CourseTemplate,
    venue: Venue,
    first_session_at: datetime,
    facilitators: list[Any],
    capacity: int = 8,
    copied_from: CourseRun | None = None,
    now: datetime | None = None,
) -> CourseRun:
    """Schedule a run (``courses.services.run_create``) and offer its places straight away."""
    run = course_services.run_create(
        actor=actor,
        provider=provider,
        template=template,
        venue=venue,
        first_session_at=first_session_at,
        facilitators=facilitators,
        capacity=capacity,
        copied_from=copied_from,
        now=now,
    )
    places.fill_free_places(run=run, actor=actor, now=now)
    return run


@transaction.atomic
def run_copy(*, actor: Any, run: CourseRun, first_session_at: datetime) -> CourseRun:
    copy = course_services.run_copy(actor=actor, run=run, first_session_at=first_session_at)
    places.fill_free_places(run=copy, actor=actor)
    return copy


@transaction.atomic
def run_update(*, actor: Any, run: CourseRun, capacity: int, facilitators: list[Any]) -> CourseRun:
    """Change a run's size or facilitators; a larger run offers its new places."""
    run = course_services.run_update(
        actor=actor, run=run, capacity=capacity, facilitators=facilitators
    )
    places.fill_free_places(run=run, actor=actor)
    return run


@transaction.atomic
def run_close(*, actor: Any, run: CourseRun) -> CourseRun:
    """Close a run: its outstanding offers are withdrawn, then each family's completion is
    settled (``courses.services.run_close``)."""
    run = CourseRun.objects.select_for_update().get(pk=run.pk)
    now = timezone.now()
    for offer in Offer.objects.filter(run=run, status=OfferStatus.PENDING).select_related(
        "referral", "run"
    ):
        places.close_offer(offer, OfferStatus.WITHDRAWN, actor=actor, now=now, note="Course closed")
    return course_services.run_close(actor=actor, run=run)

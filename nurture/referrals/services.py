"""Referral writes: intake, eligibility, state changes and overrides. One transaction each,
with the referral's history and an audit event written alongside."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from nurture.accounts.models import ProgrammeRules, Venue
from nurture.audit.services import person, record, record_many
from nurture.families.models import Baby
from nurture.lib.errors import Conflict, DomainError
from nurture.lib.idempotent import once_per_client_id
from nurture.referrals import eligibility, states
from nurture.referrals.models import (
    OPEN_STATUSES,
    PreferredTime,
    Priority,
    Reason,
    Referral,
    ReferralEvent,
    Status,
)


@dataclass(frozen=True)
class ReferralDetails:
    reasons: list[str]
    priority: str = Priority.ROUTINE
    reason_other: str = ""
    consent_to_contact: bool = False
    preferred_venue_ids: list[int] = field(default_factory=list)
    preferred_times: list[str] = field(default_factory=list)
    notes: str = ""


class DuplicateReferral(Conflict):
    """The baby already has an open referral; the caller may confirm and go ahead."""

    def __init__(self, existing: Referral) -> None:
        self.existing = existing
        super().__init__(
            {"baby": "This baby already has an open referral. Check it before adding another."}
        )


def limits_for(provider_id: int) -> eligibility.AgeLimits:
    rules = ProgrammeRules.for_provider(provider_id)
    return eligibility.AgeLimits(
        min_age_weeks=rules.min_age_weeks, max_age_months=rules.max_age_months
    )


def age_window(
    referral: Referral, limits: eligibility.AgeLimits | None = None
) -> eligibility.Window:
    """The start dates this referral's baby may begin a course. Pass ``limits`` when working
    through many referrals of one provider, to read its rules once."""
    baby = referral.baby
    return eligibility.window(
        baby.date_of_birth, baby.gestation_days, limits or limits_for(referral.provider_id)
    )


def check_for_start(referral: Referral, start: date) -> eligibility.Verdict:
    """May this referral's baby start a course on ``start``? Overrides always may."""
    baby = referral.baby
    verdict = eligibility.check(
        baby.date_of_birth, baby.gestation_days, start, limits_for(referral.provider_id)
    )
    if not verdict.eligible and referral.eligibility_override_reason:
        return eligibility.Verdict(True, "Eligible by override.", verdict.window)
    return verdict


def _check_details(details: ReferralDetails, provider_id: int) -> None:
    problems: dict[str, str] = {}
    if not details.reasons:
        problems["reasons"] = "Choose at least one reason for the referral."
    unknown = set(details.reasons) - set(Reason.values)
    if unknown:
        problems["reasons"] = f"Unknown reason: {', '.join(sorted(unknown))}."
    if Reason.OTHER in details.reasons and not details.reason_other.strip():
        problems["reason_other"] = "Say what the other reason is."
    if details.priority not in Priority.values:
        problems["priority"] = "Choose routine or high priority."
    if set(details.preferred_times) - set(PreferredTime.values):
        problems["preferred_times"] = "Choose from the listed times."
    venues = set(details.preferred_venue_ids)
    if venues and Venue.objects.filter(pk__in=venues, provider_id=provider_id).count() != len(
        venues
    ):
        problems["preferred_venue_ids"] = "Choose venues of this provider."
    if problems:
        raise DomainError(problems)


def _move(referral: Referral, to_status: str, *, actor: Any, note: str = "") -> None:
    if not states.can_move(referral.status, to_status):
        raise DomainError(
            f"A referral that is {Status(referral.status).label.lower()} cannot become "
            f"{Status(to_status).label.lower()}."
        )
    note = note[:300]
    ReferralEvent.objects.create(
        referral=referral,
        actor=person(actor),
        from_status=referral.status,
        to_status=to_status,
        note=note,
    )
    referral.status = to_status
    referral.status_note = note
    referral.save(update_fields=["status", "status_note", "updated_at"])


def move_many(referrals: list[Referral], to_status: str, *, actor: Any, note: str = "") -> None:
    """``move`` for many referrals in a fixed number of queries (e.g. a course completing)."""
    referrals = [r for r in referrals if states.can_move(r.status, to_status)]
    if not referrals:
        return
    note = note[:300]
    who = person(actor)
    ReferralEvent.objects.bulk_create(
        ReferralEvent(referral=r, actor=who, from_status=r.status, to_status=to_status, note=note)
        for r in referrals
    )
    Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(
        status=to_status, status_note=note, updated_at=timezone.now()
    )
    record_many(
        actor=actor,
        action=f"referral.{to_status}",
        targets=list(referrals),
        provider_id=referrals[0].provider_id,
    )


def move(referral: Referral, to_status: str, *, actor: Any, note: str = "") -> None:
    """Change state inside the caller's transaction (for the courses services)."""
    _move(referral, to_status, actor=actor, note=note)
    record(
        actor=actor,
        action=f"referral.{to_status}",
        target=referral,
        provider_id=referral.provider_id,
        data={"note": note} if note else {},
    )


def _assess(referral: Referral, *, actor: Any, today: date) -> None:
    """Eligible babies join the waiting list; a baby who has aged out is not eligible."""
    span = age_window(referral)
    if span.last_start < today and not referral.eligibility_override_reason:
        _move(
            referral,
            Status.NOT_ELIGIBLE,
            actor=actor,
            note=f"Aged out on {span.last_start:%-d %B %Y}: too old for any future course.",
        )
        return
    _move(referral, Status.ELIGIBLE, actor=actor)
    _move(referral, Status.WAITING, actor=actor)


@once_per_client_id
def referral_create(
    *,
    actor: Any,
    baby: Baby,
    details: ReferralDetails,
    referral_id: uuid.UUID | None = None,
    confirm_duplicate: bool = False,
) -> tuple[Referral, bool]:
    """Refer a baby. Returns (referral, created); resending the same id stores once.

    A second open referral for the same baby raises ``DuplicateReferral`` unless confirmed.
    """
    if referral_id is not None:
        existing = Referral.objects.filter(pk=referral_id).first()
        if existing is not None:
            if existing.baby_id != baby.pk:
                raise DomainError({"id": "This id cannot be used. Generate a new one."})
            return existing, False
    family = baby.family
    _check_details(details, family.provider_id)
    first = (
        Referral.objects.filter(baby=baby, status__in=OPEN_STATUSES).order_by("created_at").first()
    )
    if first is not None and not confirm_duplicate:
        raise DuplicateReferral(first)
    referral = Referral.objects.create(
        id=referral_id or uuid.uuid4(),
        provider_id=family.provider_id,
        family=family,
        baby=baby,
        referred_by=person(actor),
        reasons=sorted(set(details.reasons)),
        reason_other=details.reason_other.strip(),
        priority=details.priority,
        consent_to_contact=details.consent_to_contact,
        preferred_times=sorted(set(details.preferred_times)),
        notes=details.notes,
        duplicate_of=first,
    )
    referral.preferred_venues.set(details.preferred_venue_ids)
    ReferralEvent.objects.create(
        referral=referral,
        actor=referral.referred_by,
        from_status="",
        to_status=Status.RECEIVED,
        note="Second referral for this baby." if first else "",
    )
    _assess(referral, actor=actor, today=timezone.localdate())
    record(
        actor=actor,
        action="referral.created",
        target=referral,
        provider_id=referral.provider_id,
        data={"status": referral.status, "duplicate_of": str(first.pk) if first else None},
    )
    return referral, True


@transaction.atomic
def referral_update(*, actor: Any, referral: Referral, details: ReferralDetails) -> Referral:
    _check_details(details, referral.provider_id)
    referral.reasons = sorted(set(details.reasons))
    referral.reason_other = details.reason_other.strip()
    referral.priority = details.priority
    referral.consent_to_contact = details.consent_to_contact
    referral.preferred_times = sorted(set(details.preferred_times))
    referral.notes = details.notes
    referral.save()
    referral.preferred_venues.set(details.preferred_venue_ids)
    record(
        actor=actor,
        action="referral.updated",
        target=referral,
        provider_id=referral.provider_id,
        data={"priority": referral.priority},
    )
    return referral


@transaction.atomic
def eligibility_override(*, actor: Any, referral: Referral, reason: str) -> Referral:
    """A service manager lets a baby outside the age limits join, with a recorded reason."""
    if not reason.strip():
        raise DomainError({"reason": "Say why this baby should be offered a place."})
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    referral.eligibility_override_reason = reason.strip()
    referral.eligibility_overridden_by = actor
    referral.save(update_fields=["eligibility_override_reason", "eligibility_overridden_by"])
    if referral.status == Status.NOT_ELIGIBLE:
        _move(referral, Status.WAITING, actor=actor, note=f"Override: {reason.strip()}")
    record(
        actor=actor,
        action="referral.eligibility_overridden",
        target=referral,
        provider_id=referral.provider_id,
        data={"reason": reason.strip()},
    )
    return referral


@transaction.atomic
def mark_aged_out(*, today: date | None = None) -> int:
    """Waiting babies who are now too old for any course become not eligible (with the
    date they aged out), unless a manager overrode the age limits. For the periodic job."""
    today = today or timezone.localdate()
    limits: dict[int, eligibility.AgeLimits] = {}
    aged_out = []
    for referral in (
        Referral.objects.select_for_update(skip_locked=True)
        .filter(status=Status.WAITING, eligibility_override_reason="")
        .select_related("baby")
    ):
        if referral.provider_id not in limits:
            limits[referral.provider_id] = limits_for(referral.provider_id)
        if age_window(referral, limits[referral.provider_id]).last_start < today:
            aged_out.append(referral)
    for referral in aged_out:
        last = age_window(referral, limits[referral.provider_id]).last_start
        move(referral, Status.NOT_ELIGIBLE, actor=None, note=f"Aged out on {last:%-d %B %Y}.")
    return len(aged_out)


@transaction.atomic
def referral_withdraw(*, actor: Any, referral: Referral, reason: str) -> Referral:
    """The family no longer wants a place (or staff close the referral)."""
    if not reason.strip():
        raise DomainError({"reason": "Say why the referral is withdrawn."})
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    move(referral, Status.WITHDRAWN, actor=actor, note=reason.strip())
    return referral


@transaction.atomic
def referral_reopen(*, actor: Any, referral: Referral, note: str = "") -> Referral:
    """Put a declined, withdrawn or not-eligible family back on the waiting list."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in (Status.DECLINED, Status.WITHDRAWN, Status.NOT_ELIGIBLE):
        raise DomainError("Only a declined, withdrawn or not eligible family can be put back.")
    move(referral, Status.WAITING, actor=actor, note=note or "Back on the waiting list.")
    return referral

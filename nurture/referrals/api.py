"""API: referrals and the waiting list, scoped by the access policy.

Why a family was referred (reasons, notes, history notes) is shown only to the people the
policy lets see it (the referrer and managers); everyone else gets null in those fields.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from nurture import policy
from nurture.accounts.authentication import API_AUTH
from nurture.allocation import selectors as allocation_selectors
from nurture.allocation import services as allocation_services
from nurture.families import selectors as family_selectors
from nurture.lib.errors import DomainError
from nurture.lib.pagination import Pages
from nurture.lib.problems import Problem
from nurture.lib.schemas import Id, Note, PatchSchema, person_name
from nurture.referrals import selectors, services
from nurture.referrals.models import PreferredTime, Priority, Reason, Referral
from nurture.referrals.models import Status as ReferralStatus

router = Router(tags=["referrals"], auth=API_AUTH)


def _sees_reasons(referral: Referral, context: dict[str, Any]) -> bool:
    return policy.sees_referral_reasons(context["request"].user, referral)


# --- Output -----------------------------------------------------------------------------------


class WindowOut(Schema):
    first_start: date = Field(description="The first course start date the baby may join.")
    last_start: date = Field(description="The last start date: the baby ages out after it.")
    ages_out_on: date


class EventOut(Schema):
    at: datetime
    from_status: str
    to_status: ReferralStatus
    actor_name: str | None
    note: str | None = Field(description="Null unless you may see why the family was referred.")


class ReferralOfferOut(Schema):
    id: uuid.UUID
    run_id: uuid.UUID
    run: str
    kind: str
    status: str
    offered_at: datetime
    expires_at: datetime
    answered_at: datetime | None

    @staticmethod
    def resolve_run(offer: Any) -> str:
        return str(offer.run)


class ReferralEnrolmentOut(Schema):
    id: uuid.UUID
    run_id: uuid.UUID
    run: str
    status: str
    joined_at_session: int

    @staticmethod
    def resolve_run(enrolment: Any) -> str:
        return str(enrolment.run)


class ReferralOut(Schema):
    id: uuid.UUID
    provider_id: int
    family_id: uuid.UUID
    baby_id: uuid.UUID
    baby_name: str
    status: ReferralStatus
    status_label: str
    status_note: str | None = Field(description="Why it last changed; null unless you may see why.")
    priority: Priority
    consent_to_contact: bool
    preferred_times: list[str]
    referred_by_id: int | None
    referred_by_name: str | None
    duplicate_of_id: uuid.UUID | None
    eligibility_overridden: bool
    created_at: datetime
    updated_at: datetime
    reasons: list[str] | None = Field(description="Null unless you may see why.")
    reason_other: str | None = Field(description="Null unless you may see why.")
    notes: str | None = Field(description="Staff notes; null unless you may see why.")

    @staticmethod
    def resolve_baby_name(referral: Referral) -> str:
        return referral.baby.full_name()

    @staticmethod
    def resolve_status_label(referral: Referral) -> str:
        return ReferralStatus(referral.status).label

    @staticmethod
    def resolve_referred_by_name(referral: Referral) -> str | None:
        return person_name(referral.referred_by)

    @staticmethod
    def resolve_eligibility_overridden(referral: Referral) -> bool:
        return bool(referral.eligibility_override_reason)

    @staticmethod
    def resolve_status_note(referral: Referral, context: dict[str, Any]) -> str | None:
        return referral.status_note if _sees_reasons(referral, context) else None

    @staticmethod
    def resolve_reasons(referral: Referral, context: dict[str, Any]) -> list[str] | None:
        return list(referral.reasons) if _sees_reasons(referral, context) else None

    @staticmethod
    def resolve_reason_other(referral: Referral, context: dict[str, Any]) -> str | None:
        return referral.reason_other if _sees_reasons(referral, context) else None

    @staticmethod
    def resolve_notes(referral: Referral, context: dict[str, Any]) -> str | None:
        return referral.notes if _sees_reasons(referral, context) else None


class ReferralDetailOut(ReferralOut):
    preferred_venue_ids: list[int]
    eligibility_override_reason: str | None
    window: WindowOut
    events: list[EventOut]
    offers: list[ReferralOfferOut]
    enrolments: list[ReferralEnrolmentOut]

    @staticmethod
    def resolve_preferred_venue_ids(referral: Referral) -> list[int]:
        return [venue.pk for venue in referral.preferred_venues.all()]

    @staticmethod
    def resolve_eligibility_override_reason(
        referral: Referral, context: dict[str, Any]
    ) -> str | None:
        return referral.eligibility_override_reason if _sees_reasons(referral, context) else None

    @staticmethod
    def resolve_window(referral: Referral) -> dict[str, date]:
        span = services.age_window(referral)
        return {
            "first_start": span.first_start,
            "last_start": span.last_start,
            "ages_out_on": span.last_start,
        }

    @staticmethod
    def resolve_events(referral: Referral, context: dict[str, Any]) -> list[dict[str, Any]]:
        sees = _sees_reasons(referral, context)
        return [
            {
                "at": event.at,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "actor_name": person_name(event.actor),
                "note": event.note if sees else None,
            }
            for event in referral.events.all()
        ]

    @staticmethod
    def resolve_offers(referral: Referral) -> list[Any]:
        return list(referral.offers.all())

    @staticmethod
    def resolve_enrolments(referral: Referral) -> list[Any]:
        return list(referral.enrolments.all())


class DuplicateProblem(Problem):
    duplicate_of: uuid.UUID = Field(description="The baby's open referral.")


class WaitingOut(Schema):
    position: int
    referral_id: uuid.UUID
    baby_id: uuid.UUID
    baby_name: str
    priority: Priority
    referred_at: datetime
    ages_out_on: date


# --- Input ------------------------------------------------------------------------------------


class ReferralIn(Schema):
    id: uuid.UUID | None = Field(
        default=None, description="Client-generated id: sending it again stores once."
    )
    baby_id: uuid.UUID
    reasons: list[Reason] = Field(min_length=1, max_length=len(Reason))
    reason_other: str = Field(default="", max_length=200)
    priority: Priority = Priority.ROUTINE
    consent_to_contact: bool = False
    preferred_venue_ids: list[Id] = Field(default_factory=list, max_length=20)
    preferred_times: list[PreferredTime] = Field(default_factory=list, max_length=3)
    notes: str = Field(default="", max_length=2000)
    confirm_duplicate: bool = Field(
        default=False, description="Refer again although the baby has an open referral."
    )


class ReferralPatch(PatchSchema):
    reasons: list[Reason] | None = Field(default=None, min_length=1, max_length=len(Reason))
    reason_other: str | None = Field(default=None, max_length=200)
    priority: Priority | None = None
    consent_to_contact: bool | None = None
    preferred_venue_ids: list[Id] | None = Field(default=None, max_length=20)
    preferred_times: list[PreferredTime] | None = Field(default=None, max_length=3)
    notes: str | None = Field(default=None, max_length=2000)


class ReasonIn(Schema):
    reason: Note


class OverrideIn(Schema):
    # The history note reads "Override: <reason>", which must fit in 300 characters.
    reason: str = Field(max_length=290)


class NoteIn(Schema):
    note: Note = ""


def _details(referral: Referral) -> services.ReferralDetails:
    return services.ReferralDetails(
        reasons=list(referral.reasons),
        priority=referral.priority,
        reason_other=referral.reason_other,
        consent_to_contact=referral.consent_to_contact,
        preferred_venue_ids=[venue.pk for venue in referral.preferred_venues.all()],
        preferred_times=list(referral.preferred_times),
        notes=referral.notes,
    )


# --- Referrals ---------------------------------------------------------------------------------


@router.get("/referrals", response=list[ReferralOut])
@paginate(Pages)
def referrals(request: HttpRequest, status: str | None = None) -> Any:
    """Referrals you may see, newest first; filter with ?status= (received, eligible,
    waiting, offered, enrolled, completed, declined, withdrawn, not_eligible)."""
    # Only builtin types here: @paginate resolves annotations in its own module.
    if status is not None and status not in ReferralStatus.values:
        raise DomainError({"status": f"Choose one of: {', '.join(ReferralStatus.values)}."})
    return selectors.referral_list(request.user, status=status)


@router.post(
    "/referrals",
    response={
        200: ReferralDetailOut,
        201: ReferralDetailOut,
        404: Problem,
        409: DuplicateProblem,
        422: Problem,
    },
)
def referral_create(request: HttpRequest, payload: ReferralIn) -> Status[Any]:
    """Refer a baby. Resending the same id stores once. A baby with an open referral answers
    409 naming the existing one, unless confirm_duplicate is true."""
    user: Any = request.user
    if not policy.roles_of(user) & set(policy.REFERRERS):
        raise Http404
    baby = family_selectors.baby_detail(user, payload.baby_id)
    if not policy.can_edit_family(user, baby.family):
        raise Http404
    values = payload.model_dump(mode="json", exclude={"id", "baby_id", "confirm_duplicate"})
    try:
        referral, created = allocation_services.referral_create(
            actor=user,
            baby=baby,
            details=services.ReferralDetails(**values),
            referral_id=payload.id,
            confirm_duplicate=payload.confirm_duplicate,
        )
    except services.DuplicateReferral as duplicate:
        return Status(
            409,
            {
                "detail": "This baby already has an open referral.",
                "errors": [{"field": k, "message": v} for k, v in duplicate.errors.items()],
                "duplicate_of": duplicate.existing.pk,
            },
        )
    return Status(201 if created else 200, selectors.referral_detail(user, referral.pk))


@router.get("/referrals/{uuid:referral_id}", response={200: ReferralDetailOut, 404: Problem})
def referral_get(request: HttpRequest, referral_id: uuid.UUID) -> Any:
    """One referral with its history, age window, offers and enrolments."""
    return selectors.referral_detail(request.user, referral_id)


@router.patch(
    "/referrals/{uuid:referral_id}",
    response={200: ReferralDetailOut, 404: Problem, 422: Problem},
)
def referral_update(request: HttpRequest, referral_id: uuid.UUID, payload: ReferralPatch) -> Any:
    referral = selectors.manageable_referral(request.user, referral_id)
    details = dataclasses.replace(
        _details(referral), **payload.model_dump(mode="json", exclude_unset=True)
    )
    services.referral_update(actor=request.user, referral=referral, details=details)
    return selectors.referral_detail(request.user, referral_id)


@router.post(
    "/referrals/{uuid:referral_id}/withdraw",
    response={200: ReferralDetailOut, 404: Problem, 422: Problem},
)
def referral_withdraw(request: HttpRequest, referral_id: uuid.UUID, payload: ReasonIn) -> Any:
    """Close the referral: any offer or place the family holds is passed on."""
    referral = selectors.manageable_referral(request.user, referral_id)
    allocation_services.referral_withdraw(
        actor=request.user, referral=referral, reason=payload.reason
    )
    return selectors.referral_detail(request.user, referral_id)


@router.post(
    "/referrals/{uuid:referral_id}/reopen",
    response={200: ReferralDetailOut, 404: Problem, 422: Problem},
)
def referral_reopen(request: HttpRequest, referral_id: uuid.UUID, payload: NoteIn) -> Any:
    """Put a declined, withdrawn or not-eligible family back on the waiting list."""
    referral = selectors.manageable_referral(request.user, referral_id)
    allocation_services.referral_reopen(
        actor=request.user, referral=referral, note=payload.note.strip()
    )
    return selectors.referral_detail(request.user, referral_id)


@router.post(
    "/referrals/{uuid:referral_id}/override",
    response={200: ReferralDetailOut, 404: Problem, 422: Problem},
)
def referral_override(request: HttpRequest, referral_id: uuid.UUID, payload: OverrideIn) -> Any:
    """Service managers: let a baby outside the age limits join, with a reason."""
    referral = selectors.referral_detail(request.user, referral_id)
    if not policy.can_override_eligibility(request.user, referral.provider_id):
        raise Http404
    allocation_services.eligibility_override(
        actor=request.user, referral=referral, reason=payload.reason
    )
    return selectors.referral_detail(request.user, referral_id)


# --- Waiting list ------------------------------------------------------------------------------


@router.get("/waiting-list", response={200: list[WaitingOut], 404: Problem, 422: Problem})
def waiting_list(
    request: HttpRequest, provider_id: Id | None = None, venue_id: Id | None = None
) -> Any:
    """The provider's waiting list in offer order (high priority, then the baby who ages out
    soonest, then the earliest referral), as far as you may see it."""
    user: Any = request.user
    if not policy.roles_of(user) & set(policy.STAFF):
        raise Http404
    providers = list(policy.providers_visible_to(user).values_list("pk", flat=True))
    if provider_id is None:
        if len(providers) != 1:
            raise DomainError({"provider_id": "You work for several providers: say which."})
        provider_id = providers[0]
    elif provider_id not in providers:
        raise Http404
    return [
        {
            "position": row.position,
            "referral_id": row.referral.pk,
            "baby_id": row.referral.baby_id,
            "baby_name": row.referral.baby.full_name(),
            "priority": row.referral.priority,
            "referred_at": row.referral.created_at,
            "ages_out_on": row.ages_out_on,
        }
        for row in allocation_selectors.waiting_list(user, provider_id, venue_id=venue_id)
    ]

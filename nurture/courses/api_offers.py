"""API: offers of places, enrolments and the working list. Mounted on the courses router."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from nurture import policy
from nurture.accounts.authentication import API_AUTH
from nurture.allocation import places
from nurture.courses import selectors
from nurture.courses.capacity import Joining, joining
from nurture.courses.models import Enrolment, Offer, OfferStatus
from nurture.lib.pagination import Pages
from nurture.lib.problems import Problem
from nurture.lib.schemas import Note

router = Router(tags=["offers and enrolments"], auth=API_AUTH)


def _baby_name(referral: Any) -> str:
    return str(referral.baby.full_name())


# --- Schemas ---------------------------------------------------------------------------------


class EnrolmentOut(Schema):
    id: uuid.UUID
    run_id: uuid.UUID
    referral_id: uuid.UUID
    family_id: uuid.UUID
    baby_name: str
    status: str
    joined_at_session: int

    @staticmethod
    def resolve_family_id(enrolment: Enrolment) -> Any:
        return enrolment.referral.family_id

    @staticmethod
    def resolve_baby_name(enrolment: Enrolment) -> str:
        return _baby_name(enrolment.referral)


class OfferOut(Schema):
    id: uuid.UUID
    run_id: uuid.UUID
    referral_id: uuid.UUID
    family_id: uuid.UUID
    baby_name: str
    kind: str
    status: str
    offered_at: datetime
    expires_at: datetime
    answered_at: datetime | None

    @staticmethod
    def resolve_family_id(offer: Offer) -> Any:
        return offer.referral.family_id

    @staticmethod
    def resolve_baby_name(offer: Offer) -> str:
        return _baby_name(offer.referral)


def _joins(offer: Offer) -> Joining | None:
    """When the family would start, worked out once per offer (both fields need it)."""
    if not hasattr(offer, "_joins"):
        offer._joins = joining(  # type: ignore[attr-defined]
            offer.run, list(offer.run.sessions.all()), timezone.now()
        )
    joins: Joining | None = offer._joins  # type: ignore[attr-defined]
    return joins


class OfferWithRunOut(OfferOut):
    run: str
    venue_name: str
    first_session_at: datetime

    @staticmethod
    def resolve_run(offer: Offer) -> str:
        return str(offer.run)

    @staticmethod
    def resolve_venue_name(offer: Offer) -> str:
        return offer.run.venue.name

    joins_at_week: int | None = Field(
        description="The week the family would start if they accept now (null: too late)."
    )
    starts_at: datetime | None = Field(description="When that week's session starts.")

    @staticmethod
    def resolve_first_session_at(offer: Offer) -> datetime:
        return offer.run.first_session_at

    @staticmethod
    def resolve_joins_at_week(offer: Offer) -> int | None:
        joins = _joins(offer)
        return joins.session_number if joins else None

    @staticmethod
    def resolve_starts_at(offer: Offer) -> datetime | None:
        joins = _joins(offer)
        if joins is None:
            return None
        return next(
            s.starts_at for s in offer.run.sessions.all() if s.number == joins.session_number
        )


class Item(Schema):
    id: uuid.UUID
    label: str


class ReferralItem(Item):
    referral_id: uuid.UUID


class AgeingOutItem(ReferralItem):
    ages_out_on: date


class OfferItem(Item):
    referral_id: uuid.UUID
    run_id: uuid.UUID
    expires_at: datetime


class EnrolmentItem(Item):
    referral_id: uuid.UUID
    run_id: uuid.UUID


class RunItem(Item):
    free_places: int


class WorkingListOut(Schema):
    families_to_offer: list[ReferralItem]
    offers_expiring_today: list[OfferItem]
    offers_without_reply: list[OfferItem]
    missed_last_session: list[EnrolmentItem]
    ageing_out_soon: list[AgeingOutItem]
    runs_with_free_places: list[RunItem]


class DeclineIn(Schema):
    stay_on_list: bool = Field(default=True, description="Keep the family on the waiting list.")
    note: Note = ""


class WithdrawIn(Schema):
    reason: Note


# --- Helpers ----------------------------------------------------------------------------------


def offer_out(user: Any, offer_id: Any) -> Offer:
    return policy.get_visible_or_404(
        policy.offers_visible_to(user).select_related(
            "run__venue", "run__template", "referral__baby"
        ),
        pk=offer_id,
    )


# --- Offers and enrolments ----------------------------------------------------------------------


@router.get("/offers", response=list[OfferWithRunOut])
@paginate(Pages)
def offers(request: HttpRequest) -> Any:
    """Offers waiting for a reply that you may see (a parent: their own), soonest to expire
    first."""
    return (
        policy.offers_visible_to(request.user)
        .filter(status=OfferStatus.PENDING)
        .select_related("run__venue", "run__template", "referral__baby")
        .prefetch_related("run__sessions")
        .order_by("expires_at", "pk")
    )


@router.post(
    "/offers/{uuid:offer_id}/accept", response={200: EnrolmentOut, 404: Problem, 422: Problem}
)
def offer_accept(request: HttpRequest, offer_id: uuid.UUID) -> Any:
    """Take the place: the family is enrolled for the whole run."""
    offer = selectors.offer_for_user(request.user, offer_id)
    enrolment = places.accept_offer(actor=request.user, offer=offer)
    return Enrolment.objects.select_related("referral__baby").get(pk=enrolment.pk)


@router.post(
    "/offers/{uuid:offer_id}/decline",
    response={200: OfferWithRunOut, 404: Problem, 422: Problem},
)
def offer_decline(request: HttpRequest, offer_id: uuid.UUID, payload: DeclineIn) -> Any:
    """Say no to the place; the family stays on the waiting list unless stay_on_list is
    false."""
    offer = selectors.offer_for_user(request.user, offer_id)
    places.decline_offer(
        actor=request.user,
        offer=offer,
        stay_on_list=payload.stay_on_list,
        note=payload.note.strip(),
    )
    return offer_out(request.user, offer_id)


@router.post(
    "/enrolments/{uuid:enrolment_id}/withdraw",
    response={200: EnrolmentOut, 404: Problem, 422: Problem},
)
def enrolment_withdraw(request: HttpRequest, enrolment_id: uuid.UUID, payload: WithdrawIn) -> Any:
    """Service managers: take a family off a run; the place is offered to the next family."""
    enrolment = selectors.enrolment_for_user(request.user, enrolment_id)
    places.withdraw_enrolment(actor=request.user, enrolment=enrolment, reason=payload.reason)
    return Enrolment.objects.select_related("referral__baby").get(pk=enrolment.pk)


# --- Working list -----------------------------------------------------------------------------


@router.get("/working-list", response={200: WorkingListOut, 404: Problem})
def working_list(request: HttpRequest) -> Any:
    """What needs doing now: families to offer, offers expiring or unanswered, families who
    missed the last session, babies ageing out within two weeks, runs with free places."""
    if not policy.roles_of(request.user) & set(policy.STAFF):
        raise Http404
    found = selectors.working_list(request.user)

    def offer_item(offer: Offer) -> dict[str, Any]:
        when = timezone.localtime(offer.run.first_session_at)
        return {
            "id": offer.pk,
            "label": f"{_baby_name(offer.referral)}: {offer.run.venue.name}, from {when:%-d %b %Y}",
            "referral_id": offer.referral_id,
            "run_id": offer.run_id,
            "expires_at": offer.expires_at,
        }

    return {
        "families_to_offer": [
            {"id": r.pk, "referral_id": r.pk, "label": _baby_name(r)}
            for r in found.families_to_offer
        ],
        "offers_expiring_today": [offer_item(o) for o in found.offers_expiring_today],
        "offers_without_reply": [offer_item(o) for o in found.offers_without_reply],
        "missed_last_session": [
            {
                "id": e.pk,
                "referral_id": e.referral_id,
                "run_id": e.run_id,
                "label": _baby_name(e.referral),
            }
            for e in found.missed_last_session
        ],
        "ageing_out_soon": [
            {
                "id": r.pk,
                "referral_id": r.pk,
                "label": f"{_baby_name(r)}: ages out on {day:%-d %b %Y}",
                "ages_out_on": day,
            }
            for r, day in found.ageing_out_soon
        ],
        "runs_with_free_places": [
            {"id": run.pk, "label": str(run), "free_places": free}
            for run, free in found.runs_with_free_places
        ],
    }

"""API: course templates and runs, scoped by the access policy. Offers, enrolments and the
working list are in ``api_offers``, sessions and registers in ``api_sessions``; both are
mounted on this router."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field

from nurture import policy
from nurture.accounts.authentication import API_AUTH
from nurture.accounts.models import User
from nurture.allocation import places
from nurture.allocation import services as allocation_services
from nurture.courses import selectors, services
from nurture.courses.api_offers import EnrolmentOut, OfferOut, offer_out
from nurture.courses.api_offers import router as offers_router
from nurture.courses.api_sessions import CourseSessionOut, within_two_years
from nurture.courses.api_sessions import router as sessions_router
from nurture.courses.models import CourseRun, CourseTemplate, Offer
from nurture.lib.errors import DomainError
from nurture.lib.pagination import Pages
from nurture.lib.problems import Problem
from nurture.lib.schemas import Id, PatchSchema, api_field_names

router = Router(tags=["courses"], auth=API_AUTH)

RUN_FIELDS = {"venue": "venue_id", "template": "template_id", "facilitators": "facilitator_ids"}


# --- Output -----------------------------------------------------------------------------------


class TemplateOut(Schema):
    id: int
    provider_id: int
    name: str
    sessions_count: int
    session_minutes: int
    week_plan: list[str]
    what_to_bring: str
    is_active: bool


class RunOut(Schema):
    id: uuid.UUID
    provider_id: int
    template_id: int
    template_name: str
    session_minutes: int
    venue_id: int
    venue_name: str
    capacity: int
    places_taken: int
    free_places: int
    first_session_at: datetime
    status: str
    copied_from_id: uuid.UUID | None
    facilitator_ids: list[int]
    facilitator_names: list[str]
    sessions: list[CourseSessionOut]

    @staticmethod
    def resolve_template_name(run: CourseRun) -> str:
        return run.template.name

    @staticmethod
    def resolve_session_minutes(run: CourseRun) -> int:
        return run.template.session_minutes

    @staticmethod
    def resolve_venue_name(run: CourseRun) -> str:
        return run.venue.name

    @staticmethod
    def resolve_places_taken(run: Any) -> int:
        return int(run.enrolled_count) + int(run.held_count)

    @staticmethod
    def resolve_free_places(run: CourseRun) -> int:
        return selectors.free_places_of(run)

    @staticmethod
    def resolve_facilitator_ids(run: CourseRun) -> list[int]:
        return [user.pk for user in run.facilitators.all()]

    @staticmethod
    def resolve_facilitator_names(run: CourseRun) -> list[str]:
        return [user.display_name() for user in run.facilitators.all()]

    @staticmethod
    def resolve_sessions(run: CourseRun) -> list[Any]:
        return list(run.sessions.all())


class RunDetailOut(RunOut):
    enrolments: list[EnrolmentOut] = Field(description="The families on the run you may see.")
    offers: list[OfferOut] = Field(description="Offers of places to families you may see.")

    @staticmethod
    def resolve_enrolments(run: Any) -> list[Any]:
        return list(run.visible_enrolments)

    @staticmethod
    def resolve_offers(run: Any) -> list[Any]:
        return list(run.visible_offers)


# --- Input ------------------------------------------------------------------------------------


class TemplateIn(Schema):
    provider_id: Id | None = Field(
        default=None, description="Needed only when you manage more than one provider."
    )
    name: str = Field(min_length=1, max_length=120)
    sessions_count: int = Field(default=5, ge=1, le=12)
    session_minutes: int = Field(default=60, ge=15, le=180)
    week_plan: list[str] | None = Field(default=None, max_length=12)
    what_to_bring: str | None = Field(default=None, max_length=1000)


class RunIn(Schema):
    template_id: Id
    venue_id: Id
    first_session_at: AwareDatetime = Field(description="ISO 8601 with a time zone offset.")
    facilitator_ids: list[Id] = Field(default_factory=list, max_length=10)
    capacity: int = Field(default=8, ge=1, le=30)


class RunPatch(PatchSchema):
    capacity: int | None = Field(default=None, ge=1, le=30)
    facilitator_ids: list[Id] | None = Field(default=None, max_length=10)


class CopyIn(Schema):
    first_session_at: AwareDatetime = Field(description="ISO 8601 with a time zone offset.")


class OfferIn(Schema):
    referral_id: uuid.UUID


# --- Helpers ----------------------------------------------------------------------------------


def _facilitators(ids: list[int]) -> list[Any]:
    users = list(User.objects.filter(pk__in=set(ids), is_active=True))
    if len(users) != len(set(ids)):
        raise DomainError({"facilitator_ids": "Choose facilitators of this provider."})
    return users


def _run_detail(user: Any, run_id: Any) -> CourseRun:
    """The run, with only the enrolments and offers of referrals this user may see."""
    run: Any = selectors.run_detail(user, run_id)
    enrolments = list(run.enrolments.all())
    offers = list(run.offers.all())
    if not policy.can_manage_run(user, run):
        asked = {e.referral_id for e in enrolments} | {o.referral_id for o in offers}
        seen = set(
            policy.referrals_visible_to(user).filter(pk__in=asked).values_list("pk", flat=True)
        )
        enrolments = [e for e in enrolments if e.referral_id in seen]
        offers = [o for o in offers if o.referral_id in seen]
    run.visible_enrolments = enrolments
    run.visible_offers = offers
    shown: CourseRun = run
    return shown


# --- Course templates -------------------------------------------------------------------------


@router.get("/course-templates", response=list[TemplateOut])
def templates(request: HttpRequest) -> Any:
    """The courses of the providers you work for."""
    return CourseTemplate.objects.filter(
        provider__in=policy.providers_visible_to(request.user)
    ).order_by("provider_id", "name")


@router.post("/course-templates", response={201: TemplateOut, 404: Problem, 422: Problem})
def template_create(request: HttpRequest, payload: TemplateIn) -> Status[Any]:
    """Service managers: describe a course (number of weekly sessions, length, week plan)."""
    managed = list(policy.providers_managed_by(request.user))
    if not managed:
        raise Http404
    provider = policy.chosen_provider(managed, payload.provider_id)
    if provider is None:
        raise DomainError(
            {"provider_id": "Choose a provider you manage."}
            if payload.provider_id is not None
            else {"provider_id": "You manage several providers: say which."}
        )
    template = services.template_create(
        actor=request.user,
        provider=provider,
        name=payload.name,
        sessions_count=payload.sessions_count,
        session_minutes=payload.session_minutes,
        week_plan=payload.week_plan,
        what_to_bring=payload.what_to_bring,
    )
    return Status(201, template)


# --- Runs -------------------------------------------------------------------------------------


@router.get("/runs", response=list[RunOut])
@paginate(Pages)
def runs(request: HttpRequest, include_closed: bool = False) -> Any:
    """Runs you may see, soonest first (facilitators: their own; parents: theirs)."""
    return selectors.run_list(request.user, include_closed=include_closed)


@router.post("/runs", response={201: RunDetailOut, 404: Problem, 422: Problem})
def run_create(request: HttpRequest, payload: RunIn) -> Status[Any]:
    """Service managers: schedule a run. Sessions skip bank holidays; free places are
    offered to the waiting list straight away."""
    user: Any = request.user
    managed = policy.providers_managed_by(user)
    if not managed.exists():
        raise Http404
    venue = (
        policy.venues_visible_to(user)
        .filter(provider__in=managed, pk=payload.venue_id)
        .select_related("provider")
        .first()
    )
    if venue is None:
        raise DomainError({"venue_id": "Choose one of your provider's venues."})
    template = CourseTemplate.objects.filter(
        provider_id=venue.provider_id, pk=payload.template_id
    ).first()
    if template is None:
        raise DomainError({"template_id": "Choose one of this provider's courses."})
    within_two_years("first_session_at", payload.first_session_at)
    with api_field_names(**RUN_FIELDS):
        run = allocation_services.run_create(
            actor=user,
            provider=venue.provider,
            template=template,
            venue=venue,
            first_session_at=payload.first_session_at,
            facilitators=_facilitators(payload.facilitator_ids),
            capacity=payload.capacity,
        )
    return Status(201, _run_detail(user, run.pk))


@router.get("/runs/{uuid:run_id}", response={200: RunDetailOut, 404: Problem})
def run_get(request: HttpRequest, run_id: uuid.UUID) -> Any:
    """One run with its sessions, free places, enrolments and offers."""
    return _run_detail(request.user, run_id)


@router.patch("/runs/{uuid:run_id}", response={200: RunDetailOut, 404: Problem, 422: Problem})
def run_update(request: HttpRequest, run_id: uuid.UUID, payload: RunPatch) -> Any:
    """Change the number of places or the facilitators. More places are offered at once."""
    run = selectors.manageable_run(request.user, run_id)
    changes = payload.model_dump(exclude_unset=True)
    facilitators = (
        _facilitators(changes["facilitator_ids"])
        if "facilitator_ids" in changes
        else list(run.facilitators.all())
    )
    with api_field_names(**RUN_FIELDS):
        allocation_services.run_update(
            actor=request.user,
            run=run,
            capacity=changes.get("capacity", run.capacity),
            facilitators=facilitators,
        )
    return _run_detail(request.user, run_id)


@router.post("/runs/{uuid:run_id}/copy", response={201: RunDetailOut, 404: Problem, 422: Problem})
def run_copy(request: HttpRequest, run_id: uuid.UUID, payload: CopyIn) -> Status[Any]:
    """The same course, venue, facilitators and size, starting on a new date."""
    run = selectors.manageable_run(request.user, run_id)
    within_two_years("first_session_at", payload.first_session_at)
    with api_field_names(**RUN_FIELDS):
        copy = allocation_services.run_copy(
            actor=request.user, run=run, first_session_at=payload.first_session_at
        )
    return Status(201, _run_detail(request.user, copy.pk))


@router.post("/runs/{uuid:run_id}/close", response={200: RunDetailOut, 404: Problem, 422: Problem})
def run_close(request: HttpRequest, run_id: uuid.UUID) -> Any:
    """Close the run: pending offers are withdrawn and each family's completion settled."""
    run = selectors.manageable_run(request.user, run_id)
    allocation_services.run_close(actor=request.user, run=run)
    return _run_detail(request.user, run_id)


@router.post(
    "/runs/{uuid:run_id}/offer-to-all",
    response={200: list[OfferOut], 404: Problem, 422: Problem},
)
def run_offer_to_all(request: HttpRequest, run_id: uuid.UUID) -> Any:
    """Offer a last-minute gap to every eligible waiting family: first to accept wins."""
    run = selectors.manageable_run(request.user, run_id)
    offers = places.offer_to_all(actor=request.user, run=run)
    return list(
        Offer.objects.filter(pk__in=[o.pk for o in offers]).select_related("referral__baby")
    )


@router.post("/runs/{uuid:run_id}/offers", response={201: OfferOut, 404: Problem, 422: Problem})
def run_offer(request: HttpRequest, run_id: uuid.UUID, payload: OfferIn) -> Status[Any]:
    """Offer a free place to one family on the waiting list, by hand."""
    run = selectors.manageable_run(request.user, run_id)
    referral = (
        policy.referrals_visible_to(request.user)
        .filter(pk=payload.referral_id, provider_id=run.provider_id)
        .first()
    )
    if referral is None:
        raise DomainError({"referral_id": "Choose a family referred to this provider."})
    with api_field_names(referral="referral_id"):
        offer = places.offer_place(actor=request.user, run=run, referral=referral)
    return Status(201, offer_out(request.user, offer.pk))


router.add_router("", offers_router)
router.add_router("", sessions_router)

"""API: families, carers and babies, scoped by the access policy."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, Field

from nurture import policy
from nurture.accounts.authentication import API_AUTH
from nurture.accounts.models import User
from nurture.families import selectors, services
from nurture.families.models import Baby, Carer, Family, Language
from nurture.lib.errors import DomainError
from nurture.lib.pagination import Pages
from nurture.lib.problems import Problem
from nurture.lib.schemas import Id, PatchSchema

router = Router(tags=["families"], auth=API_AUTH)


def _email(value: str) -> str:
    """The same email rule as the forms (Django's validator), as a schema check."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import validate_email

    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("Enter a valid email address.") from None
    return value


EmailAddress = Annotated[str, Field(max_length=254), AfterValidator(_email)]

Relationship = Carer.Relationship
Channel = Carer.Channel


class AgeOut(Schema):
    days: int
    weeks: int
    months: int
    description: str

    @staticmethod
    def resolve_description(age: Any) -> str:
        return str(age.describe())


class BabyOut(Schema):
    id: uuid.UUID
    family_id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: date
    gestation_weeks: int | None
    gestation_extra_days: int | None
    due_date: date | None
    is_preterm: bool
    age: AgeOut
    corrected_age: AgeOut | None
    days_until_due_date: int = Field(
        description="For a preterm baby not yet at their due date, days until it; else 0."
    )

    @staticmethod
    def resolve_age(baby: Baby) -> Any:
        return baby.age().chronological

    @staticmethod
    def resolve_corrected_age(baby: Baby) -> Any:
        return baby.age().corrected

    @staticmethod
    def resolve_days_until_due_date(baby: Baby) -> int:
        return baby.age().days_until_due


class CarerOut(Schema):
    id: uuid.UUID
    given_name: str
    family_name: str
    relationship: Relationship
    email: str
    mobile: str
    preferred_channel: Channel
    consent_to_contact: bool
    language: Language
    needs_interpreter: bool
    has_login: bool

    @staticmethod
    def resolve_has_login(carer: Carer) -> bool:
        return carer.user_id is not None


class FamilyOut(Schema):
    id: uuid.UUID
    provider_id: int
    health_visitor_id: Id | None
    postcode: str
    notes: str | None = Field(description="Staff notes; null for parents.")
    carers: list[CarerOut]
    babies: list[BabyOut]

    @staticmethod
    def resolve_notes(family: Family, context: dict[str, Any]) -> str | None:
        user = context["request"].user
        return family.notes if policy.can_edit_family(user, family) else None

    @staticmethod
    def resolve_carers(family: Family) -> list[Carer]:
        return list(family.carers.all())

    @staticmethod
    def resolve_babies(family: Family) -> list[Baby]:
        return list(family.babies.all())


class CarerIn(Schema):
    given_name: str = Field(min_length=1, max_length=80)
    family_name: str = Field(min_length=1, max_length=80)
    relationship: Relationship = Relationship.PARENT
    email: EmailAddress | None = None
    mobile: str = Field(default="", max_length=20)
    preferred_channel: Channel = Channel.EMAIL
    consent_to_contact: bool = False
    language: Language = Language.ENGLISH
    needs_interpreter: bool = False


class CarerPatch(PatchSchema):
    given_name: str | None = Field(default=None, min_length=1, max_length=80)
    family_name: str | None = Field(default=None, min_length=1, max_length=80)
    relationship: Relationship | None = None
    email: EmailAddress | None = None
    mobile: str | None = Field(default=None, max_length=20)
    preferred_channel: Channel | None = None
    consent_to_contact: bool | None = None
    language: Language | None = None
    needs_interpreter: bool | None = None


class BabyIn(Schema):
    id: uuid.UUID | None = Field(
        default=None, description="Client-generated id: sending it again stores once."
    )
    given_name: str = Field(min_length=1, max_length=80)
    family_name: str = Field(default="", max_length=80)
    date_of_birth: date
    gestation_weeks: int | None = Field(default=None, ge=22, le=44)
    gestation_extra_days: int | None = Field(default=None, ge=0, le=6)
    due_date: date | None = None


class BabyPatch(PatchSchema):
    NULLABLE = frozenset({"gestation_weeks", "gestation_extra_days", "due_date"})

    given_name: str | None = Field(default=None, min_length=1, max_length=80)
    family_name: str | None = Field(default=None, max_length=80)
    date_of_birth: date | None = None
    gestation_weeks: int | None = Field(default=None, ge=22, le=44)
    gestation_extra_days: int | None = Field(default=None, ge=0, le=6)
    due_date: date | None = None


class FamilyIn(Schema):
    id: uuid.UUID | None = Field(
        default=None, description="Client-generated id: sending it again stores once."
    )
    provider_id: Id | None = Field(
        default=None, description="Needed only when you work for more than one provider."
    )
    health_visitor_id: Id | None = None
    postcode: str = Field(default="", max_length=10)
    notes: str = Field(default="", max_length=2000)
    carer: CarerIn
    babies: list[BabyIn] = Field(min_length=1, max_length=6)


class FamilyPatch(PatchSchema):
    NULLABLE = frozenset({"health_visitor_id"})

    postcode: str | None = Field(default=None, max_length=10)
    notes: str | None = Field(default=None, max_length=2000)
    health_visitor_id: Id | None = None


@contextmanager
def _api_field_names() -> Iterator[None]:
    """Name fields as the API client sent them (the services use the form's names)."""
    try:
        yield
    except DomainError as error:
        error.errors = {
            ("health_visitor_id" if key == "health_visitor" else key): message
            for key, message in error.errors.items()
        }
        raise


def _health_visitor(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    found = User.objects.filter(pk=user_id).first()
    if found is None:
        raise DomainError({"health_visitor_id": "Choose a health visitor of this provider."})
    return found


def _carer_details(payload: CarerIn | CarerPatch, base: dict[str, Any]) -> services.CarerDetails:
    values = dict(base)
    values.update(payload.model_dump(exclude_unset=True))
    values["email"] = values.get("email") or ""
    values["mobile"] = values.get("mobile") or ""
    return services.CarerDetails(**values)


def _baby_details(payload: BabyIn | BabyPatch, base: dict[str, Any]) -> services.BabyDetails:
    values = dict(base)
    values.update(payload.model_dump(exclude_unset=True, exclude={"id"}))
    return services.BabyDetails(**values)


# --- Families ---------------------------------------------------------------------------------


@router.get("/families", response=list[FamilyOut])
@paginate(Pages)
def families(request: HttpRequest) -> Any:
    return selectors.family_list(request.user)


@router.post(
    "/families", response={200: FamilyOut, 201: FamilyOut, 404: Problem, 409: Problem, 422: Problem}
)
def family_create(request: HttpRequest, payload: FamilyIn) -> Status[Any]:
    """Add a family with its first carer and babies. Resending the same id stores once."""
    user: Any = request.user
    if not policy.providers_where_can_refer(user).exists():
        raise Http404
    provider = policy.provider_for_new_family(user, payload.provider_id)
    if provider is None:
        raise DomainError(
            {"provider_id": "Choose a provider you work for."}
            if payload.provider_id is not None
            else {"provider_id": "You work for several providers: say which."}
        )
    health_visitor = _health_visitor(payload.health_visitor_id)
    with _api_field_names():
        family, created = services.family_create(
            actor=user,
            provider=provider,
            carer=_carer_details(payload.carer, {}),
            babies=[_baby_details(baby, {}) for baby in payload.babies],
            health_visitor=health_visitor,
            postcode=payload.postcode,
            notes=payload.notes,
            family_id=payload.id,
            baby_ids=[baby.id for baby in payload.babies],
        )
    family = selectors.family_detail(user, family.pk)
    return Status(201 if created else 200, family)


@router.get("/families/{uuid:family_id}", response={200: FamilyOut, 404: Problem})
def family_get(request: HttpRequest, family_id: uuid.UUID) -> Any:
    return selectors.family_detail(request.user, family_id)


@router.patch("/families/{uuid:family_id}", response={200: FamilyOut, 404: Problem, 422: Problem})
def family_update(request: HttpRequest, family_id: uuid.UUID, payload: FamilyPatch) -> Any:
    family = selectors.editable_family(request.user, family_id)
    changes = payload.model_dump(exclude_unset=True)
    with _api_field_names():
        services.family_update(
            actor=request.user,
            family=family,
            postcode=changes.get("postcode", family.postcode) or "",
            notes=changes.get("notes", family.notes) or "",
            health_visitor=(
                _health_visitor(changes["health_visitor_id"])
                if "health_visitor_id" in changes
                else family.health_visitor
            ),
        )
    return selectors.family_detail(request.user, family_id)


# --- Carers ----------------------------------------------------------------------------------


@router.post(
    "/families/{uuid:family_id}/carers", response={201: CarerOut, 404: Problem, 422: Problem}
)
def carer_add(request: HttpRequest, family_id: uuid.UUID, payload: CarerIn) -> Status[Any]:
    family = selectors.editable_family(request.user, family_id)
    carer = services.carer_add(
        actor=request.user, family=family, details=_carer_details(payload, {})
    )
    return Status(201, carer)


@router.patch("/carers/{uuid:carer_id}", response={200: CarerOut, 404: Problem, 422: Problem})
def carer_update(request: HttpRequest, carer_id: uuid.UUID, payload: CarerPatch) -> Any:
    carer = selectors.editable_carer(request.user, carer_id)
    current = {f.name: getattr(carer, f.name) for f in dataclasses.fields(services.CarerDetails)}
    services.carer_update(actor=request.user, carer=carer, details=_carer_details(payload, current))
    return carer


# --- Babies ----------------------------------------------------------------------------------


@router.get("/babies", response=list[BabyOut])
@paginate(Pages)
def babies(request: HttpRequest) -> Any:
    return selectors.baby_list(request.user)


@router.get("/babies/{uuid:baby_id}", response={200: BabyOut, 404: Problem})
def baby_get(request: HttpRequest, baby_id: uuid.UUID) -> Any:
    return selectors.baby_detail(request.user, baby_id)


@router.post(
    "/families/{uuid:family_id}/babies",
    response={200: BabyOut, 201: BabyOut, 404: Problem, 409: Problem, 422: Problem},
)
def baby_add(request: HttpRequest, family_id: uuid.UUID, payload: BabyIn) -> Status[Any]:
    """Add a baby (a twin, or a new arrival). Resending the same id stores once."""
    family = selectors.editable_family(request.user, family_id)
    baby, created = services.baby_add(
        actor=request.user,
        family=family,
        details=_baby_details(payload, {}),
        baby_id=payload.id,
    )
    return Status(201 if created else 200, baby)


@router.patch("/babies/{uuid:baby_id}", response={200: BabyOut, 404: Problem, 422: Problem})
def baby_update(request: HttpRequest, baby_id: uuid.UUID, payload: BabyPatch) -> Any:
    baby = selectors.baby_detail(request.user, baby_id)
    selectors.editable_family(request.user, baby.family_id)
    current = {f.name: getattr(baby, f.name) for f in dataclasses.fields(services.BabyDetails)}
    services.baby_update(actor=request.user, baby=baby, details=_baby_details(payload, current))
    return baby

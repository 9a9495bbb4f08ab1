"""Every change to families, carers and babies: one transaction, one audit event each."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from nurture.accounts.models import Membership, Provider
from nurture.accounts.roles import Role
from nurture.audit.services import changed_fields, record
from nurture.families.models import Baby, Carer, Family
from nurture.families.validation import (
    birth_details_problems,
    mobile_problem,
    normalise_mobile,
)
from nurture.lib.errors import DomainError
from nurture.lib.idempotent import once_per_client_id

Audited = TypeVar("Audited", Family, Carer, Baby)


@dataclass(frozen=True)
class CarerDetails:
    given_name: str
    family_name: str
    relationship: str = Carer.Relationship.PARENT
    email: str = ""
    mobile: str = ""
    preferred_channel: str = Carer.Channel.EMAIL
    consent_to_contact: bool = False
    language: str = "en"
    needs_interpreter: bool = False


ID_TAKEN = "This id cannot be used. Generate a new one."


@dataclass(frozen=True)
class BabyDetails:
    given_name: str
    date_of_birth: date
    family_name: str = ""
    gestation_weeks: int | None = None
    gestation_extra_days: int | None = None
    due_date: date | None = None


def _check_carer(details: CarerDetails, prefix: str = "") -> None:
    problems: dict[str, str] = {}
    if not details.given_name.strip():
        problems[f"{prefix}given_name"] = "Enter the carer's first name."
    if not details.family_name.strip():
        problems[f"{prefix}family_name"] = "Enter the carer's last name."
    mobile = mobile_problem(details.mobile)
    if mobile:
        problems[f"{prefix}mobile"] = mobile
    if details.preferred_channel == Carer.Channel.EMAIL and not details.email:
        problems[f"{prefix}email"] = "Add an email address, or choose another way to contact."
    if details.preferred_channel in (Carer.Channel.SMS, Carer.Channel.PHONE) and not details.mobile:
        problems[f"{prefix}mobile"] = "Add a phone number, or choose another way to contact."
    if problems:
        raise DomainError(problems)


def _check_baby(details: BabyDetails, prefix: str = "") -> None:
    problems = {
        f"{prefix}{name}": message
        for name, message in birth_details_problems(
            date_of_birth=details.date_of_birth,
            gestation_weeks=details.gestation_weeks,
            gestation_extra_days=details.gestation_extra_days,
            due_date=details.due_date,
            today=timezone.localdate(),
        ).items()
    }
    if not details.given_name.strip():
        problems[f"{prefix}given_name"] = "Enter the baby's first name."
    if problems:
        raise DomainError(problems)


def _carer_values(details: CarerDetails) -> dict[str, Any]:
    values = asdict(details)
    values["mobile"] = normalise_mobile(details.mobile)
    values["email"] = details.email.strip().lower()
    return values


def _is_health_visitor(user: Any, provider: Provider) -> bool:
    if user is None or not getattr(user, "pk", None):
        return False
    return Membership.objects.filter(
        user=user, provider=provider, role=Role.HEALTH_VISITOR, is_active=True
    ).exists()


def _manages(user: Any, provider: Provider) -> bool:
    if user is None or not getattr(user, "pk", None):
        return False
    return (
        bool(user.is_superuser)
        or Membership.objects.filter(
            user=user, provider=provider, role=Role.SERVICE_MANAGER, is_active=True
        ).exists()
    )


def _check_health_visitor(provider: Provider, health_visitor: Any, actor: Any = None) -> None:
    if health_visitor is None:
        return
    if (
        _is_health_visitor(actor, provider)
        and health_visitor != actor
        and not _manages(actor, provider)
    ):
        raise DomainError(
            {"health_visitor": "Only a service manager can name another health visitor."}
        )
    if not _is_health_visitor(health_visitor, provider):
        raise DomainError({"health_visitor": "Choose a health visitor of this provider."})


@once_per_client_id
def family_create(
    *,
    actor: Any,
    provider: Provider,
    carer: CarerDetails,
    babies: list[BabyDetails],
    health_visitor: Any = None,
    postcode: str = "",
    notes: str = "",
    family_id: uuid.UUID | None = None,
    baby_ids: Sequence[uuid.UUID | None] = (),
) -> tuple[Family, bool]:
    """Add a family with its first carer and babies. Returns (family, created).

    ``family_id`` is the client's id for this create: sending it again returns the family
    already stored instead of adding a second one. ``baby_ids``, in the order of ``babies``,
    are the client's ids for the babies (None: we choose).
    """
    if family_id is not None:
        existing = Family.objects.filter(pk=family_id).first()
        if existing is not None:
            if existing.provider_id != provider.pk:
                # Answer as for any unusable id: never confirm another provider's record.
                raise DomainError({"id": ID_TAKEN})
            return existing, False
    _check_carer(carer, "carer.")
    if not babies:
        raise DomainError({"babies": "Add at least one baby."})
    for index, baby in enumerate(babies):
        _check_baby(baby, f"babies.{index}.")
    ids = _new_baby_ids(babies, baby_ids)
    if health_visitor is None and _is_health_visitor(actor, provider):
        # A health visitor who adds a family is its named health visitor unless they say
        # otherwise; otherwise they would lose sight of the family they just referred.
        health_visitor = actor
    _check_health_visitor(provider, health_visitor, actor)
    family = Family.objects.create(
        id=family_id or uuid.uuid4(),
        provider=provider,
        health_visitor=health_visitor,
        postcode=postcode.strip().upper(),
        notes=notes,
    )
    first_carer = Carer.objects.create(
        family=family,
        consent_recorded_at=timezone.now() if carer.consent_to_contact else None,
        **_carer_values(carer),
    )
    created_babies = [
        Baby.objects.create(id=baby_id, family=family, **asdict(baby))
        for baby, baby_id in zip(babies, ids, strict=True)
    ]
    record(
        actor=actor,
        action="family.created",
        target=family,
        provider_id=provider.pk,
        data={
            "carers": [str(first_carer.pk)],
            "babies": [str(baby.pk) for baby in created_babies],
        },
    )
    return family, True


def _new_baby_ids(
    babies: Sequence[BabyDetails], baby_ids: Sequence[uuid.UUID | None]
) -> list[uuid.UUID]:
    """The client's ids for new babies, each unused (else an error naming it), or new ones."""
    given = list(baby_ids) + [None] * (len(babies) - len(baby_ids))
    taken = set(Baby.objects.filter(pk__in=[i for i in given if i]).values_list("pk", flat=True))
    for index, baby_id in enumerate(given):
        if baby_id is not None and (baby_id in taken or given.count(baby_id) > 1):
            raise DomainError({f"babies.{index}.id": ID_TAKEN})
    return [baby_id or uuid.uuid4() for baby_id in given]


@transaction.atomic
def family_update(
    *, actor: Any, family: Family, postcode: str, notes: str, health_visitor: Any
) -> Family:
    if health_visitor != family.health_visitor:
        _check_health_visitor(family.provider, health_visitor, actor)
    values = {
        "postcode": postcode.strip().upper(),
        "notes": notes,
        "health_visitor": health_visitor,
    }
    return _apply_and_audit(actor=actor, target=family, values=values, action="family.updated")


@transaction.atomic
def carer_add(*, actor: Any, family: Family, details: CarerDetails) -> Carer:
    _check_carer(details)
    carer = Carer.objects.create(
        family=family,
        consent_recorded_at=timezone.now() if details.consent_to_contact else None,
        **_carer_values(details),
    )
    record(actor=actor, action="carer.added", target=carer, provider_id=family.provider_id)
    return carer


@transaction.atomic
def carer_update(*, actor: Any, carer: Carer, details: CarerDetails) -> Carer:
    _check_carer(details)
    if details.consent_to_contact and not carer.consent_to_contact:
        carer.consent_recorded_at = timezone.now()
    elif not details.consent_to_contact:
        carer.consent_recorded_at = None
    return _apply_and_audit(
        actor=actor, target=carer, values=_carer_values(details), action="carer.updated"
    )


@once_per_client_id
def baby_add(
    *, actor: Any, family: Family, details: BabyDetails, baby_id: uuid.UUID | None = None
) -> tuple[Baby, bool]:
    if baby_id is not None:
        existing = Baby.objects.filter(pk=baby_id).first()
        if existing is not None:
            if existing.family_id != family.pk:
                raise DomainError({"id": ID_TAKEN})
            return existing, False
    _check_baby(details)
    baby = Baby.objects.create(id=baby_id or uuid.uuid4(), family=family, **asdict(details))
    record(actor=actor, action="baby.added", target=baby, provider_id=family.provider_id)
    return baby, True


@transaction.atomic
def baby_update(*, actor: Any, baby: Baby, details: BabyDetails) -> Baby:
    _check_baby(details)
    return _apply_and_audit(actor=actor, target=baby, values=asdict(details), action="baby.updated")


def _apply_and_audit(
    *, actor: Any, target: Audited, values: dict[str, Any], action: str
) -> Audited:
    """Set ``values`` on a family, carer or baby, save, and audit which fields changed.

    Only the changed field names are audited: the values are personal data.
    """
    before = {name: getattr(target, name) for name in values}
    changed = sorted(changed_fields(before, values))
    if not changed:
        return target
    for name, value in values.items():
        setattr(target, name, value)
    target.save()
    family = target if isinstance(target, Family) else target.family
    record(
        actor=actor,
        action=action,
        target=target,
        provider_id=family.provider_id,
        data={"changed": changed},
    )
    return target


@transaction.atomic
def carer_link_login(*, actor: Any, carer: Carer, user: Any) -> Carer:
    """Let a carer log in as themselves: one login per carer, never shared by a household."""
    if Carer.objects.filter(user=user).exclude(pk=carer.pk).exists():
        raise DomainError({"user": "That login already belongs to another carer."})
    carer.user = user
    carer.save(update_fields=["user"])
    record(
        actor=actor,
        action="carer.login_linked",
        target=carer,
        provider_id=carer.family.provider_id,
        data={"user": user.username},
    )
    return carer

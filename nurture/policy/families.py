"""Families, carers and babies: a health visitor sees their own families, a facilitator the
families on their runs, a manager the provider's, a parent their own."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nurture.accounts.roles import Role
from nurture.families.models import Baby, Carer, Family
from nurture.policy.scope import Person, Scope, scope_of


def clinical_condition(user: Person, scope: Scope) -> Any:
    """A service manager's provider's families, and a health visitor's own (named for, or
    referred by them): who sees a family's clinical side as well as its details."""
    condition = Q(pk__in=[])
    managed = scope.providers_where(Role.SERVICE_MANAGER)
    if managed:
        condition |= Q(provider_id__in=managed)
    visiting = scope.providers_where(Role.HEALTH_VISITOR)
    if visiting:
        condition |= Q(provider_id__in=visiting, health_visitor=user)
        condition |= Q(provider_id__in=visiting, referrals__referred_by=user)
    return condition


def families_visible_to(user: Person) -> QuerySet[Family]:
    from django.db.models import Q

    scope = scope_of(user)
    if scope.is_admin:
        return Family.objects.all()
    condition = clinical_condition(user, scope)
    facilitating = scope.providers_where(Role.FACILITATOR)
    if facilitating:
        condition |= Q(
            provider_id__in=facilitating,
            referrals__enrolments__run__facilitators=user,
        )
    if scope.family_id is not None:
        condition |= Q(pk=scope.family_id)
    return Family.objects.filter(pk__in=Family.objects.filter(condition).values("pk"))


def carers_visible_to(user: Person) -> QuerySet[Carer]:

    return Carer.objects.filter(family__in=families_visible_to(user))


def babies_visible_to(user: Person) -> QuerySet[Baby]:

    return Baby.objects.filter(family__in=families_visible_to(user))


def can_edit_family(user: Person, family: Any) -> bool:
    """Staff responsible for the family may change its details, carers and babies."""
    scope = scope_of(user)
    if scope.is_admin or family.provider_id in scope.providers_where(Role.SERVICE_MANAGER):
        return True
    return (
        family.provider_id in scope.providers_where(Role.HEALTH_VISITOR)
        and family.health_visitor_id == user.pk
    )


def can_handle_data_rights(user: Person, family: Any) -> bool:
    """Subject access and erasure requests are handled by the provider's service managers
    (and the installation's admins): they hold the family's whole record."""
    scope = scope_of(user)
    return scope.is_admin or family.provider_id in scope.providers_where(Role.SERVICE_MANAGER)


def can_edit_carer(user: Person, carer: Any) -> bool:
    """Staff who may edit the family, and each carer for their own contact details."""
    if carer.user_id is not None and carer.user_id == getattr(user, "pk", None):
        return True
    return can_edit_family(user, carer.family)

"""Referrals: who sees them, manages them, overrides eligibility and reads the reasons."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nurture.accounts.roles import Role
from nurture.policy.scope import Person, scope_of
from nurture.referrals.models import Referral


def referrals_visible_to(user: Person) -> QuerySet[Referral]:
    """Managers: their provider's referrals; health visitors: those they made or for families
    they are named for; facilitators: families on their runs; parents: their own."""
    from django.db.models import Q

    scope = scope_of(user)
    if scope.is_admin:
        return Referral.objects.all()
    condition = Q(pk__in=[])
    managed = scope.providers_where(Role.SERVICE_MANAGER)
    if managed:
        condition |= Q(provider_id__in=managed)
    visiting = scope.providers_where(Role.HEALTH_VISITOR)
    if visiting:
        condition |= Q(provider_id__in=visiting, referred_by=user)
        condition |= Q(provider_id__in=visiting, family__health_visitor=user)
    facilitating = scope.providers_where(Role.FACILITATOR)
    if facilitating:
        condition |= Q(provider_id__in=facilitating, enrolments__run__facilitators=user)
    if scope.family_id is not None:
        condition |= Q(family_id=scope.family_id)
    return Referral.objects.filter(pk__in=Referral.objects.filter(condition).values("pk"))


def can_manage_referral(user: Person, referral: Any) -> bool:
    """Offer, withdraw or re-list: the provider's managers and the referring health visitor."""
    scope = scope_of(user)
    if scope.is_admin or referral.provider_id in scope.providers_where(Role.SERVICE_MANAGER):
        return True
    return referral.provider_id in scope.providers_where(Role.HEALTH_VISITOR) and (
        referral.referred_by_id == user.pk or referral.family.health_visitor_id == user.pk
    )


def can_override_eligibility(user: Person, provider_id: int) -> bool:
    scope = scope_of(user)
    return scope.is_admin or provider_id in scope.providers_where(Role.SERVICE_MANAGER)


def sees_referral_reasons(user: Person, referral: Any) -> bool:
    """Why a family was referred is for the referrer and managers, not facilitators/parents."""
    return can_manage_referral(user, referral)

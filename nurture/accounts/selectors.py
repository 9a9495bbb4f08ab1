"""Reads for accounts and providers, scoped by the access policy."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from nurture import policy
from nurture.accounts.models import Membership, Provider, Team, User, Venue
from nurture.accounts.roles import Role
from nurture.policy import Person


def provider_overview(user: Person) -> QuerySet[Provider]:
    """Providers this user belongs to, with teams, venues and staff counts (three queries)."""
    return (
        policy.providers_visible_to(user)
        .annotate(family_count=Count("families", distinct=True))
        .prefetch_related(
            Prefetch(
                "teams",
                queryset=Team.objects.annotate(
                    member_count=Count("memberships", distinct=True)
                ).order_by("name"),
            ),
            Prefetch("venues", queryset=Venue.objects.order_by("name")),
        )
    )


def active_venues(provider: Provider) -> QuerySet[Venue]:
    """The venues a provider still runs courses at (a family may prefer any of them)."""
    return provider.venues.filter(is_active=True)


def health_visitors_of(provider: Provider) -> QuerySet[User]:
    return User.objects.filter(
        memberships__provider=provider,
        memberships__role=Role.HEALTH_VISITOR,
        memberships__is_active=True,
        is_active=True,
    ).order_by("first_name", "last_name")


def memberships_of(user: Person) -> QuerySet[Membership]:
    if not isinstance(user, User):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("provider", "team")
        .order_by("provider__name", "role")
    )

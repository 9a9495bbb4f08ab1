"""Providers, teams and venues: staff see their own providers'; admins all."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from nurture.accounts.models import Provider, Team, Venue
from nurture.accounts.roles import Role
from nurture.policy.scope import M, Person, scope_of


def providers_visible_to(user: Person) -> QuerySet[Provider]:
    scope = scope_of(user)
    if scope.is_admin:
        return Provider.objects.all()
    return Provider.objects.filter(pk__in=scope.provider_roles.keys())


def _of_own_providers(model: type[M], user: Person) -> QuerySet[M]:
    scope = scope_of(user)
    rows = model._default_manager.all()
    return rows if scope.is_admin else rows.filter(provider_id__in=scope.provider_roles.keys())


def teams_visible_to(user: Person) -> QuerySet[Team]:
    return _of_own_providers(Team, user)


def venues_visible_to(user: Person) -> QuerySet[Venue]:
    return _of_own_providers(Venue, user)


def providers_managed_by(user: Person) -> QuerySet[Provider]:
    scope = scope_of(user)
    if scope.is_admin:
        return Provider.objects.all()
    return Provider.objects.filter(pk__in=scope.providers_where(Role.SERVICE_MANAGER))


def providers_where_can_refer(user: Person) -> QuerySet[Provider]:
    """Providers where this user may add a family: their health visitors and managers."""
    scope = scope_of(user)
    if scope.is_admin:
        return Provider.objects.all()
    return Provider.objects.filter(
        pk__in=scope.providers_where(Role.HEALTH_VISITOR, Role.SERVICE_MANAGER)
    )


def chosen_provider(providers: Iterable[Provider], asked: Any) -> Provider | None:
    """Which of ``providers`` someone means: the one asked for (by id, if it is among them),
    or their only one. None when they must choose, or asked for one outside the list."""
    allowed = list(providers)
    if asked not in (None, ""):
        return next((p for p in allowed if str(p.pk) == str(asked)), None)
    return allowed[0] if len(allowed) == 1 else None


def provider_for_new_family(user: Person, provider_id: Any) -> Provider | None:
    """Which provider a new family goes to: the one asked for (if the user may refer to it),
    or the user's only one. None when the user must choose."""
    return chosen_provider(providers_where_can_refer(user), provider_id)

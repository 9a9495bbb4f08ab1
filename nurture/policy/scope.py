"""Who someone is to the policy: their roles per provider and their own family, loaded once
per request and never cached beyond it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.http import HttpResponse

from nurture.accounts.models import Membership, User
from nurture.accounts.roles import Role
from nurture.families.models import Carer

M = TypeVar("M", bound=Model)
Person = User | AnonymousUser
"""Whoever is asking: ``request.user``, signed in or not."""


View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Scope:
    """Everything the policy needs to know about one user, loaded in at most two queries."""

    is_admin: bool = False
    provider_roles: dict[int, frozenset[Role]] = field(default_factory=dict)
    family_id: Any = None

    @property
    def roles(self) -> frozenset[Role]:
        roles: set[Role] = set()
        if self.is_admin:
            roles.add(Role.ADMIN)
        for provider_roles in self.provider_roles.values():
            roles |= provider_roles
        if self.family_id is not None:
            roles.add(Role.PARENT)
        return frozenset(roles)

    def providers_where(self, *roles: Role) -> set[int]:
        return {pid for pid, held in self.provider_roles.items() if held & set(roles)}


ANONYMOUS = Scope()


def scope_of(user: Person) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_nurture_scope", None)
    if isinstance(cached, Scope):
        return cached
    provider_roles: dict[int, set[Role]] = {}
    for provider_id, role in Membership.objects.filter(user=user, is_active=True).values_list(
        "provider_id", "role"
    ):
        provider_roles.setdefault(provider_id, set()).add(Role(role))

    family_id = Carer.objects.filter(user=user).values_list("family_id", flat=True).first()
    scope = Scope(
        is_admin=user.is_superuser,
        provider_roles={pid: frozenset(r) for pid, r in provider_roles.items()},
        family_id=family_id,
    )
    setattr(user, "_nurture_scope", scope)  # noqa: B010 - a per-request cache on the user object
    return scope


def roles_of(user: Person) -> frozenset[Role]:
    return scope_of(user).roles


ALL_ROLES = tuple(Role)


STAFF = (Role.ADMIN, Role.SERVICE_MANAGER, Role.HEALTH_VISITOR, Role.FACILITATOR)


REFERRERS = (Role.ADMIN, Role.SERVICE_MANAGER, Role.HEALTH_VISITOR)

"""Every change to people, providers, teams and venues: one transaction, one audit event."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nurture.accounts.models import ApiToken, Membership, Provider, Team, User, Venue
from nurture.accounts.roles import Role
from nurture.audit.services import changed_fields, record
from nurture.lib.errors import DomainError


@transaction.atomic
def provider_create(*, actor: Any, name: str, kind: str, contact_email: str = "") -> Provider:
    provider = Provider.objects.create(name=name, kind=kind, contact_email=contact_email)
    record(actor=actor, action="provider.created", target=provider, provider_id=provider.pk)
    return provider


@transaction.atomic
def team_create(*, actor: Any, provider: Provider, name: str, area: str = "") -> Team:
    if Team.objects.filter(provider=provider, name=name).exists():
        raise DomainError({"name": "This provider already has a team with that name."})
    team = Team.objects.create(provider=provider, name=name, area=area)
    record(actor=actor, action="team.created", target=team, provider_id=provider.pk)
    return team


@transaction.atomic
def venue_create(*, actor: Any, provider: Provider, **details: Any) -> Venue:
    if Venue.objects.filter(provider=provider, name=details.get("name")).exists():
        raise DomainError({"name": "This provider already has a venue with that name."})
    venue = Venue.objects.create(provider=provider, **details)
    record(actor=actor, action="venue.created", target=venue, provider_id=provider.pk)
    return venue


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_superuser: bool = False,
    check_password: bool = True,
) -> User:
    """Add a person. ``check_password=False`` is for the documented demo logins only."""
    user = User(
        username=username,
        email=email.lower(),
        first_name=first_name,
        last_name=last_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise DomainError({"password": " ".join(error.messages)}) from None
    user.set_password(password)
    user.save()
    record(actor=actor, action="user.created", target=user)
    return user


@transaction.atomic
def membership_grant(
    *, actor: Any, user: User, provider: Provider, role: Role, team: Team | None = None
) -> Membership:
    if role not in (Role.SERVICE_MANAGER, Role.HEALTH_VISITOR, Role.FACILITATOR):
        raise DomainError({"role": "Only staff roles are memberships of a provider."})
    if team is not None and team.provider_id != provider.pk:
        raise DomainError({"team": "Choose a team of this provider."})
    membership, _ = Membership.objects.update_or_create(
        user=user, provider=provider, role=role, defaults={"team": team, "is_active": True}
    )
    record(
        actor=actor,
        action="membership.granted",
        target=membership,
        provider_id=provider.pk,
        data={"user": user.username, "role": role.value},
    )
    return membership


@transaction.atomic
def profile_update(
    *, actor: Any, user: User, first_name: str, last_name: str, preferred_name: str
) -> User:
    before = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_name": user.preferred_name,
    }
    after = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "preferred_name": preferred_name.strip(),
    }
    if not after["first_name"]:
        raise DomainError({"first_name": "Enter your first name."})
    for name, value in after.items():
        setattr(user, name, value)
    user.save(update_fields=list(after))
    record(
        actor=actor,
        action="user.profile_updated",
        target=user,
        data={"changed": sorted(changed_fields(before, after))},
    )
    return user


@transaction.atomic
def password_change(*, user: Any, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise DomainError({"old_password": "That is not your current password."})
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise DomainError({"new_password": " ".join(error.messages)}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(actor=user, action="user.password_changed", target=user)


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """Make a new API token for ``user`` and return it; only its digest is kept."""
    token = secrets.token_urlsafe(32)
    api_token = ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(token),
        prefix=token[:8],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    record(actor=user, action="api_token.issued", target=api_token)
    return token


@transaction.atomic
def api_token_revoke(*, api_token: ApiToken) -> None:
    record(actor=api_token.user, action="api_token.revoked", target=api_token)
    api_token.delete()


def api_token_user(token: str) -> User | None:
    """The active user a bearer token belongs to, or None if it is unknown or expired."""
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(token), expires_at__gt=timezone.now())
        .first()
    )
    if api_token is None or not api_token.user.is_active:
        return None
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    api_token.user._api_token = api_token  # type: ignore[attr-defined]
    return api_token.user

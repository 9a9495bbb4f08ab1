"""API: tokens and the signed-in person's own profile."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from nurture import policy
from nurture.accounts import lockout, selectors, services, two_step
from nurture.accounts.authentication import API_AUTH
from nurture.lib.problems import Problem
from nurture.lib.schemas import PatchSchema

router = Router(tags=["account"])


class TokenRequest(Schema):
    username: str = Field(min_length=1, max_length=254, description="Username or email")
    password: str = Field(min_length=1, max_length=4096)
    code: str | None = Field(
        default=None,
        max_length=64,
        description="With two-step verification: the code from the authenticator app, or a "
        "recovery code.",
    )


class TokenOut(Schema):
    token: str


class MembershipOut(Schema):
    provider_id: int
    provider_name: str
    role: str
    team: str | None


class ProfileOut(Schema):
    username: str
    email: str
    first_name: str
    last_name: str
    preferred_name: str
    roles: list[str]
    memberships: list[MembershipOut]
    family_id: uuid.UUID | None


class ProfilePatch(PatchSchema):
    first_name: str | None = Field(default=None, max_length=150)
    last_name: str | None = Field(default=None, max_length=150)
    preferred_name: str | None = Field(default=None, max_length=80)


def _profile(user: Any) -> dict[str, Any]:
    scope = policy.scope_of(user)
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_name": user.preferred_name,
        "roles": sorted(role.value for role in scope.roles),
        "memberships": [
            {
                "provider_id": m.provider_id,
                "provider_name": m.provider.name,
                "role": m.role,
                "team": m.team.name if m.team else None,
            }
            for m in selectors.memberships_of(user)
        ],
        "family_id": scope.family_id,
    }


CODE_NEEDED = {
    "detail": "Two-step verification is on: send the code from your authenticator app.",
    "errors": [{"field": "code", "message": "Enter the code from your authenticator app."}],
}
SET_UP_FIRST = {
    "detail": "Set up two-step verification in the browser first (/accounts/2fa/), "
    "then ask for a token again.",
    "errors": [],
}


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: Problem, 403: Problem, 422: Problem, 429: Problem},
)
def token_create(request: HttpRequest, payload: TokenRequest) -> Status[Any]:
    """Swap a username (or email) and password for a bearer token."""
    wait = lockout.wait_for(request, payload.username)
    if wait is not None:
        return Status(429, {"detail": wait.message(timezone.now())})
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None and "@" in payload.username:
        user = authenticate(request, email=payload.username, password=payload.password)
    if user is None or not user.is_active:
        lockout.failed(request, payload.username)
        return Status(401, {"detail": "That username or password is not right."})
    if two_step.has_second_factor(user.pk):
        if not payload.code or not two_step.code_is_right(user, payload.code):
            lockout.failed(request, payload.username)
            return Status(401, CODE_NEEDED)
    elif two_step.must_set_up(user):
        return Status(403, SET_UP_FIRST)
    lockout.succeeded(payload.username)
    return Status(200, {"token": services.api_token_issue(user=user)})


@router.delete("/auth/token", auth=API_AUTH, response={204: None, 400: Problem})
def token_revoke(request: HttpRequest) -> Status[Any]:
    """Revoke the bearer token this request was made with."""
    api_token = getattr(request.user, "_api_token", None)
    if api_token is None:
        return Status(400, {"detail": "This request was not made with a bearer token."})
    services.api_token_revoke(api_token=api_token)
    return Status(204, None)


@router.get("/me", auth=API_AUTH, response=ProfileOut)
def me(request: HttpRequest) -> dict[str, Any]:
    return _profile(request.user)


@router.patch("/me", auth=API_AUTH, response={200: ProfileOut, 422: Problem})
def me_update(request: HttpRequest, payload: ProfilePatch) -> dict[str, Any]:
    user: Any = request.user
    services.profile_update(
        actor=user,
        user=user,
        first_name=payload.first_name if payload.first_name is not None else user.first_name,
        last_name=payload.last_name if payload.last_name is not None else user.last_name,
        preferred_name=(
            payload.preferred_name if payload.preferred_name is not None else user.preferred_name
        ),
    )
    return _profile(user)


class TeamOut(Schema):
    id: int
    name: str
    area: str


class VenueOut(Schema):
    id: int
    name: str
    address: str
    postcode: str
    nation: str
    access_notes: str
    is_active: bool

    @staticmethod
    def resolve_address(venue: Any) -> str:
        return str(venue.address())


class ProviderOut(Schema):
    id: int
    name: str
    kind: str
    teams: list[TeamOut]
    venues: list[VenueOut]

    @staticmethod
    def resolve_teams(provider: Any) -> list[Any]:
        return list(provider.teams.all())

    @staticmethod
    def resolve_venues(provider: Any) -> list[Any]:
        return list(provider.venues.all())


@router.get("/providers", auth=API_AUTH, response=list[ProviderOut])
def providers(request: HttpRequest) -> Any:
    """The providers you work for, with their teams and venues (as on your home page)."""
    return list(selectors.provider_overview(request.user))


class PasswordChange(Schema):
    old_password: str = Field(min_length=1, max_length=4096)
    new_password: str = Field(min_length=1, max_length=4096)


@router.post("/me/password", auth=API_AUTH, response={204: None, 422: Problem})
def password_change(request: HttpRequest, payload: PasswordChange) -> Status[Any]:
    """Change your own password."""
    services.password_change(
        user=request.user, old_password=payload.old_password, new_password=payload.new_password
    )
    return Status(204, None)

"""Small factory functions for tests. Writes go through the services, as in the product."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from nurture.accounts import services as account_services
from nurture.accounts.models import Nation, Provider, Team, User, Venue
from nurture.accounts.roles import Role
from nurture.families import services as family_services
from nurture.families.models import Family

PASSWORD = "a-long-test-passphrase-42"
_numbers = itertools.count(1)


def make_user(username: str | None = None, **extra: Any) -> User:
    number = next(_numbers)
    username = username or f"user{number}"
    return account_services.user_create(
        actor=None,
        username=username,
        password=PASSWORD,
        email=extra.pop("email", f"{username}@example.org"),
        first_name=extra.pop("first_name", username.title()),
        **extra,
    )


def make_provider(name: str | None = None, kind: str = Provider.Kind.NHS_TEAM) -> Provider:
    return account_services.provider_create(
        actor=None, name=name or f"Provider {next(_numbers)}", kind=kind
    )


def make_team(provider: Provider, name: str | None = None) -> Team:
    return account_services.team_create(
        actor=None, provider=provider, name=name or f"Team {next(_numbers)}"
    )


def make_venue(provider: Provider, name: str | None = None) -> Venue:
    return account_services.venue_create(
        actor=None,
        provider=provider,
        name=name or f"Venue {next(_numbers)}",
        address_line1="1 High Street",
        town="Riverton",
        postcode="RT1 1AA",
        nation=Nation.ENGLAND,
    )


def make_staff(provider: Provider, role: Role, username: str | None = None) -> User:
    user = make_user(username)
    account_services.membership_grant(actor=None, user=user, provider=provider, role=role)
    return user


def make_family(
    provider: Provider,
    *,
    health_visitor: User | None = None,
    parent: User | None = None,
    carer_name: str = "Sam",
    babies: list[tuple[str, date, int | None]] | None = None,
) -> Family:
    today = timezone.localdate()
    babies = babies or [("Robin", today - timedelta(weeks=10), None)]
    family, _ = family_services.family_create(
        actor=None,
        provider=provider,
        carer=family_services.CarerDetails(
            given_name=carer_name,
            family_name="Example",
            email=f"{carer_name.lower()}@example.org",
            consent_to_contact=True,
        ),
        babies=[
            family_services.BabyDetails(given_name=name, date_of_birth=born, gestation_weeks=weeks)
            for name, born, weeks in babies
        ],
        health_visitor=health_visitor,
    )
    if parent is not None:
        family_services.carer_link_login(actor=None, carer=family.carers.get(), user=parent)
    return family


def family_form_data(**overrides: str) -> dict[str, str]:
    """What the "Add a family" page posts for a simple, valid family."""
    data = {
        "carer-given_name": "Jo",
        "carer-family_name": "March",
        "carer-relationship": "mother",
        "carer-email": "jo@example.org",
        "carer-preferred_channel": "email",
        "carer-language": "en",
        "baby-given_name": "Beth",
        "baby-date_of_birth": str(timezone.localdate() - timedelta(weeks=9)),
    }
    data.update(overrides)
    return data

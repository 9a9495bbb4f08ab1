"""Small factory functions for tests. Writes go through the services, as in the product."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from nurture.accounts import services as account_services
from nurture.accounts.models import Nation, Provider, Team, User, Venue
from nurture.accounts.roles import Role
from nurture.allocation import services as allocation_services
from nurture.courses.models import CourseRun, CourseTemplate
from nurture.families import services as family_services
from nurture.families.models import Baby, Family
from nurture.referrals.models import Referral

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


def make_referral(
    baby: Any,
    *,
    actor: Any = None,
    priority: str = "routine",
    venues: list[int] | None = None,
    confirm_duplicate: bool = False,
) -> Referral:
    from nurture.referrals import services as referral_services

    referral, _ = allocation_services.referral_create(
        actor=actor,
        baby=baby,
        details=referral_services.ReferralDetails(
            reasons=["first_time"],
            priority=priority,
            consent_to_contact=True,
            preferred_venue_ids=venues or [],
        ),
        confirm_duplicate=confirm_duplicate,
    )
    return referral


def make_template(provider: Provider, *, sessions: int = 5) -> CourseTemplate:
    from nurture.courses import services as course_services

    return course_services.template_create(
        actor=None,
        provider=provider,
        name=f"Baby massage {next(_numbers)}",
        sessions_count=sessions,
    )


def next_weekday_at(days_ahead: int, hour: int = 10) -> datetime:
    """A time ``days_ahead`` days from now at ``hour``, moved off bank holidays."""
    from nurture.courses.schedule import is_bank_holiday

    day = timezone.localdate() + timedelta(days=days_ahead)
    while is_bank_holiday(day, "england"):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def make_run(
    provider: Provider,
    *,
    venue: Venue | None = None,
    facilitators: list[User] | None = None,
    capacity: int = 8,
    days_ahead: int = 14,
    template: Any = None,
) -> CourseRun:

    return allocation_services.run_create(
        actor=None,
        provider=provider,
        template=template or make_template(provider),
        venue=venue or make_venue(provider),
        first_session_at=next_weekday_at(days_ahead),
        facilitators=facilitators or [],
        capacity=capacity,
    )


def baby_born(
    provider: Provider, weeks_old: int, gestation_weeks: int | None = None, **kw: Any
) -> Baby:
    """A family with one baby of the given age; returns the baby."""
    family = make_family(
        provider,
        babies=[("Baby", timezone.localdate() - timedelta(weeks=weeks_old), gestation_weeks)],
        **kw,
    )
    return family.babies.get()

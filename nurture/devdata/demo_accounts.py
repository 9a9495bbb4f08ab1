"""Demo providers, teams, venues and people. Fictional; made through the services."""

from __future__ import annotations

from dataclasses import dataclass, field

from nurture.accounts import services
from nurture.accounts.models import Membership, Nation, Provider, Team, User, Venue
from nurture.accounts.roles import Role

DEMO_PASSWORD = "nurture-demo"  # noqa: S105 - documented demo credential, demo data only


@dataclass
class DemoWorld:
    """What the demo loaders hand to each other."""

    users: dict[str, User] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)


PEOPLE = [
    # username, first, last, email
    ("admin", "Ada", "Adebayo", "admin@nurture.example"),
    ("manager", "Maya", "Mendes", "maya.mendes@riverside.nhs.example"),
    ("hv", "Hannah", "Vaughan", "hannah.vaughan@riverside.nhs.example"),
    ("facilitator", "Fiona", "Fairweather", "fiona.fairweather@riverside.nhs.example"),
    ("parent", "Amira", "Khan", "amira.khan@example.com"),
    ("parent2", "Grace", "Okafor", "grace.okafor@example.com"),
]


def _user(username: str, first: str, last: str, email: str) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return services.user_create(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        email=email,
        first_name=first,
        last_name=last,
        is_superuser=username == "admin",
        check_password=False,  # the demo password is fixed by the design contract
    )


def _provider(name: str, kind: str, email: str) -> Provider:
    existing = Provider.objects.filter(name=name).first()
    return existing or services.provider_create(
        actor=None, name=name, kind=kind, contact_email=email
    )


def _team(provider: Provider, name: str, area: str) -> Team:
    existing = Team.objects.filter(provider=provider, name=name).first()
    return existing or services.team_create(actor=None, provider=provider, name=name, area=area)


def _venue(provider: Provider, name: str, **details: str) -> Venue:
    existing = Venue.objects.filter(provider=provider, name=name).first()
    return existing or services.venue_create(actor=None, provider=provider, name=name, **details)


def _grant(user: User, provider: Provider, role: Role, team: Team | None = None) -> None:
    if not Membership.objects.filter(user=user, provider=provider, role=role).exists():
        services.membership_grant(actor=None, user=user, provider=provider, role=role, team=team)


def load(world: DemoWorld) -> None:
    for username, first, last, email in PEOPLE:
        world.users[username] = _user(username, first, last, email)

    riverside = _provider(
        "Riverside Community Nursery Team",
        Provider.Kind.NHS_TEAM,
        "nursery.team@riverside.nhs.example",
    )
    world.providers["riverside"] = riverside
    north = _team(riverside, "Riverton North", "Riverton north and Millbrook")
    south = _team(riverside, "Riverton South", "Riverton south and Hillview")
    _venue(
        riverside,
        "Riverside Medical Centre",
        address_line1="12 Mill Lane",
        town="Riverton",
        postcode="RT1 4AB",
        nation=Nation.ENGLAND,
        access_notes=(
            "Step-free entrance; buggy park by reception; baby change on the ground floor."
        ),
    )
    _venue(
        riverside,
        "Hillview Family Hub",
        address_line1="3 Orchard Road",
        address_line2="Hillview",
        town="Riverton",
        postcode="RT4 2CD",
        nation=Nation.ENGLAND,
        access_notes=(
            "Free parking behind the hub. The massage room is on the first floor, with a lift."
        ),
    )
    _grant(world.users["manager"], riverside, Role.SERVICE_MANAGER)
    _grant(world.users["hv"], riverside, Role.HEALTH_VISITOR, north)
    _grant(world.users["facilitator"], riverside, Role.FACILITATOR, south)

    little_oak = _provider(
        "Little Oak Baby Massage", Provider.Kind.INDEPENDENT, "hello@littleoak.example"
    )
    world.providers["little_oak"] = little_oak
    _venue(
        little_oak,
        "Oak Street Studio",
        address_line1="41 Oak Street",
        town="Cardiff",
        postcode="CF10 1AA",
        nation=Nation.WALES,
    )

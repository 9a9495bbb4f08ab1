from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from nurture.accounts.models import Provider, Team, User, Venue
from nurture.accounts.roles import Role
from nurture.families.models import Family
from tests import factories

# The API contract run (schemathesis over every operation and role) is a step of its own
# (make test-contract), so `make test` does not even collect it.
collect_ignore = (
    [] if os.environ.get("NURTURE_CONTRACT_TESTS") == "1" else ["api/test_openapi_contract.py"]
)

# Time limits per example make tests flaky on a busy 2-core machine; speed is measured with
# benchmarks, not unit tests.
hypothesis_settings.register_profile("nurture", deadline=None, print_blob=True)
hypothesis_settings.load_profile("nurture")


@dataclass
class World:
    """Two providers with staff, families and parents in each, for access tests.

    Provider A: manager_a, hv_a (named HV of family a1), hv_a2 (of family a2),
    facilitator_a; parent_a logs in for family a1, parent_a2 for family a2.
    Provider B: manager_b, hv_b (of family b1), parent_b for family b1.
    """

    admin: User
    provider_a: Provider
    provider_b: Provider
    team_a: Team
    team_b: Team
    venue_a: Venue
    venue_b: Venue
    users: dict[str, User]
    families: dict[str, Family]


@pytest.fixture
def world(db: Any) -> World:
    admin = factories.make_user("root", is_superuser=True)
    a = factories.make_provider("Provider A")
    b = factories.make_provider("Provider B", kind=Provider.Kind.INDEPENDENT)
    users = {
        "admin": admin,
        "manager_a": factories.make_staff(a, Role.SERVICE_MANAGER, "manager_a"),
        "hv_a": factories.make_staff(a, Role.HEALTH_VISITOR, "hv_a"),
        "hv_a2": factories.make_staff(a, Role.HEALTH_VISITOR, "hv_a2"),
        "facilitator_a": factories.make_staff(a, Role.FACILITATOR, "facilitator_a"),
        "manager_b": factories.make_staff(b, Role.SERVICE_MANAGER, "manager_b"),
        "hv_b": factories.make_staff(b, Role.HEALTH_VISITOR, "hv_b"),
        "parent_a": factories.make_user("parent_a"),
        "parent_a2": factories.make_user("parent_a2"),
        "parent_b": factories.make_user("parent_b"),
    }
    families = {
        "a1": factories.make_family(
            a, health_visitor=users["hv_a"], parent=users["parent_a"], carer_name="Alex"
        ),
        "a2": factories.make_family(
            a, health_visitor=users["hv_a2"], parent=users["parent_a2"], carer_name="Bea"
        ),
        "b1": factories.make_family(
            b, health_visitor=users["hv_b"], parent=users["parent_b"], carer_name="Cas"
        ),
    }
    return World(
        admin=admin,
        provider_a=a,
        provider_b=b,
        team_a=factories.make_team(a, "North A"),
        team_b=factories.make_team(b, "North B"),
        venue_a=factories.make_venue(a, "Venue A"),
        venue_b=factories.make_venue(b, "Venue B"),
        users=users,
        families=families,
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reauthenticated_client_for(user: User) -> Client:
    """Signed in, and the password given again just now (for exports and role changes)."""
    client = client_for(user)
    response = client.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})
    assert response.status_code == 302, response.content
    return client


def api_client_for(user: User) -> Client:
    """A client that authenticates to the API with a real bearer token."""
    response = Client().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": factories.PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})

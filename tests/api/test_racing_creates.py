"""Four requests with one new client id at the same moment: one stores, the others get the
stored object (200) or a 409, never a 500 (nurture/lib/idempotent.py).

The race needs real concurrent transactions, so this runs on PostgreSQL; SQLite serialises
writers anyway.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from nurture.families.models import Family
from nurture.outcomes.models import SafeguardingConcern
from nurture.practice.models import PracticeSession
from tests.api.test_api import new_family
from tests.conftest import World, api_client_for
from tests.practice.test_practice_api import session_body
from tests.safeguarding.test_concerns import concern_body

RACERS = 4
ROUNDS = 5

pytestmark = pytest.mark.django_db(transaction=True)


def race(clients: list[Client], url: str, body: dict[str, Any]) -> list[int]:
    barrier = threading.Barrier(len(clients))

    def post(client: Client) -> int:
        try:
            barrier.wait(timeout=10)
            return client.post(url, body, content_type="application/json").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(post, clients))


CASES: dict[str, tuple[str, Callable[[World], tuple[str, dict[str, Any]]], Any]] = {
    "family": (
        "hv_a",
        lambda world: ("/api/v1/families", new_family(id=str(uuid.uuid4()))),
        Family,
    ),
    "practice session": (
        "parent_a",
        lambda world: (
            f"/api/v1/babies/{world.families['a1'].babies.get().pk}/practice-sessions",
            session_body(),
        ),
        PracticeSession,
    ),
    "concern": (
        "hv_a",
        lambda world: (f"/api/v1/families/{world.families['a1'].pk}/concerns", concern_body()),
        SafeguardingConcern,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_racing_first_creates_store_once_and_never_fail(world: World, case: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions racing on one new id")
    who, make, model = CASES[case]
    clients = [api_client_for(world.users[who]) for _ in range(RACERS)]
    for _ in range(ROUNDS):
        url, body = make(world)
        statuses = race(clients, url, body)
        assert statuses.count(201) == 1, statuses
        assert set(statuses) <= {200, 201, 409}, statuses
        assert model.objects.filter(pk=body["id"]).count() == 1

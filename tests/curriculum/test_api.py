"""The curriculum API: read only, for anyone signed in; a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import World, api_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def loaded(curriculum: Any) -> None:
    """The shipped curriculum (tests/curriculum/conftest.py)."""


def test_areas_come_in_routine_order_with_their_strokes(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = api_client_for(world.users["parent_a"])
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/curriculum/areas").json()
    slugs = [area["slug"] for area in body]
    assert slugs[:4] == ["legs-and-feet", "tummy", "chest", "arms-and-hands"]
    tummy = body[1]
    assert tummy["strokes"] and all(stroke["area"] == "tummy" for stroke in tummy["strokes"])
    assert tummy["strokes"][0]["steps"] and tummy["strokes"][0]["diagram"].endswith(".svg")


def test_routines_list_their_steps_and_rituals(world: World) -> None:
    client = api_client_for(world.users["hv_b"])
    routines = {r["slug"]: r for r in client.get("/api/v1/curriculum/routines").json()}
    colic = routines["colic-relief"]
    assert colic["repeat_cycles"] == 3 and colic["times_per_day"] == 2
    assert [step["stroke"] for step in colic["steps"]][1] == "tummy-water-wheel"
    assert colic["steps"][0]["ritual"] == "resting-hands" and colic["steps"][0]["stroke"] is None
    rituals = client.get("/api/v1/curriculum/rituals").json()
    assert "asking-permission" in {ritual["slug"] for ritual in rituals}


def test_the_curriculum_needs_a_sign_in_and_is_read_only(world: World) -> None:
    assert Client().get("/api/v1/curriculum/areas").status_code == 401
    client = api_client_for(world.users["manager_a"])
    assert client.post("/api/v1/curriculum/areas", {}).status_code == 405


def test_a_weeks_cards_follow_the_persons_plan(world: World) -> None:
    parent = api_client_for(world.users["parent_a"])
    one = parent.get("/api/v1/curriculum/weeks/1").json()
    assert one["week"] == 1 and [card["area"] for card in one["areas"]] == ["legs-and-feet"]
    five = parent.get(f"/api/v1/curriculum/weeks/{one['week_count']}").json()
    assert len(five["areas"]) > 1 and five["routines"]
    assert parent.get("/api/v1/curriculum/weeks/0").status_code == 404
    assert parent.get("/api/v1/curriculum/weeks/99").status_code == 404
    staff = api_client_for(world.users["manager_b"])
    other = staff.get(f"/api/v1/curriculum/weeks/1?provider={world.provider_a.pk}")
    assert other.status_code == 404

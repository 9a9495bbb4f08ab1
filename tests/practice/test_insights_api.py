"""GET /api/v1/babies/{id}/insights: the page's figures and words as JSON, for the baby's own
family only (another family, staff and strangers: 404 or 401), in a constant number of
queries, and in the OpenAPI schema."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from nurture.families.models import Baby
from tests.conftest import World, api_client_for
from tests.practice.test_insights import (
    baby_of,
    curriculum,  # noqa: F401 (a fixture)
    diary_history,
    ten_sessions,
    three_sessions,
)
from tests.practice.test_insights_pages import add_history

pytestmark = pytest.mark.django_db


def url(baby: Baby | uuid.UUID) -> str:
    return f"/api/v1/babies/{getattr(baby, 'pk', baby)}/insights"


@pytest.mark.usefixtures("curriculum")
def test_the_parent_gets_every_insight_with_its_definition(world: World) -> None:
    baby = baby_of(world)
    three_sessions(baby)

    response = api_client_for(world.users["parent_a"]).get(url(baby))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["baby_id"] == str(baby.pk) and body["baby_name"] == "Robin"
    assert body["total_sessions"] == 3
    enjoyment = body["enjoyment"]
    assert enjoyment["enough"] is True and enjoyment["sessions"] == 3
    assert enjoyment["strokes"] == [
        {
            "slug": "tummy-water-wheel",
            "name": "Water wheel",
            "happy": 4,
            "not_sure": 1,
            "upset": 0,
            "total": 5,
            "happy_percent": 80,
            "upset_percent": 0,
        },
        {
            "slug": "legs-indian-milking",
            "name": "Indian milking",
            "happy": 8,
            "not_sure": 1,
            "upset": 1,
            "total": 10,
            "happy_percent": 80,
            "upset_percent": 10,
        },
    ]
    assert enjoyment["strokes_not_yet"] == ["Pit stop"]
    assert enjoyment["summary"].startswith("Water wheel looks like a favourite")
    assert "at least 5 cues" in enjoyment["definition"]
    times = body["best_times"]["time_of_day"]
    assert (times["enough"], times["calm"], times["best"]) == (False, 1, None)
    assert len(body["trends"]["weeks"]) == 12
    assert sum(week["sessions"] for week in body["trends"]["weeks"]) == 3
    assert "not proof" in body["trends"]["note"]


def test_best_times_and_the_diary_as_json(world: World) -> None:
    baby = baby_of(world)
    ten_sessions(baby)

    body = api_client_for(world.users["parent_a"]).get(url(baby)).json()

    feed = body["best_times"]["after_feed"]
    assert (feed["sessions"], feed["calm"], feed["best"]) == (5, 4, "30_to_60")
    assert feed["bands"][0] == {
        "key": "under_30",
        "label": "Less than half an hour after a feed",
        "name": "Under 30 minutes",
        "sessions": 2,
        "calm": 1,
        "share_of_all": 40,
        "share_of_calm": 25,
    }


def test_diary_measures_as_json(world: World) -> None:
    baby = baby_of(world)
    diary_history(baby)

    body = api_client_for(world.users["parent_a"]).get(url(baby)).json()

    sleep = body["trends"]["measures"][0]
    assert sleep["key"] == "sleep" and sleep["unit"] == "hours"
    assert sleep["with_massage"] == {"value": 11.0, "count": 3}
    assert sleep["without"] == {"value": 9.8, "count": 3}
    assert sleep["before_after_enough"] is True and sleep["days_enough"] is True
    crying = body["trends"]["measures"][2]
    assert crying["before"] == {"value": 45.0, "count": 2}
    assert crying["days_enough"] is False


@pytest.mark.parametrize(
    "who", ["parent_a2", "parent_b", "admin", "manager_a", "hv_a", "facilitator_a"]
)
def test_another_family_and_staff_get_a_404(world: World, who: str) -> None:
    baby = baby_of(world)
    three_sessions(baby)
    response = api_client_for(world.users[who]).get(url(baby))
    assert response.status_code == 404
    assert "Robin" not in response.text


def test_an_unknown_baby_is_a_404_and_no_token_is_a_401(world: World) -> None:
    assert api_client_for(world.users["parent_a"]).get(url(uuid.uuid4())).status_code == 404
    assert Client().get(url(baby_of(world))).status_code == 401


def test_the_same_queries_whatever_the_history(
    world: World, django_assert_max_num_queries: Any
) -> None:
    baby, client = baby_of(world), api_client_for(world.users["parent_a"])
    add_history(baby, 4)
    with CaptureQueriesContext(connection) as short:
        assert client.get(url(baby)).status_code == 200
    add_history(baby, 400)
    with django_assert_max_num_queries(len(short.captured_queries)):
        body = client.get(url(baby)).json()
    assert body["total_sessions"] == 404 and body["best_times"]["sessions"] == 60


def test_the_endpoint_is_in_the_openapi_schema(world: World) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/babies/{baby_id}/insights"]["get"]
    assert set(operation["responses"]) == {"200", "401", "403", "404", "422"}

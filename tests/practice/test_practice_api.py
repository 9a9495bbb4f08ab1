"""The practice API: scoped to the baby's own family, idempotent writes, fields named."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from nurture.audit.models import AuditEvent
from nurture.practice.models import CueEvent, DiaryEntry, PracticeSession
from tests.conftest import World, api_client_for

pytestmark = pytest.mark.django_db


def session_body(
    events: int = 3, *, start: datetime | None = None, **changes: Any
) -> dict[str, Any]:
    start = start or timezone.now() - timedelta(minutes=20)
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=10)).isoformat(),
        "outcome": "completed",
        "areas": ["legs-and-feet"],
        "strokes": ["thigh-milking"],
        "notes": "Lots of smiles",
        "events": [
            {
                "id": str(uuid.uuid4()),
                "sequence": number,
                "step": f"stroke:legs-and-feet:{number - 1}",
                "area": "legs-and-feet",
                "stroke": "thigh-milking",
                "cue": "happy",
                "details": {"signs": ["smiling"]},
                "at": (start + timedelta(minutes=number)).isoformat(),
            }
            for number in range(1, events + 1)
        ],
    }
    body.update(changes)
    return body


def diary_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "date": str(timezone.localdate()),
        "kind": "mood",
        "mood": 3,
        "note": "Tired but fine",
    }
    body.update(changes)
    return body


def urls(world: World) -> dict[str, str]:
    baby = world.families["a1"].babies.get()
    return {
        "sessions": f"/api/v1/babies/{baby.pk}/practice-sessions",
        "diary": f"/api/v1/babies/{baby.pk}/diary",
    }


def test_sessions_sync_once_and_list_latest_first(world: World) -> None:
    client, url = api_client_for(world.users["parent_a"]), urls(world)["sessions"]
    body = session_body()
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert first.json()["carer_name"] == "Alex"
    assert [event["sequence"] for event in first.json()["events"]] == [1, 2, 3]
    assert PracticeSession.objects.count() == 1
    assert CueEvent.objects.count() == 3
    later = session_body(start=timezone.now() - timedelta(minutes=10))
    assert client.post(url, later, content_type="application/json").status_code == 201
    listed = client.get(url).json()
    assert [item["id"] for item in listed["items"]] == [later["id"], body["id"]]
    detail = client.get(f"/api/v1/practice-sessions/{body['id']}")
    assert detail.status_code == 200
    assert detail.json()["notes"] == "Lots of smiles"


def test_events_after_upset_are_a_422_naming_events(world: World) -> None:
    body = session_body(4, outcome="stopped", stop_reason="stress")
    body["events"][1]["cue"] = "upset"
    response = api_client_for(world.users["parent_a"]).post(
        urls(world)["sessions"], body, content_type="application/json"
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["events"]
    assert not PracticeSession.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "done"}, "outcome"),
        ({"outcome": "stopped"}, "stop_reason"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"id": "not-a-uuid"}, "id"),
    ],
)
def test_bad_sessions_name_the_field(world: World, changes: dict[str, Any], field: str) -> None:
    response = api_client_for(world.users["parent_a"]).post(
        urls(world)["sessions"], session_body(**changes), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]


def test_a_bad_cue_names_the_event_field(world: World) -> None:
    body = session_body()
    body["events"][2]["cue"] = "grumpy"
    response = api_client_for(world.users["parent_a"]).post(
        urls(world)["sessions"], body, content_type="application/json"
    )
    assert response.status_code == 422
    assert "events.2.cue" in [error["field"] for error in response.json()["errors"]]


def test_diary_syncs_once_and_shows_who(world: World) -> None:
    client, url = api_client_for(world.users["parent_a"]), urls(world)["diary"]
    body = diary_body()
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert DiaryEntry.objects.count() == 1
    items = client.get(url).json()["items"]
    assert [(item["kind"], item["carer_name"]) for item in items] == [("mood", "Alex")]
    audit = AuditEvent.objects.get(action="diary_entry.added")
    assert "mood" not in str(audit.data).replace("'kind': 'mood'", "")
    assert "Tired" not in str(audit.data)


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"mood": 9}, "mood"), ({"kind": "nap"}, "kind"), ({"kind": "tummy", "mood": None}, "tummy")],
)
def test_bad_diary_entries_name_the_field(
    world: World, changes: dict[str, Any], field: str
) -> None:
    response = api_client_for(world.users["parent_a"]).post(
        urls(world)["diary"], diary_body(**changes), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    "user", ["parent_a2", "parent_b", "hv_a", "manager_a", "facilitator_a", "admin"]
)
def test_everyone_but_the_family_gets_404_on_every_route(world: World, user: str) -> None:
    owner = api_client_for(world.users["parent_a"])
    body = session_body()
    assert (
        owner.post(urls(world)["sessions"], body, content_type="application/json").status_code
        == 201
    )
    client = api_client_for(world.users[user])
    for url in urls(world).values():
        assert client.get(url).status_code == 404, (user, url)
    assert client.get(f"/api/v1/practice-sessions/{body['id']}").status_code == 404
    posted = (
        client.post(urls(world)["sessions"], session_body(), content_type="application/json"),
        client.post(urls(world)["diary"], diary_body(), content_type="application/json"),
    )
    assert [response.status_code for response in posted] == [404, 404]
    assert PracticeSession.objects.count() == 1
    assert not DiaryEntry.objects.exists()


def test_anonymous_is_401() -> None:
    response = Client().post("/api/v1/readiness", {}, content_type="application/json")
    assert response.status_code == 401


def test_readiness_check_stores_nothing(world: World) -> None:
    client = api_client_for(world.users["parent_a"])
    before = AuditEvent.objects.count()
    response = client.post(
        "/api/v1/readiness",
        {"minutes_since_feed": 10, "cord_healed": False},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verdict"] == "wait"
    assert body["wait_minutes"] == 20
    assert "tummy" in body["skip_areas"]
    assert {reason["rule"] for reason in body["reasons"]} == {"recent-feed", "cord-not-healed"}
    assert AuditEvent.objects.count() == before
    bad = client.post("/api/v1/readiness", {"state": "bouncy"}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "state"


def test_listing_sessions_makes_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client, url = api_client_for(world.users["parent_a"]), urls(world)["sessions"]
    budget = 8  # auth, scope, baby, count, page, carers (joined), cue events
    client.post(url, session_body(), content_type="application/json")
    with django_assert_max_num_queries(budget):
        assert len(client.get(url).json()["items"]) == 1
    for _ in range(8):
        client.post(url, session_body(10), content_type="application/json")
    with django_assert_max_num_queries(budget):
        assert len(client.get(url).json()["items"]) == 9


def test_openapi_lists_the_practice_routes() -> None:
    paths = set(Client().get("/api/v1/openapi.json").json()["paths"])
    assert {
        "/api/v1/babies/{baby_id}/practice-sessions",
        "/api/v1/practice-sessions/{session_id}",
        "/api/v1/babies/{baby_id}/diary",
        "/api/v1/readiness",
    } <= paths


def test_readiness_for_a_baby_uses_its_providers_rules(world: World) -> None:
    from nurture.accounts.models import ProgrammeRules

    ProgrammeRules.objects.create(
        provider=world.provider_a, feed_minutes=60, immunisation_action="skip-area"
    )
    baby = world.families["a1"].babies.get()
    client = api_client_for(world.users["parent_a"])
    answers = {"minutes_since_feed": 45, "hours_since_immunisation": 10}
    default = client.post("/api/v1/readiness", answers, content_type="application/json").json()
    assert default["verdict"] == "defer" and default["wait_minutes"] is None
    theirs = client.post(
        "/api/v1/readiness", {**answers, "baby_id": str(baby.pk)}, content_type="application/json"
    ).json()
    assert theirs["verdict"] == "wait" and theirs["wait_minutes"] == 15
    assert "legs-and-feet" in theirs["skip_areas"]
    other = api_client_for(world.users["parent_b"]).post(
        "/api/v1/readiness", {**answers, "baby_id": str(baby.pk)}, content_type="application/json"
    )
    assert other.status_code == 404

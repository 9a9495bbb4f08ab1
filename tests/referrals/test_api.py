"""The referrals API: intake, duplicates, who sees why, state changes, overrides, the waiting
list, field errors and bounded queries."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from nurture.accounts.roles import Role
from nurture.allocation import places
from nurture.courses.models import Offer
from nurture.referrals.models import Referral, Status
from tests import factories
from tests.conftest import World, api_client_for

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, body or {}, content_type="application/json")


def baby_of(world: World, key: str) -> Any:
    return world.families[key].babies.get()


def new_referral(world: World, key: str = "a1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "baby_id": str(baby_of(world, key).pk),
        "reasons": ["low_mood", "first_time"],
        "priority": "routine",
        "consent_to_contact": True,
        "preferred_times": ["morning"],
        "notes": "Prefers text messages.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def referrals(world: World) -> dict[str, Referral]:
    """One referral per family, each made by the family's health visitor."""
    return {
        "a1": factories.make_referral(baby_of(world, "a1"), actor=world.users["hv_a"]),
        "a2": factories.make_referral(baby_of(world, "a2"), actor=world.users["hv_a2"]),
        "b1": factories.make_referral(baby_of(world, "b1"), actor=world.users["hv_b"]),
    }


# --- Intake -----------------------------------------------------------------------------------


def test_a_health_visitor_refers_a_baby_once_per_client_id(world: World) -> None:
    client = api_client_for(world.users["hv_a"])
    body = new_referral(world, id=str(uuid.uuid4()))
    response = send(client, "post", "/api/v1/referrals", body)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["status"] == "waiting"
    assert made["reasons"] == ["first_time", "low_mood"]
    assert made["notes"] == "Prefers text messages."
    assert made["referred_by_name"] == "Hv_A"
    assert [e["to_status"] for e in made["events"]] == ["received", "eligible", "waiting"]
    assert made["window"]["ages_out_on"] == made["window"]["last_start"]
    assert made["window"]["first_start"] < made["window"]["last_start"]
    again = send(client, "post", "/api/v1/referrals", body)
    assert again.status_code == 200
    assert again.json()["id"] == made["id"] == body["id"]
    assert Referral.objects.count() == 1


def test_a_second_open_referral_is_a_409_naming_the_first(world: World) -> None:
    client = api_client_for(world.users["hv_a"])
    first = send(client, "post", "/api/v1/referrals", new_referral(world)).json()
    response = send(client, "post", "/api/v1/referrals", new_referral(world))
    assert response.status_code == 409
    problem = response.json()
    assert problem["duplicate_of"] == first["id"]
    assert [e["field"] for e in problem["errors"]] == ["baby"]
    assert Referral.objects.count() == 1
    confirmed = send(
        client, "post", "/api/v1/referrals", new_referral(world, confirm_duplicate=True)
    )
    assert confirmed.status_code == 201
    assert confirmed.json()["duplicate_of_id"] == first["id"]


@pytest.mark.parametrize(
    ("user", "family", "expected"),
    [
        ("hv_a", "a1", 201),
        ("manager_a", "a2", 201),
        ("admin", "b1", 201),
        ("hv_a2", "a1", 404),  # not the family's health visitor
        ("facilitator_a", "a1", 404),
        ("parent_a", "a1", 404),
        ("manager_b", "a1", 404),
        ("hv_b", "a1", 404),
    ],
)
def test_only_staff_who_may_edit_the_family_may_refer(
    world: World, user: str, family: str, expected: int
) -> None:
    response = send(
        api_client_for(world.users[user]), "post", "/api/v1/referrals", new_referral(world, family)
    )
    assert response.status_code == expected, response.content
    assert Referral.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reasons": []}, "reasons"),
        ({"reasons": ["not_a_reason"]}, "reasons.0"),
        ({"reasons": ["other"]}, "reason_other"),
        ({"reason_other": "x" * 201}, "reason_other"),
        ({"priority": "urgent"}, "priority"),
        ({"preferred_times": ["midnight"]}, "preferred_times.0"),
        ({"preferred_venue_ids": [2**70]}, "preferred_venue_ids.0"),
        ({"preferred_venue_ids": ["x"]}, "preferred_venue_ids.0"),
        ({"baby_id": "not-a-uuid"}, "baby_id"),
        ({"notes": "a\u0000b"}, "notes"),
        ({"notes": "x" * 2001}, "notes"),
        ({"consent_to_contact": "perhaps"}, "consent_to_contact"),
        ({"id": "123"}, "id"),
    ],
)
def test_bad_referral_bodies_name_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    response = send(
        api_client_for(world.users["hv_a"]),
        "post",
        "/api/v1/referrals",
        new_referral(world, **change),
    )
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Referral.objects.exists()


def test_preferred_venues_must_be_the_providers_own(world: World) -> None:
    client = api_client_for(world.users["hv_a"])
    body = new_referral(world, preferred_venue_ids=[world.venue_b.pk])
    response = send(client, "post", "/api/v1/referrals", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "preferred_venue_ids"
    body = new_referral(world, preferred_venue_ids=[world.venue_a.pk])
    made = send(client, "post", "/api/v1/referrals", body).json()
    assert made["preferred_venue_ids"] == [world.venue_a.pk]


# --- Who sees what ----------------------------------------------------------------------------

VISIBLE = {
    "admin": {"a1", "a2", "b1"},
    "manager_a": {"a1", "a2"},
    "hv_a": {"a1"},
    "hv_a2": {"a2"},
    "facilitator_a": set(),
    "manager_b": {"b1"},
    "hv_b": {"b1"},
    "parent_a": {"a1"},
    "parent_a2": {"a2"},
    "parent_b": {"b1"},
}
SEES_REASONS = {"admin", "manager_a", "hv_a", "hv_a2", "manager_b", "hv_b"}


@pytest.mark.parametrize("user", sorted(VISIBLE))
def test_referral_list_and_detail_are_scoped_and_reasons_are_for_referrers(
    world: World, referrals: dict[str, Referral], user: str
) -> None:
    client = api_client_for(world.users[user])
    listed = client.get("/api/v1/referrals").json()
    by_id = {str(r.pk): key for key, r in referrals.items()}
    assert {by_id[item["id"]] for item in listed["items"]} == VISIBLE[user]
    for item in listed["items"]:
        if user in SEES_REASONS:
            assert item["reasons"] == ["first_time"]
        else:
            assert item["reasons"] is None
            assert item["notes"] is None
    for key, referral in referrals.items():
        response = client.get(f"/api/v1/referrals/{referral.pk}")
        assert response.status_code == (200 if key in VISIBLE[user] else 404), (key, user)


def test_a_facilitator_sees_only_their_own_runs_families_and_not_why(world: World) -> None:
    facilitator = world.users["facilitator_a"]
    own_run = factories.make_run(
        world.provider_a, venue=world.venue_a, facilitators=[facilitator], capacity=1
    )
    on_own = factories.make_referral(baby_of(world, "a1"), actor=world.users["hv_a"])
    places.accept_offer(actor=None, offer=Offer.objects.get(referral=on_own))
    other_run = factories.make_run(world.provider_a, venue=world.venue_a, capacity=1)
    on_other = factories.make_referral(baby_of(world, "a2"), actor=world.users["hv_a2"])
    places.accept_offer(actor=None, offer=Offer.objects.get(referral=on_other, run=other_run))

    client = api_client_for(facilitator)
    listed = client.get("/api/v1/referrals").json()["items"]
    assert [item["id"] for item in listed] == [str(on_own.pk)]
    detail = client.get(f"/api/v1/referrals/{on_own.pk}").json()
    assert detail["reasons"] is None and detail["notes"] is None
    assert detail["reason_other"] is None
    assert all(event["note"] is None for event in detail["events"])
    assert detail["enrolments"][0]["run_id"] == str(own_run.pk)
    assert client.get(f"/api/v1/referrals/{on_other.pk}").status_code == 404
    runs = client.get("/api/v1/runs").json()["items"]
    assert [run["id"] for run in runs] == [str(own_run.pk)]
    assert client.get(f"/api/v1/runs/{other_run.pk}").status_code == 404
    families = client.get("/api/v1/families").json()["items"]
    assert [family["id"] for family in families] == [str(world.families["a1"].pk)]


def test_status_filter(world: World, referrals: dict[str, Referral]) -> None:
    client = api_client_for(world.users["manager_a"])
    assert client.get("/api/v1/referrals?status=waiting").json()["count"] == 2
    assert client.get("/api/v1/referrals?status=withdrawn").json()["count"] == 0
    response = client.get("/api/v1/referrals?status=lost")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"


def test_listing_referrals_takes_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    hv = world.users["hv_a"]
    for _ in range(25):
        factories.make_referral(
            factories.baby_born(world.provider_a, 10, health_visitor=hv), actor=hv
        )
    client = api_client_for(hv)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/referrals?limit=50")
    assert response.json()["count"] == 25


# --- Changes ----------------------------------------------------------------------------------


def test_updating_details(world: World, referrals: dict[str, Referral]) -> None:
    url = f"/api/v1/referrals/{referrals['a1'].pk}"
    client = api_client_for(world.users["hv_a"])
    response = send(client, "patch", url, {"priority": "high", "preferred_times": ["any"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["priority"], body["preferred_times"]) == ("high", ["any"])
    assert body["reasons"] == ["first_time"]  # left out, so kept
    response = send(client, "patch", url, {"priority": None})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["priority"]
    response = send(client, "patch", url, {"reasons": ["other"]})
    assert response.json()["errors"][0]["field"] == "reason_other"
    for user in ("hv_a2", "facilitator_a", "parent_a", "manager_b"):
        denied = send(api_client_for(world.users[user]), "patch", url, {"priority": "high"})
        assert denied.status_code == 404, user


def test_withdraw_and_reopen(world: World, referrals: dict[str, Referral]) -> None:
    base = f"/api/v1/referrals/{referrals['a1'].pk}"
    client = api_client_for(world.users["hv_a"])
    response = send(client, "post", f"{base}/withdraw", {"reason": " "})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"
    response = send(client, "post", f"{base}/withdraw", {"reason": "x" * 301})
    assert response.json()["errors"][0]["field"] == "reason"
    assert send(client, "post", f"{base}/withdraw", {}).json()["errors"][0]["field"] == "reason"
    response = send(client, "post", f"{base}/withdraw", {"reason": "Moved away"})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["events"][-1]["note"] == "Moved away"
    parent = api_client_for(world.users["parent_a"])
    assert parent.get(base).json()["events"][-1]["note"] is None
    assert send(parent, "post", f"{base}/reopen", {}).status_code == 404
    response = send(client, "post", f"{base}/reopen", {"note": "Back in the area"})
    assert response.status_code == 200
    assert response.json()["status"] == "waiting"
    again = send(client, "post", f"{base}/reopen", {})
    assert again.status_code == 422
    assert "can be put back" in again.json()["errors"][0]["message"]


def test_only_managers_override_eligibility(world: World) -> None:
    hv = world.users["hv_a"]
    baby = factories.baby_born(world.provider_a, 30, health_visitor=hv)
    referral = factories.make_referral(baby, actor=hv)
    assert referral.status == Status.NOT_ELIGIBLE
    url = f"/api/v1/referrals/{referral.pk}/override"
    assert send(api_client_for(hv), "post", url, {"reason": "Clinical need"}).status_code == 404
    assert (
        send(api_client_for(world.users["manager_b"]), "post", url, {"reason": "x"}).status_code
        == 404
    )
    manager = api_client_for(world.users["manager_a"])
    response = send(manager, "post", url, {"reason": "x" * 291})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"
    response = send(manager, "post", url, {"reason": "Clinical need"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "waiting"
    assert body["eligibility_overridden"] is True
    assert body["eligibility_override_reason"] == "Clinical need"


# --- Waiting list -----------------------------------------------------------------------------


def test_waiting_list_order_and_scope(world: World) -> None:
    hv = world.users["hv_a"]
    routine = factories.make_referral(
        factories.baby_born(world.provider_a, 8, health_visitor=hv), actor=hv
    )
    high = factories.make_referral(
        factories.baby_born(world.provider_a, 8, health_visitor=world.users["hv_a2"]),
        actor=world.users["hv_a2"],
        priority="high",
    )
    older = factories.make_referral(
        factories.baby_born(world.provider_a, 16, health_visitor=hv), actor=hv
    )
    rows = api_client_for(world.users["manager_a"]).get("/api/v1/waiting-list").json()
    assert [row["referral_id"] for row in rows] == [str(high.pk), str(older.pk), str(routine.pk)]
    assert [row["position"] for row in rows] == [1, 2, 3]
    assert rows[0]["priority"] == "high" and rows[0]["ages_out_on"]
    own = api_client_for(hv).get("/api/v1/waiting-list").json()
    assert [(row["position"], row["referral_id"]) for row in own] == [
        (2, str(older.pk)),
        (3, str(routine.pk)),
    ]


def test_waiting_list_provider_choice(world: World, referrals: dict[str, Referral]) -> None:
    admin = api_client_for(world.users["admin"])
    response = admin.get("/api/v1/waiting-list")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "provider_id"
    rows = admin.get(f"/api/v1/waiting-list?provider_id={world.provider_b.pk}").json()
    assert [row["referral_id"] for row in rows] == [str(referrals["b1"].pk)]
    manager = api_client_for(world.users["manager_a"])
    assert manager.get(f"/api/v1/waiting-list?provider_id={world.provider_b.pk}").status_code == 404
    response = manager.get(f"/api/v1/waiting-list?provider_id={2**70}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "provider_id"
    assert manager.get(f"/api/v1/waiting-list?venue_id={2**70}").status_code == 422
    assert api_client_for(world.users["parent_a"]).get("/api/v1/waiting-list").status_code == 404


def test_referrals_need_a_login(world: World, referrals: dict[str, Referral]) -> None:
    assert Client().get("/api/v1/referrals").status_code == 401
    assert Client().get(f"/api/v1/referrals/{referrals['a1'].pk}").status_code == 401


def test_a_second_provider_role_does_not_widen_referring(world: World) -> None:
    """A facilitator at A who is also a health visitor at B still cannot refer A's babies."""
    from nurture.accounts import services as account_services

    account_services.membership_grant(
        actor=None,
        user=world.users["facilitator_a"],
        provider=world.provider_b,
        role=Role.HEALTH_VISITOR,
    )
    response = send(
        api_client_for(world.users["facilitator_a"]),
        "post",
        "/api/v1/referrals",
        new_referral(world),
    )
    assert response.status_code == 404


def test_the_waiting_list_for_another_providers_venue_is_not_found(world: World) -> None:
    manager = api_client_for(world.users["manager_a"])
    assert manager.get(f"/api/v1/waiting-list?venue_id={world.venue_a.pk}").status_code == 200
    response = manager.get(f"/api/v1/waiting-list?venue_id={world.venue_b.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Not found."

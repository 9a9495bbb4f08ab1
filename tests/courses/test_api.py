"""The courses API: templates, runs, sessions, offers, enrolments, registers and the working
list; scoped by role, with field errors and bounded queries."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nurture.accounts.roles import Role
from nurture.allocation import places
from nurture.courses.models import (
    Attendance,
    CourseRun,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferKind,
    OfferStatus,
    RegisterSave,
    Session,
)
from nurture.referrals.models import Referral, Status
from tests import factories
from tests.conftest import World, api_client_for

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, body or {}, content_type="application/json")


def baby_of(world: World, key: str) -> Any:
    return world.families[key].babies.get()


def when(days_ahead: int, hour: int = 10) -> str:
    return factories.next_weekday_at(days_ahead, hour).isoformat()


def fields_of(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def run(world: World) -> CourseRun:
    """Provider A's run, kept by facilitator_a, with a1's family enrolled and a2's offered."""
    run = factories.make_run(
        world.provider_a,
        venue=world.venue_a,
        facilitators=[world.users["facilitator_a"]],
        capacity=2,
    )
    a1 = factories.make_referral(baby_of(world, "a1"), actor=world.users["hv_a"])
    places.accept_offer(actor=None, offer=Offer.objects.get(referral=a1))
    factories.make_referral(baby_of(world, "a2"), actor=world.users["hv_a2"])
    return run


@pytest.fixture
def run_b(world: World) -> CourseRun:
    """Provider B's run with b1's family enrolled."""
    run = factories.make_run(world.provider_b, venue=world.venue_b, capacity=2)
    b1 = factories.make_referral(baby_of(world, "b1"), actor=world.users["hv_b"])
    places.accept_offer(actor=None, offer=Offer.objects.get(referral=b1))
    return run


def start_first_session(run: CourseRun, ago: timedelta = timedelta(hours=1)) -> Session:
    """Move week 1 into the past (as if the run had begun), for register tests."""
    session = run.sessions.get(number=1)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - ago)
    session.refresh_from_db()
    return session


# --- Course templates -------------------------------------------------------------------------


def test_templates_are_listed_per_provider_and_created_by_managers(world: World) -> None:
    factories.make_template(world.provider_b)
    manager = api_client_for(world.users["manager_a"])
    response = send(manager, "post", "/api/v1/course-templates", {"name": "Baby massage"})
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["sessions_count"], made["session_minutes"]) == (5, 60)
    assert len(made["week_plan"]) == 5
    assert [t["name"] for t in manager.get("/api/v1/course-templates").json()] == ["Baby massage"]
    assert api_client_for(world.users["parent_a"]).get("/api/v1/course-templates").json() == []
    again = send(manager, "post", "/api/v1/course-templates", {"name": "Baby massage"})
    assert again.status_code == 422 and fields_of(again) == ["name"]
    for body, field in (
        ({"name": "X", "sessions_count": 13}, "sessions_count"),
        ({"name": "X", "session_minutes": 5}, "session_minutes"),
        ({"name": ""}, "name"),
        ({"name": "X", "week_plan": ["a"] * 13}, "week_plan"),
        ({"name": "X", "provider_id": world.provider_b.pk}, "provider_id"),
    ):
        response = send(manager, "post", "/api/v1/course-templates", body)
        assert response.status_code == 422 and field in fields_of(response), body
    for user in ("hv_a", "facilitator_a", "parent_a"):
        denied = send(
            api_client_for(world.users[user]), "post", "/api/v1/course-templates", {"name": "Y"}
        )
        assert denied.status_code == 404, user
    admin = api_client_for(world.users["admin"])
    response = send(admin, "post", "/api/v1/course-templates", {"name": "Z"})
    assert fields_of(response) == ["provider_id"]
    body = {"name": "Z", "provider_id": world.provider_b.pk}
    assert send(admin, "post", "/api/v1/course-templates", body).status_code == 201


# --- Runs -------------------------------------------------------------------------------------


def new_run(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "template_id": factories.make_template(world.provider_a).pk,
        "venue_id": world.venue_a.pk,
        "first_session_at": when(21),
        "facilitator_ids": [world.users["facilitator_a"].pk],
        "capacity": 6,
    }
    body.update(overrides)
    return body


def test_a_manager_schedules_a_run_that_offers_its_places(world: World) -> None:
    waiting = factories.make_referral(baby_of(world, "a1"), actor=world.users["hv_a"])
    response = send(
        api_client_for(world.users["manager_a"]), "post", "/api/v1/runs", new_run(world)
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert len(made["sessions"]) == 5
    assert [s["number"] for s in made["sessions"]] == [1, 2, 3, 4, 5]
    assert made["facilitator_ids"] == [world.users["facilitator_a"].pk]
    assert (made["capacity"], made["places_taken"], made["free_places"]) == (6, 1, 5)
    assert [o["referral_id"] for o in made["offers"]] == [str(waiting.pk)]
    assert made["offers"][0]["kind"] == OfferKind.AUTOMATIC


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"first_session_at": "2030-01-01T10:00:00"}, "first_session_at"),  # no time zone
        ({"first_session_at": "next tuesday"}, "first_session_at"),
        ({"first_session_at": "2001-01-01T10:00:00+00:00"}, "first_session_at"),
        ({"first_session_at": "9999-01-01T10:00:00+00:00"}, "first_session_at"),
        ({"capacity": 31}, "capacity"),
        ({"capacity": 0}, "capacity"),
        ({"facilitator_ids": [999999]}, "facilitator_ids"),
        ({"facilitator_ids": [2**70]}, "facilitator_ids.0"),
        ({"venue_id": None}, "venue_id"),
        ({"template_id": "x"}, "template_id"),
    ],
)
def test_bad_run_bodies_name_the_field(world: World, change: dict[str, Any], field: str) -> None:
    response = send(
        api_client_for(world.users["manager_a"]), "post", "/api/v1/runs", new_run(world, **change)
    )
    assert response.status_code == 422, response.content
    assert field in fields_of(response)
    assert not CourseRun.objects.exists()


def test_runs_use_only_the_providers_own_venues_templates_and_facilitators(world: World) -> None:
    manager = api_client_for(world.users["manager_a"])
    for change, field in (
        ({"venue_id": world.venue_b.pk}, "venue_id"),
        ({"template_id": factories.make_template(world.provider_b).pk}, "template_id"),
        ({"facilitator_ids": [world.users["hv_b"].pk]}, "facilitator_ids"),
        ({"facilitator_ids": [world.users["hv_a"].pk]}, "facilitator_ids"),
    ):
        response = send(manager, "post", "/api/v1/runs", new_run(world, **change))
        assert response.status_code == 422 and fields_of(response) == [field], change
    for user in ("hv_a", "facilitator_a", "parent_a", "manager_b"):
        denied = send(api_client_for(world.users[user]), "post", "/api/v1/runs", new_run(world))
        # Another provider's manager may schedule runs, but not at this venue.
        assert denied.status_code == (422 if user == "manager_b" else 404), user
    assert not CourseRun.objects.exists()


RUNS_SEEN = {
    "admin": {"a", "b"},
    "manager_a": {"a"},
    "hv_a": {"a"},
    "facilitator_a": {"a"},
    "manager_b": {"b"},
    "hv_b": {"b"},
    "parent_a": {"a"},  # enrolled
    "parent_a2": {"a"},  # offered
    "parent_b": {"b"},
}


@pytest.mark.parametrize("user", sorted(RUNS_SEEN))
def test_runs_are_scoped(world: World, run: CourseRun, run_b: CourseRun, user: str) -> None:
    client = api_client_for(world.users[user])
    ids = {item["id"] for item in client.get("/api/v1/runs").json()["items"]}
    expected = {{"a": str(run.pk), "b": str(run_b.pk)}[key] for key in RUNS_SEEN[user]}
    assert ids == expected
    for key, one in (("a", run), ("b", run_b)):
        response = client.get(f"/api/v1/runs/{one.pk}")
        assert response.status_code == (200 if key in RUNS_SEEN[user] else 404)


def test_a_facilitator_not_on_the_run_does_not_see_it(world: World, run: CourseRun) -> None:
    other = factories.make_staff(world.provider_a, Role.FACILITATOR, "other_facilitator")
    client = api_client_for(other)
    assert client.get("/api/v1/runs").json()["count"] == 0
    assert client.get(f"/api/v1/runs/{run.pk}").status_code == 404
    session = run.sessions.get(number=1)
    assert client.get(f"/api/v1/sessions/{session.pk}/register").status_code == 404


def test_run_detail_shows_families_only_to_those_who_may_see_them(
    world: World, run: CourseRun
) -> None:
    a1 = Referral.objects.get(family=world.families["a1"])
    a2 = Referral.objects.get(family=world.families["a2"])
    manager = api_client_for(world.users["manager_a"]).get(f"/api/v1/runs/{run.pk}").json()
    assert [e["referral_id"] for e in manager["enrolments"]] == [str(a1.pk)]
    assert [o["referral_id"] for o in manager["offers"] if o["status"] == "pending"] == [str(a2.pk)]
    assert (manager["places_taken"], manager["free_places"]) == (2, 0)
    parent = api_client_for(world.users["parent_a2"]).get(f"/api/v1/runs/{run.pk}").json()
    assert parent["enrolments"] == []
    assert [o["referral_id"] for o in parent["offers"]] == [str(a2.pk)]
    facilitator = api_client_for(world.users["facilitator_a"]).get(f"/api/v1/runs/{run.pk}").json()
    assert [e["baby_name"] for e in facilitator["enrolments"]] == ["Robin"]
    # Only the offer the enrolled family accepted, not the pending one to a2's family.
    assert [(o["referral_id"], o["status"]) for o in facilitator["offers"]] == [
        (str(a1.pk), "accepted")
    ]


def test_closed_runs_only_on_request(world: World, run: CourseRun) -> None:
    manager = api_client_for(world.users["manager_a"])
    response = send(manager, "post", f"/api/v1/runs/{run.pk}/close")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert all(o["status"] != "pending" for o in response.json()["offers"])
    again = send(manager, "post", f"/api/v1/runs/{run.pk}/close")
    assert again.status_code == 422 and "already closed" in again.json()["errors"][0]["message"]
    assert manager.get("/api/v1/runs").json()["count"] == 0
    assert manager.get("/api/v1/runs?include_closed=true").json()["count"] == 1


def test_listing_runs_takes_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    template = factories.make_template(world.provider_a)
    for days in range(7, 7 + 22):
        factories.make_run(
            world.provider_a,
            venue=world.venue_a,
            template=template,
            facilitators=[world.users["facilitator_a"]],
            days_ahead=days,
        )
    client = api_client_for(world.users["manager_a"])
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/runs?limit=50")
    assert response.json()["count"] == 22
    assert all(len(item["sessions"]) == 5 for item in response.json()["items"])


def test_changing_capacity_and_facilitators(world: World, run: CourseRun) -> None:
    url = f"/api/v1/runs/{run.pk}"
    manager = api_client_for(world.users["manager_a"])
    factories.make_referral(
        factories.baby_born(world.provider_a, 9, health_visitor=world.users["hv_a"])
    )
    response = send(manager, "patch", url, {"capacity": 3, "facilitator_ids": []})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["capacity"], body["free_places"], body["facilitator_ids"]) == (3, 0, [])
    assert len([o for o in body["offers"] if o["status"] == "pending"]) == 2
    for change, field in (
        ({"capacity": None}, "capacity"),
        ({"capacity": 1}, "capacity"),  # three places taken or held
        ({"capacity": 99}, "capacity"),
        ({"facilitator_ids": [world.users["hv_a"].pk]}, "facilitator_ids"),
    ):
        response = send(manager, "patch", url, change)
        assert response.status_code == 422 and fields_of(response) == [field], change
    for user in ("facilitator_a", "hv_a", "parent_a", "manager_b"):
        denied = send(api_client_for(world.users[user]), "patch", url, {"capacity": 4})
        assert denied.status_code == 404, user


def test_copying_a_run(world: World, run: CourseRun) -> None:
    manager = api_client_for(world.users["manager_a"])
    url = f"/api/v1/runs/{run.pk}/copy"
    response = send(manager, "post", url, {"first_session_at": when(70)})
    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["copied_from_id"] == str(run.pk)
    assert copy["facilitator_ids"] == [world.users["facilitator_a"].pk]
    assert copy["capacity"] == 2 and copy["id"] != str(run.pk)
    response = send(manager, "post", url, {"first_session_at": "2001-01-01T10:00:00+00:00"})
    assert response.status_code == 422 and fields_of(response) == ["first_session_at"]
    assert send(manager, "post", url, {}).status_code == 422


# --- Offers -----------------------------------------------------------------------------------


def test_offer_to_all_when_a_gap_opens(world: World, run: CourseRun) -> None:
    manager = api_client_for(world.users["manager_a"])
    url = f"/api/v1/runs/{run.pk}/offer-to-all"
    response = send(manager, "post", url)
    assert response.status_code == 422 and fields_of(response) == ["run"]
    # Two more families wait; the place held for a2 is freed by hand (as in test_places).
    extra = [
        factories.make_referral(
            factories.baby_born(world.provider_a, 9, health_visitor=world.users["hv_a"])
        )
        for _ in range(2)
    ]
    Offer.objects.filter(status=OfferStatus.PENDING).update(status=OfferStatus.WITHDRAWN)
    Referral.objects.filter(status=Status.OFFERED).update(status=Status.WAITING)
    response = send(manager, "post", url)
    assert response.status_code == 200, response.content
    offered = {o["referral_id"] for o in response.json()}
    assert {str(r.pk) for r in extra} <= offered
    assert all(o["kind"] == OfferKind.OPEN_TO_ALL for o in response.json())
    assert send(api_client_for(world.users["facilitator_a"]), "post", url).status_code == 404


def test_a_manual_offer(world: World, run: CourseRun) -> None:
    later = factories.make_run(world.provider_a, venue=world.venue_a, capacity=2, days_ahead=28)
    a2 = Referral.objects.get(family=world.families["a2"])
    assert a2.status == Status.OFFERED  # holds a place on the first run
    url = f"/api/v1/runs/{later.pk}/offers"
    manager = api_client_for(world.users["manager_a"])
    response = send(manager, "post", url, {"referral_id": str(a2.pk)})
    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["status"]) == ("manual", "pending")
    again = send(manager, "post", url, {"referral_id": str(a2.pk)})
    assert again.status_code == 422 and fields_of(again) == ["referral_id"]
    young = factories.make_referral(
        factories.baby_born(world.provider_a, 1, health_visitor=world.users["hv_a"])
    )
    response = send(manager, "post", url, {"referral_id": str(young.pk)})
    assert fields_of(response) == ["referral_id"]
    assert "Too young" in response.json()["errors"][0]["message"]
    b1 = factories.make_referral(baby_of(world, "b1"))
    response = send(manager, "post", url, {"referral_id": str(b1.pk)})
    assert response.status_code == 422 and fields_of(response) == ["referral_id"]
    response = send(manager, "post", url, {"referral_id": "nope"})
    assert response.status_code == 422 and fields_of(response) == ["referral_id"]
    for user in ("hv_a2", "facilitator_a", "manager_b"):
        denied = send(api_client_for(world.users[user]), "post", url, {"referral_id": str(a2.pk)})
        assert denied.status_code == 404, user


def test_parents_see_and_answer_only_their_own_offers(world: World, run: CourseRun) -> None:
    offer = Offer.objects.get(referral__family=world.families["a2"], status=OfferStatus.PENDING)
    own = api_client_for(world.users["parent_a2"]).get("/api/v1/offers").json()
    assert [o["id"] for o in own["items"]] == [str(offer.pk)]
    assert own["items"][0]["venue_name"] == "Venue A"
    assert api_client_for(world.users["parent_a"]).get("/api/v1/offers").json()["count"] == 0
    assert api_client_for(world.users["manager_a"]).get("/api/v1/offers").json()["count"] == 1
    assert api_client_for(world.users["manager_b"]).get("/api/v1/offers").json()["count"] == 0
    for user in ("parent_a", "parent_b", "facilitator_a", "hv_a", "manager_b"):
        client = api_client_for(world.users[user])
        assert send(client, "post", f"/api/v1/offers/{offer.pk}/accept").status_code == 404, user
        assert send(client, "post", f"/api/v1/offers/{offer.pk}/decline").status_code == 404, user
    response = send(
        api_client_for(world.users["parent_a2"]), "post", f"/api/v1/offers/{offer.pk}/accept"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "enrolled"
    assert response.json()["joined_at_session"] == 1
    again = send(
        api_client_for(world.users["parent_a2"]), "post", f"/api/v1/offers/{offer.pk}/accept"
    )
    assert again.status_code == 422
    assert "no longer open" in again.json()["errors"][0]["message"]


@pytest.mark.parametrize(("stay", "status"), [(True, Status.WAITING), (False, Status.DECLINED)])
def test_declining_an_offer(world: World, run: CourseRun, stay: bool, status: str) -> None:
    offer = Offer.objects.get(referral__family=world.families["a2"], status=OfferStatus.PENDING)
    client = api_client_for(world.users["parent_a2"])
    body = {"stay_on_list": stay, "note": "Not that day"}
    response = send(client, "post", f"/api/v1/offers/{offer.pk}/decline", body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "declined"
    assert Referral.objects.get(pk=offer.referral_id).status == status
    bad = send(client, "post", f"/api/v1/offers/{offer.pk}/decline", {"stay_on_list": "maybe"})
    assert bad.status_code == 422 and fields_of(bad) == ["stay_on_list"]


def test_the_health_visitor_may_answer_for_the_family(world: World, run: CourseRun) -> None:
    offer = Offer.objects.get(referral__family=world.families["a2"], status=OfferStatus.PENDING)
    response = send(
        api_client_for(world.users["hv_a2"]), "post", f"/api/v1/offers/{offer.pk}/accept"
    )
    assert response.status_code == 200


# --- Enrolments ------------------------------------------------------------------------------


def test_withdrawing_an_enrolment_passes_the_place_on(world: World, run: CourseRun) -> None:
    enrolment = Enrolment.objects.get(run=run)
    url = f"/api/v1/enrolments/{enrolment.pk}/withdraw"
    for user in ("hv_a", "facilitator_a", "parent_a", "manager_b"):
        assert (
            send(api_client_for(world.users[user]), "post", url, {"reason": "x"}).status_code == 404
        )
    manager = api_client_for(world.users["manager_a"])
    response = send(manager, "post", url, {"reason": "  "})
    assert response.status_code == 422 and fields_of(response) == ["reason"]
    response = send(manager, "post", url, {"reason": "Moved away"})
    assert response.status_code == 200
    assert response.json()["status"] == EnrolmentStatus.WITHDRAWN
    again = send(manager, "post", url, {"reason": "Moved away"})
    assert again.status_code == 422


# --- Sessions ---------------------------------------------------------------------------------


def test_moving_a_session(world: World, run: CourseRun) -> None:
    sessions = list(run.sessions.order_by("number"))
    url = f"/api/v1/sessions/{sessions[1].pk}/move"
    manager = api_client_for(world.users["manager_a"])
    new_time = (sessions[1].starts_at + timedelta(hours=3)).isoformat()
    response = send(manager, "post", url, {"starts_at": new_time, "reason": "Room booked"})
    assert response.status_code == 200, response.content
    assert response.json()["moved_from"] is not None
    for body, field in (
        ({"starts_at": new_time, "reason": " "}, "reason"),
        ({"starts_at": sessions[3].starts_at.isoformat(), "reason": "x"}, "starts_at"),
        ({"starts_at": "2030-01-01T10:00:00", "reason": "x"}, "starts_at"),
        ({"starts_at": new_time, "reason": "x" * 201}, "reason"),
        ({"starts_at": new_time}, "reason"),
    ):
        response = send(manager, "post", url, body)
        assert response.status_code == 422 and field in fields_of(response), body
    for user in ("facilitator_a", "hv_a", "parent_a", "manager_b"):
        body = {"starts_at": new_time, "reason": "x"}
        assert send(api_client_for(world.users[user]), "post", url, body).status_code == 404


def test_cancelling_a_session_adds_a_week(world: World, run: CourseRun) -> None:
    sessions = list(run.sessions.order_by("number"))
    manager = api_client_for(world.users["manager_a"])
    url = f"/api/v1/sessions/{sessions[2].pk}/cancel"
    response = send(manager, "post", url, {"reason": "Staff illness"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["cancelled"]["status"] == "cancelled"
    assert body["replacement"]["number"] == 6
    again = send(manager, "post", url, {"reason": "Again"})
    assert again.status_code == 422 and "already cancelled" in again.json()["errors"][0]["message"]
    response = send(
        manager,
        "post",
        f"/api/v1/sessions/{sessions[3].pk}/cancel",
        {"reason": "Snow", "add_replacement": False},
    )
    assert response.json()["replacement"] is None
    assert send(manager, "post", url, {}).status_code == 422
    denied = send(api_client_for(world.users["facilitator_a"]), "post", url, {"reason": "x"})
    assert denied.status_code == 404


# --- Registers --------------------------------------------------------------------------------


def marks_for(run: CourseRun, status: str = "present") -> list[dict[str, Any]]:
    return [
        {"enrolment_id": str(e.pk), "status": status, "contraindications_checked": True}
        for e in run.enrolments.all()
    ]


def test_the_same_register_save_twice_stores_once(world: World, run: CourseRun) -> None:
    session = start_first_session(run)
    url = f"/api/v1/sessions/{session.pk}/register"
    client = api_client_for(world.users["facilitator_a"])
    register = client.get(url).json()
    assert [row["baby_name"] for row in register["rows"]] == ["Robin"]
    assert register["rows"][0]["mark"] is None and register["locked"] is False
    body = {"save_id": str(uuid.uuid4()), "marks": marks_for(run)}
    first = send(client, "put", url, body)
    assert first.status_code == 200, first.content
    assert first.json()["stored"] is True
    assert first.json()["rows"][0]["mark"]["status"] == "present"
    body["marks"] = marks_for(run, "dna")  # a retry carries the same id: nothing changes
    second = send(client, "put", url, body)
    assert second.status_code == 200
    assert second.json()["stored"] is False
    assert second.json()["rows"][0]["mark"]["status"] == "present"
    assert Attendance.objects.count() == 1
    assert RegisterSave.objects.count() == 1
    other_session = run.sessions.get(number=2)
    reused = send(client, "put", f"/api/v1/sessions/{other_session.pk}/register", body)
    assert reused.status_code == 409 and fields_of(reused) == ["save_id"]


def test_registers_are_for_the_runs_facilitators_and_managers(world: World, run: CourseRun) -> None:
    session = start_first_session(run)
    url = f"/api/v1/sessions/{session.pk}/register"
    assert api_client_for(world.users["manager_a"]).get(url).status_code == 200
    for user in ("hv_a", "parent_a", "manager_b", "admin"):
        expected = 200 if user == "admin" else 404
        client = api_client_for(world.users[user])
        assert client.get(url).status_code == expected, user
        if expected == 404:
            body = {"save_id": str(uuid.uuid4()), "marks": marks_for(run)}
            assert send(client, "put", url, body).status_code == 404, user
    assert not Attendance.objects.exists()


def test_a_locked_register_is_refused_until_a_manager_reopens_it(
    world: World, run: CourseRun
) -> None:
    session = start_first_session(run, ago=timedelta(days=8))
    url = f"/api/v1/sessions/{session.pk}/register"
    facilitator = api_client_for(world.users["facilitator_a"])
    assert facilitator.get(url).json()["locked"] is True
    body = {"save_id": str(uuid.uuid4()), "marks": marks_for(run)}
    response = send(facilitator, "put", url, body)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "__all__",
            "message": "This register is locked. A manager can reopen it, with a reason.",
        }
    ]
    assert send(facilitator, "post", f"{url}/reopen", {"reason": "Late mark"}).status_code == 404
    manager = api_client_for(world.users["manager_a"])
    response = send(manager, "post", f"{url}/reopen", {"reason": " "})
    assert response.status_code == 422 and fields_of(response) == ["reason"]
    response = send(manager, "post", f"{url}/reopen", {"reason": "Late mark"})
    assert response.status_code == 200 and response.json()["locked"] is False
    response = send(facilitator, "put", url, body)
    assert response.status_code == 200 and response.json()["stored"] is True


def test_a_future_session_has_no_register_yet(world: World, run: CourseRun) -> None:
    session = run.sessions.get(number=1)
    response = send(
        api_client_for(world.users["facilitator_a"]),
        "put",
        f"/api/v1/sessions/{session.pk}/register",
        {"save_id": str(uuid.uuid4()), "marks": marks_for(run)},
    )
    assert response.status_code == 422
    assert "not happened yet" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("mark", "field"),
    [
        ({"status": "maybe"}, "marks.0.status"),
        ({"enrolment_id": "not-a-uuid"}, "marks.0.enrolment_id"),
        ({"baby_state_note": "x" * 201}, "marks.0.baby_state_note"),
        ({"contraindications_checked": "yes please"}, "marks.0.contraindications_checked"),
        ({"enrolment_id": str(uuid.uuid4())}, "marks.0.enrolment_id"),
    ],
)
def test_bad_register_marks_name_the_field(
    world: World, run: CourseRun, mark: dict[str, Any], field: str
) -> None:
    session = start_first_session(run)
    body = {"save_id": str(uuid.uuid4()), "marks": [{**marks_for(run)[0], **mark}]}
    response = send(
        api_client_for(world.users["facilitator_a"]),
        "put",
        f"/api/v1/sessions/{session.pk}/register",
        body,
    )
    assert response.status_code == 422, response.content
    assert fields_of(response) == [field]
    assert not Attendance.objects.exists() and not RegisterSave.objects.exists()


def test_register_body_shape_errors(world: World, run: CourseRun) -> None:
    session = start_first_session(run)
    url = f"/api/v1/sessions/{session.pk}/register"
    client = api_client_for(world.users["facilitator_a"])
    assert fields_of(send(client, "put", url, {"marks": marks_for(run)})) == ["save_id"]
    twice = marks_for(run) * 2
    response = send(client, "put", url, {"save_id": str(uuid.uuid4()), "marks": twice})
    assert response.status_code == 422 and fields_of(response) == ["marks"]


def test_a_full_register_takes_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    run = factories.make_run(
        world.provider_a,
        venue=world.venue_a,
        facilitators=[world.users["facilitator_a"]],
        capacity=22,
    )
    for _ in range(22):
        factories.make_referral(factories.baby_born(world.provider_a, 10))
    for offer in Offer.objects.filter(run=run, status=OfferStatus.PENDING):
        places.accept_offer(actor=None, offer=offer)
    session = start_first_session(run)
    client = api_client_for(world.users["facilitator_a"])
    url = f"/api/v1/sessions/{session.pk}/register"
    send(client, "put", url, {"save_id": str(uuid.uuid4()), "marks": marks_for(run)})
    with django_assert_max_num_queries(10):
        response = client.get(url)
    rows = response.json()["rows"]
    assert len(rows) == 22 and all(row["mark"]["status"] == "present" for row in rows)


# --- Working list -----------------------------------------------------------------------------


def test_working_list(world: World, run: CourseRun) -> None:
    factories.make_run(world.provider_a, venue=world.venue_a, capacity=3, days_ahead=28)
    factories.make_referral(
        factories.baby_born(world.provider_a, 1, health_visitor=world.users["hv_a"])
    )
    body = api_client_for(world.users["manager_a"]).get("/api/v1/working-list").json()
    assert [item["free_places"] for item in body["runs_with_free_places"]] == [3]
    assert "Venue A" in body["runs_with_free_places"][0]["label"]
    assert [item["label"] for item in body["families_to_offer"]] == ["Baby"]
    assert body["offers_without_reply"] == [] and body["missed_last_session"] == []
    assert api_client_for(world.users["parent_a"]).get("/api/v1/working-list").status_code == 404
    other = api_client_for(world.users["manager_b"]).get("/api/v1/working-list").json()
    assert all(value == [] for value in other.values())


# --- Every route kind: another provider's object is a 404 -------------------------------------


def test_another_providers_objects_are_404_for_every_route(world: World, run: CourseRun) -> None:
    session = run.sessions.get(number=2)
    enrolment = Enrolment.objects.get(run=run)
    offer = Offer.objects.get(run=run, status=OfferStatus.PENDING)
    referral = offer.referral
    later = when(90)
    routes = [
        ("get", f"/api/v1/referrals/{referral.pk}", None),
        ("patch", f"/api/v1/referrals/{referral.pk}", {"priority": "high"}),
        ("post", f"/api/v1/referrals/{referral.pk}/withdraw", {"reason": "x"}),
        ("post", f"/api/v1/referrals/{referral.pk}/reopen", {"note": "x"}),
        ("post", f"/api/v1/referrals/{referral.pk}/override", {"reason": "x"}),
        ("get", f"/api/v1/runs/{run.pk}", None),
        ("patch", f"/api/v1/runs/{run.pk}", {"capacity": 5}),
        ("post", f"/api/v1/runs/{run.pk}/copy", {"first_session_at": later}),
        ("post", f"/api/v1/runs/{run.pk}/close", None),
        ("post", f"/api/v1/runs/{run.pk}/offer-to-all", None),
        ("post", f"/api/v1/runs/{run.pk}/offers", {"referral_id": str(referral.pk)}),
        ("post", f"/api/v1/sessions/{session.pk}/move", {"starts_at": later, "reason": "x"}),
        ("post", f"/api/v1/sessions/{session.pk}/cancel", {"reason": "x"}),
        ("get", f"/api/v1/sessions/{session.pk}/register", None),
        (
            "put",
            f"/api/v1/sessions/{session.pk}/register",
            {"save_id": str(uuid.uuid4()), "marks": []},
        ),
        ("post", f"/api/v1/sessions/{session.pk}/register/reopen", {"reason": "x"}),
        ("post", f"/api/v1/offers/{offer.pk}/accept", None),
        ("post", f"/api/v1/offers/{offer.pk}/decline", {"stay_on_list": True}),
        ("post", f"/api/v1/enrolments/{enrolment.pk}/withdraw", {"reason": "x"}),
        ("get", f"/api/v1/waiting-list?provider_id={world.provider_a.pk}", None),
    ]
    for user in ("manager_b", "hv_b", "parent_b"):
        client = api_client_for(world.users[user])
        for method, url, body in routes:
            response = send(client, method, url, body) if method != "get" else client.get(url)
            assert response.status_code == 404, (user, method, url, response.content)
            assert response.json() == {"detail": "Not found.", "errors": []}
    # Nothing changed.
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.ENROLLED
    assert CourseRun.objects.count() == 1


def test_routes_need_a_login(world: World, run: CourseRun) -> None:
    for url in (
        "/api/v1/runs",
        "/api/v1/offers",
        "/api/v1/working-list",
        "/api/v1/course-templates",
    ):
        assert Client().get(url).status_code == 401


def test_openapi_lists_the_programme_routes() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/referrals",
        "/api/v1/referrals/{referral_id}",
        "/api/v1/referrals/{referral_id}/withdraw",
        "/api/v1/referrals/{referral_id}/reopen",
        "/api/v1/referrals/{referral_id}/override",
        "/api/v1/waiting-list",
        "/api/v1/runs",
        "/api/v1/runs/{run_id}",
        "/api/v1/runs/{run_id}/copy",
        "/api/v1/runs/{run_id}/close",
        "/api/v1/runs/{run_id}/offer-to-all",
        "/api/v1/runs/{run_id}/offers",
        "/api/v1/course-templates",
        "/api/v1/sessions/{session_id}/move",
        "/api/v1/sessions/{session_id}/cancel",
        "/api/v1/sessions/{session_id}/register",
        "/api/v1/sessions/{session_id}/register/reopen",
        "/api/v1/offers",
        "/api/v1/offers/{offer_id}/accept",
        "/api/v1/offers/{offer_id}/decline",
        "/api/v1/enrolments/{enrolment_id}/withdraw",
        "/api/v1/working-list",
    } <= set(schema["paths"])
    register = schema["paths"]["/api/v1/sessions/{session_id}/register"]
    assert {"get", "put"} <= set(register)
    referral = schema["paths"]["/api/v1/referrals"]["post"]["responses"]
    assert {"201", "404", "409", "422"} <= set(referral)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
        ),
        max_leaves=10,
    )
)
def test_no_body_ever_causes_a_server_error(world: World, run: CourseRun, body: Any) -> None:
    session = start_first_session(run)
    referral = Referral.objects.get(family=world.families["a1"])
    offer = Offer.objects.filter(run=run).order_by("offered_at").first()
    assert offer is not None
    client = Client()
    client.force_login(world.users["admin"])
    for method, url in (
        ("post", "/api/v1/referrals"),
        ("patch", f"/api/v1/referrals/{referral.pk}"),
        ("post", f"/api/v1/referrals/{referral.pk}/override"),
        ("post", "/api/v1/runs"),
        ("patch", f"/api/v1/runs/{run.pk}"),
        ("post", f"/api/v1/runs/{run.pk}/copy"),
        ("post", f"/api/v1/runs/{run.pk}/offers"),
        ("post", "/api/v1/course-templates"),
        ("post", f"/api/v1/sessions/{session.pk}/move"),
        ("put", f"/api/v1/sessions/{session.pk}/register"),
        ("post", f"/api/v1/offers/{offer.pk}/decline"),
    ):
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code < 500, (url, body, response.content)

"""The messages API: the log per family and per run, sending again, and calendar links."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from nurture.audit.models import AuditEvent
from nurture.courses import calendar_links
from nurture.courses.models import Enrolment
from nurture.notify.models import Message, MessageStatus
from tests import factories
from tests.conftest import World, api_client_for, client_for
from tests.courses.test_calendar_link import enrol
from tests.notify.test_message_log import make_message

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def enrolment(world: World) -> Enrolment:
    return enrol(world)


# --- Message log -------------------------------------------------------------------------------


def test_a_family_log_lists_messages_newest_first(world: World, enrolment: Enrolment) -> None:
    family = world.families["a1"]
    older = make_message(family, run=enrolment.run, kind="enrolment_confirmed")
    newer = make_message(
        family, run=enrolment.run, status=MessageStatus.FAILED, attempts=3, last_error="Timeout"
    )
    body = api_client_for(world.users["manager_a"]).get(f"{API}/families/{family.pk}/messages")
    assert body.status_code == 200
    data = body.json()
    assert data["count"] == Message.objects.filter(family=family).count()
    assert [item["id"] for item in data["items"][:2]] == [str(newer.pk), str(older.pk)]
    first = data["items"][0]
    assert first["kind"] == "session_reminder" and first["kind_label"] == "Session reminder"
    assert first["channel"] == "email" and first["to_address"] == "alex@example.org"
    assert first["status"] == "failed" and first["attempts"] == 3
    assert first["last_error"] == "Timeout" and first["sent_at"] is None
    assert first["family_id"] == str(family.pk) and first["run_id"] == str(enrolment.run_id)
    assert first["can_send_again"] is True and first["resend_of_id"] is None


def test_the_family_log_is_paginated(world: World) -> None:
    family = world.families["a1"]
    for _ in range(7):
        make_message(family)
    total = Message.objects.filter(family=family).count()
    client = api_client_for(world.users["hv_a"])
    page = client.get(f"{API}/families/{family.pk}/messages?limit=5&offset=5").json()
    assert page["count"] == total and len(page["items"]) == total - 5


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager_a", 200),
        ("hv_a", 200),
        ("facilitator_a", 200),
        ("hv_a2", 404),
        ("manager_b", 404),
        ("hv_b", 404),
        ("parent_a", 404),
        ("parent_b", 404),
    ],
)
def test_the_family_log_is_scoped(
    world: World, enrolment: Enrolment, who: str, status: int
) -> None:
    make_message(world.families["a1"], run=enrolment.run)
    client = api_client_for(world.users[who])
    response = client.get(f"{API}/families/{world.families['a1'].pk}/messages")
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "Not found.", "errors": []}


def test_an_unknown_family_is_a_404(world: World) -> None:
    client = api_client_for(world.users["admin"])
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"{API}/families/{missing}/messages").status_code == 404


def test_the_run_log_is_scoped_to_the_families_each_person_sees(world: World) -> None:
    first = enrol(world, "a1")
    enrol(world, "a2", run=first.run)
    one = make_message(world.families["a1"], run=first.run)
    two = make_message(world.families["a2"], run=first.run)
    url = f"{API}/runs/{first.run_id}/messages"

    def ids(who: str) -> set[str]:
        response = api_client_for(world.users[who]).get(url)
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    on_run = Message.objects.filter(run=first.run)
    everyone = {str(pk) for pk in on_run.values_list("pk", flat=True)}
    a1_only = {str(pk) for pk in on_run.filter(family=one.family).values_list("pk", flat=True)}
    assert {str(one.pk), str(two.pk)} <= everyone
    assert ids("manager_a") == everyone
    assert ids("facilitator_a") == everyone
    assert ids("hv_a") == a1_only
    assert str(two.pk) not in a1_only
    for who in ("manager_b", "parent_a", "parent_b"):
        assert api_client_for(world.users[who]).get(url).status_code == 404


def test_a_facilitator_of_another_run_gets_a_404(world: World, enrolment: Enrolment) -> None:
    other_run = factories.make_run(world.provider_a, venue=world.venue_a)
    client = api_client_for(world.users["facilitator_a"])
    assert client.get(f"{API}/runs/{enrolment.run_id}/messages").status_code == 200
    assert client.get(f"{API}/runs/{other_run.pk}/messages").status_code == 404


def test_the_log_needs_a_login(world: World) -> None:
    response = Client().get(f"{API}/families/{world.families['a1'].pk}/messages")
    assert response.status_code == 401


# --- Send again -------------------------------------------------------------------------------


def test_resend_queues_a_copy(world: World, enrolment: Enrolment) -> None:
    original = make_message(world.families["a1"], run=enrolment.run, status=MessageStatus.FAILED)
    response = api_client_for(world.users["hv_a"]).post(f"{API}/messages/{original.pk}/resend")
    assert response.status_code == 201
    data = response.json()
    assert data["resend_of_id"] == str(original.pk)
    assert data["status"] == "queued" and data["attempts"] == 0
    assert data["can_send_again"] is False
    copy = Message.objects.get(pk=data["id"])
    assert copy.dedupe_key is None and copy.to_address == original.to_address
    assert AuditEvent.objects.filter(action="message.resent", object_id=str(copy.pk)).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager_a", 201),
        ("admin", 201),
        ("facilitator_a", 404),
        ("hv_a2", 404),
        ("manager_b", 404),
        ("hv_b", 404),
        ("parent_a", 404),
        ("parent_b", 404),
    ],
)
def test_who_may_resend(world: World, enrolment: Enrolment, who: str, status: int) -> None:
    original = make_message(world.families["a1"], run=enrolment.run)
    response = api_client_for(world.users[who]).post(f"{API}/messages/{original.pk}/resend")
    assert response.status_code == status
    assert Message.objects.filter(resend_of=original).exists() == (status == 201)


def test_a_message_still_queued_is_not_resent(world: World) -> None:
    original = make_message(world.families["a1"], status=MessageStatus.QUEUED)
    response = api_client_for(world.users["manager_a"]).post(f"{API}/messages/{original.pk}/resend")
    assert response.status_code == 422
    assert "still on its way" in response.json()["errors"][0]["message"]


def test_resend_with_a_session_needs_the_csrf_token(world: World) -> None:
    original = make_message(world.families["a1"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["manager_a"])
    assert client.post(f"{API}/messages/{original.pk}/resend").status_code in (401, 403)
    assert not Message.objects.filter(resend_of=original).exists()


# --- Calendar links -----------------------------------------------------------------------------


def test_the_family_gets_their_calendar_link(world: World, enrolment: Enrolment) -> None:
    response = api_client_for(world.users["parent_a"]).get(
        f"{API}/enrolments/{enrolment.pk}/calendar-link"
    )
    assert response.status_code == 200
    url = response.json()["url"]
    assert url == calendar_links.calendar_url(enrolment)
    assert response.json()["webcal_url"].startswith("webcal://")
    assert Client().get(urlsplit(url).path).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("parent_a", 200),
        ("manager_a", 200),
        ("hv_a", 200),
        ("facilitator_a", 200),
        ("admin", 200),
        ("parent_a2", 404),
        ("parent_b", 404),
        ("hv_a2", 404),
        ("manager_b", 404),
        ("hv_b", 404),
    ],
)
def test_who_may_see_the_calendar_link(
    world: World, enrolment: Enrolment, who: str, status: int
) -> None:
    client = api_client_for(world.users[who])
    assert client.get(f"{API}/enrolments/{enrolment.pk}/calendar-link").status_code == status


def test_revoking_gives_a_new_link_and_kills_the_old(world: World, enrolment: Enrolment) -> None:
    old = calendar_links.calendar_url(enrolment)
    client = api_client_for(world.users["parent_a"])
    response = client.post(f"{API}/enrolments/{enrolment.pk}/calendar-link/revoke")
    assert response.status_code == 200
    new = response.json()["url"]
    assert new != old
    assert Client().get(urlsplit(old).path).status_code == 404
    assert Client().get(urlsplit(new).path).status_code == 200
    assert client.get(f"{API}/enrolments/{enrolment.pk}/calendar-link").json()["url"] == new
    event = AuditEvent.objects.get(action="enrolment.calendar_link_revoked")
    assert event.actor == world.users["parent_a"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("parent_a", 200),
        ("manager_a", 200),
        ("admin", 200),
        ("hv_a", 404),
        ("facilitator_a", 404),
        ("parent_a2", 404),
        ("manager_b", 404),
    ],
)
def test_who_may_revoke_the_calendar_link(
    world: World, enrolment: Enrolment, who: str, status: int
) -> None:
    before = enrolment.calendar_key
    client = api_client_for(world.users[who])
    response = client.post(f"{API}/enrolments/{enrolment.pk}/calendar-link/revoke")
    assert response.status_code == status
    enrolment.refresh_from_db()
    assert (enrolment.calendar_key != before) == (status == 200)


def test_a_withdrawn_enrolment_has_no_calendar_link(world: World, enrolment: Enrolment) -> None:
    from nurture.allocation import places

    places.withdraw_enrolment(actor=world.users["manager_a"], enrolment=enrolment, reason="Left")
    client = api_client_for(world.users["parent_a"])
    assert client.get(f"{API}/enrolments/{enrolment.pk}/calendar-link").status_code == 404
    assert client.post(f"{API}/enrolments/{enrolment.pk}/calendar-link/revoke").status_code == 404


def test_the_routes_are_in_the_openapi_schema(world: World) -> None:
    paths = client_for(world.users["manager_a"]).get(f"{API}/openapi.json").json()["paths"]
    for route in (
        "/api/v1/families/{family_id}/messages",
        "/api/v1/runs/{run_id}/messages",
        "/api/v1/messages/{message_id}/resend",
        "/api/v1/enrolments/{enrolment_id}/calendar-link",
        "/api/v1/enrolments/{enrolment_id}/calendar-link/revoke",
    ):
        assert route in paths, route

"""Audit events: written by every service in the same transaction, and never changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from nurture.audit.models import AuditEvent, AuditLogIsAppendOnly
from nurture.audit.services import record
from nurture.families import services
from nurture.families.models import Family
from nurture.lib.errors import DomainError
from tests.conftest import World, client_for
from tests.factories import family_form_data, make_user

pytestmark = pytest.mark.django_db


def test_creating_a_family_through_a_page_is_audited_with_who_and_where(world: World) -> None:
    hv = world.users["hv_a"]
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(hv)
    response = client.post(
        "/families/new/",
        family_form_data(health_visitor=str(hv.pk)),
    )
    assert response.status_code == 302, response.content
    family = Family.objects.get(carers__given_name="Jo")
    event = AuditEvent.objects.get(action="family.created", object_id=str(family.pk))
    assert event.actor == hv
    assert event.actor_label == "hv_a"
    assert event.ip_address == "203.0.113.9"
    assert event.source == "web"
    assert event.provider_id == world.provider_a.pk
    assert event.object_type == "families.family"


@pytest.mark.parametrize(
    ("method", "url", "body", "action"),
    [
        ("patch", "/api/v1/babies/{baby}", {"given_name": "Rowan"}, "baby.updated"),
        ("patch", "/api/v1/carers/{carer}", {"mobile": "07700 900999"}, "carer.updated"),
        ("patch", "/api/v1/families/{family}", {"postcode": "rt1 2ab"}, "family.updated"),
        (
            "post",
            "/api/v1/families/{family}/carers",
            {"given_name": "Pat", "family_name": "Example", "email": "pat@example.org"},
            "carer.added",
        ),
        (
            "post",
            "/api/v1/families/{family}/babies",
            {"given_name": "Twin", "date_of_birth": "2026-10-01"},
            "baby.added",
        ),
        ("patch", "/api/v1/me", {"preferred_name": "Hat"}, "user.profile_updated"),
    ],
)
def test_every_api_change_writes_one_audit_event(
    world: World, method: str, url: str, body: dict[str, str], action: str
) -> None:
    family = world.families["a1"]
    url = url.format(family=family.pk, baby=family.babies.get().pk, carer=family.carers.get().pk)
    client = client_for(world.users["hv_a"])
    before = AuditEvent.objects.filter(action=action).count()
    response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    events = AuditEvent.objects.filter(action=action)
    assert events.count() == before + 1
    event = events.first()
    assert event is not None and event.actor == world.users["hv_a"] and event.source == "api"


def test_personal_values_are_not_copied_into_the_audit_log(world: World) -> None:
    carer = world.families["a1"].carers.get()
    client_for(world.users["hv_a"]).patch(
        f"/api/v1/carers/{carer.pk}", {"mobile": "07700 900555"}, content_type="application/json"
    )
    event = AuditEvent.objects.get(action="carer.updated")
    assert event.data == {"changed": ["mobile"]}
    assert "900555" not in str(event.data)


def test_a_failed_change_leaves_neither_change_nor_audit_event(world: World) -> None:
    family = world.families["a1"]
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        services.baby_add(
            actor=world.users["hv_a"],
            family=family,
            details=services.BabyDetails(
                given_name="Late", date_of_birth=timezone.localdate() + timedelta(days=3)
            ),
        )
    assert AuditEvent.objects.count() == events
    assert family.babies.count() == 1


def test_recording_outside_a_transaction_is_refused(transactional_db: None) -> None:
    user = make_user("someone")
    with pytest.raises(RuntimeError):
        record(actor=None, action="x.y", target=user)
    assert not AuditEvent.objects.filter(action="x.y").exists()


def test_audit_events_cannot_be_changed_or_removed_by_the_application(world: World) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.action = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_to_update_audit_rows(world: World) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["tampered", event.pk]
        )
    assert AuditEvent.objects.get(pk=event.pk).action != "tampered"


def test_the_database_refuses_to_delete_audit_rows_on_postgresql(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps DELETE open for test resets; the application still refuses it")
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_admin_is_read_only(world: World) -> None:
    client = client_for(world.admin)
    event = AuditEvent.objects.first()
    assert event is not None
    assert client.get("/admin/audit/auditevent/").status_code == 200
    response = client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_password_changes_are_audited(world: World) -> None:
    from tests.factories import PASSWORD

    client = client_for(world.users["parent_a"])
    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "new-long-passphrase-5",
            "password2": "new-long-passphrase-5",
        },
    )
    assert AuditEvent.objects.filter(
        action="user.password_changed", actor=world.users["parent_a"]
    ).exists()


def test_admin_changes_are_audited_including_inlines_and_bulk_deletes(world: World) -> None:
    client = client_for(world.admin)
    venue = world.venue_a
    response = client.post(
        f"/admin/accounts/venue/{venue.pk}/change/",
        {
            "provider": venue.provider_id,
            "name": "Renamed venue",
            "address_line1": venue.address_line1,
            "town": venue.town,
            "postcode": venue.postcode,
            "nation": venue.nation,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    assert AuditEvent.objects.filter(action="admin.venue.changed", actor=world.admin).exists()
    team = world.team_b
    client.post(
        "/admin/accounts/team/",
        {"action": "delete_selected", "_selected_action": [team.pk], "post": "yes"},
    )
    assert AuditEvent.objects.filter(action="admin.team.deleted", object_id=str(team.pk)).exists()


def test_self_service_email_changes_are_switched_off(world: World) -> None:
    assert client_for(world.users["parent_a"]).get("/accounts/email/").status_code == 404

"""What the audit log now also keeps: refused attempts on someone else's records, admin-site
views of families, diaries and practice, facilitators' safeguarding flags, and report
downloads."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from nurture.audit.models import AuditEvent
from nurture.practice import services as practice_services
from nurture.practice.models import DiaryEntry
from tests.conftest import World, api_client_for, client_for, reauthenticated_client_for
from tests.questionnaires.conftest import Course
from tests.safeguarding.test_clinical_pages import _record

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).select_related("actor").order_by("id"))


def test_asking_for_another_familys_record_is_refused_and_audited(world: World) -> None:
    family = world.families["a1"]
    assert client_for(world.users["parent_b"]).get(f"/families/{family.pk}/").status_code == 404
    api = api_client_for(world.users["hv_b"]).get(f"/api/v1/families/{family.pk}")
    assert api.status_code == 404
    refused = events("access.refused")
    assert [(e.actor_label, e.object_id, e.source) for e in refused] == [
        ("parent_b", str(family.pk), "web"),
        ("hv_b", str(family.pk), "api"),
    ]
    assert refused[0].provider_id == family.provider_id
    # A made-up id is only not found: nothing to audit.
    assert client_for(world.users["parent_b"]).get(f"/families/{uuid.uuid4()}/").status_code == 404
    assert len(events("access.refused")) == 2


def test_opening_a_family_a_diary_or_a_session_in_the_admin_is_audited(world: World) -> None:
    family = world.families["a1"]
    baby = family.babies.get()
    entry, _ = practice_services.diary_add(
        actor=world.users["parent_a"],
        baby=baby,
        data=practice_services.DiaryData(
            id=uuid.uuid4(), date=timezone.localdate(), kind="mood", mood=3
        ),
    )
    admin = client_for(world.admin)
    for path, target in (
        (f"/admin/families/family/{family.pk}/change/", family),
        (f"/admin/practice/diaryentry/{entry.pk}/change/", entry),
    ):
        assert admin.get(path).status_code == 200, path
        viewed = AuditEvent.objects.get(
            action=f"admin.{target._meta.model_name}.viewed", object_id=str(target.pk)
        )
        assert viewed.actor == world.admin
    assert DiaryEntry.objects.count() == 1


def test_a_facilitator_seeing_safeguarding_flags_is_audited(course: Course) -> None:
    world = course.world
    facilitator = api_client_for(world.users["facilitator_a"])
    url = f"/api/v1/runs/{course.run.pk}/flags"
    assert facilitator.get(url).json() == []
    assert not events("safeguarding_flags.viewed")
    _record(world)
    assert len(facilitator.get(url).json()) == 1
    [seen] = events("safeguarding_flags.viewed")
    assert seen.actor == world.users["facilitator_a"] and seen.object_id == str(course.run.pk)
    assert seen.data == {"families": [str(course.family.pk)]}


def test_report_downloads_are_audited(world: World, settings: Any) -> None:
    manager = reauthenticated_client_for(world.users["manager_a"])
    csv = manager.get("/reports/attendance/by_venue.csv")
    assert csv.status_code == 200
    pdf = manager.get("/reports/report.pdf")
    assert pdf.status_code == 200
    downloads = events("report.downloaded")
    assert [(e.actor_label, e.data["format"], e.data["table"]) for e in downloads] == [
        ("manager_a", "csv", "attendance.by_venue"),
        ("manager_a", "pdf", ""),
    ]
    assert "date_from" in downloads[0].data["filters"]

"""Subject access: a family's whole record as JSON and PDF, for the provider's managers only,
re-authenticated in the browser, audited, in a fixed number of queries."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from nurture.audit.models import AuditEvent
from nurture.practice import services as practice_services
from nurture.rights import export
from tests import factories
from tests.conftest import api_client_for, client_for
from tests.questionnaires.conftest import Course, submit
from tests.safeguarding.test_clinical_pages import _record

pytestmark = pytest.mark.django_db

SECTIONS = {part.key for part in export.PARTS}
CLINICAL = {part.key for part in export.PARTS if part.clinical}


def add_history(course: Course, sessions: int) -> None:
    world = course.world
    baby = course.family.babies.get()
    for number in range(sessions):
        start = timezone.now() - timedelta(hours=number + 1)
        practice_services.session_save(
            actor=world.users["parent_a"],
            baby=baby,
            data=practice_services.SessionData(
                id=uuid.uuid4(),
                started_at=start,
                ended_at=start + timedelta(minutes=10),
                outcome="completed",
            ),
        )
    practice_services.diary_add(
        actor=world.users["parent_a"],
        baby=baby,
        data=practice_services.DiaryData(
            id=uuid.uuid4(), date=timezone.localdate(), kind="mood", mood=4, note="A calm day"
        ),
    )


def test_a_manager_exports_the_whole_record_as_json(course: Course) -> None:
    add_history(course, 2)
    submit(course, [3, 3, 3, 3, 0, 0, 0, 0, 1])  # an answer that raises a safety alert
    _record(course.world)
    response = api_client_for(course.world.users["manager_a"]).get(
        f"/api/v1/families/{course.family.pk}/export"
    )
    assert response.status_code == 200, response.content
    assert "attachment" in response["Content-Disposition"]
    record = json.loads(response.content)
    assert set(record) >= SECTIONS and record["includes_clinical_record"] is True
    assert [row["id"] for row in record["family"]] == [str(course.family.pk)]
    assert record["carers"][0]["given_name"] == "Alex"
    assert len(record["practice_sessions"]) == 2 and record["diary"][0]["note"] == "A calm day"
    assert record["questionnaires"][0]["answers"]["9"] == 1
    assert len(record["safety_alerts"]) == 1 and len(record["safeguarding_concerns"]) == 1
    assert record["enrolments"] and record["referrals"]
    [event] = AuditEvent.objects.filter(action="family.exported")
    assert event.actor == course.world.users["manager_a"]
    assert event.data == {"format": "json", "clinical": True}


@pytest.mark.parametrize("who", ["hv_a", "facilitator_a", "parent_a", "manager_b", "hv_b"])
def test_no_one_else_may_export_a_family(course: Course, who: str) -> None:
    client = api_client_for(course.world.users[who])
    for path in ("export", "export.pdf"):
        response = client.get(f"/api/v1/families/{course.family.pk}/{path}")
        assert response.status_code == 404, (who, path)
    assert client_for(course.world.users[who]).get(
        f"/families/{course.family.pk}/export/"
    ).status_code in (302, 404)
    assert not AuditEvent.objects.filter(action="family.exported").exists()


def test_the_readable_pdf(course: Course) -> None:
    add_history(course, 1)
    response = api_client_for(course.world.users["manager_a"]).get(
        f"/api/v1/families/{course.family.pk}/export.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content[:4] == b"%PDF"
    assert AuditEvent.objects.get(action="family.exported").data["format"] == "pdf"


@pytest.mark.parametrize("sessions", [1, 25])
def test_the_export_takes_the_same_queries_however_long_the_history(
    course: Course, sessions: int, django_assert_max_num_queries: Any
) -> None:
    add_history(course, sessions)
    client = api_client_for(course.world.users["manager_a"])
    url = f"/api/v1/families/{course.family.pk}/export"
    client.get(url)
    with django_assert_max_num_queries(len(export.PARTS) + 14):
        assert client.get(url).status_code == 200


def test_in_the_browser_the_manager_gives_their_password_again_first(course: Course) -> None:
    manager = Client()
    manager.post("/accounts/login/", {"login": "manager_a", "password": factories.PASSWORD})
    detail = manager.get(f"/families/{course.family.pk}/").text
    assert f"/families/{course.family.pk}/export/" in detail
    page = f"/families/{course.family.pk}/export/"
    asked = manager.get(page)
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/reauthenticate/")
    manager.post(asked["Location"], {"password": factories.PASSWORD})
    shown = manager.get(page)
    assert shown.status_code == 200 and "Download as a PDF to read" in shown.text
    download = manager.get(f"/families/{course.family.pk}/export.json")
    assert download.status_code == 200
    assert json.loads(download.content)["family"][0]["id"] == str(course.family.pk)
    hv_page = client_for(course.world.users["hv_a"]).get(f"/families/{course.family.pk}/").text
    assert "/export/" not in hv_page


def test_a_browser_session_cannot_export_or_erase_through_the_api(course: Course) -> None:
    """The API is for tokens; a browser goes through the pages that ask for the password."""
    session = client_for(course.world.users["manager_a"])
    assert session.get(f"/api/v1/families/{course.family.pk}/export").status_code == 401
    assert session.post(f"/api/v1/families/{course.family.pk}/erase").status_code in (401, 403)

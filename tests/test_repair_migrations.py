"""Rows stored with impossible dates before dates were checked are repaired by migrations:
a session (or stray cue) near the ends of the calendar is removed; a concern keeps its place
with its "seen at" set to when it was recorded. Afterwards every read works again."""

from __future__ import annotations

import importlib
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from nurture.outcomes.models import SafeguardingConcern
from nurture.practice.models import PracticeSession
from tests.conftest import World, client_for
from tests.safeguarding.test_concerns import data as concern_data

pytestmark = pytest.mark.django_db

EDGE = "0001-01-01T00:00:00+01:00"  # a year 0 in UTC, which PostgreSQL keeps


def run(module: str) -> None:
    migration = importlib.import_module(module)
    for operation in migration.Migration.operations:
        for statement, params in operation.sql:
            with connection.cursor() as cursor:
                cursor.execute(statement, params)


def test_impossible_sessions_go_and_concerns_keep_a_true_time(world: World) -> None:
    from nurture.practice import services as practice_services
    from nurture.safeguarding import concerns

    family = world.families["a1"]
    baby = family.babies.get()
    good, _ = practice_services.session_save(
        actor=world.users["parent_a"],
        baby=baby,
        data=practice_services.SessionData(
            id=uuid.uuid4(),
            started_at=timezone.now() - timedelta(hours=2),
            ended_at=timezone.now() - timedelta(hours=2) + timedelta(minutes=5),
            outcome="completed",
        ),
    )
    bad, _ = practice_services.session_save(
        actor=world.users["parent_a"],
        baby=baby,
        data=practice_services.SessionData(
            id=uuid.uuid4(),
            started_at=timezone.now() - timedelta(hours=3),
            ended_at=timezone.now() - timedelta(hours=3) + timedelta(minutes=5),
            outcome="completed",
        ),
    )
    concern, _ = concerns.record_concern(
        actor=world.users["hv_a"], family=family, data=concern_data()
    )
    with connection.cursor() as cursor:  # as an installation stored them before the checks
        cursor.execute(
            "UPDATE practice_practicesession SET started_at = %s WHERE id = %s",
            [EDGE, bad.pk.hex if connection.vendor == "sqlite" else bad.pk],
        )
        cursor.execute(
            "UPDATE outcomes_safeguardingconcern SET seen_at = %s WHERE id = %s",
            [EDGE, concern.pk.hex if connection.vendor == "sqlite" else concern.pk],
        )

    run("nurture.practice.migrations.0002_repair_impossible_dates")
    run("nurture.outcomes.migrations.0002_repair_impossible_seen_at")

    assert set(PracticeSession.objects.values_list("pk", flat=True)) >= {good.pk}
    assert not PracticeSession.objects.filter(pk=bad.pk).exists()
    repaired = SafeguardingConcern.objects.get(pk=concern.pk)
    assert repaired.seen_at == repaired.recorded_at
    parent = client_for(world.users["parent_a"])
    for path in (f"/practice/{baby.pk}/log/", f"/practice/{baby.pk}/insights/"):
        assert parent.get(path).status_code == 200, path
    hv = client_for(world.users["hv_a"])
    assert hv.get(f"/families/{family.pk}/concerns/").status_code == 200

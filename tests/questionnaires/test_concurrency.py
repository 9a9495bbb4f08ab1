"""Several processes at once: the escalation job and a retried submission each store once.

Needs real concurrent transactions, so it runs on PostgreSQL (row locks, SKIP LOCKED)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from nurture.outcomes.models import AlertEscalation, Response, SafetyAlert, TimePoint
from nurture.questionnaires import services
from nurture.safeguarding.escalation import escalate_overdue
from tests.questionnaires.conftest import Course, answers

pytestmark = pytest.mark.django_db(transaction=True)
SELF_HARM = [0, 0, 0, 0, 0, 0, 0, 0, 1]


def _at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions with row locks")
    barrier = threading.Barrier(count)

    def run(index: int) -> Any:
        try:
            barrier.wait(timeout=10)
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _ad_hoc(course: Course, client_id: uuid.UUID) -> services.Submission:
    return services.submit_response(
        actor=course.world.users["hv_a"], carer=course.carer, instrument_key="phq9",
        version="1", answers=answers(SELF_HARM), client_id=client_id, point=TimePoint.AD_HOC,
    )  # fmt: skip


def test_concurrent_escalation_runs_escalate_each_alert_once(course: Course) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions with row locks")
    for _ in range(12):
        _ad_hoc(course, uuid.uuid4())
    later = timezone.now() + timedelta(hours=4, minutes=1)

    def work(_: int) -> int:
        total = 0
        while count := escalate_overdue(now=later, limit=3):
            total += count
        return total

    assert sum(_at_once(4, work)) == 12
    assert AlertEscalation.objects.count() == 12
    assert set(SafetyAlert.objects.values_list("escalation_level", flat=True)) == {1}


def test_the_same_submission_from_four_clients_at_once_stores_once(course: Course) -> None:
    client_id = uuid.uuid4()
    results = _at_once(4, lambda _: _ad_hoc(course, client_id).created)
    assert sorted(results) == [False, False, False, True]
    assert Response.objects.count() == SafetyAlert.objects.count() == 1

"""Reports prepared ahead: too large to compute on request (every provider, national size),
so computed by the worker, kept, and read from the copy. The threshold is lowered here so the
small hand-built programme counts as large."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from nurture.policy import ReportScope
from nurture.reports import prepared, registry
from nurture.reports.filters import ReportFilters, default_filters
from nurture.reports.models import PreparedReport
from tests.conftest import World, api_client_for, client_for, reauthenticated_client_for
from tests.reports.test_report_pages import _course

pytestmark = pytest.mark.django_db

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
"""Tasks wait in the database for a worker (as in production), so "being prepared" shows."""
EVERYONE = ReportScope(provider_ids=None)


@pytest.fixture
def large(settings: Any) -> None:
    """Any report with a referral in its range counts as too large to compute on request."""
    settings.REPORT_PREPARED_ABOVE = 0


def _only_row() -> PreparedReport:
    (row,) = PreparedReport.objects.all()
    return row


def test_sections_come_back_from_their_copy_exactly(world: World) -> None:
    _course(world, 7)
    for section in registry.compute(EVERYONE, default_filters()):
        data = json.loads(json.dumps(prepared.section_data(section)))
        assert prepared.section_from_data(data) == section


def test_small_reports_are_computed_on_request(world: World) -> None:
    _course(world, 7)
    response = client_for(world.admin).get("/reports/")
    assert response.status_code == 200
    assert response.context["prepared_at"] is None
    assert not PreparedReport.objects.exists()


@override_settings(TASKS=QUEUED)
def test_a_large_report_is_prepared_then_read_from_its_copy(world: World, large: None) -> None:
    _course(world, 7)
    admin = client_for(world.admin)
    first = admin.get("/reports/")
    assert first.status_code == 202
    assert "This report is being prepared" in first.content.decode()
    assert first.context["sections"] == []
    row = _only_row()
    assert row.wanted_at is not None and row.prepared_at is None

    assert prepared.prepare(row.key) is True
    assert prepared.prepare(row.key) is False  # no longer wanted

    second = admin.get("/reports/")
    assert second.status_code == 200
    shown = second.context["sections"]
    assert [section.key for section in shown] == list(registry.PROGRAMME)
    assert shown == registry.compute(EVERYONE, default_filters())
    assert second.context["prepared_at"] is not None
    assert "anything recorded since then is not counted yet" in second.content.decode()
    assert _only_row().wanted_at is None


@override_settings(TASKS=QUEUED)
def test_the_api_and_csv_say_202_until_ready(world: World, large: None) -> None:
    _course(world, 7)
    api = api_client_for(world.admin)
    waiting = api.get("/api/v1/reports/attendance")
    assert waiting.status_code == 202
    assert waiting["Retry-After"] == "60"
    assert waiting.json()["status"] == "preparing"
    csv_waiting = reauthenticated_client_for(world.admin).get("/reports/attendance/by_venue.csv")
    assert csv_waiting.status_code == 202

    prepared.prepare(_only_row().key)
    ready = api.get("/api/v1/reports/attendance")
    assert ready.status_code == 200
    assert ready.json()["prepared_at"] is not None
    assert [table["key"] for table in ready.json()["tables"]][:2] == ["registers", "by_venue"]
    csv_ready = reauthenticated_client_for(world.admin).get("/reports/attendance/by_venue.csv")
    assert csv_ready.status_code == 200
    assert csv_ready["Content-Type"].startswith("text/csv")


def test_with_the_immediate_worker_the_first_request_is_served(world: World, large: None) -> None:
    _course(world, 7)
    response = client_for(world.admin).get("/reports/")
    assert response.status_code == 200
    assert response.context["prepared_at"] is not None


@override_settings(TASKS=QUEUED)
def test_an_old_copy_is_shown_while_a_fresh_one_is_prepared(world: World, large: None) -> None:
    _course(world, 7)
    admin = client_for(world.admin)
    admin.get("/reports/")
    row = _only_row()
    prepared.prepare(row.key)
    old = timezone.now() - prepared.FRESH_FOR - timedelta(minutes=1)
    PreparedReport.objects.filter(pk=row.pk).update(prepared_at=old)

    response = admin.get("/reports/")
    assert response.status_code == 200
    assert response.context["updating"] is True
    assert "A newer copy is being prepared" in response.content.decode()
    assert _only_row().wanted_at is not None


@override_settings(TASKS=QUEUED)
def test_each_scope_and_filter_has_its_own_copy(world: World, large: None) -> None:
    _course(world, 7)
    client_for(world.admin).get("/reports/")
    client_for(world.users["manager_a"]).get("/reports/")
    today = timezone.localdate()
    month = f"date_from={today - timedelta(days=30)}&date_to={today}"
    client_for(world.admin).get(f"/reports/?{month}")
    scopes = {json.dumps(row.scope, sort_keys=True) for row in PreparedReport.objects.all()}
    assert PreparedReport.objects.count() == 3
    assert len(scopes) == 2
    manager = ReportScope(provider_ids=frozenset({world.provider_a.pk}))
    assert prepared.report_key(manager, default_filters()) != prepared.report_key(
        EVERYONE, default_filters()
    )


@override_settings(TASKS=QUEUED)
def test_course_filters_and_facilitators_are_never_prepared(world: World, large: None) -> None:
    run = _course(world, 7)
    by_venue = client_for(world.admin).get(f"/reports/?venue={run.venue_id}")
    assert by_venue.status_code == 200 and by_venue.context["prepared_at"] is None
    mine = client_for(world.users["facilitator_a"]).get("/reports/")
    assert mine.status_code == 200 and mine.context["prepared_at"] is None
    assert not PreparedReport.objects.exists()


@override_settings(TASKS=QUEUED)
def test_overnight_the_default_report_is_asked_for_once(world: World, large: None) -> None:
    _course(world, 7)
    assert prepared.prepare_overnight() == 1
    row = _only_row()
    assert row.filters == default_filters().as_query()
    assert prepared.prepare_overnight() == 0  # asked for a moment ago
    prepared.prepare(row.key)
    assert prepared.prepare_overnight() == 0  # fresh


@override_settings(TASKS=QUEUED)
def test_overnight_asks_again_for_stuck_reports_and_forgets_unread_ones(
    world: World, large: None
) -> None:
    _course(world, 7)
    now = timezone.now()
    stuck = PreparedReport.objects.create(
        key="stuck",
        scope=prepared.scope_data(EVERYONE),
        filters=ReportFilters(date(2026, 1, 1), date(2026, 3, 31)).as_query(),
        wanted_at=now - prepared.STUCK_AFTER - timedelta(minutes=1),
        read_at=now,
    )
    PreparedReport.objects.create(
        key="unread",
        scope=prepared.scope_data(EVERYONE),
        filters=ReportFilters(date(2025, 1, 1), date(2025, 3, 31)).as_query(),
        read_at=now - prepared.KEEP_FOR - timedelta(days=1),
    )
    prepared.prepare_overnight(now)
    stuck.refresh_from_db()
    assert stuck.wanted_at == now
    assert not PreparedReport.objects.filter(key="unread").exists()


def test_a_failure_is_kept_and_not_retried_until_asked(world: World) -> None:
    now = timezone.now()
    broken = PreparedReport.objects.create(
        key="broken",
        scope=prepared.scope_data(EVERYONE),
        filters={"date_from": "not a date", "date_to": "2026-01-01"},
        wanted_at=now,
        read_at=now,
    )
    assert prepared.prepare("broken") is False
    broken.refresh_from_db()
    assert broken.error.startswith("ValueError")
    assert broken.failed_at is not None
    assert broken.wanted_at is None and broken.claimed_at is None and broken.prepared_at is None
    assert not broken.sections.exists()
    # Not asked for again straight away; after the pause, it is.
    assert prepared.ask_for(broken, now) is False
    later = now + prepared.RETRY_AFTER_FAILURE + timedelta(minutes=1)
    with override_settings(TASKS=QUEUED):
        assert prepared.ask_for(broken, later) is True


@override_settings(TASKS=QUEUED)
def test_readers_are_told_when_preparing_failed(world: World, large: None) -> None:
    _course(world, 7)
    admin = client_for(world.admin)
    admin.get("/reports/")
    PreparedReport.objects.update(wanted_at=None, failed_at=timezone.now(), error="Boom")
    page = admin.get("/reports/")
    assert page.status_code == 503
    assert "This report could not be prepared just now" in page.content.decode()
    assert _only_row().wanted_at is None  # not asked for again within the pause
    api = api_client_for(world.admin).get("/api/v1/reports/funnel")
    assert api.status_code == 503
    assert api.json()["status"] == "failed"
    assert api["Retry-After"] == str(int(prepared.RETRY_AFTER_FAILURE.total_seconds()))


@override_settings(TASKS=QUEUED)
def test_of_two_readers_asking_at_once_only_one_queues_the_work(world: World, large: None) -> None:
    _course(world, 7)
    client_for(world.admin).get("/reports/")
    row = _only_row()
    stale = PreparedReport.objects.get(pk=row.pk)
    stale.wanted_at = None  # what a second reader read before the first asked
    assert prepared.ask_for(stale, timezone.now()) is False


@override_settings(TASKS=QUEUED)
def test_a_report_another_worker_is_computing_is_left_to_it(world: World, large: None) -> None:
    _course(world, 7)
    client_for(world.admin).get("/reports/")
    row = _only_row()
    PreparedReport.objects.filter(pk=row.pk).update(claimed_at=timezone.now())
    assert prepared.prepare(row.key) is False
    gone = timezone.now() - prepared.STUCK_AFTER - timedelta(minutes=1)
    PreparedReport.objects.filter(pk=row.pk).update(claimed_at=gone)  # that worker stopped
    assert prepared.prepare(row.key) is True
    assert _only_row().claimed_at is None


@override_settings(TASKS=QUEUED)
def test_a_copy_missing_a_section_is_prepared_again(world: World, large: None) -> None:
    _course(world, 7)
    client_for(world.admin).get("/reports/")
    row = _only_row()
    prepared.prepare(row.key)
    row.sections.filter(key="reach").delete()  # as if made before that section existed
    with pytest.raises(prepared.Preparing):
        prepared.read(EVERYONE, default_filters())
    assert _only_row().wanted_at is not None


@override_settings(TASKS=QUEUED)
@pytest.mark.parametrize("families", [7, 30])
def test_reading_a_copy_takes_the_same_queries_whatever_its_size(
    world: World, large: None, families: int, django_assert_max_num_queries: Any
) -> None:
    _course(world, families)
    admin = client_for(world.admin)
    admin.get("/reports/")
    prepared.prepare(_only_row().key)
    filters = default_filters()
    with django_assert_max_num_queries(4):
        report = prepared.read(EVERYONE, filters)
    assert len(report.sections) == len(registry.PROGRAMME)


def test_prepared_above_the_threshold_of_referrals_in_all(world: World, settings: Any) -> None:
    """The whole history counts, whatever the date range; the threshold itself is not
    above it."""
    from nurture.referrals.models import Referral

    _course(world, 7)
    held = Referral.objects.filter(provider=world.provider_a).count()
    manager = ReportScope(provider_ids=frozenset({world.provider_a.pk}))
    long_ago = ReportFilters(date(2001, 1, 1), date(2001, 1, 31))
    settings.REPORT_PREPARED_ABOVE = held
    assert not prepared.needs_preparing(manager, default_filters())
    settings.REPORT_PREPARED_ABOVE = held - 1
    assert prepared.needs_preparing(manager, default_filters())
    assert prepared.needs_preparing(manager, long_ago)
    assert prepared.needs_preparing(EVERYONE, long_ago)


@pytest.mark.django_db(transaction=True)
def test_two_workers_given_the_same_report_compute_it_once() -> None:
    """Claimed with one conditional UPDATE: of two workers starting together, one computes
    and the other leaves it (real concurrent transactions, so PostgreSQL only)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two workers claiming one row at the same moment")
    now = timezone.now()
    filters = default_filters()
    PreparedReport.objects.create(
        key=prepared.report_key(EVERYONE, filters),
        scope=prepared.scope_data(EVERYONE),
        filters=filters.as_query(),
        wanted_at=now,
        read_at=now,
    )
    barrier = threading.Barrier(2)

    def worker(_: int) -> bool:
        try:
            barrier.wait(timeout=10)
            return prepared.prepare(prepared.report_key(EVERYONE, filters))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(worker, range(2)))
    assert sorted(results) == [False, True]
    row = _only_row()
    assert row.prepared_at is not None and row.wanted_at is None and row.claimed_at is None
    assert row.sections.count() == len(registry.PROGRAMME)

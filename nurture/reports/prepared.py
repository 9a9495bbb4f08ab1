"""Reports prepared ahead, for the few too large to work out while someone waits.

A provider's report is computed when it is asked for (well under 2 seconds even for the
largest provider in a national-size database). The report across every provider at national
size reads a year of the whole country: 300,000 referrals, 1.2 million register marks,
800,000 questionnaire answers; on two cores that takes 3 to 6 seconds a section (and about a
second for some sections even over a fortnight). So a report whose scope holds more than
``settings.REPORT_PREPARED_ABOVE`` referrals in all is computed in the background (the task
worker) by the same code, kept in ``PreparedReport``, and read from there:

- the first time a report is asked for, the page says it is being prepared (the API answers
  202 with ``Retry-After``) and the worker computes it;
- a copy is fresh for ``FRESH_FOR``; an older one is still shown, saying when it was
  prepared, while a fresh one is computed;
- just after midnight the day's default report (the last 12 months) is prepared before
  anyone asks (``prepare_overnight``, a periodic job), and copies nobody has read for
  ``KEEP_FOR`` are deleted;
- if computing fails, readers are told so, and it is tried again ``RETRY_AFTER_FAILURE``
  later.

Reports cut by venue, facilitator or course, and a facilitator's own summary, are narrow and
always computed there and then.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from nurture.policy import ReportScope
from nurture.referrals.models import Referral
from nurture.reports import registry
from nurture.reports.filters import ReportFilters, default_filters
from nurture.reports.models import PreparedReport, PreparedSection
from nurture.reports.tables import Column, Section, Table

log = logging.getLogger(__name__)

FRESH_FOR = timedelta(hours=24)
KEEP_FOR = timedelta(days=14)
RETRY_AFTER_FAILURE = timedelta(minutes=10)
STUCK_AFTER = timedelta(minutes=15)
"""A report still wanted this long after it was asked for is asked for again (the worker
that took it may have stopped)."""
EVERY_PROVIDER = ReportScope(provider_ids=None)
COPY_FORMAT = 1
"""Part of every copy's key: raise it when a change alters any section's figures or shape,
so copies made by older code are never shown again."""


class Preparing(Exception):
    """No copy of the report to show yet: it is being prepared, or (``failed``) the last
    attempt failed and it will be tried again after ``RETRY_AFTER_FAILURE``."""

    def __init__(self, *, failed: bool = False) -> None:
        super().__init__("failed" if failed else "preparing")
        self.failed = failed


@dataclass(frozen=True)
class Report:
    sections: list[Section]
    prepared_at: datetime | None = None
    """When the copy shown was computed; None when computed just now."""
    updating: bool = False
    """The copy shown is older than ``FRESH_FOR`` and a fresh one is on its way."""


def needs_preparing(scope: ReportScope, filters: ReportFilters) -> bool:
    """Whether the report is too large to compute while someone waits: its scope holds more
    than ``settings.REPORT_PREPARED_ABOVE`` referrals in all. The whole history counts, not
    only the date range: the waiting list's size and the questionnaires read back past the
    range, so every provider at national size is slow even for a fortnight. A facilitator's
    summary and a report cut by course never are. One query, reading at most that many rows
    plus one."""
    if scope.is_facilitator_summary or filters.by_course:
        return False
    limit = settings.REPORT_PREPARED_ABOVE
    referrals = Referral.objects.all()
    if scope.provider_ids is not None:
        referrals = referrals.filter(provider_id__in=scope.provider_ids)
    return referrals.order_by()[limit : limit + 1].exists()


def read(scope: ReportScope, filters: ReportFilters, keys: tuple[str, ...] | None = None) -> Report:
    """The report's sections (``keys``, or every one the scope may see): computed now, or
    read from its prepared copy. Raises ``Preparing`` when there is no copy to show yet."""
    if not needs_preparing(scope, filters):
        return Report(registry.compute(scope, filters, keys))
    now = timezone.now()
    row = _row(scope, filters, now)
    if not _is_fresh(row, now):
        ask_for(row, now)
    wanted = registry.section_keys(scope) if keys is None else keys
    kept = list(
        PreparedSection.objects.filter(report=row, key__in=wanted).values_list("data", flat=True)
    )
    if row.prepared_at is None or len(kept) != len(set(wanted)):
        if row.prepared_at is not None:
            ask_for(row, now)  # a copy without a section asked for: made by older code
        raise Preparing(failed=row.failed_at is not None and row.wanted_at is None)
    sections = [section_from_data(data) for data in kept]
    return Report(sections, prepared_at=row.prepared_at, updating=not _is_fresh(row, now))


def _is_fresh(row: PreparedReport, now: datetime) -> bool:
    return row.prepared_at is not None and row.prepared_at >= now - FRESH_FOR


def _row(scope: ReportScope, filters: ReportFilters, now: datetime) -> PreparedReport:
    """The report's row, made if new; marked as read now. Two queries."""
    key = report_key(scope, filters)
    row, made = PreparedReport.objects.get_or_create(
        key=key,
        defaults={"scope": scope_data(scope), "filters": filters.as_query(), "read_at": now},
    )
    if not made:
        PreparedReport.objects.filter(pk=row.pk).update(read_at=now)
    return row


def ask_for(row: PreparedReport, now: datetime) -> bool:
    """Ask the worker for a fresh copy, unless one was asked for recently, or the last
    attempt failed less than ``RETRY_AFTER_FAILURE`` ago (then False). Of two readers asking
    at once, only one queues the work: the wish is recorded only if nobody else's was."""
    if row.wanted_at is not None and row.wanted_at >= now - STUCK_AFTER:
        return False
    if row.failed_at is not None and row.failed_at >= now - RETRY_AFTER_FAILURE:
        return False
    from nurture.reports.tasks import prepare_report

    # One transaction: a database-backed queue commits the task with the wish, so the worker
    # never finds a task for a report not yet marked wanted. With the immediate backend
    # (tests) the copy is ready when this returns.
    with transaction.atomic():
        asked = PreparedReport.objects.filter(pk=row.pk, wanted_at=row.wanted_at).update(
            wanted_at=now
        )
        if asked:
            prepare_report.enqueue(row.key)
    row.refresh_from_db()
    return bool(asked)


def prepare(key: str) -> bool:
    """Compute a wanted report and keep it. False when it is no longer wanted (already
    prepared), another worker has it, or computing failed (kept in ``error`` and
    ``failed_at``; readers are told, and it is tried again after ``RETRY_AFTER_FAILURE``).

    The report is claimed with one short UPDATE and computed outside any lock, so readers
    (who mark the row read) never wait for the 20 seconds a national report takes; the
    sections are then swapped in one short transaction."""
    claimed_at = timezone.now()
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=claimed_at - STUCK_AFTER)
    claimed = PreparedReport.objects.filter(free, key=key, wanted_at__isnull=False).update(
        claimed_at=claimed_at
    )
    if not claimed:
        return False
    row = PreparedReport.objects.get(key=key)
    started = time.perf_counter()
    try:
        sections = registry.compute(scope_from(row.scope), ReportFilters.from_query(row.filters))
    except Exception as error:
        log.exception("Preparing report %s failed", key)
        PreparedReport.objects.filter(pk=row.pk).update(
            error=f"{type(error).__name__}: {error}"[:2000],
            failed_at=timezone.now(),
            wanted_at=None,
            claimed_at=None,
        )
        return False
    with transaction.atomic():
        PreparedSection.objects.filter(report=row).delete()
        PreparedSection.objects.bulk_create(
            PreparedSection(report=row, key=section.key, position=index, data=section_data(section))
            for index, section in enumerate(sections)
        )
        PreparedReport.objects.filter(pk=row.pk).update(
            prepared_at=claimed_at,
            seconds=round(time.perf_counter() - started, 3),
            wanted_at=None,
            claimed_at=None,
            error="",
            failed_at=None,
        )
    return True


def prepare_overnight(now: datetime | None = None) -> int:
    """The periodic job (every minute): once the day's default every-provider report (the
    last 12 months to today) has no fresh copy, which is just after midnight, ask for it if
    it is large enough to need preparing; ask again for reports left wanted too long; delete
    copies nobody has read for ``KEEP_FOR``. Returns how many were asked for. One query a
    minute while the day's copy is fresh."""
    now = now or timezone.now()
    asked = 0
    filters = default_filters(timezone.localdate(now))
    row = PreparedReport.objects.filter(key=report_key(EVERY_PROVIDER, filters)).first()
    if (row is None or not _is_fresh(row, now)) and needs_preparing(EVERY_PROVIDER, filters):
        asked += ask_for(row or _row(EVERY_PROVIDER, filters, now), now)
    for stuck in PreparedReport.objects.filter(wanted_at__lt=now - STUCK_AFTER):
        asked += ask_for(stuck, now)
    PreparedReport.objects.filter(read_at__lt=now - KEEP_FOR, wanted_at__isnull=True).delete()
    return asked


# --- Keys and (de)serialising ---------------------------------------------------------------


def scope_data(scope: ReportScope) -> dict[str, Any]:
    return {
        "provider_ids": None if scope.provider_ids is None else sorted(scope.provider_ids),
        "facilitator_id": scope.facilitator_id,
    }


def scope_from(data: dict[str, Any]) -> ReportScope:
    ids = data["provider_ids"]
    return ReportScope(
        provider_ids=None if ids is None else frozenset(ids),
        facilitator_id=data["facilitator_id"],
    )


def report_key(scope: ReportScope, filters: ReportFilters) -> str:
    """The same scope and filters always give the same key; any difference, another."""
    said = json.dumps(
        {"format": COPY_FORMAT, "scope": scope_data(scope), "filters": filters.as_query()},
        sort_keys=True,
    )
    return hashlib.sha256(said.encode()).hexdigest()


def section_data(section: Section) -> dict[str, Any]:
    return dataclasses.asdict(section)


def section_from_data(data: dict[str, Any]) -> Section:
    """A section as ``section_data`` kept it. Its charts are the SVG our own chart code made
    (labels escaped there), so they are marked safe again."""
    return Section(
        key=data["key"],
        title=data["title"],
        tables=[
            Table(
                key=table["key"],
                title=table["title"],
                definition=table["definition"],
                columns=tuple(Column(**column) for column in table["columns"]),
                rows=table["rows"],
                chart=None if table["chart"] is None else mark_safe(table["chart"]),  # noqa: S308
                notes=tuple(table["notes"]),
            )
            for table in data["tables"]
        ],
    )

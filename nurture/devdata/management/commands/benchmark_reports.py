"""Time every programme report and parent insight, and count their queries.

    manage.py benchmark_reports [--repeat 3] [--days 365]

Runs against whatever the database holds, usually a dataset from ``generate_synthetic``
(trust or national size). It reads as the people that command creates: ``bench-admin``
(every provider), ``bench-manager`` (the largest provider), ``bench-facilitator`` (their own
runs) and ``bench-parent`` (a baby with a long history). Each report section is read through
the same code as the page, the CSV and the API (``prepared.read``: computed there and then,
or, for a report too large for that, from the copy the worker prepared; preparing it is
timed first, as the worker would do it). The whole report page, the PDF and the parent's
pages are fetched through Django's test client. Everything written (login sessions, the
prepared copy) is rolled back at the end.

Budgets (issue 7): every report under 2 seconds at national scale on PostgreSQL; parent pages
under 100 ms whatever the history.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nurture.accounts.models import User
from nurture.policy import ReportScope
from nurture.reports import prepared, registry
from nurture.reports.filters import ReportFilters, default_filters
from nurture.reports.models import PreparedReport

REPORT_BUDGET_MS = 2000
PARENT_BUDGET_MS = 100
BACKGROUND = 0
"""The budget of work done by the worker, not while someone waits: none."""
DOWNLOAD = -1
"""The whole report typeset as a PDF file: timed and shown, with no budget of its own."""
UNBUDGETED = {BACKGROUND: "(in the background)", DOWNLOAD: "(a download of the whole report)"}


class Rollback(Exception):
    """Raised at the end to undo the login sessions the benchmark wrote."""


class Command(BaseCommand):
    help = "Time every report section and parent insight; print query counts and medians."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument("--days", type=int, default=365, help="Length of the date range.")
        parser.add_argument("--skip-pdf", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        rows: list[tuple[str, str, int, float, float, int]] = []
        try:
            with transaction.atomic():
                self._run(options, rows)
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(
            f"{'measure':<44} {'as':<18} {'queries':>7} {'median ms':>10} {'max ms':>8} budget"
        )
        over = 0
        for name, who, queries, median, worst, budget in rows:
            if budget in UNBUDGETED:
                self.stdout.write(
                    f"{name:<44} {who:<18} {queries:>7} {median:>10.0f} {worst:>8.0f} "
                    + UNBUDGETED[budget]
                )
                continue
            verdict = "ok" if median <= budget else "OVER"
            over += verdict == "OVER"
            self.stdout.write(
                f"{name:<44} {who:<18} {queries:>7} {median:>10.0f} {worst:>8.0f} "
                f"{verdict} (<{budget})"
            )
        self.stdout.write(f"{connection.vendor}; {len(rows)} measures; {over} over budget.")

    def _run(self, options: dict[str, Any], rows: list[Any]) -> None:
        repeat = options["repeat"]
        filters = default_filters()
        if options["days"] != 365:
            from datetime import timedelta

            filters = ReportFilters(
                date_from=filters.date_to - timedelta(days=options["days"] - 1),
                date_to=filters.date_to,
            )
        for username in ("bench-admin", "bench-manager", "bench-facilitator"):
            user = _user(username)
            scope = registry.report_scope(user)
            if scope is None:
                raise CommandError(f"{username} has no reports.")
            if prepared.needs_preparing(scope, filters):
                rows.append(
                    (
                        "preparing the report (worker)",
                        username,
                        *_time(partial(_prepare, scope, filters), 1),
                        BACKGROUND,
                    )
                )
            for key in registry.section_keys(scope):
                rows.append(
                    (
                        f"report: {key}",
                        username,
                        *_time(partial(prepared.read, scope, filters, (key,)), repeat),
                        REPORT_BUDGET_MS,
                    )
                )
            client = _client(user)
            query = filters.as_query()
            rows.append(
                (
                    "report page (all sections)",
                    username,
                    *_time(partial(_get, client, "/reports/", query), repeat),
                    REPORT_BUDGET_MS,
                )
            )
            if not options["skip_pdf"] and username in ("bench-admin", "bench-manager"):
                rows.append(
                    (
                        "report PDF (all sections)",
                        username,
                        *_time(partial(_get, client, "/reports/report.pdf", query), 1),
                        DOWNLOAD,
                    )
                )
        self._parent(repeat * 5, rows)

    def _parent(self, repeat: int, rows: list[Any]) -> None:
        from nurture.practice.models import CueEvent, PracticeSession

        user = _user("bench-parent")
        baby = (
            PracticeSession.objects.filter(carer__user=user)
            .values_list("baby_id", flat=True)
            .first()
        )
        if baby is None:
            raise CommandError("bench-parent has no practice history.")
        sessions = PracticeSession.objects.filter(baby_id=baby).count()
        events = CueEvent.objects.filter(session__baby_id=baby).count()
        who = f"parent ({sessions} s)"
        self.stdout.write(f"bench-parent's baby: {sessions} sessions, {events} cue events")
        client = _client(user)
        for name, path in (
            ("parent home page", "/"),
            ("parent insights page", f"/practice/{baby}/insights/"),
            ("parent insights API", f"/api/v1/babies/{baby}/insights"),
        ):
            rows.append(
                (name, who, *_time(partial(_get, client, path, {}), repeat), PARENT_BUDGET_MS)
            )


def _prepare(scope: ReportScope, filters: ReportFilters) -> None:
    """What the worker does for a report too large to compute on request: ask for it (as a
    reader would), then compute and keep it."""
    with contextlib.suppress(prepared.Preparing):
        prepared.read(scope, filters)
    key = prepared.report_key(scope, filters)
    PreparedReport.objects.filter(key=key).update(wanted_at=timezone.now())
    if not prepared.prepare(key):
        raise CommandError("The report was not prepared; see the log.")


def _user(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist as missing:
        raise CommandError(
            f"No user {username}: load a dataset with manage.py generate_synthetic first."
        ) from missing


def _client(user: User) -> Client:
    host = next((h for h in settings.ALLOWED_HOSTS if "*" not in h), "localhost")
    client = Client(HTTP_HOST=host.lstrip("."))
    client.force_login(user)
    client.get("/")  # the session row, and anything a first request warms
    return client


def _get(client: Client, path: str, query: dict[str, str]) -> None:
    response = client.get(path, query)
    if response.status_code != 200:
        raise CommandError(f"GET {path} answered {response.status_code}.")


def _time(action: Callable[[], Any], repeat: int) -> tuple[int, float, float]:
    """Queries of one run, and the median and slowest of ``repeat`` runs, in ms."""
    timings = []
    queries = 0
    for _ in range(max(repeat, 1)):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            action()
            timings.append((time.perf_counter() - began) * 1000)
        queries = len(captured.captured_queries)
    return queries, statistics.median(timings), max(timings)

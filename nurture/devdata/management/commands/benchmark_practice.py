"""Time and count the queries of home practice's budgets, at growing history sizes.

    manage.py benchmark_practice [--sizes 10 1000 10000] [--repeat 20]

Everything it writes is rolled back at the end, so it can run against any database (it
needs the curriculum loaded, or loads it inside the same rolled-back transaction).
Budgets (issue 4): saving a session with 30 cue events takes a constant number of queries,
and the parent's home page makes a constant number of queries whatever the history length.
"""

from __future__ import annotations

import json
import statistics
import time
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nurture.accounts.models import Provider, User
from nurture.curriculum import loader
from nurture.curriculum import services as curriculum_services
from nurture.curriculum.models import WeekPlan
from nurture.families.models import Baby, Carer, Family
from nurture.practice.models import CueEvent, PracticeSession

EVENTS_PER_SESSION = 30


class Rollback(Exception):
    """Raised at the end to undo everything the benchmark wrote."""


class Command(BaseCommand):
    help = "Time the practice budgets (session save, parent home page) at several history sizes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        rows: list[tuple[str, int, int, float]] = []
        try:
            with transaction.atomic():
                self._run(options["sizes"], options["repeat"], rows)
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(f"{'measure':<40} {'history':>8} {'queries':>8} {'median ms':>10}")
        for name, history, queries, ms in rows:
            self.stdout.write(f"{name:<40} {history:>8} {queries:>8} {ms:>10.1f}")

    def _run(self, sizes: list[int], repeat: int, rows: list[tuple[str, int, int, float]]) -> None:
        if not WeekPlan.objects.exists():
            curriculum_services.load_curriculum(actor=None, content=loader.read_content())
        provider = Provider.objects.create(name=f"Benchmark {uuid.uuid4().hex[:6]}")
        user = User.objects.create_user(username=f"bench-{uuid.uuid4().hex[:8]}")
        family = Family.objects.create(provider=provider)
        carer = Carer.objects.create(family=family, user=user, given_name="Bench")
        baby = Baby.objects.create(
            family=family, given_name="Baby", date_of_birth=timezone.localdate() - timedelta(60)
        )
        host = next((h for h in settings.ALLOWED_HOSTS if "*" not in h), "localhost")
        client = Client(HTTP_HOST=host.lstrip("."))
        client.force_login(user)
        url = reverse("api:session_save", kwargs={"baby_id": baby.pk})
        have = 0
        for size in sorted(sizes):
            self._add_history(baby, carer, size - have)
            have = size
            rows.append(("parent home page (GET /)", size, *self._measure(client, repeat)))
            rows.append(
                (
                    f"save a session with {EVENTS_PER_SESSION} cue events",
                    size,
                    *self._measure_save(client, url, repeat),
                )
            )

    def _add_history(self, baby: Baby, carer: Carer, count: int) -> None:
        start = timezone.now() - timedelta(days=365)
        for offset in range(0, count, 1000):
            sessions = PracticeSession.objects.bulk_create(
                PracticeSession(
                    id=uuid.uuid4(), baby=baby, carer=carer, outcome="completed",
                    started_at=start + timedelta(minutes=offset + n),
                    ended_at=start + timedelta(minutes=offset + n + 10),
                )
                for n in range(min(1000, count - offset))
            )  # fmt: skip
            CueEvent.objects.bulk_create(
                CueEvent(
                    id=uuid.uuid4(), session=s, sequence=k + 1, step=f"stroke:tummy:{k}",
                    area="tummy", stroke="tummy-water-wheel", cue="happy", at=s.started_at,
                )
                for s in sessions
                for k in range(EVENTS_PER_SESSION)
            )  # fmt: skip

    def _measure(self, client: Client, repeat: int) -> tuple[int, float]:
        timings = []
        queries = 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get("/")
                timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
            queries = len(captured.captured_queries)
        return queries, statistics.median(timings)

    def _measure_save(self, client: Client, url: str, repeat: int) -> tuple[int, float]:
        timings = []
        queries = 0
        for _ in range(repeat):
            body = json.dumps(_session_body())
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.post(url, body, content_type="application/json")
                timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 201, response.content
            queries = len(captured.captured_queries)
        return queries, statistics.median(timings)


def _session_body() -> dict[str, Any]:
    start = timezone.now() - timedelta(minutes=20)
    return {
        "id": str(uuid.uuid4()),
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=15)).isoformat(),
        "outcome": "completed",
        "areas": ["tummy"],
        "strokes": ["tummy-water-wheel"],
        "events": [
            {
                "id": str(uuid.uuid4()),
                "sequence": k + 1,
                "step": f"stroke:tummy:{k}",
                "area": "tummy",
                "stroke": "tummy-water-wheel",
                "cue": "happy",
                "at": (start + timedelta(seconds=20 * k)).isoformat(),
            }
            for k in range(EVENTS_PER_SESSION)
        ],
    }

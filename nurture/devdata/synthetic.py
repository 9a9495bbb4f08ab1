"""Synthetic datasets at test, trust and national size, for the programme reports and parent
insights (``manage.py generate_synthetic``).

The generator walks each provider's years: it lays out course runs at its venues, then takes
families in the order their referrals arrive and moves each through the funnel (triage, the
waiting list, offers, a place, the register, questionnaires, home practice and the diary),
writing rows as it goes through a ``Sink`` (COPY on PostgreSQL, batched inserts on SQLite).
Nothing is held for more than one provider at a time, so memory stays flat at any size.

The same seed, size, years and end date give the same rows. Ids are deterministic: UUIDs count
up within each table (so indexes fill in order), integer ids come from the sink.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import random
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password

from nurture.accounts.models import Membership, Provider, Team, User, Venue
from nurture.courses.models import DEFAULT_WEEK_PLAN, CourseRun, CourseTemplate, Session
from nurture.devdata import synthetic_data as data
from nurture.devdata.synthetic_flow import FamilyFlow
from nurture.devdata.synthetic_outcomes import OutcomesMaker
from nurture.devdata.synthetic_practice import PracticeMaker
from nurture.devdata.synthetic_sink import Sink

BENCH_PASSWORD = "bench-pass"  # noqa: S105 - documented benchmark login, synthetic data only
SESSIONS_PER_RUN = 5
CAPACITY = 8
FILL = 6.6
"""Families per run on average: capacity is a little above demand, so waits stay weeks."""


@dataclass(frozen=True)
class Size:
    name: str
    providers: int
    babies_per_year: int
    """Across all providers; the first (largest) provider takes ``largest_weight`` shares."""
    venues: int
    health_visitors: int
    facilitators: int
    practice_mean: float
    """Mean practice sessions per baby whose parent uses the app (about 10 per baby overall)."""
    diary_mean: float
    bench_sessions: int
    largest_weight: float = 1.0


SIZES = {
    "tiny": Size("tiny", 2, 100, 3, 3, 2, 18.0, 8.0, 200, largest_weight=1.5),
    "trust": Size("trust", 1, 10_000, 20, 40, 14, 18.0, 8.0, 10_000),
    "national": Size("national", 150, 300_000, 6, 8, 5, 18.0, 5.0, 10_000, largest_weight=3.0),
}


@dataclass
class Run:
    id: str
    venue_id: int
    starts: list[datetime]
    session_ids: list[int]
    cancelled_sessions: set[int]
    facilitators: list[int]
    cancelled: bool
    free: int = CAPACITY


@dataclass
class ProviderWorld:
    """One provider's people and places while its families are generated."""

    id: int
    index: int
    place: tuple[str, str, str]
    districts: list[str]
    health_visitors: list[int]
    facilitators: list[int]
    runs: list[Run] = field(default_factory=list)
    run_starts: list[datetime] = field(default_factory=list)
    next_free: list[int] = field(default_factory=list)

    def find_run(self, index: int) -> int | None:
        """The first run at or after ``index`` with a free place (union-find, compressed)."""
        nxt, count = self.next_free, len(self.next_free)
        root = index
        while root < count and nxt[root] != root:
            root = nxt[root]
        while index < count and nxt[index] != index:
            nxt[index], index = root, nxt[index]
        return root if root < count else None

    def take_place(self, index: int) -> None:
        run = self.runs[index]
        run.free -= 1
        if run.free <= 0:
            self.next_free[index] = index + 1


class Generator:
    def __init__(
        self,
        sink: Sink,
        size: Size,
        *,
        seed: int = 1,
        years: float = 2.0,
        end: date | None = None,
        progress: Callable[[str], None] | None = None,
        salt: int = 0,
    ) -> None:
        self.sink = sink
        self.size = size
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        self.tz = ZoneInfo(settings.TIME_ZONE)
        end_day = end or datetime.now(tz=ZoneInfo(settings.TIME_ZONE)).date()
        self.end = datetime.combine(end_day, time(0, 0), tzinfo=self.tz)
        self.start = self.end - timedelta(days=round(365 * years))
        self.years = years
        self.progress = progress or (lambda message: None)
        digest = hashlib.sha256(f"nurture-synthetic:{seed}:{salt}".encode()).digest()
        self.prefix = int.from_bytes(digest[:6], "big")
        self.heads: dict[Hashable, str] = {}
        self.counters: dict[Hashable, int] = {}
        self.password = make_password(BENCH_PASSWORD)
        self.bench: dict[str, Any] = {}
        self.practice = PracticeMaker(sink, self.new_uuid, self.tz)
        self.outcomes = OutcomesMaker(sink, self.new_uuid)
        self.user_count = 0
        self.bench_events = 0

    def new_uuid(self, table: Hashable) -> str:
        """Counting UUIDs (version 8, "custom"), as text: unique per seed and table, in
        insert order (so indexes fill at their right-hand edge)."""
        head = self.heads.get(table)
        if head is None:
            tag = len(self.heads) + 1
            high = (self.prefix << 16) | (0x8 << 12) | tag
            text = f"{high:016x}"
            head = self.heads[table] = f"{text[:8]}-{text[8:12]}-{text[12:]}-"
        count = self.counters.get(table, 0) + 1
        self.counters[table] = count
        low = f"{(0b10 << 62) | count:016x}"
        return f"{head}{low[:4]}-{low[4:]}"

    # --- people ------------------------------------------------------------------------

    def user(
        self, username: str, first: str, last: str, *, bench: bool = False, staff: bool = False,
        superuser: bool = False, joined: datetime | None = None,
    ) -> int:  # fmt: skip
        user_id = self.sink.new_id(User)
        password = self.password if bench else "!" + f"synthetic{user_id}"
        email = f"{username}@example.invalid"
        self.sink.add(
            User,
            (user_id, password, None, superuser, username, first, last, email, staff, True,
             joined or self.start, ""),
        )  # fmt: skip
        self.user_count += 1
        return user_id

    def member(self, user_id: int, provider_id: int, role: str, team_id: int | None) -> None:
        row = (self.sink.new_id(Membership), user_id, provider_id, role, team_id, True)
        self.sink.add(Membership, row)

    # --- the whole load ----------------------------------------------------------------

    def run(self) -> None:
        self.user("bench-admin", "Bench", "Admin", bench=True, staff=True, superuser=True)
        weights = [self.size.largest_weight] + [1.0] * (self.size.providers - 1)
        total = self.size.babies_per_year * self.years
        for index, weight in enumerate(weights):
            babies = max(1, round(total * weight / sum(weights)))
            world = self.provider(index)
            FamilyFlow(self, world).families(babies, bench=index == 0)
            if index % 10 == 0 or index == len(weights) - 1:
                self.progress(f"provider {index + 1}/{len(weights)} done")
        self.sink.flush()

    def provider(self, index: int) -> ProviderWorld:
        rng = self.rng
        place = data.PLACES[index % len(data.PLACES)]
        area, town, _nation = place
        rounds = index // len(data.PLACES)
        suffix = f" {data.AREA_WORDS[rounds % len(data.AREA_WORDS)]}" if rounds else ""
        independent = index % 5 == 4
        name = (
            f"{town}{suffix} Baby Massage (independent)"
            if independent
            else f"{town}{suffix} Community Nursery Team"
        )
        provider_id = self.sink.new_id(Provider)
        kind = Provider.Kind.INDEPENDENT if independent else Provider.Kind.NHS_TEAM
        email = f"infant.massage{provider_id}@example.invalid"
        self.sink.add(Provider, (provider_id, name, kind, email, "", self.start))
        teams = []
        for word in ("North", "South"):
            team_id = self.sink.new_id(Team)
            self.sink.add(Team, (team_id, provider_id, f"{town} {word}", f"{word} {town}"))
            teams.append(team_id)
        first_district = 1 + (rounds * 12) % 30
        districts = [f"{area}{first_district + k}" for k in range(12)]
        prefix = "bench-" if index == 0 else f"p{provider_id}-"
        manager = self.user(f"{prefix}manager", "Morgan", "Reid", bench=index == 0)
        self.member(manager, provider_id, "service_manager", None)
        visitors = []
        for k in range(self.size.health_visitors):
            user_id = self.user(f"p{provider_id}-hv{k + 1}", rng.choice(data.GIVEN_NAMES),
                                rng.choice(data.FAMILY_NAMES))  # fmt: skip
            self.member(user_id, provider_id, "health_visitor", teams[k % 2])
            visitors.append(user_id)
        facilitators = []
        for k in range(self.size.facilitators):
            username = (
                "bench-facilitator" if index == 0 and k == 0 else f"p{provider_id}-fac{k + 1}"
            )
            given, family = rng.choice(data.GIVEN_NAMES), rng.choice(data.FAMILY_NAMES)
            user_id = self.user(username, given, family, bench=username.startswith("bench"))
            self.member(user_id, provider_id, "facilitator", None)
            facilitators.append(user_id)
        world = ProviderWorld(provider_id, index, place, districts, visitors, facilitators)
        venues = self.venues(world, max(self.size.venues, 1))
        template_id = self.sink.new_id(CourseTemplate)
        self.sink.add(
            CourseTemplate,
            (template_id, provider_id, "Baby massage (5 weeks)", SESSIONS_PER_RUN, 60,
             DEFAULT_WEEK_PLAN, "A towel or soft blanket, a change of nappy, and your baby's "
             "usual feed.", True),
        )  # fmt: skip
        self.schedule(world, venues, template_id)
        return world

    def venues(self, world: ProviderWorld, count: int) -> list[int]:
        rng = self.rng
        _area, town, nation = world.place
        ids = []
        for k in range(count):
            venue_id = self.sink.new_id(Venue)
            district = world.districts[k % len(world.districts)]
            kind = data.VENUE_KINDS[k % len(data.VENUE_KINDS)]
            name = f"{data.AREA_WORDS[k % 5]} {town} {kind}" + (
                f" {k // 10 + 1}" if k >= 10 else ""
            )
            street = f"{rng.randint(1, 120)} {rng.choice(data.STREETS)}"
            self.sink.add(
                Venue,
                (venue_id, world.id, name, street, "", town, self.postcode(district), nation,
                 "Buggy park by the main door. Baby change on the ground floor.", True),
            )  # fmt: skip
            ids.append(venue_id)
        return ids

    def postcode(self, district: str) -> str:
        letters = data.INWARD_LETTERS
        rng = self.rng
        return f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"

    def schedule(self, world: ProviderWorld, venues: list[int], template_id: int) -> None:
        """Runs from shortly before the period to eight weeks after its end, spread evenly
        over weekdays and venues, with enough places for the expected enrolments."""
        rng = self.rng
        weights = [self.size.largest_weight] + [1.0] * (self.size.providers - 1)
        share = weights[world.index] / sum(weights)
        babies = self.size.babies_per_year * self.years * share
        first = self.start - timedelta(weeks=4)
        last = self.end + timedelta(weeks=8)
        span_days = (last - first).days
        period_days = (self.end - self.start).days
        count = max(2, math.ceil(babies * 0.8 / FILL * span_days / period_days))
        bench_runs = world.index == 0
        for k in range(count):
            day = (first + timedelta(days=span_days * (k + rng.random()) / count)).date()
            while day.weekday() >= 5:
                day += timedelta(days=1)
            clock = time(10, 0) if rng.random() < 0.6 else time(13, 30)
            start = datetime.combine(day, clock, tzinfo=self.tz)
            run_id = self.new_uuid(CourseRun)
            cancelled = rng.random() < 0.015
            starts = [start + timedelta(weeks=w) for w in range(SESSIONS_PER_RUN)]
            if cancelled:
                status = "cancelled"
            elif starts[-1] + timedelta(days=14) < self.end:
                status = "closed"
            else:
                status = "scheduled"
            self.sink.add(
                CourseRun,
                (run_id, world.id, template_id, rng.choice(venues), CAPACITY, start, status,
                 None, start - timedelta(days=rng.randint(35, 70))),
            )  # fmt: skip
            chosen = rng.sample(
                world.facilitators, min(len(world.facilitators), rng.choice((1, 2, 2)))
            )
            if bench_runs and rng.random() < 0.5 and world.facilitators[0] not in chosen:
                chosen[0] = world.facilitators[0]
            for user_id in chosen:
                self.sink.add(
                    CourseRun.facilitators.through,
                    (self.sink.new_id(CourseRun.facilitators.through), run_id, user_id),
                )
            session_ids, dropped = [], set()
            for number, when in enumerate(starts, start=1):
                session_id = self.sink.new_id(Session)
                off = not cancelled and rng.random() < 0.01
                status = "cancelled" if cancelled or off else "scheduled"
                note = "Venue closed" if off else ""
                self.sink.add(
                    Session, (session_id, run_id, number, when, status, None, note, 0, None, "")
                )
                session_ids.append(session_id)
                if off:
                    dropped.add(number)
            world.runs.append(Run(run_id, 0, starts, session_ids, dropped, chosen, cancelled))
        world.runs.sort(key=lambda run: run.starts[0])
        world.run_starts = [run.starts[0] for run in world.runs]
        world.next_free = [k if not run.cancelled else k + 1 for k, run in enumerate(world.runs)]

    def first_run_from(self, world: ProviderWorld, when: datetime) -> int:
        return bisect.bisect_left(world.run_starts, when)

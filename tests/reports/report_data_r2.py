"""Hand-built data for the attendance, outcomes and own-runs reports.

Everything is written straight to the models (bulk where it can), at fixed dates in 2025, so
each test can state its answers exactly. The ``programme`` fixture builds one world that the
three report test files share; its docstring lists what is in it and what each figure should
come to.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nurture.accounts.models import Provider, User, Venue
from nurture.accounts.roles import Role
from nurture.courses.models import (
    Attendance,
    CourseRun,
    CourseTemplate,
    Enrolment,
    Session,
    SessionStatus,
)
from nurture.families.models import Baby, Carer, Family
from nurture.outcomes.models import Response, ResponseStatus
from nurture.policy import ReportScope
from nurture.referrals.models import Referral
from nurture.reports.filters import ReportFilters
from tests import factories

LONDON = ZoneInfo("Europe/London")
MARCH = ReportFilters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON)


@dataclass
class Place:
    """One family's place on a run: the enrolment, its first carer and the family."""

    enrolment: Enrolment
    carer: Carer
    family: Family


def make_run(
    provider: Provider,
    venue: Venue,
    first: datetime,
    *,
    facilitators: Sequence[User] = (),
    sessions: int = 5,
    cancelled: Sequence[int] = (),
    name: str = "Baby massage",
) -> CourseRun:
    """A run with weekly sessions from ``first``; week numbers in ``cancelled`` cancelled."""
    template, _ = CourseTemplate.objects.get_or_create(provider=provider, name=name)
    run = CourseRun.objects.create(
        provider=provider, template=template, venue=venue, first_session_at=first
    )
    run.facilitators.set(facilitators)
    Session.objects.bulk_create(
        Session(
            run=run,
            number=week,
            starts_at=first + timedelta(weeks=week - 1),
            status=SessionStatus.CANCELLED if week in cancelled else SessionStatus.SCHEDULED,
        )
        for week in range(1, sessions + 1)
    )
    return run


def make_places(
    run: CourseRun, statuses: Sequence[str], *, families: Sequence[Family] = ()
) -> list[Place]:
    """One enrolment per status given, each for a new family (or the ``families`` given,
    in order), with one carer and one baby each."""
    provider_id = run.provider_id
    new = len(statuses) - len(families)
    made = Family.objects.bulk_create(Family(provider_id=provider_id) for _ in range(new))
    everyone = [*families, *made]
    carers = Carer.objects.bulk_create(
        Carer(family=family, given_name=f"Carer {n}", family_name="Example")
        for n, family in enumerate(made)
    )
    Baby.objects.bulk_create(
        Baby(family=family, given_name="Baby", date_of_birth=date(2024, 12, 1)) for family in made
    )
    first_carers = {carer.family_id: carer for carer in carers}
    for carer in Carer.objects.filter(family__in=families).order_by("-pk"):
        first_carers[carer.family_id] = carer
    babies = {baby.family_id: baby for baby in Baby.objects.filter(family__in=everyone)}
    referrals = Referral.objects.bulk_create(
        Referral(provider_id=provider_id, family=family, baby=babies[family.pk], status="enrolled")
        for family in everyone
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(run=run, referral=referral, status=status)
        for referral, status in zip(referrals, statuses, strict=True)
    )
    return [
        Place(enrolment=enrolment, carer=first_carers[family.pk], family=family)
        for enrolment, family in zip(enrolments, everyone, strict=True)
    ]


def mark(run: CourseRun, week: int, places: Sequence[Place], statuses: Sequence[str]) -> None:
    """The register for one week: ``statuses[i]`` for ``places[i]``."""
    session = Session.objects.get(run=run, number=week)
    Attendance.objects.bulk_create(
        Attendance(session=session, enrolment=place.enrolment, status=status)
        for place, status in zip(places, statuses, strict=True)
    )


def answer(
    place: Place,
    key: str,
    point: str,
    total: int,
    *,
    carer: Carer | None = None,
    enrolment: Enrolment | None = None,
    submitted: datetime | None = None,
    draft: bool = False,
) -> Response:
    return Response.objects.create(
        provider_id=place.family.provider_id,
        family=place.family,
        carer=carer or place.carer,
        enrolment=enrolment or place.enrolment,
        point=point,
        instrument_key=key,
        instrument_version="1",
        status=ResponseStatus.DRAFT if draft else ResponseStatus.SUBMITTED,
        total=total,
        submitted_at=None if draft else (submitted or at(2025, 4, 1)),
    )


def pairs(places: Sequence[Place], key: str, before: Sequence[int], after: Sequence[int]) -> None:
    """Submitted baseline and post answers, ``before[i]`` and ``after[i]`` for place i."""
    for place, start, end in zip(places, before, after, strict=True):
        answer(place, key, "baseline", start, submitted=at(2025, 3, 3))
        answer(place, key, "post", end, submitted=at(2025, 3, 31))


@dataclass
class Programme:
    """See ``programme``."""

    provider: Provider
    other_provider: Provider
    venue_a: Venue
    venue_c: Venue
    facilitator: User
    co_facilitator: User
    run1: CourseRun
    run2: CourseRun
    run_b: CourseRun
    run_feb: CourseRun
    p: list[Place]
    q: list[Place]
    extra: dict[str, object] = field(default_factory=dict)

    def manager_scope(self) -> ReportScope:
        return ReportScope(provider_ids=frozenset({self.provider.pk}))

    def facilitator_scope(self, user: User | None = None) -> ReportScope:
        return ReportScope(
            provider_ids=frozenset({self.provider.pk}),
            facilitator_id=(user or self.facilitator).pk,
        )


@pytest.fixture(name="programme")
def programme_fixture(world: object) -> Programme:
    """Provider A, report range March 2025.

    run1: Venue A, facilitators "Facilitator_A" and "Fac2", Mondays 3 to 31 March, week 5
    cancelled. Places p0..p5: p0-p4 completed, p5 withdrawn. Registers:
    week 1 present x4, late, dna; week 2 present x3, absent x2, dna; week 3 present x5,
    late; week 4 held with no register. 18 marks: 14 attended, 2 absent, 2 dna.

    run2: Venue C, facilitator "Fac2" only, Thursdays from 20 March (two sessions in range).
    Places q0..q4: q0-q3 completed, q4 did not complete. Registers: week 1 present x5; week 2
    present x2, dna x3; week 3 (3 April, outside the range) present x5. In range: 10 marks,
    7 attended, 0 absent, 3 dna.

    run_feb: Venue A, 27 January to 24 February 2025, five places, week 1 present x5.
    run_b: Provider B, March 2025, five places all dna in week 1 (never in A's figures).

    Questionnaires (PHQ-9 threshold 10 by the pack):
    - PHQ-9 pairs p0-p4: start 12, 14, 11, 15, 13; end 9 each (changes -3, -5, -2, -6, -4).
    - GAD-7 pairs p0-p3 (four): start 8, 9, 10, 11; end 6, 8, 9, 7.
    - q0: PHQ-9 and GAD-7 at the start only. q1: PHQ-9 at the start, end still a draft.
    - q2: PHQ-9 start by the first carer, end by a second carer (not a pair).
    - q3: PHQ-9 start on their February place (feb[0]), end on run2 (not a pair).
    - p5 (withdrawn): PHQ-9 at the start.
    - run_b: five PHQ-9 pairs, start 20, end 10. run_feb: five PHQ-9 pairs, start 20, end 10.
    """
    from tests.conftest import World

    assert isinstance(world, World)
    provider, other = world.provider_a, world.provider_b
    facilitator = world.users["facilitator_a"]
    co_facilitator = factories.make_staff(provider, Role.FACILITATOR, "fac2")
    venue_c = factories.make_venue(provider, "Venue C")
    run1 = make_run(
        provider,
        world.venue_a,
        at(2025, 3, 3),
        facilitators=[facilitator, co_facilitator],
        cancelled=[5],
    )
    run2 = make_run(provider, venue_c, at(2025, 3, 20), facilitators=[co_facilitator])
    run_feb = make_run(provider, world.venue_a, at(2025, 1, 27), facilitators=[facilitator])
    run_b = make_run(other, world.venue_b, at(2025, 3, 4))

    p = make_places(run1, ["completed"] * 5 + ["withdrawn"])
    mark(run1, 1, p, ["present"] * 4 + ["late", "dna"])
    mark(run1, 2, p, ["present"] * 3 + ["absent", "absent", "dna"])
    mark(run1, 3, p, ["present"] * 5 + ["late"])

    q = make_places(run2, ["completed"] * 4 + ["not_completed"])
    mark(run2, 1, q, ["present"] * 5)
    mark(run2, 2, q, ["present"] * 2 + ["dna"] * 3)
    mark(run2, 3, q, ["present"] * 5)

    feb = make_places(run_feb, ["completed"] * 4, families=[q[3].family])
    feb += make_places(run_feb, ["completed"])
    mark(run_feb, 1, feb, ["present"] * 5)
    b = make_places(run_b, ["completed"] * 5)
    mark(run_b, 1, b, ["dna"] * 5)

    pairs(p[:5], "phq9", [12, 14, 11, 15, 13], [9, 9, 9, 9, 9])
    pairs(p[:4], "gad7", [8, 9, 10, 11], [6, 8, 9, 7])
    answer(q[0], "phq9", "baseline", 12)
    answer(q[0], "gad7", "baseline", 7)
    answer(q[1], "phq9", "baseline", 12)
    answer(q[1], "phq9", "post", 3, draft=True)
    second = Carer.objects.create(family=q[2].family, given_name="Second", family_name="Carer")
    answer(q[2], "phq9", "baseline", 16)
    answer(q[2], "phq9", "post", 4, carer=second)
    answer(q[3], "phq9", "post", 2)
    answer(p[5], "phq9", "baseline", 20)
    pairs(b, "phq9", [20] * 5, [10] * 5)
    pairs(feb, "phq9", [20] * 5, [10] * 5)
    return Programme(
        provider=provider,
        other_provider=other,
        venue_a=world.venue_a,
        venue_c=venue_c,
        facilitator=facilitator,
        co_facilitator=co_facilitator,
        run1=run1,
        run2=run2,
        run_b=run_b,
        run_feb=run_feb,
        p=p,
        q=q,
    )


def more_runs(programme: Programme, count: int = 3) -> None:
    """More of everything in the range (for query counts that must not grow)."""
    for n in range(count):
        venue = factories.make_venue(programme.provider, f"More {n} {uuid.uuid4().hex[:6]}")
        run = make_run(
            programme.provider,
            venue,
            at(2025, 3, 4 + n),
            facilitators=[
                programme.facilitator,
                factories.make_staff(programme.provider, Role.FACILITATOR),
            ],
        )
        places = make_places(run, ["completed"] * 6)
        for week in (1, 2, 3):
            mark(run, week, places, ["present", "late", "absent", "dna", "present", "present"])
        pairs(places, "phq9", [10, 11, 12, 13, 14, 15], [5, 6, 7, 8, 9, 10])
        pairs(places, "gad7", [10, 11, 12, 13, 14, 15], [5, 6, 7, 8, 9, 10])

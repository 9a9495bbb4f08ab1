"""What is due when: baseline from enrolment, post from week 5, follow-up six weeks after the
last session; per provider; in a fixed number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from nurture.allocation import places
from nurture.courses.models import Session
from nurture.families import services as family_services
from nurture.outcomes.models import TimePoint
from nurture.questionnaires import config, schedule, selectors, services
from nurture.questionnaires.instruments import Instrument
from tests import factories
from tests.conftest import World
from tests.questionnaires.conftest import Course, enrol_family, submit

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2027, 3, day, hour, tzinfo=LONDON)


def test_windows_follow_the_course() -> None:
    sessions = [(n, at(1) + timedelta(weeks=n - 1)) for n in range(1, 6)]
    found = schedule.windows(enrolled_at=at(1, 8) - timedelta(days=10), sessions=sessions)
    week5 = at(29)
    follow = week5 + timedelta(weeks=6)
    assert found[TimePoint.BASELINE] == schedule.Window(at(1, 8) - timedelta(days=10), week5)
    assert found[TimePoint.POST] == schedule.Window(week5, follow)
    assert found[TimePoint.FOLLOW_UP] == schedule.Window(follow, follow + timedelta(weeks=4))
    short = schedule.windows(enrolled_at=at(1), sessions=sessions[:3], follow_up_weeks=2)
    assert short[TimePoint.POST].opens == at(15)  # a 3-week course: its last week
    assert short[TimePoint.FOLLOW_UP].opens == at(29)
    assert schedule.windows(enrolled_at=at(1), sessions=[]) == {
        TimePoint.BASELINE: schedule.Window(at(1))
    }
    assert not found[TimePoint.POST].is_open(week5 - timedelta(seconds=1))
    assert found[TimePoint.POST].is_open(week5) and not found[TimePoint.POST].is_open(follow)


def due_now(course: Course, now: datetime) -> list[tuple[str, str, bool]]:
    due = selectors.due_for_carer(course.carer, now=now)
    return [(d.point, d.instrument_key, d.optional) for d in due]


def session_start(course: Course, number: int) -> datetime:
    return Session.objects.get(run=course.run, number=number).starts_at


def test_due_through_the_course(course: Course) -> None:
    now = timezone.now()
    assert due_now(course, now) == [
        ("baseline", "phq9", False),
        ("baseline", "gad7", False),
    ]
    week5 = session_start(course, 5)
    assert due_now(course, week5) == [
        ("post", "phq9", False),
        ("post", "gad7", False),
        ("post", "course-feedback", False),
    ]
    follow = week5 + timedelta(weeks=6)
    assert due_now(course, follow - timedelta(minutes=1))[0][0] == "post"
    assert due_now(course, follow) == [("follow_up", "phq9", True), ("follow_up", "gad7", True)]
    assert due_now(course, follow + timedelta(weeks=4)) == []
    [first, _] = selectors.due_for_carer(course.carer, now=now)
    assert (first.title, first.online_only, first.version) == (
        "How you have been feeling",
        True,
        "1",
    )
    assert first.enrolment_id == course.enrolment.pk and first.closes_at == week5


def test_answered_ones_drop_off_and_drafts_are_offered_to_resume(course: Course) -> None:
    submit(course, [0] * 9)
    saved = services.save_draft(
        actor=course.world.users["parent_a"], carer=course.carer, instrument_key="gad7",
        version="1", answers={"1": 1}, point=TimePoint.BASELINE, enrolment=course.enrolment,
    )  # fmt: skip
    [gad7] = selectors.due_for_carer(course.carer)
    assert (gad7.instrument_key, gad7.draft_id) == ("gad7", saved.response.pk)


def test_a_withdrawn_place_has_nothing_due(course: Course) -> None:
    places.withdraw_enrolment(actor=None, enrolment=course.enrolment, reason="Moved away")
    assert selectors.due_for_carer(course.carer) == []


def test_the_providers_own_schedule(course: Course, epds: Instrument) -> None:
    manager = course.world.users["manager_a"]
    config.schedule_set(
        actor=manager,
        provider=course.world.provider_a,
        entries=[("epds", TimePoint.BASELINE, False), ("gad7", TimePoint.POST, True)],
    )
    assert due_now(course, timezone.now()) == [("baseline", "epds", False)]
    assert due_now(course, session_start(course, 5)) == [("post", "gad7", True)]
    config.schedule_set(actor=manager, provider=course.world.provider_a, entries=[])
    assert [key for _, key, _ in due_now(course, timezone.now())] == ["phq9", "gad7"]


def test_a_scheduled_pack_that_is_not_installed_is_skipped(course: Course) -> None:
    from nurture.outcomes.models import ScheduledInstrument

    ScheduledInstrument.objects.create(
        provider=course.world.provider_a, instrument_key="epds", point=TimePoint.BASELINE
    )
    assert due_now(course, timezone.now()) == []


def test_a_parent_sees_only_their_own(course: Course) -> None:
    world = course.world
    partner = family_services.carer_add(
        actor=None,
        family=course.family,
        details=family_services.CarerDetails(
            given_name="Pat", family_name="Example", email="pat@example.org"
        ),
    )
    family_services.carer_link_login(actor=None, carer=partner, user=factories.make_user("pat"))
    mine = selectors.due_for_family(world.users["parent_a"])
    assert {d.carer_id for d in mine} == {course.carer.pk} and len(mine) == 2
    for staff in ("hv_a", "facilitator_a", "manager_a"):
        assert selectors.due_for_family(world.users[staff]) == []
    both = selectors.due_in_family(world.users["facilitator_a"], course.family.pk)
    assert {carer.given_name: len(due) for carer, due in both.items()} == {"Alex": 2, "Pat": 2}


def _families_on_run(world: World, course: Course, count: int) -> list[Any]:
    carers = []
    for number in range(count):
        family = factories.make_family(
            world.provider_a,
            health_visitor=world.users["hv_a"],
            carer_name=f"Carer{number}",
            babies=[(f"Baby{number}", timezone.localdate() - timedelta(weeks=10), None)],
        )
        enrol_family(world, family, course.run)
        carers.append(family.carers.get())
    return carers


def test_the_due_list_takes_a_fixed_number_of_queries(
    course: Course, django_assert_max_num_queries: Any
) -> None:
    carers = [course.carer, *_families_on_run(course.world, course, 6)]
    with django_assert_max_num_queries(6):
        one = schedule.due_for_carers(carers[:1], now=timezone.now())
    with django_assert_max_num_queries(6):
        many = schedule.due_for_carers(carers, now=timezone.now())
    assert len(one[course.carer.pk]) == 2
    assert all(len(due) == 2 for due in many.values()) and len(many) == 7

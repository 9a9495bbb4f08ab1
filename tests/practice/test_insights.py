"""A parent's insights about their baby, each figure against a small hand-built history with
known answers: the enjoyment ranking, best times, weekly sessions and the diary comparisons,
the "not enough yet" thresholds, and a constant number of queries whatever the history."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nurture.curriculum import loader
from nurture.curriculum import services as curriculum_services
from nurture.families.models import Baby
from nurture.practice import insights as parent
from nurture.practice.insights import Band, CueShare
from nurture.practice.models import CueEvent, DiaryEntry, PracticeSession
from nurture.practice.trends import Mean
from tests.conftest import World

pytestmark = pytest.mark.django_db

LEGS, TUMMY, ARMS = "legs-and-feet", "tummy", "arms-and-hands"
MILKING, WHEEL, PIT_STOP = "legs-indian-milking", "tummy-water-wheel", "arms-pit-stop"
ABSENT: Any = object()


@pytest.fixture
def curriculum(db: Any) -> None:
    curriculum_services.load_curriculum(actor=None, content=loader.read_content())


def baby_of(world: World) -> Baby:
    """The world's baby, born 22 weeks ago: old enough for the histories below to begin after
    the birth (sessions before it never count as when practice began)."""
    babies = world.families["a1"].babies
    babies.update(date_of_birth=timezone.localdate() - timedelta(weeks=22))
    return babies.select_related("family").get()


def local(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def add_session(
    baby: Baby,
    at: datetime,
    cues: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    *,
    outcome: str = "completed",
    stop_reason: str = "",
    fed: Any = ABSENT,
) -> PracticeSession:
    """A session stored as the service stores it; ``fed``: minutes since a feed in the
    readiness check (None: more than an hour), or leave it out."""
    readiness = None if fed is ABSENT else {"verdict": "go", parent.FEED_KEY: fed}
    session = PracticeSession.objects.create(
        id=uuid.uuid4(),
        baby=baby,
        carer=baby.family.carers.get(),
        started_at=at,
        ended_at=at + timedelta(minutes=10),
        outcome=outcome,
        stop_reason=stop_reason,
        readiness=readiness,
    )
    CueEvent.objects.bulk_create(
        CueEvent(
            id=uuid.uuid4(),
            session=session,
            sequence=number,
            step=f"stroke:{area}:{number}" if stroke else "permission",
            area=area,
            stroke=stroke,
            cue=cue,
            at=at + timedelta(seconds=number),
        )
        for number, (area, stroke, cue) in enumerate(cues, start=1)
    )
    return session


def cues(area: str, stroke: str, **counts: int) -> list[tuple[str, str, str]]:
    return [(area, stroke, cue) for cue, count in counts.items() for _ in range(count)]


# --- What the baby enjoys ---------------------------------------------------------------------


def three_sessions(baby: Baby) -> None:
    add_session(
        baby,
        local(3, 10),
        [
            ("", "", "happy"),  # asking permission: no area or stroke, so not ranked
            *cues(LEGS, MILKING, happy=4, not_sure=1),
            *cues(TUMMY, WHEEL, happy=2),
        ],
    )
    add_session(
        baby,
        local(2, 10),
        cues(LEGS, MILKING, happy=4, upset=1),
        outcome="stopped",
        stop_reason="stress",
    )
    add_session(
        baby,
        local(1, 10),
        cues(TUMMY, WHEEL, happy=2, not_sure=1) + cues(ARMS, PIT_STOP, happy=2, upset=2),
    )


def test_strokes_and_areas_rank_by_share_of_happy_cues_once_they_have_enough(
    world: World, curriculum: None
) -> None:
    baby = baby_of(world)
    three_sessions(baby)

    found = parent.baby_insights(baby).enjoyment

    assert found.enough and found.sessions == 3
    # Both 80% happy: the water wheel had no upset cue, so it comes first.
    assert found.strokes == [
        CueShare(WHEEL, "Water wheel", happy=4, not_sure=1, upset=0),
        CueShare(MILKING, "Indian milking", happy=8, not_sure=1, upset=1),
    ]
    assert [(s.total, s.happy_percent, s.upset_percent) for s in found.strokes] == [
        (5, 80, 0),
        (10, 80, 10),
    ]
    assert found.strokes_not_yet == ["Pit stop"]  # 4 cues: one short of 5
    assert [area.name for area in found.areas] == ["Tummy", "Legs and feet"]
    assert found.areas_not_yet == ["Arms and hands"]
    assert found.summary == (
        "Water wheel looks like a favourite: Robin seemed happy for 4 of the 5 moments you "
        "tapped (80%)."
    )


def test_nothing_is_ranked_before_three_sessions(world: World) -> None:
    baby = baby_of(world)
    add_session(baby, local(2, 10), cues(LEGS, MILKING, happy=6))
    add_session(baby, local(1, 10), cues(LEGS, MILKING, happy=6))

    found = parent.baby_insights(baby).enjoyment

    assert not found.enough and found.sessions == 2
    assert found.strokes == [] and found.areas == []
    assert found.summary == (
        "Not enough yet. After 1 more session we can start to show what Robin enjoys."
    )


def test_enough_sessions_but_no_stroke_with_five_cues_says_not_enough_yet(world: World) -> None:
    baby = baby_of(world)
    for days in (3, 2, 1):
        add_session(baby, local(days, 10), cues(LEGS, MILKING, happy=1))
    found = parent.baby_insights(baby).enjoyment
    assert found.enough and found.strokes == []
    assert found.strokes_not_yet == ["Legs indian milking"]  # no curriculum: from the slug
    assert found.summary.startswith("Not enough yet. A stroke needs at least 5 cues")


def test_only_the_latest_twenty_sessions_count(world: World) -> None:
    baby = baby_of(world)
    add_session(baby, local(30, 10), cues(TUMMY, WHEEL, upset=9))
    for days in range(20, 0, -1):
        add_session(baby, local(days, 10), cues(LEGS, MILKING, happy=1))
    found = parent.baby_insights(baby).enjoyment
    assert found.sessions == 20
    assert [(s.slug, s.happy, s.upset) for s in found.strokes] == [(MILKING, 20, 0)]
    assert found.strokes_not_yet == []


# --- Best times -------------------------------------------------------------------------------


def ten_sessions(baby: Baby) -> None:
    """Calm: 3 in the morning, 1 in the afternoon, 1 at night, of 10 sessions."""
    happy = cues(LEGS, MILKING, happy=2)
    for days, fed in ((9, 45), (8, 45), (7, None)):
        add_session(baby, local(days, 9), happy, fed=fed)
    add_session(baby, local(6, 14), happy, fed=10)
    add_session(
        baby,
        local(6, 15),
        [*happy, (LEGS, MILKING, "upset")],
        outcome="stopped",
        stop_reason="stress",
        fed=10,
    )
    add_session(baby, local(5, 19), [*happy, (LEGS, MILKING, "upset")])  # completed, upset
    add_session(baby, local(4, 18), happy, outcome="paused_and_resumed")
    add_session(baby, local(4, 21, 59), [], outcome="stopped", stop_reason="not_now")
    add_session(baby, local(3, 23, 30), [], outcome="stopped", stop_reason="not_now")
    add_session(baby, local(2, 2), happy)


def test_calm_sessions_by_time_of_day_compared_with_all(world: World) -> None:
    baby = baby_of(world)
    ten_sessions(baby)

    found = parent.baby_insights(baby).best_times.time_of_day

    assert (found.sessions, found.calm, found.enough, found.best) == (10, 5, True, "morning")
    assert found.bands == [
        Band(
            "morning", "Morning (6am to noon)", "Morning", 3, 3, share_of_all=30, share_of_calm=60
        ),
        Band(
            "afternoon",
            "Afternoon (noon to 5pm)",
            "Afternoon",
            2,
            1,
            share_of_all=20,
            share_of_calm=20,
        ),
        Band("evening", "Evening (5pm to 10pm)", "Evening", 3, 0, share_of_all=30, share_of_calm=0),
        Band("night", "Night (10pm to 6am)", "Night", 2, 1, share_of_all=20, share_of_calm=20),
    ]
    assert found.summary == (
        "Robin's calm sessions were most often in the morning: 3 of 5. "
        "30% of all sessions were then."
    )


def test_calm_sessions_by_time_since_a_feed_only_where_it_was_recorded(world: World) -> None:
    baby = baby_of(world)
    ten_sessions(baby)

    found = parent.baby_insights(baby).best_times.after_feed

    assert (found.sessions, found.calm, found.enough, found.best) == (5, 4, True, "30_to_60")
    assert [(b.key, b.sessions, b.calm, b.share_of_all, b.share_of_calm) for b in found.bands] == [
        ("under_30", 2, 1, 40, 25),
        ("30_to_60", 2, 2, 40, 50),
        ("over_60", 1, 1, 20, 25),
    ]
    assert found.summary == (
        "Robin's calm sessions were most often half an hour to an hour after a feed: 2 of 4. "
        "40% of all sessions were then."
    )


def test_best_times_need_three_calm_sessions(world: World) -> None:
    baby = baby_of(world)
    add_session(baby, local(3, 9), fed=45)
    add_session(baby, local(2, 9), fed=45)
    add_session(baby, local(1, 9), outcome="stopped", stop_reason="not_now", fed=45)

    found = parent.baby_insights(baby).best_times

    assert found.sessions == 3
    assert not found.time_of_day.enough and found.time_of_day.best is None
    assert found.time_of_day.summary == (
        "Not enough yet. We need at least 3 calm sessions to compare; so far there are 2."
    )
    assert found.after_feed.summary == (
        "Not enough yet. We need at least 3 calm sessions with the time since a feed "
        "recorded to compare; so far there are 2."
    )


# --- Trends -----------------------------------------------------------------------------------


def test_sessions_per_week_over_the_last_twelve_weeks(world: World) -> None:
    baby = baby_of(world)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    first_week = monday - timedelta(weeks=11)

    def at(day: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour)))

    add_session(baby, at(today, 0))
    add_session(baby, at(monday, 7))
    add_session(baby, at(monday - timedelta(days=1), 23))  # last Sunday night
    add_session(baby, at(first_week, 0))
    add_session(baby, at(first_week - timedelta(days=1), 23))  # too long ago

    found = parent.baby_insights(baby).trends

    assert [week.starting for week in found.weeks] == [
        first_week + timedelta(weeks=n) for n in range(12)
    ]
    assert [week.sessions for week in found.weeks] == [1] + [0] * 9 + [1, 2]
    assert found.summary == "4 sessions in the last 12 weeks, 2 of them this week."
    assert found.practice_began == first_week - timedelta(days=1)


def diary(baby: Baby, days_ago: int, kind: str, **values: Any) -> None:
    DiaryEntry.objects.create(
        id=uuid.uuid4(),
        baby=baby,
        carer=baby.family.carers.get(),
        date=timezone.localdate() - timedelta(days=days_ago),
        kind=kind,
        **values,
    )


def diary_history(baby: Baby) -> None:
    """Practice began 10 days ago; massage on days 10, 8 and 6 ago (two on day 10)."""
    for days, hour in ((10, 10), (10, 16), (8, 10), (6, 10)):
        add_session(baby, local(days, hour))
    for days, hours, settling in (
        (15, "9.0", 2), (13, "9.5", 3), (11, "10.0", 4),  # before
        (10, "11.0", 5), (8, "10.5", 4), (6, "11.5", 5),  # days with a massage
        (9, "10.0", 3), (7, "9.5", 3), (5, "10.0", 2),  # other days
    ):  # fmt: skip
        diary(baby, days, "sleep", night_sleep_hours=Decimal(hours), settling=settling)
    diary(baby, 12, "sleep", settling=1)  # no hours: counts for settling only
    for days, minutes in (
        (14, 30), (14, 20), (13, 40),  # before
        (10, 20), (8, 10),  # days with a massage
        (9, 60), (7, 30), (5, 45),  # other days
    ):  # fmt: skip
        diary(baby, days, "crying", crying_minutes=minutes)
    diary(baby, 9, "mood", mood=4)  # not a measure here


def test_diary_before_and_after_practice_began_and_on_days_with_a_massage(
    world: World,
) -> None:
    baby = baby_of(world)
    diary_history(baby)

    found = parent.baby_insights(baby).trends
    sleep, settling, crying = found.measures

    assert found.practice_began == timezone.localdate() - timedelta(days=10)
    assert (sleep.before, sleep.after) == (Mean(9.5, 3), Mean(10.4, 6))
    assert (sleep.with_massage, sleep.without) == (Mean(11.0, 3), Mean(9.8, 3))
    assert sleep.summary == [
        "In the 4 weeks before you started massage, Robin slept 9.5 hours a night on "
        "average; in the first 4 weeks after, 10.4.",
        "Over the last 12 weeks, on days with a massage, Robin slept 11 hours a night on "
        "average; on other days, 9.8.",
    ]
    assert (settling.before, settling.after) == (Mean(2.5, 4), Mean(3.7, 6))
    assert (settling.with_massage, settling.without) == (Mean(4.7, 3), Mean(2.7, 3))
    assert settling.summary[1] == (
        "Over the last 12 weeks, on days with a massage, settling scored 4.7 out of 5 on "
        "average; on other days, 2.7."
    )
    # Crying is per day: day 14 had two spells (50 minutes). Two days before is too few.
    assert (crying.before, crying.after) == (Mean(45.0, 2), Mean(33.0, 5))
    assert (crying.with_massage, crying.without) == (Mean(15.0, 2), Mean(45.0, 3))
    assert not crying.before_after_enough and not crying.days_enough
    assert crying.summary == [
        "Crying, before and after massage began: not enough yet. We need at least 3 days in "
        "the 4 weeks on each side; so far 2 before and 5 after.",
        "Crying, on days with and without a massage: not enough yet. We need at least 3 days "
        "of each in the last 12 weeks; so far 2 with and 3 without.",
    ]
    assert "not proof" in found.note


def test_the_diary_compares_the_weeks_around_the_start_and_the_last_twelve_weeks(
    world: World,
) -> None:
    # "The last 12 weeks" starts on the Monday 11 weeks before this week's, 77 to 83 days
    # ago by weekday: each day below is on the same side of that line on any day of the week.
    baby = baby_of(world)
    for days in (100, 7, 5, 3):  # practice began 100 days ago
        add_session(baby, local(days, 10))
    for days, hours in (
        (130, "4.0"),  # more than 4 weeks before practice began: left out
        (110, "9.0"), (105, "9.0"), (101, "9.0"),  # the 4 weeks before
        (99, "10.0"), (90, "10.0"),  # the 4 weeks after, more than 12 weeks ago
        (75, "11.0"),  # the 4 weeks after, and in the last 12 weeks (no massage)
        (50, "7.0"),  # the last 12 weeks, no massage
        (7, "12.0"), (5, "12.0"), (3, "12.0"),  # days with a massage
        (4, "8.0"), (2, "8.0"),  # days without
    ):  # fmt: skip
        diary(baby, days, "sleep", night_sleep_hours=Decimal(hours))

    sleep = parent.baby_insights(baby).trends.measures[0]

    assert (sleep.before, sleep.after) == (Mean(9.0, 3), Mean(10.3, 3))
    assert (sleep.with_massage, sleep.without) == (Mean(12.0, 3), Mean(8.5, 4))
    assert sleep.summary == [
        "In the 4 weeks before you started massage, Robin slept 9 hours a night on average; "
        "in the first 4 weeks after, 10.3.",
        "Over the last 12 weeks, on days with a massage, Robin slept 12 hours a night on "
        "average; on other days, 8.5.",
    ]


def test_with_no_sessions_everything_is_before_and_nothing_is_claimed(world: World) -> None:
    baby = baby_of(world)
    for days in (3, 2, 1):
        diary(baby, days, "sleep", night_sleep_hours=Decimal("10.0"))

    found = parent.baby_insights(baby)

    assert found.total_sessions == 0 and found.trends.practice_began is None
    sleep = found.trends.measures[0]
    assert sleep.before == Mean(10.0, 3) and sleep.after == Mean(None, 0)
    assert sleep.summary[0].endswith("so far 3 before and 0 after.")
    assert found.enjoyment.summary == (
        "Not enough yet. After 3 more sessions we can start to show what Robin enjoys."
    )
    assert found.trends.summary == "0 sessions in the last 12 weeks, 0 of them this week."


# --- Speed ------------------------------------------------------------------------------------


def test_the_same_queries_for_a_short_and_a_long_history(
    world: World, curriculum: None, django_assert_max_num_queries: Any
) -> None:
    baby = baby_of(world)
    three_sessions(baby)
    diary_history(baby)
    with CaptureQueriesContext(connection) as short:
        parent.baby_insights(baby)
    carer = baby.family.carers.get()
    start = timezone.now() - timedelta(days=200)
    sessions = PracticeSession.objects.bulk_create(
        PracticeSession(
            id=uuid.uuid4(), baby=baby, carer=carer, outcome="completed", readiness={"x": 1},
            started_at=start + timedelta(hours=5 * n),
            ended_at=start + timedelta(hours=5 * n, minutes=10),
        )
        for n in range(200)
    )  # fmt: skip
    CueEvent.objects.bulk_create(
        CueEvent(
            id=uuid.uuid4(), session=session, sequence=k + 1, step=f"stroke:{LEGS}:{k}",
            area=LEGS, stroke=MILKING, cue="happy", at=session.started_at,
        )
        for session in sessions
        for k in range(10)
    )  # fmt: skip
    with django_assert_max_num_queries(len(short.captured_queries)):
        found = parent.baby_insights(baby)
    assert found.total_sessions == 207 and found.best_times.sessions == 60

"""The funnel section against a hand-built dataset with known answers.

Provider A, range 1 January to 31 March 2025. Seventeen referrals are received in range:

- 3 only received (one at 00:00 on 1 January, one at 23:59 on 31 March: the edges count);
- 1 found not eligible;
- 3 eligible and waiting, never offered;
- 2 offered a place on run 2 (Venue 2, no facilitator), declined, back on the list;
- 8 offered and enrolled on run 1 (Venue A, facilitator_a; week 1 on 3 March 2025):
  e1-e6 came to week 1 (e1-e5 completed), e7 joined at week 2 and came, e8 missed week 1
  and came to week 2.

Left out: one received a minute before the range, one a minute after, a duplicate, and one
of Provider B's (enrolled and attending).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nurture import policy
from nurture.reports.filters import ReportFilters
from nurture.reports.sections.funnel import funnel_section
from nurture.reports.tables import SUPPRESSED
from tests import factories
from tests.conftest import World
from tests.reports import report_data as data
from tests.reports.report_data import at


def _filters(**cut: Any) -> ReportFilters:
    """1 January to 31 March 2025, with any venue, facilitator or run filter."""
    return ReportFilters(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), **cut)


# (received, marks, enrolment status, joined at week); week 1 on 3 March, week 2 on 10 March.
ENROLLED = [
    (at(2025, 2, 10, 10), {1: "present", 2: "present"}, "completed", 1),  # 21 days
    (at(2025, 2, 3, 10), {1: "late"}, "completed", 1),  # exactly 28 days: 4-8 weeks
    (at(2025, 2, 3, 11), {1: "present"}, "completed", 1),  # 27 days 23 hours
    (at(2025, 1, 20, 10), {1: "present"}, "completed", 1),  # 42 days
    (at(2025, 2, 17, 10), {1: "present"}, "completed", 1),  # 14 days
    (at(2025, 2, 20, 10), {1: "present"}, "not_completed", 1),  # 11 days
    (at(2025, 2, 24, 10), {2: "present"}, "enrolled", 2),  # 14 days (to week 2)
    (at(2025, 1, 1, 10), {1: "dna", 2: "late"}, "enrolled", 1),  # 68 days (to week 2)
]


def _history(*steps: str, when: Any) -> list[tuple[str, Any]]:
    return [(step, when) for step in steps]


@pytest.fixture
def funnel_world(world: World) -> dict[str, Any]:
    a, b = world.provider_a, world.provider_b
    venue_2 = factories.make_venue(a, "Venue 2")
    run_1 = data.run(
        a, world.venue_a, first=at(2025, 3, 3, 10), facilitators=[world.users["facilitator_a"]]
    )
    run_2 = data.run(a, venue_2, first=at(2025, 3, 17, 10))
    # Only received.
    data.referral(a, received=at(2025, 1, 1, 0, 0))
    data.referral(a, received=at(2025, 2, 1))
    data.referral(a, received=at(2025, 3, 31, 23, 59))
    # Not eligible.
    data.referral(a, received=at(2025, 1, 5), history=[("not_eligible", at(2025, 1, 6))])
    # Waiting.
    for day in (7, 8, 9):
        data.referral(
            a,
            received=at(2025, 1, day),
            history=_history("eligible", "waiting", when=at(2025, 1, day + 1)),
        )
    # Offered on run 2, declined, back on the list.
    for day in (10, 11):
        declined = data.referral(
            a,
            received=at(2025, 1, day),
            history=[
                *_history("eligible", "waiting", when=at(2025, 1, day + 1)),
                ("offered", at(2025, 3, 1)),
                ("waiting", at(2025, 3, 2)),
            ],
        )
        data.offer(run_2, declined, offered=at(2025, 3, 1), status="declined")
    # Enrolled on run 1.
    for received, marks, status, week in ENROLLED:
        steps = [
            *_history("eligible", "waiting", when=received),
            ("offered", at(2025, 2, 25)),
            ("enrolled", at(2025, 2, 26)),
        ]
        if status == "completed":
            steps.append(("completed", at(2025, 3, 31)))
        enrolled = data.referral(a, received=received, history=steps)
        data.offer(run_1, enrolled, offered=at(2025, 2, 25), status="accepted")
        data.enrol(run_1, enrolled, status=status, joined_at_session=week, marks=marks)
    # Outside the range, a duplicate, another provider.
    data.referral(a, received=at(2024, 12, 31, 23, 59))
    data.referral(a, received=at(2025, 4, 1, 0, 0))
    kept = data.referral(a, received=at(2024, 6, 1))
    data.referral(a, received=at(2025, 2, 2), duplicate_of=kept)
    run_b = data.run(b, world.venue_b, first=at(2025, 3, 3, 10))
    other = data.referral(
        b,
        received=at(2025, 2, 1),
        history=[
            *_history("eligible", "waiting", when=at(2025, 2, 1)),
            ("offered", at(2025, 2, 2)),
            ("enrolled", at(2025, 2, 3)),
        ],
    )
    data.offer(run_b, other, offered=at(2025, 2, 2), status="accepted")
    data.enrol(run_b, other, marks={1: "present"})
    return {"run_1": run_1, "run_2": run_2, "venue_2": venue_2}


def _scope(world: World, who: str = "manager_a") -> policy.ReportScope:
    user = world.admin if who == "admin" else world.users[who]
    scope = policy.programme_report_scope(user)
    assert scope is not None
    return scope


def _stages(section: Any) -> dict[str, dict[str, Any]]:
    return {row["stage"]: row for row in section.table("stages").rows}


def test_stage_counts_and_shares(world: World, funnel_world: dict[str, Any]) -> None:
    section = funnel_section(_scope(world), _filters())
    assert section.key == "funnel"
    rows = _stages(section)
    assert {stage: row["referrals"] for stage, row in rows.items()} == {
        "Referred": 17,
        "Assessed as eligible": 13,
        "Offered a place": 10,
        "Enrolled": 8,
        "Came to their first session": 7,
        "Completed the course": 5,
    }
    assert [row["of_referred"] for row in rows.values()] == [100.0, 76.5, 58.8, 47.1, 41.2, 29.4]
    assert [row["of_previous"] for row in rows.values()] == [None, 76.5, 76.9, 80.0, 87.5, 71.4]
    table = section.table("stages")
    assert "first session of the course" in table.definition
    assert "cumulative counts of the same referrals" in table.definition
    assert table.chart is not None and "<svg" in table.chart
    assert table.notes == ()


def test_time_from_referral_to_first_session(world: World, funnel_world: dict[str, Any]) -> None:
    section = funnel_section(_scope(world), _filters())
    summary = section.table("time-to-first-session").rows
    # 21 + 28 + 27 23/24 + 42 + 14 + 11 + 14 + 68 days over 8 referrals = 28.24...
    assert summary == [{"families": 8, "mean_days": 28.2}]
    bands = {row["band"]: row for row in section.table("time-to-first-session-bands").rows}
    assert bands["Within 4 weeks"] == {"band": "Within 4 weeks", "families": 5, "share": 62.5}
    assert bands["4 to 8 weeks"]["families"] == SUPPRESSED  # 2, and 28 days exactly is here
    assert bands["4 to 8 weeks"]["share"] == SUPPRESSED
    assert bands["8 to 12 weeks"]["families"] == SUPPRESSED  # 1
    assert bands["12 weeks or more"] == {"band": "12 weeks or more", "families": 0, "share": 0.0}
    chart = section.table("time-to-first-session-bands").chart
    assert chart is not None and "&lt;5" in chart


def test_a_lone_small_band_hides_the_next_smallest(
    world: World, funnel_world: dict[str, Any]
) -> None:
    """Five more families who waited 42 days, and one whose first session came before its
    referral (already on the course when referred again): that one is left out of the mean
    and the bands alike, so the bands add up to the families shown."""
    run_1 = funnel_world["run_1"]
    for _ in range(5):
        more = data.referral(world.provider_a, received=at(2025, 1, 20, 10))
        data.enrol(run_1, more, marks={1: "present"})
    again = data.referral(world.provider_a, received=at(2025, 3, 5, 10))
    data.enrol(run_1, again, marks={1: "present", 2: "present"})
    section = funnel_section(_scope(world), _filters())
    # The first-session stage counts it; the waits do not (it would be -2 days).
    assert _stages(section)["Came to their first session"]["referrals"] == 13
    # 225 23/24 days for the first eight, and 5 x 42, over 13 referrals = 33.5.
    assert section.table("time-to-first-session").rows == [{"families": 13, "mean_days": 33.5}]
    bands = section.table("time-to-first-session-bands")
    # 5, 7, 1 and 0 of 13: the 1 alone would be 13 - 5 - 7 - 0, so the 5 is hidden too.
    assert [(row["band"], row["families"], row["share"]) for row in bands.rows] == [
        ("Within 4 weeks", SUPPRESSED, SUPPRESSED),
        ("4 to 8 weeks", 7, 53.8),
        ("8 to 12 weeks", SUPPRESSED, SUPPRESSED),
        ("12 weeks or more", 0, 0.0),
    ]
    assert bands.chart is not None and "Within 4 weeks: &lt;5; 4 to 8 weeks: 7;" in bands.chart
    assert "next smallest is hidden too" in bands.definition


def test_a_lone_band_of_a_few_families_hides_their_number(
    world: World, funnel_world: dict[str, Any]
) -> None:
    """A course with 3 families who came, all within 4 weeks: the band and the total are
    both suppressed."""
    run_3 = data.run(world.provider_a, world.venue_a, first=at(2025, 3, 24, 10))
    for _ in range(3):
        data.enrol(
            run_3, data.referral(world.provider_a, received=at(2025, 3, 10)), marks={1: "present"}
        )
    section = funnel_section(_scope(world), _filters(run_id=run_3.pk))
    assert section.table("time-to-first-session").rows == [
        {"families": SUPPRESSED, "mean_days": SUPPRESSED}
    ]
    bands = section.table("time-to-first-session-bands").rows
    assert [(row["families"], row["share"]) for row in bands] == [
        (SUPPRESSED, SUPPRESSED),
        (0, SUPPRESSED),
        (0, SUPPRESSED),
        (0, SUPPRESSED),
    ]


def test_stage_subqueries_are_limited_to_the_cohort(
    world: World, funnel_world: dict[str, Any]
) -> None:
    """Each stage's subquery (events, offers, enrolments, first sessions, completions) keeps
    to the referrals received in the range, so its cost follows the range, not all history."""
    with CaptureQueriesContext(connection) as queries:
        funnel_section(_scope(world), _filters())
    stages = next(q["sql"] for q in queries.captured_queries if '"completed"' in q["sql"])
    # The cohort itself, and once inside each of the five subqueries.
    assert stages.count('"created_at" >=') == 6


def test_admin_sees_every_provider(world: World, funnel_world: dict[str, Any]) -> None:
    rows = _stages(funnel_section(_scope(world, "admin"), _filters()))
    assert rows["Referred"]["referrals"] == 18
    assert rows["Enrolled"]["referrals"] == 9
    assert rows["Came to their first session"]["referrals"] == 8


def test_other_provider_only(world: World, funnel_world: dict[str, Any]) -> None:
    section = funnel_section(_scope(world, "manager_b"), _filters())
    rows = _stages(section)
    assert rows["Referred"]["referrals"] == SUPPRESSED  # 1
    assert rows["Referred"]["of_referred"] == SUPPRESSED
    assert section.table("time-to-first-session").rows == [
        {"families": SUPPRESSED, "mean_days": SUPPRESSED}
    ]


def test_range_edges_are_inclusive(world: World, funnel_world: dict[str, Any]) -> None:
    first_day = ReportFilters(date_from=at(2025, 1, 1).date(), date_to=at(2025, 1, 1).date())
    last_day = ReportFilters(date_from=at(2025, 3, 31).date(), date_to=at(2025, 3, 31).date())
    scope = _scope(world)
    # 00:00 on 1 January, and the enrolled family received at 10:00 that day.
    assert _stages(funnel_section(scope, first_day))["Referred"]["referrals"] == SUPPRESSED
    rows = _stages(funnel_section(scope, last_day))
    assert rows["Referred"]["referrals"] == SUPPRESSED  # 23:59 on 31 March only
    wider = ReportFilters(date_from=at(2024, 12, 31).date(), date_to=at(2025, 4, 1).date())
    assert _stages(funnel_section(scope, wider))["Referred"]["referrals"] == 19


@pytest.mark.parametrize("cut", ["venue", "facilitator", "run"])
def test_course_filters(world: World, funnel_world: dict[str, Any], cut: str) -> None:
    matching = {
        "venue": {"venue_id": world.venue_a.pk},
        "facilitator": {"facilitator_id": world.users["facilitator_a"].pk},
        "run": {"run_id": funnel_world["run_1"].pk},
    }[cut]
    section = funnel_section(_scope(world), _filters(**matching))
    rows = _stages(section)
    assert {stage: row["referrals"] for stage, row in rows.items()} == {
        "Referred": 8,
        "Assessed as eligible": 8,
        "Offered a place": 8,
        "Enrolled": 8,
        "Came to their first session": 7,
        "Completed the course": 5,
    }
    assert "matching course" in section.table("stages").notes[0]


def test_course_filter_with_a_small_group(world: World, funnel_world: dict[str, Any]) -> None:
    section = funnel_section(_scope(world), _filters(run_id=funnel_world["run_2"].pk))
    rows = _stages(section)
    assert rows["Referred"]["referrals"] == SUPPRESSED
    assert rows["Offered a place"]["referrals"] == SUPPRESSED
    # Offers on run 2 were declined: nobody enrolled there (zero is shown as zero).
    assert rows["Enrolled"]["referrals"] == 0
    assert rows["Enrolled"]["of_referred"] == SUPPRESSED


def test_query_count_does_not_grow(world: World, funnel_world: dict[str, Any]) -> None:
    scope, filters = _scope(world), _filters()
    with CaptureQueriesContext(connection) as before:
        funnel_section(scope, filters)
    run_1 = funnel_world["run_1"]
    for day in range(1, 21):
        more = data.referral(
            world.provider_a,
            received=at(2025, 2, day),
            history=_history("eligible", "waiting", "offered", "enrolled", when=at(2025, 2, 25)),
        )
        data.offer(run_1, more, offered=at(2025, 2, 25), status="accepted")
        data.enrol(run_1, more, marks={1: "present", 2: "present"})
    with CaptureQueriesContext(connection) as after:
        section = funnel_section(scope, filters)
    assert _stages(section)["Referred"]["referrals"] == 37
    assert len(after.captured_queries) == len(before.captured_queries) <= 6

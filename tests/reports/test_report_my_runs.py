"""The facilitator's own-courses summary against the programme in ``report_data_r2``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from nurture.reports.sections.my_runs import my_runs_section
from nurture.reports.tables import SUPPRESSED
from tests.reports.report_data_r2 import (
    MARCH,
    Programme,
    at,
    make_places,
    make_run,
    mark,
    more_runs,
    programme_fixture,  # noqa: F401 (the programme fixture)
)

S = SUPPRESSED
KEYS = (
    "venue",
    "first_session",
    "enrolled",
    "held",
    "attendance_rate",
    "dna_rate",
    "completed",
    "completed_share",
    "baseline_share",
)


def cells(section: Any) -> list[tuple[Any, ...]]:
    return [tuple(row[key] for key in KEYS) for row in section.table("runs").rows]


def test_one_course(programme: Programme) -> None:
    section = my_runs_section(programme.facilitator_scope(), MARCH)
    assert section.key == "my_runs"
    # run1: 6 places (one withdrew), weeks 1-4 held (5 cancelled), 14 of 18 marks attended,
    # 2 dna (a share of the marks of 6 families, so shown), 5 completed, all 5 who stayed
    # answered a start questionnaire.
    assert cells(section) == [
        ("Venue A", "2025-03-03", 6, 4, 77.8, 11.1, 5, 83.3, 100.0),
        ("", "", 6, 4, 77.8, 11.1, 5, 83.3, 100.0),
    ]
    assert section.table("runs").rows[0]["run"] == "Baby massage"
    assert section.table("runs").rows[-1]["run"] == "All these courses"


def test_two_courses_with_a_totals_row(programme: Programme) -> None:
    section = my_runs_section(programme.facilitator_scope(programme.co_facilitator), MARCH)
    # run2: 5 places, 5 sessions held, 12 of 15 marks attended (the April week counts: it is
    # the same course), 3 dna, 4 completed (<5), 3 of 5 answered at the start (<5). The 4
    # would be 9 - 5, so run1's 5 completions are hidden too (and their share with them).
    assert cells(section) == [
        ("Venue A", "2025-03-03", 6, 4, 77.8, 11.1, S, S, 100.0),
        ("Venue C", "2025-03-20", 5, 5, 80.0, 20.0, S, S, S),
        ("", "", 11, 9, 78.8, 15.2, 9, 81.8, 80.0),
    ]


def test_a_small_course_cannot_be_worked_out_from_the_total(programme: Programme) -> None:
    """A course of 3 families beside one of 6, with a total of 9: the 3 is hidden, so the 6
    is hidden too (else 9 - 6 = 3), and so is every figure about either course's families.
    Only the total shows."""
    small = make_run(
        programme.provider,
        programme.venue_c,
        at(2025, 3, 10),
        facilitators=[programme.facilitator],
    )
    places = make_places(small, ["enrolled"] * 3)
    mark(small, 1, places, ["present"] * 3)
    section = my_runs_section(programme.facilitator_scope(), MARCH)
    # Total: 9 families, 4 + 5 sessions held, 17 of 21 marks attended, 2 dna, 5 completed
    # of 9, 5 of the 8 who stayed answered at the start.
    assert cells(section) == [
        ("Venue A", "2025-03-03", S, 4, S, S, S, S, S),
        ("Venue C", "2025-03-10", S, 5, S, S, S, S, S),
        ("", "", 9, 9, 81.0, 9.5, 5, 55.6, 62.5),
    ]


def test_one_family_at_many_sessions_shows_no_rate(programme: Programme) -> None:
    """Five families enrolled, but only one ever marked (at all five sessions): five marks
    of one family, so the attendance shares are hidden though the families are shown."""
    run = make_run(
        programme.provider,
        programme.venue_c,
        at(2025, 3, 10),
        facilitators=[programme.co_facilitator],
    )
    places = make_places(run, ["enrolled"] * 5)
    for week in range(1, 6):
        mark(run, week, places[:1], ["present"])
    section = my_runs_section(programme.facilitator_scope(programme.co_facilitator), MARCH)
    row = section.table("runs").rows[1]
    assert (row["first_session"], row["enrolled"], row["attendance_rate"], row["dna_rate"]) == (
        "2025-03-10",
        5,
        S,
        S,
    )
    # Families with a mark: 6, 1 and 5; the 1 is hidden and takes the 5 (run2) with it.
    assert [row["attendance_rate"] for row in section.table("runs").rows] == [
        77.8,
        S,
        S,
        round(100 * (14 + 5 + 12) / (18 + 5 + 15), 1),
    ]


def test_only_their_own_providers_courses(programme: Programme) -> None:
    programme.run_b.facilitators.add(programme.facilitator)
    section = my_runs_section(programme.facilitator_scope(), MARCH)
    assert [row[0] for row in cells(section)] == ["Venue A", ""]


def test_only_courses_that_began_in_the_range(programme: Programme) -> None:
    february = replace(MARCH, date_from=MARCH.date_from.replace(month=1, day=1))
    february = replace(february, date_to=february.date_from.replace(month=2, day=28))
    # The January course: 5 places, one week marked (5 present), all completed.
    assert cells(my_runs_section(programme.facilitator_scope(), february)) == [
        ("Venue A", "2025-01-27", 5, 5, 100.0, 0.0, 5, 100.0, 100.0),
        ("", "", 5, 5, 100.0, 0.0, 5, 100.0, 100.0),
    ]
    empty = replace(MARCH, date_from=MARCH.date_from.replace(year=2024))
    empty = replace(empty, date_to=empty.date_from)
    assert my_runs_section(programme.facilitator_scope(), empty).table("runs").rows == []


def test_no_scores_in_the_summary(programme: Programme) -> None:
    table = my_runs_section(programme.facilitator_scope(), MARCH).table("runs")
    assert {column.kind for column in table.columns} <= {"text", "count", "percent"}
    assert "what they answered is not shown" in table.definition


@pytest.mark.parametrize("extra_runs", [0, 4])
def test_query_count_does_not_grow(
    programme: Programme, extra_runs: int, django_assert_num_queries: Any
) -> None:
    more_runs(programme, extra_runs)
    with django_assert_num_queries(2):
        section = my_runs_section(programme.facilitator_scope(), MARCH)
    assert len(section.table("runs").rows) == 2 + extra_runs

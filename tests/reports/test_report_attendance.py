"""The attendance section against the hand-built programme in ``report_data_r2``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from nurture.policy import ReportScope
from nurture.reports.filters import ReportFilters
from nurture.reports.sections.attendance import attendance_section
from nurture.reports.tables import SUPPRESSED
from tests import factories
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


def rate_cells(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["families"],
        row["marks"],
        row["attendance_rate"],
        row["absent_rate"],
        row["dna_rate"],
    )


def test_registers(programme: Programme) -> None:
    section = attendance_section(programme.manager_scope(), MARCH)
    assert section.key == "attendance"
    registers = section.table("registers")
    assert registers.rows == [
        {"planned": 6, "cancelled": 1, "held": 6, "registered": 5, "unregistered": 1}
    ]
    assert registers.notes == ("1 held session has no register yet.",)


def test_by_venue_with_suppression(programme: Programme) -> None:
    table = attendance_section(programme.manager_scope(), MARCH).table("by_venue")
    assert [(row["venue"], *rate_cells(row)) for row in table.rows] == [
        ("Venue A", 6, 18, 77.8, 11.1, 11.1),
        ("Venue C", 5, 10, 70.0, 0.0, 30.0),
        ("All venues", 11, 28, 75.0, 7.1, 17.9),
    ]
    assert "present or late" in table.definition
    assert "fewer than 5 families" in table.definition
    chart = str(table.chart)
    assert "<title" in chart and "Attendance rate by venue" in chart
    assert "77.8%" in chart and "70%" in chart


def test_by_facilitator_counts_a_shared_run_for_each(programme: Programme) -> None:
    table = attendance_section(programme.manager_scope(), MARCH).table("by_facilitator")
    assert [(row["facilitator"], *rate_cells(row)) for row in table.rows] == [
        ("Fac2", 11, 28, 75.0, 7.1, 17.9),
        ("Facilitator_A", 6, 18, 77.8, 11.1, 11.1),
    ]
    assert "counts in full for each" in table.definition


def test_by_run(programme: Programme) -> None:
    table = attendance_section(programme.manager_scope(), MARCH).table("by_run")
    assert [
        (row["venue"], row["first_session"], row["enrolled"], *rate_cells(row))
        for row in table.rows
    ] == [
        ("Venue A", "2025-03-03", 6, 6, 18, 77.8, 11.1, 11.1),
        ("Venue C", "2025-03-20", 5, 5, 10, 70.0, 0.0, 30.0),
    ]
    assert table.rows[0]["run"] == "Baby massage"


def test_small_groups_are_suppressed_at_four_but_not_five(programme: Programme) -> None:
    run = make_run(programme.provider, programme.venue_c, timezone.now() - timedelta(days=3))
    places = make_places(run, ["enrolled"] * 5)
    mark(run, 1, places[:4], ["present"] * 4)
    today = timezone.localdate()
    filters = ReportFilters(date_from=today - timedelta(days=7), date_to=today)
    row = attendance_section(programme.manager_scope(), filters).table("by_run").rows[0]
    assert rate_cells(row) == (S, S, S, S, S)
    mark(run, 1, places[4:], ["present"])
    row = attendance_section(programme.manager_scope(), filters).table("by_run").rows[0]
    assert rate_cells(row) == (5, 5, 100.0, 0.0, 0.0)


def test_one_family_at_many_sessions_is_still_one_family(programme: Programme) -> None:
    """Five marks, one family: no rate, no count of marks (which, beside the sessions held,
    would give the number of families away), and the total is hidden with it."""
    run = make_run(programme.provider, programme.venue_c, timezone.now() - timedelta(weeks=5))
    (place,) = make_places(run, ["enrolled"])
    for week in range(1, 6):
        mark(run, week, [place], ["dna" if week == 3 else "present"])
    today = timezone.localdate()
    filters = ReportFilters(date_from=today - timedelta(weeks=6), date_to=today)
    section = attendance_section(programme.manager_scope(), filters)
    assert [(row["venue"], *rate_cells(row)) for row in section.table("by_venue").rows] == [
        ("Venue C", S, S, S, S, S),
        ("All venues", S, S, S, S, S),
    ]
    assert [rate_cells(row) for row in section.table("by_run").rows] == [(S, S, S, S, S)]
    assert [rate_cells(row) for row in section.table("by_facilitator").rows] == [(S, S, S, S, S)]


def test_a_lone_hidden_row_takes_the_next_smallest_with_it(programme: Programme) -> None:
    """Venue D (3 families) is hidden; on its own it could be worked out as "All venues"
    minus Venue A minus Venue C, so Venue C (5 families, the next smallest) is hidden too.
    Across the tables: Fac2's 11 families are run 1 (Venue A) plus run 2 (Venue C), so with
    run 2 hidden and run 1 shown, run 2 would be Fac2 minus run 1; run 1 goes too, then
    Venue A (it is run 1) and Facilitator_A (run 1 again). Then Venue D would still be "All
    venues" minus Fac2 (runs 1 and 2 are all of Venues A and C), so Fac2 goes too."""
    venue_d = factories.make_venue(programme.provider, "Venue D")
    run = make_run(programme.provider, venue_d, at(2025, 3, 10))
    places = make_places(run, ["enrolled"] * 3)
    mark(run, 1, places, ["present", "present", "dna"])
    section = attendance_section(programme.manager_scope(), MARCH)
    assert [(row["venue"], *rate_cells(row)) for row in section.table("by_venue").rows] == [
        ("Venue A", S, S, S, S, S),
        ("Venue C", S, S, S, S, S),
        ("Venue D", S, S, S, S, S),
        ("All venues", 14, 31, 74.2, 6.5, 19.4),
    ]
    assert [(row["venue"], *rate_cells(row)) for row in section.table("by_run").rows] == [
        ("Venue A", S, S, S, S, S),
        ("Venue D", S, S, S, S, S),
        ("Venue C", S, S, S, S, S),
    ]
    assert [
        (row["facilitator"], *rate_cells(row)) for row in section.table("by_facilitator").rows
    ] == [
        ("Fac2", S, S, S, S, S),
        ("Facilitator_A", S, S, S, S, S),
        ("No facilitator named", S, S, S, S, S),
    ]
    chart = str(section.table("by_venue").chart)
    assert ">&lt;5</text>" in chart and "77.8%" not in chart and "70%" not in chart


def test_future_sessions_are_not_missing_registers(programme: Programme) -> None:
    run = make_run(programme.provider, programme.venue_c, timezone.now() + timedelta(days=2))
    today = timezone.localdate()
    filters = ReportFilters(date_from=today, date_to=today + timedelta(days=60))
    section = attendance_section(programme.manager_scope(), filters)
    assert section.table("registers").rows == [
        {"planned": 5, "cancelled": 0, "held": 0, "registered": 0, "unregistered": 0}
    ]
    assert section.table("registers").notes == ()
    assert section.table("by_venue").rows == [
        {
            "venue": "All venues",
            "families": 0,
            "marks": 0,
            "attendance_rate": None,
            "absent_rate": None,
            "dna_rate": None,
        }
    ]
    assert section.table("by_venue").chart is None
    assert [row["enrolled"] for row in section.table("by_run").rows] == [0]
    assert run.sessions.count() == 5


def test_facilitator_scope_sees_only_their_runs(programme: Programme) -> None:
    section = attendance_section(programme.facilitator_scope(), MARCH)
    assert section.table("registers").rows[0]["planned"] == 4
    assert [(row["venue"], *rate_cells(row)) for row in section.table("by_venue").rows] == [
        ("Venue A", 6, 18, 77.8, 11.1, 11.1),
        ("All venues", 6, 18, 77.8, 11.1, 11.1),
    ]
    assert [row["run"] for row in section.table("by_run").rows] == ["Baby massage"]
    both = attendance_section(programme.facilitator_scope(programme.co_facilitator), MARCH)
    assert both.table("by_venue").rows[-1]["marks"] == 28


def test_filters_by_venue_facilitator_and_run(programme: Programme) -> None:
    scope = programme.manager_scope()
    by_venue = attendance_section(scope, replace(MARCH, venue_id=programme.venue_c.pk))
    assert [row["venue"] for row in by_venue.table("by_venue").rows] == ["Venue C", "All venues"]
    by_person = attendance_section(scope, replace(MARCH, facilitator_id=programme.facilitator.pk))
    assert by_person.table("by_venue").rows[-1]["marks"] == 18
    by_run = attendance_section(scope, replace(MARCH, run_id=programme.run2.pk))
    assert by_run.table("by_venue").rows[-1]["attendance_rate"] == 70.0


def test_another_providers_marks_never_count(programme: Programme) -> None:
    mine = attendance_section(programme.manager_scope(), MARCH)
    assert "Venue B" not in [row["venue"] for row in mine.table("by_venue").rows]
    theirs = attendance_section(
        ReportScope(provider_ids=frozenset({programme.other_provider.pk})), MARCH
    )
    assert [(row["venue"], *rate_cells(row)) for row in theirs.table("by_venue").rows] == [
        ("Venue B", 5, 5, 0.0, 0.0, 100.0),
        ("All venues", 5, 5, 0.0, 0.0, 100.0),
    ]
    assert [
        (row["facilitator"], *rate_cells(row)) for row in theirs.table("by_facilitator").rows
    ] == [("No facilitator named", 5, 5, 0.0, 0.0, 100.0)]
    everyone = attendance_section(ReportScope(provider_ids=None), MARCH)
    assert everyone.table("by_venue").rows[-1]["marks"] == 33


def test_dates_outside_the_range_do_not_count(programme: Programme) -> None:
    winter = ReportFilters(date_from=date(2025, 1, 1), date_to=date(2025, 2, 28))
    section = attendance_section(programme.manager_scope(), winter)
    assert [(row["venue"], row["marks"]) for row in section.table("by_venue").rows] == [
        ("Venue A", 5),
        ("All venues", 5),
    ]


@pytest.mark.parametrize("extra_runs", [0, 4])
def test_query_count_does_not_grow(
    programme: Programme, extra_runs: int, django_assert_num_queries: Any
) -> None:
    more_runs(programme, extra_runs)
    with django_assert_num_queries(5):
        section = attendance_section(programme.manager_scope(), MARCH)
    assert len(section.table("by_run").rows) == 2 + extra_runs


def test_the_venue_chart_shows_the_largest_venues_when_there_are_many(
    programme: Programme,
) -> None:
    """Venue A (6 families) and Venue C (5) and 19 venues of one family each: the chart keeps
    the 20 with the most families (A and C among them), the table lists all 21."""
    for number in range(19):
        venue = factories.make_venue(programme.provider, f"Small venue {number:02}")
        run = make_run(programme.provider, venue, at(2025, 3, 10))
        mark(run, 1, make_places(run, ["enrolled"]), ["present"])
    table = attendance_section(programme.manager_scope(), MARCH).table("by_venue")
    assert len(table.rows) == 22  # 21 venues and the total
    chart = str(table.chart)
    assert chart.count('class="chart__bar"') == 20
    assert "Venue A" in chart and "Venue C" in chart
    assert "the 20 with the most families" in chart
    assert table.notes == (
        "The chart shows the 20 venues with the most families; the table lists every venue.",
    )

"""The outcomes section against the hand-built programme in ``report_data_r2``.

PHQ-9 pairs p0-p4 change by -3, -5, -2, -6, -4: mean -4, SD 1.5811, t(0.975, 4) = 2.7764,
so the 95% CI is -4 ± 1.9632 = (-5.96, -2.04), and d = -4 / 1.5811 = -2.53.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from nurture.outcomes.models import ReferralThreshold, ScheduledInstrument
from nurture.policy import ReportScope
from nurture.reports.sections.outcomes import outcomes_section
from nurture.reports.tables import SUPPRESSED
from tests.reports.report_data_r2 import (
    MARCH,
    Programme,
    answer,
    at,
    more_runs,
    programme_fixture,  # noqa: F401 (the programme fixture)
)

S = SUPPRESSED
PHQ9 = "Patient Health Questionnaire (PHQ-9)"
GAD7 = "Generalised Anxiety Disorder scale (GAD-7)"
FEEDBACK = "Course feedback (Nurture)"
FIGURES = (
    "pairs",
    "mean_start",
    "mean_end",
    "mean_change",
    "ci_low",
    "ci_high",
    "effect_size",
    "at_threshold",
    "moved_below",
)


def figures(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[key] for key in FIGURES)


def change_rows(scope: ReportScope, filters: Any = MARCH) -> dict[str, tuple[Any, ...]]:
    table = outcomes_section(scope, filters).table("change")
    return {row["instrument"]: figures(row) for row in table.rows}


def test_paired_change_with_confidence_interval_and_effect_size(programme: Programme) -> None:
    section = outcomes_section(programme.manager_scope(), MARCH)
    assert section.key == "outcomes"
    table = section.table("change")
    assert [row["instrument"] for row in table.rows] == [GAD7, PHQ9]
    assert figures(table.rows[1]) == (5, 13.0, 9.0, -4.0, -5.96, -2.04, -2.53, 5, 100.0)
    assert "Cohen's d" in table.definition and "do not show what caused" in table.definition
    assert any(note.startswith(PHQ9 + ": higher totals") for note in table.notes)


def test_four_pairs_suppress_the_whole_row_and_five_show_it(programme: Programme) -> None:
    assert change_rows(programme.manager_scope())[GAD7] == (S,) * 9
    answer(programme.p[4], "gad7", "baseline", 12, submitted=at(2025, 3, 3))
    answer(programme.p[4], "gad7", "post", 10, submitted=at(2025, 3, 31))
    # Changes -2, -1, -1, -4, -2: mean -2, SD √1.5 = 1.2247, half-width 2.7764 x 1.2247 / √5
    # = 1.5207; d = -1.63. At or above 10 at the start: 3 (suppressed).
    assert change_rows(programme.manager_scope())[GAD7] == (
        5,
        10.0,
        8.0,
        -2.0,
        -3.52,
        -0.48,
        -1.63,
        S,
        S,
    )


def test_what_is_not_a_pair(programme: Programme) -> None:
    """Only p0-p4 pair on PHQ-9: q0 (start only), q1 (draft end), q2 (end by another
    carer) and q3 (start on another place) are left out."""
    assert change_rows(programme.manager_scope())[PHQ9][0] == 5


def test_provider_threshold_replaces_the_packs(programme: Programme) -> None:
    ReferralThreshold.objects.create(provider=programme.provider, instrument_key="phq9", total=9)
    assert change_rows(programme.manager_scope())[PHQ9][-2:] == (5, 0.0)
    ReferralThreshold.objects.filter(provider=programme.provider).update(total=13)
    assert change_rows(programme.manager_scope())[PHQ9][-2:] == (S, S)
    ReferralThreshold.objects.create(
        provider=programme.other_provider, instrument_key="phq9", total=5
    )
    assert change_rows(programme.manager_scope())[PHQ9][-2:] == (S, S)


def test_another_providers_answers_never_count(programme: Programme) -> None:
    theirs = change_rows(ReportScope(provider_ids=frozenset({programme.other_provider.pk})))
    assert theirs == {PHQ9: (5, 20.0, 10.0, -10.0, -10.0, -10.0, None, 5, 0.0)}
    # Everyone: changes -3, -5, -2, -6, -4 and five of -10. Mean -7; squares sum to 590, so
    # the variance is (590 - 490) / 9 and the SD 3.3333; t(0.975, 9) = 2.2622, so -7 ± 2.3846;
    # d = -2.1. All ten start at or above 10; five end below it.
    everyone = change_rows(ReportScope(provider_ids=None))
    assert everyone[PHQ9] == (10, 16.5, 9.5, -7.0, -9.38, -4.62, -2.1, 10, 50.0)


def test_only_courses_that_began_in_the_range(programme: Programme) -> None:
    rows = change_rows(programme.manager_scope(), replace(MARCH, run_id=programme.run2.pk))
    assert rows == {}
    april = replace(MARCH, date_from=MARCH.date_to.replace(month=4, day=1))
    april = replace(april, date_to=april.date_from.replace(day=30))
    assert change_rows(programme.manager_scope(), april) == {}


def test_completion_by_default_schedule(programme: Programme) -> None:
    table = outcomes_section(programme.manager_scope(), MARCH).table("completion")
    assert [
        (row["instrument"], row["point"], row["asked"], row["answered"], row["share"])
        for row in table.rows
    ] == [
        (GAD7, "Start of the course", 10, 5, 50.0),
        (PHQ9, "Start of the course", 10, 8, 80.0),
        (FEEDBACK, "End of the course", 9, 0, 0.0),
        (GAD7, "End of the course", 9, S, S),
        (PHQ9, "End of the course", 9, 7, 77.8),
    ]


def test_completion_follows_the_providers_own_schedule(programme: Programme) -> None:
    ScheduledInstrument.objects.create(
        provider=programme.provider, instrument_key="phq9", point="baseline"
    )
    ScheduledInstrument.objects.create(
        provider=programme.other_provider, instrument_key="gad7", point="post"
    )
    table = outcomes_section(programme.manager_scope(), MARCH).table("completion")
    assert [(row["instrument"], row["asked"], row["share"]) for row in table.rows] == [
        (PHQ9, 10, 80.0)
    ]


def test_chart_shows_instruments_with_enough_pairs(programme: Programme) -> None:
    chart = str(outcomes_section(programme.manager_scope(), MARCH).table("change").chart)
    assert "<title" in chart and "<desc" in chart
    assert f"{PHQ9}: mean 13 at the start and 9 at the end (5 pairs)" in chart
    assert GAD7 not in chart
    empty = outcomes_section(programme.manager_scope(), replace(MARCH, run_id=programme.run2.pk))
    assert empty.table("change").chart is None


@pytest.mark.parametrize("extra_runs", [0, 4])
def test_query_count_does_not_grow(
    programme: Programme, extra_runs: int, django_assert_num_queries: Any
) -> None:
    more_runs(programme, extra_runs)
    with django_assert_num_queries(4):
        section = outcomes_section(programme.manager_scope(), MARCH)
    assert section.table("change").rows[1]["pairs"] == 5 + 6 * extra_runs

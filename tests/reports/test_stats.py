"""Paired-change statistics against values worked by hand."""

from __future__ import annotations

import math

import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nurture.reports import stats
from nurture.reports.tables import MIN_GROUP, SUPPRESSED, suppress_linked, suppress_parts


def sums(changes: list[int]) -> tuple[int, int, int]:
    return len(changes), sum(changes), sum(c * c for c in changes)


def test_worked_example() -> None:
    # Changes -3, -5, -2, -6, -4: mean -4; squares sum to 90, so the variance is
    # (90 - 400/5) / 4 = 2.5 and the SD is 1.5811; t(0.975, 4) = 2.7764, the standard
    # error 1.5811 / √5 = 0.7071, so the interval is -4 ± 1.9632; d = -4 / 1.5811 = -2.53.
    result = stats.paired_change(*sums([-3, -5, -2, -6, -4]))
    assert result is not None
    assert result.n == 5
    assert result.mean == -4
    assert result.sd == pytest.approx(1.5811, abs=1e-4)
    assert result.ci_half_width == pytest.approx(1.9632, abs=1e-4)
    assert result.ci_low == pytest.approx(-5.9632, abs=1e-4)
    assert result.ci_high == pytest.approx(-2.0368, abs=1e-4)
    assert result.effect_size == pytest.approx(-2.5298, abs=1e-4)


def test_two_pairs_use_the_wide_t_value() -> None:
    # Changes 1 and 3: mean 2, SD √2; t(0.975, 1) = 12.7062, so ± 12.7062 * √2 / √2.
    result = stats.paired_change(*sums([1, 3]))
    assert result is not None
    assert result.sd == pytest.approx(math.sqrt(2))
    assert result.ci_half_width == pytest.approx(12.7062, abs=1e-4)
    assert result.effect_size == pytest.approx(2 / math.sqrt(2))


def test_no_spread_has_no_effect_size_and_a_zero_width_interval() -> None:
    result = stats.paired_change(*sums([-2, -2, -2, -2, -2]))
    assert result is not None
    assert result.mean == -2
    assert result.sd == 0
    assert result.ci_low == result.ci_high == -2
    assert result.effect_size is None


def test_one_pair_has_a_mean_but_no_interval() -> None:
    result = stats.paired_change(*sums([4]))
    assert result is not None
    assert result.mean == 4
    assert result.sd is None
    assert result.ci_low is None and result.ci_half_width is None
    assert result.effect_size is None


def test_no_pairs() -> None:
    assert stats.paired_change(0, 0, 0) is None
    assert stats.mean(0, 0) is None
    assert stats.mean(12, 4) == 3


def test_t_critical_values() -> None:
    assert stats.t_critical(5) == pytest.approx(2.7764, abs=1e-4)
    assert stats.t_critical(31) == pytest.approx(2.0423, abs=1e-4)
    assert stats.t_critical(10_001) == pytest.approx(1.9602, abs=1e-4)


def test_sd_from_sums_matches_the_direct_formula() -> None:
    changes = [7, -1, 0, 4, 4, -9, 2, 3]
    n, total, squares = sums(changes)
    average = total / n
    direct = math.sqrt(sum((c - average) ** 2 for c in changes) / (n - 1))
    assert stats.sample_sd(n, total, squares) == pytest.approx(direct)
    assert stats.sample_sd(1, 5, 25) is None


# --- Suppression of parts of a whole ----------------------------------------------------------


def test_one_small_part_takes_the_next_smallest_with_it() -> None:
    cells, hide_whole = suppress_parts([20, 3, 9, 0], 32)
    assert cells == [20, SUPPRESSED, SUPPRESSED, 0]
    assert hide_whole is False


def test_two_small_parts_protect_each_other() -> None:
    assert suppress_parts([20, 3, 2], 25) == ([20, SUPPRESSED, SUPPRESSED], False)


def test_a_lone_small_part_beside_zeros_hides_the_whole() -> None:
    assert suppress_parts([0, 3, 0], 3) == ([0, SUPPRESSED, 0], True)


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8))
def test_no_hidden_part_can_be_worked_out_from_the_whole(counts: list[int]) -> None:
    cells, hide_whole = suppress_parts(counts, sum(counts))
    hidden = [i for i, cell in enumerate(cells) if cell == SUPPRESSED]
    for index, count in enumerate(counts):
        if 0 < count < MIN_GROUP:
            assert index in hidden
    assert len(hidden) != 1 or hide_whole


# --- Suppression across tables ---------------------------------------------------------------


@st.composite
def linked_tables(draw: st.DrawFn) -> tuple[dict[str, int], list[tuple[str, list[str]]]]:
    """Course counts, and groups of courses (venues, facilitators, the total) shown as
    their sums: each group's count is the sum of its courses'."""
    courses = draw(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=10))
    counts = {f"course{i}": count for i, count in enumerate(courses)}
    groups = draw(
        st.lists(st.sets(st.sampled_from(sorted(counts)), min_size=1), min_size=1, max_size=5)
    )
    sums = []
    for number, members in enumerate([set(counts), *groups]):
        name = f"group{number}"
        counts[name] = sum(counts[member] for member in members)
        sums.append((name, sorted(members)))
    return counts, sums


@given(linked_tables())
def test_no_hidden_cell_is_one_sum_minus_cells_shown(
    tables: tuple[dict[str, int], list[tuple[str, list[str]]]],
) -> None:
    counts, sums = tables
    hidden = suppress_linked(counts, sums)
    for key, count in counts.items():
        if 0 < count < MIN_GROUP:
            assert key in hidden
    for total, parts in sums:
        hidden_here = [key for key in (total, *parts) if key in hidden and counts[key] > 0]
        assert len(hidden_here) != 1, (total, parts, hidden)


def test_a_venue_minus_its_other_courses_does_not_give_a_hidden_course() -> None:
    """Course b (3) is hidden; the venue (3 + 20 = 23) and course a (20) are shown in other
    tables, so a goes too. Course c, at another venue, is left alone."""
    counts = {"a": 20, "b": 3, "c": 9, "venue1": 23, "venue2": 9, "all": 32}
    sums = [("venue1", ["a", "b"]), ("venue2", ["c"]), ("all", ["venue1", "venue2"])]
    assert suppress_linked(counts, sums) == {"a", "b"}


def determined(
    counts: dict[str, int], sums: list[tuple[str, list[str]]], hidden: set[str]
) -> set[str]:
    """Hidden cells a reader could work out, by rank: a cell is determined by the equations
    exactly when dropping its column lowers the rank of the matrix of unknowns."""
    unknown = sorted(key for key in hidden if counts[key] > 0)
    if not unknown:
        return set()
    matrix = numpy.array(
        [
            [(1 if key == total else 0) - (1 if key in parts else 0) for key in unknown]
            for total, parts in sums
        ],
        dtype=float,
    )
    rank = numpy.linalg.matrix_rank(matrix)
    return {
        key
        for index, key in enumerate(unknown)
        if numpy.linalg.matrix_rank(numpy.delete(matrix, index, axis=1)) < rank
    }


@given(linked_tables())
def test_no_small_hidden_cell_follows_from_all_the_sums_together(
    tables: tuple[dict[str, int], list[tuple[str, list[str]]]],
) -> None:
    counts, sums = tables
    hidden = suppress_linked(counts, sums)
    worked_out = determined(counts, sums, hidden)
    assert not {key for key in worked_out if counts[key] < MIN_GROUP}, (counts, sums, hidden)


def test_two_sums_together_do_not_give_a_hidden_course_away() -> None:
    """The reviewer's case: venue 2 is courses 0 and 1; facilitator 3 runs courses 0, 1, 2
    and 4. With venue 2 (17), course 2 (8) and facilitator 3 (26) shown, course 4 would be
    26 - 17 - 8 = 1, though every single sum has two hidden cells or none."""
    counts = {"r0": 9, "r1": 8, "r2": 8, "r3": 9, "r4": 1, "r5": 18}
    counts |= {"v2": 17, "v1": 36, "f3": 26, "all": 53}
    sums = [
        ("v2", ["r0", "r1"]),
        ("v1", ["r2", "r3", "r4", "r5"]),
        ("f3", ["r0", "r1", "r2", "r4"]),
        ("all", ["v1", "v2"]),
    ]
    hidden = suppress_linked(counts, sums)
    assert "r4" in hidden
    assert "r4" not in determined(counts, sums, hidden)

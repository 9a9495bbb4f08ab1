"""Scoring every shipped instrument and the synthetic EPDS against hand-worked examples, and
the safety rules over every combination of answers (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nurture.questionnaires import packs, scoring
from nurture.questionnaires.instruments import Instrument
from tests.questionnaires.conftest import phq9


def latest(key: str) -> Instrument:
    found = packs.registry().latest(key)
    assert found is not None
    return found


def by_number(values: list[int]) -> dict[int, int]:
    return dict(enumerate(values, start=1))


# --- PHQ-9 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "total", "band", "safety", "at_threshold"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "Minimal", (), False),
        ([1, 0, 1, 0, 1, 0, 1, 0, 0], 4, "Minimal", (), False),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "Mild", (), False),
        ([1, 2, 0, 3, 1, 0, 2, 1, 0], 10, "Moderate", (), True),
        ([0, 0, 0, 0, 0, 0, 0, 0, 1], 1, "Minimal", (9,), False),
        ([2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "Moderately severe", (), True),
        ([3, 3, 3, 3, 3, 3, 2, 0, 3], 23, "Severe", (9,), True),
        ([3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "Severe", (9,), True),
    ],
)
def test_phq9_hand_worked(
    values: list[int], total: int, band: str, safety: tuple[int, ...], at_threshold: bool
) -> None:
    result = scoring.score(phq9(), by_number(values))
    assert (result.total, result.band, result.safety_items) == (total, band, safety)
    assert result.at_threshold is at_threshold
    assert result.needs_alert is (bool(safety) or at_threshold)


def test_phq9_difficulty_question_is_optional_and_counts_for_nothing() -> None:
    without = scoring.score(phq9(), by_number([1] * 9))
    with_it = scoring.score(phq9(), by_number([1] * 9 + [3]))
    assert without.total == with_it.total == 9
    assert 10 not in with_it.item_scores


def test_missing_answers_are_errors_never_zero() -> None:
    values = by_number([0] * 9)
    del values[9], values[4]
    with pytest.raises(scoring.AnswerError) as error:
        scoring.score(phq9(), values)
    assert error.value.errors == {"answers.4": scoring.MISSING, "answers.9": scoring.MISSING}


def test_unknown_questions_and_choices_are_named() -> None:
    errors = scoring.check_answers(phq9(), {1: 4, 11: 0, 2: -1}, complete=False)
    assert errors == {
        "answers.1": scoring.BAD_CHOICE,
        "answers.2": scoring.BAD_CHOICE,
        "answers.11": scoring.UNKNOWN_ITEM,
    }
    answers, problems = scoring.parse_answers({"1": 0, "x": 1, "2": "1", "3": True, "4": None})
    assert answers == {1: 0}
    assert problems == {
        "answers.x": scoring.UNKNOWN_ITEM,
        "answers.2": scoring.BAD_CHOICE,
        "answers.3": scoring.BAD_CHOICE,
    }


def test_a_provider_threshold_replaces_the_packs() -> None:
    values = by_number([1, 1, 1, 1, 1, 1, 1, 1, 0])  # 8
    assert not scoring.score(phq9(), values).at_threshold
    lower = scoring.score(phq9(), values, referral_threshold=8)
    assert lower.at_threshold and lower.threshold == 8 and lower.reasons == ("total_threshold",)


def test_result_snapshot_round_trips() -> None:
    result = scoring.score(phq9(), by_number([3, 2, 1, 0, 3, 2, 1, 0, 2]))
    assert scoring.Result.from_dict(result.to_dict()) == result


# --- GAD-7 and our feedback form ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "total", "band", "at_threshold"),
    [
        ([0, 0, 0, 0, 0, 0, 0], 0, "Minimal", False),
        ([1, 1, 1, 1, 1, 0, 0], 5, "Mild", False),
        ([2, 2, 1, 1, 0, 3, 0], 9, "Mild", False),
        ([2, 2, 1, 1, 1, 3, 0], 10, "Moderate", True),
        ([3, 3, 3, 3, 3, 0, 0], 15, "Severe", True),
        ([3, 3, 3, 3, 3, 3, 3], 21, "Severe", True),
    ],
)
def test_gad7_hand_worked(values: list[int], total: int, band: str, at_threshold: bool) -> None:
    result = scoring.score(latest("gad7"), by_number(values))
    assert (result.total, result.band, result.at_threshold) == (total, band, at_threshold)
    assert result.safety_items == ()


def test_course_feedback_hand_worked() -> None:
    result = scoring.score(latest("course-feedback"), by_number([4, 3, 2, 4, 4, 4]))
    assert result.total == 21
    assert result.subscales == {"confidence": 9, "experience": 12}
    assert (result.band, result.threshold, result.needs_alert) == ("", None, False)


# --- The synthetic EPDS: reverse scoring and question 10 ---------------------------------------


@pytest.mark.parametrize(
    ("positions", "total", "safety", "at_threshold"),
    [
        # Items 1, 2 and 4 count as listed; 3 and 5-10 count from the other end.
        ([0] * 10, 21, (10,), True),
        ([3] * 10, 9, (), False),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1, 3], 15, (), True),
        ([0, 0, 3, 0, 3, 3, 3, 3, 3, 3], 0, (), False),
        ([0, 0, 3, 0, 3, 3, 3, 3, 3, 2], 1, (10,), False),
        ([3, 3, 3, 3, 3, 3, 3, 2, 3, 3], 10, (), False),
        ([3, 3, 2, 3, 3, 2, 2, 2, 3, 3], 13, (), True),
    ],
)
def test_epds_hand_worked(
    epds: Instrument,
    positions: list[int],
    total: int,
    safety: tuple[int, ...],
    at_threshold: bool,
) -> None:
    result = scoring.score(epds, by_number(positions))
    assert (result.total, result.safety_items, result.at_threshold) == (
        total,
        safety,
        at_threshold,
    )


def test_epds_question_10_each_answer(epds: Instrument) -> None:
    """Listed top to bottom, question 10's options score 3, 2, 1, 0: only the last is safe."""
    calm = [0, 0, 3, 0, 3, 3, 3, 3, 3]
    for position, fires in ((0, True), (1, True), (2, True), (3, False)):
        result = scoring.score(epds, by_number([*calm, position]))
        assert (result.safety_items == (10,)) is fires, position
        assert scoring.positive_safety_items(epds, {10: position}) == ((10,) if fires else ())


# --- Every combination of answers ---------------------------------------------------------------


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_alert_exactly_when_question_9_or_the_total_says_so(values: list[int]) -> None:
    result = scoring.score(phq9(), by_number(values))
    assert result.total == sum(values)
    assert (result.safety_items == (9,)) is (values[8] > 0)
    assert result.needs_alert is (values[8] > 0 or sum(values) >= 10)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 3), min_size=10, max_size=10))
def test_epds_question_10_fires_whatever_the_total(epds: Instrument, positions: list[int]) -> None:
    result = scoring.score(epds, by_number(positions))
    reversed_items = {3, 5, 6, 7, 8, 9, 10}
    expected_total = sum(
        3 - position if number in reversed_items else position
        for number, position in by_number(positions).items()
    )
    assert result.total == expected_total
    assert (result.safety_items == (10,)) is (positions[9] != 3)
    assert result.needs_alert is (positions[9] != 3 or expected_total >= 13)

"""Eligibility boundaries: under six months (corrected) and at least six weeks at course start."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from nurture.families import ages
from nurture.referrals.eligibility import AgeLimits, check, window

LIMITS = AgeLimits(min_age_weeks=6, max_age_months=6)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
gestations = st.one_of(st.none(), st.integers(ages.MIN_GESTATION_DAYS, ages.MAX_GESTATION_DAYS))


def test_exactly_six_months_at_start_is_too_old_and_the_day_before_is_fine() -> None:
    born = date(2026, 1, 15)
    assert check(born, None, date(2026, 7, 14), LIMITS).eligible
    verdict = check(born, None, date(2026, 7, 15), LIMITS)
    assert not verdict.eligible
    assert verdict.reason.startswith("Too old")


def test_six_weeks_at_start_is_old_enough_and_a_day_less_is_not() -> None:
    born = date(2026, 1, 15)
    assert check(born, None, born + timedelta(weeks=6), LIMITS).eligible
    verdict = check(born, None, born + timedelta(weeks=6) - timedelta(days=1), LIMITS)
    assert not verdict.eligible and verdict.reason.startswith("Too young")


def test_preterm_babies_use_corrected_age() -> None:
    born = date(2026, 1, 15)  # at 30 weeks: due 10 weeks later, on 26 March
    span = window(born, 30 * 7, LIMITS)
    assert span.first_start == date(2026, 3, 26) + timedelta(weeks=6)
    assert span.last_start == date(2026, 9, 25)
    assert check(born, 30 * 7, date(2026, 9, 1), LIMITS).eligible
    assert not check(born, None, date(2026, 9, 1), LIMITS).eligible
    assert "corrected age" in check(born, 30 * 7, date(2026, 9, 26), LIMITS).reason


def test_babies_born_at_37_weeks_use_their_real_age() -> None:
    born = date(2026, 1, 15)
    assert window(born, 37 * 7, LIMITS) == window(born, None, LIMITS)
    assert window(born, 36 * 7 + 6, LIMITS) != window(born, None, LIMITS)


def test_leap_years_and_month_ends() -> None:
    assert window(date(2023, 8, 31), None, LIMITS).last_start == date(2024, 2, 28)
    assert window(date(2025, 8, 31), None, LIMITS).last_start == date(2026, 2, 27)
    assert window(date(2024, 2, 29), None, LIMITS).last_start == date(2024, 8, 28)


@given(born=dates, gestation=gestations, offset=st.integers(-30, 400))
def test_the_verdict_agrees_with_the_age_on_the_start_day(
    born: date, gestation: int | None, offset: int
) -> None:
    start = born + timedelta(days=offset)
    verdict = check(born, gestation, start, LIMITS)
    age = ages.baby_age(born, gestation, start).for_eligibility
    reference = born
    if ages.is_preterm(gestation):
        assert gestation is not None
        reference = ages.corrected_birth_date(born, gestation)
    old_enough = start >= reference + timedelta(weeks=6)
    under_six_months = (start >= reference and age.months < 6) or start < reference
    assert verdict.eligible == (old_enough and under_six_months)
    assert verdict.window.contains(start) == verdict.eligible


@given(born=dates, gestation=gestations, weeks=st.integers(1, 12), months=st.integers(2, 12))
def test_the_window_is_never_empty_for_sensible_limits(
    born: date, gestation: int | None, weeks: int, months: int
) -> None:
    assume(weeks * 7 < months * 28)
    span = window(born, gestation, AgeLimits(min_age_weeks=weeks, max_age_months=months))
    assert span.first_start <= span.last_start

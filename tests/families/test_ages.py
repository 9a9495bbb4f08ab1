"""Age and corrected age: boundaries around 37 weeks and at month ends."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from nurture.families import ages

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
gestations = st.integers(min_value=ages.MIN_GESTATION_DAYS, max_value=ages.MAX_GESTATION_DAYS)


def test_born_at_36_weeks_6_days_is_preterm_and_37_weeks_is_not() -> None:
    assert ages.is_preterm(36 * 7 + 6)
    assert not ages.is_preterm(37 * 7)
    assert not ages.is_preterm(None)


def test_corrected_age_counts_from_the_due_date() -> None:
    born = date(2026, 1, 10)
    age = ages.baby_age(born, 32 * 7, on=born + timedelta(weeks=20))
    assert age.chronological.weeks == 20
    assert age.corrected is not None
    assert age.corrected.weeks == 12
    assert age.for_eligibility == age.corrected


def test_term_babies_have_no_corrected_age() -> None:
    born = date(2026, 1, 10)
    age = ages.baby_age(born, 37 * 7, on=born + timedelta(weeks=20))
    assert age.corrected is None
    assert age.for_eligibility == age.chronological


@given(born=dates, gestation=gestations, days_old=st.integers(0, 800))
def test_corrected_age_applies_exactly_below_37_weeks(
    born: date, gestation: int, days_old: int
) -> None:
    on = born + timedelta(days=days_old)
    age = ages.baby_age(born, gestation, on)
    assert (age.corrected is not None) == (gestation < 37 * 7)
    if age.corrected is not None:
        early_by = ages.TERM_DAYS - gestation
        assert age.corrected.days == max(days_old - early_by, 0)
        assert age.corrected.days <= age.chronological.days
        assert age.days_until_due == max(early_by - days_old, 0)
    else:
        assert age.days_until_due == 0


def test_month_ends_clamp_to_the_last_day_of_a_shorter_month() -> None:
    assert ages.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert ages.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert ages.whole_months_between(date(2025, 1, 31), date(2025, 2, 27)) == 0
    assert ages.whole_months_between(date(2025, 1, 31), date(2025, 2, 28)) == 1
    assert ages.whole_months_between(date(2025, 1, 31), date(2025, 3, 30)) == 1
    assert ages.whole_months_between(date(2025, 1, 31), date(2025, 3, 31)) == 2
    assert ages.whole_months_between(date(2025, 8, 31), date(2026, 2, 28)) == 6


@given(start=dates, end=dates)
def test_whole_months_is_the_largest_whole_number_of_months(start: date, end: date) -> None:
    months = ages.whole_months_between(start, end)
    if end < start:
        assert months == 0
        return
    assert ages.add_months(start, months) <= end
    assert ages.add_months(start, months + 1) > end


@given(born=dates, due_offset=st.integers(-28, 18 * 7))
def test_gestation_from_due_date_round_trips(born: date, due_offset: int) -> None:
    due = born + timedelta(days=due_offset)
    gestation = ages.gestation_days_from_due_date(born, due)
    assert ages.corrected_birth_date(born, gestation) == due


def test_ages_in_words() -> None:
    assert ages.Age.between(date(2026, 1, 1), date(2026, 1, 1)).describe() == "0 days"
    assert ages.Age.between(date(2026, 1, 1), date(2026, 1, 2)).describe() == "1 day"
    assert ages.Age.between(date(2026, 1, 1), date(2026, 1, 8)).describe() == "1 week"
    assert ages.Age.between(date(2026, 1, 1), date(2026, 1, 18)).describe() == "2 weeks 3 days"
    assert ages.Age.between(date(2026, 1, 1), date(2026, 4, 1)).describe() == "3 months"
    assert ages.Age.between(date(2026, 1, 1), date(2026, 7, 15)).describe() == "6 months"


def test_a_preterm_baby_before_the_due_date_counts_down_to_it() -> None:
    born = date(2026, 1, 10)
    age = ages.baby_age(born, 34 * 7, on=born + timedelta(weeks=3))
    assert age.corrected is not None and age.corrected.days == 0
    assert age.days_until_due == 21
    assert age.until_due == "3 weeks"

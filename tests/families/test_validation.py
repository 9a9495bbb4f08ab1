"""Birth details and contact rules, shared by forms and the API."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from nurture.families.validation import birth_details_problems, mobile_problem

TODAY = date(2026, 11, 22)


def problems(**overrides: object) -> dict[str, str]:
    values: dict[str, object] = {
        "date_of_birth": TODAY - timedelta(weeks=8),
        "gestation_weeks": None,
        "gestation_extra_days": None,
        "due_date": None,
        "today": TODAY,
    }
    values.update(overrides)
    return birth_details_problems(**values)  # type: ignore[arg-type]


def test_a_plain_term_baby_is_fine() -> None:
    assert problems() == {}


def test_birth_in_the_future_is_refused() -> None:
    assert "date_of_birth" in problems(date_of_birth=TODAY + timedelta(days=1))
    assert problems(date_of_birth=TODAY) == {}


def test_missing_birth_date_is_named() -> None:
    assert problems(date_of_birth=None) == {"date_of_birth": "Enter the baby's date of birth."}


def test_gestation_limits() -> None:
    assert problems(gestation_weeks=22, gestation_extra_days=0) == {}
    assert problems(gestation_weeks=44, gestation_extra_days=6) == {}
    assert "gestation_weeks" in problems(gestation_weeks=21, gestation_extra_days=6)
    assert "gestation_extra_days" in problems(gestation_weeks=30, gestation_extra_days=7)
    assert "gestation_weeks" in problems(gestation_extra_days=3)


def test_due_date_must_agree_with_gestation() -> None:
    born = TODAY - timedelta(weeks=8)
    due = born + timedelta(weeks=6)  # born at 34 weeks
    assert problems(date_of_birth=born, due_date=due) == {}
    assert problems(date_of_birth=born, due_date=due, gestation_weeks=34) == {}
    assert "due_date" in problems(date_of_birth=born, due_date=due, gestation_weeks=30)
    assert "due_date" in problems(date_of_birth=born, due_date=born + timedelta(weeks=20))


@given(
    weeks=st.one_of(st.none(), st.integers(0, 60)),
    extra=st.one_of(st.none(), st.integers(-3, 10)),
    offset=st.one_of(st.none(), st.integers(-400, 400)),
    age_days=st.integers(-30, 2000),
)
def test_any_input_gets_answers_keyed_by_known_fields(
    weeks: int | None, extra: int | None, offset: int | None, age_days: int
) -> None:
    born = TODAY - timedelta(days=age_days)
    found = problems(
        date_of_birth=born,
        gestation_weeks=weeks,
        gestation_extra_days=extra,
        due_date=None if offset is None else born + timedelta(days=offset),
    )
    assert set(found) <= {"date_of_birth", "gestation_weeks", "gestation_extra_days", "due_date"}
    assert all(message.endswith(".") for message in found.values())
    if age_days < 0:
        assert "date_of_birth" in found


def test_mobile_numbers() -> None:
    assert mobile_problem("") is None
    assert mobile_problem("07700 900123") is None
    assert mobile_problem("+44 7700 900123") is None
    assert mobile_problem("call me") is not None
    assert mobile_problem("123") is not None

"""Who may join a course that starts on a given day. Pure functions, no Django.

A baby may join if, on the first day they would attend, their age is at least the minimum
(default six weeks) and under the maximum (default six months). For babies born before
37 weeks both ages count from the due date (corrected age).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from nurture.families import ages


@dataclass(frozen=True)
class AgeLimits:
    min_age_weeks: int = 6
    max_age_months: int = 6


@dataclass(frozen=True)
class Window:
    """The range of start dates a baby is eligible for, both ends included."""

    first_start: date
    last_start: date

    def contains(self, start: date) -> bool:
        return self.first_start <= start <= self.last_start


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    reason: str
    window: Window


def age_reference_date(date_of_birth: date, gestation_days: int | None) -> date:
    """The date ages count from: the due date for a preterm baby, else the birth date."""
    if ages.is_preterm(gestation_days):
        assert gestation_days is not None
        return ages.corrected_birth_date(date_of_birth, gestation_days)
    return date_of_birth


def window(date_of_birth: date, gestation_days: int | None, limits: AgeLimits) -> Window:
    reference = age_reference_date(date_of_birth, gestation_days)
    ages_out = ages.add_months(reference, limits.max_age_months)
    return Window(
        first_start=reference + timedelta(weeks=limits.min_age_weeks),
        last_start=ages_out - timedelta(days=1),
    )


def check(
    date_of_birth: date, gestation_days: int | None, start: date, limits: AgeLimits
) -> Verdict:
    span = window(date_of_birth, gestation_days, limits)
    corrected = " (corrected age)" if ages.is_preterm(gestation_days) else ""
    if start < span.first_start:
        return Verdict(
            False,
            f"Too young: under {limits.min_age_weeks} weeks{corrected} on "
            f"{start:%-d %B %Y}; can start from {span.first_start:%-d %B %Y}.",
            span,
        )
    if start > span.last_start:
        return Verdict(
            False,
            f"Too old: {limits.max_age_months} months or older{corrected} on "
            f"{start:%-d %B %Y}; the last start date was {span.last_start:%-d %B %Y}.",
            span,
        )
    return Verdict(True, "Eligible.", span)

"""Baby ages: chronological age and, for babies born before 37 weeks, corrected age.

Pure functions, no Django. Corrected age counts from the date the baby was due
(40 weeks), so a baby born 8 weeks early who is 20 weeks old has a corrected age of
12 weeks. Months are calendar months; a month from the 31st ends on the last day of a
shorter month (31 January + 1 month = 28 or 29 February).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

TERM_DAYS = 40 * 7
PRETERM_BEFORE_DAYS = 37 * 7
MIN_GESTATION_DAYS = 22 * 7
MAX_GESTATION_DAYS = 44 * 7 + 6


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def whole_months_between(start: date, end: date) -> int:
    """The number of whole calendar months from ``start`` to ``end`` (0 if end < start)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months


def gestation_days_from_due_date(date_of_birth: date, due_date: date) -> int:
    return TERM_DAYS - (due_date - date_of_birth).days


def is_preterm(gestation_days: int | None) -> bool:
    """Born before 37 completed weeks. Unknown gestation is treated as term."""
    return gestation_days is not None and gestation_days < PRETERM_BEFORE_DAYS


@dataclass(frozen=True)
class Age:
    days: int
    months: int
    weeks: int

    @classmethod
    def between(cls, start: date, on: date) -> Age:
        days = max((on - start).days, 0)
        return cls(days=days, months=whole_months_between(start, on), weeks=days // 7)

    def describe(self) -> str:
        """Plain words: weeks and days under 12 weeks, then months and weeks."""
        if self.days < 12 * 7:
            weeks, days = divmod(self.days, 7)
            parts = [_plural(weeks, "week")] if weeks else []
            if days or not weeks:
                parts.append(_plural(days, "day"))
            return " ".join(parts)
        return _plural(self.months, "month")


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class BabyAge:
    chronological: Age
    corrected: Age | None
    """None when corrected age does not apply (born at 37 weeks or later)."""
    days_until_due: int = 0
    """For a preterm baby not yet at their due date, how many days until it; else 0."""

    @property
    def until_due(self) -> str:
        """Plain words for the wait until the due date, e.g. "3 weeks 2 days"."""
        return Age(days=self.days_until_due, months=0, weeks=self.days_until_due // 7).describe()

    @property
    def for_eligibility(self) -> Age:
        """The age that programme rules use: corrected age for preterm babies."""
        return self.corrected or self.chronological


def corrected_birth_date(date_of_birth: date, gestation_days: int) -> date:
    return date_of_birth + timedelta(days=TERM_DAYS - gestation_days)


def baby_age(date_of_birth: date, gestation_days: int | None, on: date) -> BabyAge:
    chronological = Age.between(date_of_birth, on)
    if gestation_days is None or not is_preterm(gestation_days):
        return BabyAge(chronological=chronological, corrected=None)
    due = corrected_birth_date(date_of_birth, gestation_days)
    return BabyAge(
        chronological=chronological,
        corrected=Age.between(due, on),
        days_until_due=max((due - on).days, 0),
    )

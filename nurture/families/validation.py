"""Rules for family details, shared by the forms and the API so they never drift apart."""

from __future__ import annotations

import re
from datetime import date

from nurture.families import ages

_MOBILE = re.compile(r"^\+?[0-9 ]{10,16}$")


def mobile_problem(value: str) -> str | None:
    if value and not _MOBILE.match(value.strip()):
        return "Enter a mobile number like 07700 900123 or +44 7700 900123."
    return None


def normalise_mobile(value: str) -> str:
    return " ".join(value.split())


def birth_details_problems(
    *,
    date_of_birth: date | None,
    gestation_weeks: int | None,
    gestation_extra_days: int | None,
    due_date: date | None,
    today: date,
) -> dict[str, str]:
    """Field -> message for anything impossible or inconsistent about a baby's birth."""
    problems: dict[str, str] = {}
    if date_of_birth is None:
        return {"date_of_birth": "Enter the baby's date of birth."}
    if date_of_birth > today:
        problems["date_of_birth"] = "The date of birth cannot be in the future."
    elif (today - date_of_birth).days > 3 * 366:
        problems["date_of_birth"] = "Nurture is for babies; check the year of birth."
    if gestation_extra_days is not None and gestation_weeks is None:
        problems["gestation_weeks"] = "Enter the completed weeks as well as the extra days."
    if gestation_extra_days is not None and not 0 <= gestation_extra_days <= 6:
        problems["gestation_extra_days"] = "Extra days must be from 0 to 6."
    if gestation_weeks is not None:
        total = gestation_weeks * 7 + (gestation_extra_days or 0)
        if not ages.MIN_GESTATION_DAYS <= total <= ages.MAX_GESTATION_DAYS:
            problems["gestation_weeks"] = "Gestation at birth must be between 22 and 44 weeks."
    if due_date is not None and "date_of_birth" not in problems:
        from_due = ages.gestation_days_from_due_date(date_of_birth, due_date)
        if not ages.MIN_GESTATION_DAYS <= from_due <= ages.MAX_GESTATION_DAYS:
            problems["due_date"] = (
                "The due date must be within 18 weeks after or 4 weeks before the birth."
            )
        elif gestation_weeks is not None and "gestation_weeks" not in problems:
            total = gestation_weeks * 7 + (gestation_extra_days or 0)
            if abs(total - from_due) > 6:
                problems["due_date"] = (
                    "The due date and the gestation at birth do not match; "
                    "enter one of them, or check both."
                )
    return problems

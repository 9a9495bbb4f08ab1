"""A parent's insights, part two: trends. Sessions a week, and the diary (night sleep,
settling, crying) around the start of practice and on days with and without a massage.

Counted by the database over the baby's own rows in a bounded window (two queries). Nothing
claims a cause: the comparisons are of days and weeks, and the words say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from nurture.families.models import Baby
from nurture.lib.charts import number_text
from nurture.practice.models import DiaryEntry, DiaryKind
from nurture.practice.models import PracticeSession as Session

WEEKS = 12
"""Weeks of sessions shown in the trend, this one included."""
MIN_ENTRIES = 3
"""Diary entries (or days) needed on each side of a comparison."""
AROUND_START = timedelta(weeks=4)
"""The diary "before and after": the 4 weeks before the first session and the 4 weeks from
it (close in time, so the baby's growing up weighs less than over months)."""
NOT_A_CAUSE = (
    "These are patterns in what you have logged, not proof that massage caused them. Babies "
    "change quickly as they grow, and sleep, settling and crying have many causes."
)


@dataclass(frozen=True)
class WeekCount:
    starting: date
    sessions: int


@dataclass(frozen=True)
class Mean:
    value: float | None
    count: int
    """Entries (or, for crying, days) behind the mean."""


@dataclass(frozen=True)
class DiaryMeasure:
    key: str
    label: str
    unit: str
    before: Mean
    after: Mean
    with_massage: Mean
    without: Mean
    summary: list[str]
    definition: str

    @property
    def before_after_enough(self) -> bool:
        return min(self.before.count, self.after.count) >= MIN_ENTRIES

    @property
    def days_enough(self) -> bool:
        return min(self.with_massage.count, self.without.count) >= MIN_ENTRIES


@dataclass(frozen=True)
class Trends:
    weeks: list[WeekCount]
    practice_began: date | None
    measures: list[DiaryMeasure]
    summary: str
    definition: str
    note: str = NOT_A_CAUSE


def trends(baby: Baby, began: date | None) -> Trends:
    """Sessions a week over the last ``WEEKS`` weeks, and the diary around the start of
    practice and, over the same weeks, on days with and without a massage (two queries)."""
    today = timezone.localdate()
    first_week = today - timedelta(days=today.weekday(), weeks=WEEKS - 1)
    since = timezone.make_aware(datetime.combine(first_week, time.min))
    rows = (
        Session.objects.filter(baby=baby, started_at__gte=since)
        .annotate(week=TruncWeek("started_at"))
        .values("week")
        .annotate(sessions=Count("pk"))
        .order_by("week")
    )
    per_week = {_local_date(row["week"]): row["sessions"] for row in rows}
    weeks = [
        WeekCount(starting=start, sessions=per_week.get(start, 0))
        for start in (first_week + timedelta(weeks=n) for n in range(WEEKS))
    ]
    total = sum(week.sessions for week in weeks)
    return Trends(
        weeks=weeks,
        practice_began=began,
        measures=_diary_measures(baby, began, since),
        summary=(
            f"{total} session{plural_s(total)} in the last {WEEKS} weeks, "
            f"{weeks[-1].sessions} of them this week."
        ),
        definition=(
            f"Sessions started in each week (Monday to Sunday) of the last {WEEKS} weeks, "
            "whoever logged them, however they ended."
        ),
    )


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@dataclass(frozen=True)
class _Measure:
    key: str
    label: str
    unit: str
    kind: str
    field: str
    per_day: bool
    """Crying: the minutes a day (summed over the day's spells), not per entry."""
    what: str
    """How a sentence names it: "{name} slept", "settling scored", ..."""
    definition: str


_MEASURES = (
    _Measure(
        "sleep",
        "Night sleep",
        "hours",
        DiaryKind.SLEEP,
        "night_sleep_hours",
        False,
        "{name} slept {value} hours a night",
        "The hours of night sleep you logged, averaged over the nights logged.",
    ),
    _Measure(
        "settling",
        "Settling",
        "out of 5",
        DiaryKind.SLEEP,
        "settling",
        False,
        "settling scored {value} out of 5",
        "How settling went, from 1 (hard) to 5 (easy), averaged over the nights logged.",
    ),
    _Measure(
        "crying",
        "Crying",
        "minutes a day",
        DiaryKind.CRYING,
        "crying_minutes",
        True,
        "the crying you logged came to {value} minutes a day",
        "The minutes of crying you logged in a day, added up over the day's spells and "
        "averaged over the days with any crying logged.",
    ),
)


def _diary_measures(baby: Baby, began: date | None, recent: datetime) -> list[DiaryMeasure]:
    """One grouped query over a bounded stretch of the baby's diary: each measure's total and
    count in the 4 weeks before and after the first session and, since ``recent`` (and the
    first session), on days with and without a massage; at most six groups, from whose
    totals the means of each side are worked out."""
    start = began or timezone.localdate() + timedelta(days=1)
    from_day = max(start, timezone.localdate(recent))
    massage_days = Session.objects.filter(
        baby=baby, started_at__gte=max(recent, _midnight(start))
    ).annotate(day=TruncDate("started_at"))
    around = {
        "before": Q(date__gte=start - AROUND_START, date__lt=start),
        "after": Q(date__gte=start, date__lt=start + AROUND_START),
        "recent": Q(date__gte=from_day),
    }
    totals: dict[str, Any] = {}
    for measure in _MEASURES:
        logged = Q(kind=measure.kind, **{f"{measure.field}__isnull": False})
        totals[f"{measure.key}_sum"] = Sum(measure.field, filter=logged)
        totals[f"{measure.key}_n"] = (
            Count("date", distinct=True, filter=logged)  # a day may have several spells
            if measure.per_day
            else Count("pk", filter=logged)
        )
    flags = {key: ExpressionWrapper(q, output_field=BooleanField()) for key, q in around.items()}
    groups = list(
        DiaryEntry.objects.filter(around["before"] | around["after"] | around["recent"], baby=baby)
        .annotate(
            **flags,
            massage=ExpressionWrapper(
                Q(date__in=Subquery(massage_days.values("day"))), output_field=BooleanField()
            ),
        )
        .values(*flags, "massage")
        .annotate(**totals)
        .order_by()
    )
    sides = {
        "before": [g for g in groups if g["before"]],
        "after": [g for g in groups if g["after"]],
        "with": [g for g in groups if g["recent"] and g["massage"]],
        "without": [g for g in groups if g["recent"] and not g["massage"]],
    }
    return [
        _diary_measure(
            measure,
            {side: _mean(found, measure.key) for side, found in sides.items()},
            baby.given_name,
        )
        for measure in _MEASURES
    ]


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _mean(groups: list[dict[str, Any]], key: str) -> Mean:
    """The mean over some of the groups, from their totals and counts."""
    count = sum(group[f"{key}_n"] for group in groups)
    total = sum(Decimal(group[f"{key}_sum"] or 0) for group in groups)
    return Mean(value=round(float(total) / count, 1) if count else None, count=count)


def _diary_measure(measure: _Measure, means: Mapping[str, Mean], name: str) -> DiaryMeasure:
    before, after = means["before"], means["after"]
    with_massage, without = means["with"], means["without"]
    what = measure.what.replace("{name}", name)
    needed = f"{MIN_ENTRIES} {'days' if measure.per_day else 'entries'}"
    if min(before.count, after.count) >= MIN_ENTRIES:
        first = (
            f"In the 4 weeks before you started massage, "
            f"{what.replace('{value}', figure_text(before.value))} on average; in the first 4 "
            f"weeks after, {figure_text(after.value)}."
        )
    else:
        first = (
            f"{measure.label}, before and after massage began: not enough yet. We need at "
            f"least {needed} in the 4 weeks on each side; so far {before.count} before and "
            f"{after.count} after."
        )
    if min(with_massage.count, without.count) >= MIN_ENTRIES:
        second = (
            f"Over the last {WEEKS} weeks, on days with a massage, "
            f"{what.replace('{value}', figure_text(with_massage.value))} on average; on other "
            f"days, {figure_text(without.value)}."
        )
    else:
        second = (
            f"{measure.label}, on days with and without a massage: not enough yet. We need "
            f"at least {needed} of each in the last {WEEKS} weeks; so far "
            f"{with_massage.count} with and {without.count} without."
        )
    return DiaryMeasure(
        key=measure.key,
        label=measure.label,
        unit=measure.unit,
        before=before,
        after=after,
        with_massage=with_massage,
        without=without,
        summary=[first, second],
        definition=(
            f"{measure.definition} Before and after: the 4 weeks before the day of the first "
            "massage session, and the 4 weeks from that day. Days with and without a "
            f"massage: over the last {WEEKS} weeks (since the first session), days with at "
            "least one session, and the other days. Each comparison needs at least "
            f"{needed} on both sides."
        ),
    )


def figure_text(value: float | None) -> str:
    return "no figure" if value is None else number_text(value)


def rounded_percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def plural_s(count: int) -> str:
    return "" if count == 1 else "s"

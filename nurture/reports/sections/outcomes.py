"""Outcomes: paired before/after change on each questionnaire, and how many families
answered the questionnaires they were asked.

A pair is one carer's submitted start-of-course (baseline) and end-of-course (post) answers to
the same questionnaire for the same place on a course, on courses that began in the date
range. Submitting refuses a second answer for the same carer, place, questionnaire and point
(``outcomes.services``); should data loaded some other way hold two, the lower total counts.

The database does the work (four queries, whatever the number of answers):

1. ``_pair_sums``: per instrument, the number of pairs, the sums of the start and end totals,
   the sum of the changes and of their squares, and the threshold counts. The answers are
   first grouped by carer, place and questionnaire (conditional MIN gives the start and end
   totals), then by questionnaire. The ORM compiles the inner grouping; the outer one is a
   few lines of portable SQL around it (``PAIR_SUMS_SQL``), the same on SQLite and
   PostgreSQL. Set-based on purpose: a correlated subquery per answer was two to three times
   slower on trust-size data, and grows worse with more answers.
2. to 4. completion: places per provider, the providers' schedules, and answered places per
   provider, instrument and point, combined over those few rows.

Mean, SD, confidence interval and effect size then come from those sums (``stats.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.safestring import SafeString

from nurture.courses.models import EnrolmentStatus
from nurture.lib.charts import Point, Series, line_chart
from nurture.outcomes.models import (
    ReferralThreshold,
    Response,
    ResponseStatus,
    ScheduledInstrument,
    TimePoint,
)
from nurture.policy import ReportScope
from nurture.questionnaires.instruments import Instrument
from nurture.questionnaires.packs import registry
from nurture.questionnaires.schedule import DEFAULT_SCHEDULE
from nurture.reports import stats
from nurture.reports.filters import (
    ReportFilters,
    enrolments_on_runs_started_in,
)
from nurture.reports.sections.common import rows_over
from nurture.reports.tables import SUPPRESSED, Column, Section, Table, share, suppress

POINTS = (TimePoint.BASELINE, TimePoint.POST)

CHANGE_COLUMNS = (
    Column("instrument", "Questionnaire"),
    Column("pairs", "Pairs (n)", "count"),
    Column("mean_start", "Mean at the start", "number"),
    Column("mean_end", "Mean at the end", "number"),
    Column("mean_change", "Mean change", "number"),
    Column("ci_low", "95% CI from", "number"),
    Column("ci_high", "95% CI to", "number"),
    Column("effect_size", "Effect size (d)", "number"),
    Column("at_threshold", "At or above the threshold at the start", "count"),
    Column("moved_below", "Of those, below it at the end", "percent"),
)
FIGURES = tuple(column.key for column in CHANGE_COLUMNS[1:])

CHANGE_DEFINED = (
    "A pair is one carer's start-of-course and end-of-course answers to the same "
    "questionnaire, both submitted, for the same place on a course that began in the date "
    "range. Change is the end total minus the start total. The 95% confidence interval of "
    "the mean change uses the t "
    "distribution. The effect size is Cohen's d for paired answers: the mean change divided "
    "by the standard deviation of the changes. The threshold is the total at or above which "
    "the provider asks for further assessment (the provider's own setting, else the "
    "questionnaire's usual one); the last column is the share of the pairs at or above it at "
    "the start that were below it at the end. A questionnaire with fewer than 5 pairs shows "
    "<5 in every figure. These figures describe the families who answered twice; they do "
    "not show what caused any change."
)


PAIR_SUMS_SQL = """
SELECT p.measure,
       COUNT(*),
       SUM(p.start_total),
       SUM(p.end_total),
       SUM(p.end_total - p.start_total),
       SUM((p.end_total - p.start_total) * (p.end_total - p.start_total)),
       SUM(CASE WHEN COALESCE(t.total, p.default_cutoff) IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.start_total >= COALESCE(t.total, p.default_cutoff) THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.start_total >= COALESCE(t.total, p.default_cutoff)
                 AND p.end_total < COALESCE(t.total, p.default_cutoff) THEN 1 ELSE 0 END)
FROM ({inner}) p
LEFT JOIN {thresholds} t ON t.provider_id = p.owner AND t.instrument_key = p.measure
WHERE p.start_total IS NOT NULL AND p.end_total IS NOT NULL
GROUP BY p.measure
ORDER BY p.measure
"""
"""Per instrument: pairs, start and end sums, change sum and sum of squares, pairs with a
threshold, pairs at or above it at the start, and of those, pairs below it at the end. The
threshold is the provider's own (``t``), else the pack's (``default_cutoff``)."""


@dataclass(frozen=True)
class PairSums:
    key: str
    pairs: int
    start_sum: int
    end_sum: int
    change_sum: int
    change_squares: int
    with_threshold: int
    """Pairs whose questionnaire has a threshold (none: the threshold columns are empty)."""
    at_threshold: int
    moved_below: int


def _default_thresholds() -> Case | Value:
    """Each instrument's pack threshold, by key, as an SQL expression."""
    whens = [
        When(instrument_key=instrument.key, then=Value(instrument.referral_threshold))
        for instrument in registry().current()
        if instrument.referral_threshold is not None
    ]
    if not whens:
        return Value(None, output_field=IntegerField())
    return Case(*whens, default=Value(None), output_field=IntegerField())


def _answers(scope: ReportScope, filters: ReportFilters) -> QuerySet[Response, dict[str, Any]]:
    """One row per carer, place and questionnaire: its start and end totals (either may be
    missing), the provider, and the pack's threshold."""
    return (
        Response.objects.filter(
            status=ResponseStatus.SUBMITTED,
            point__in=POINTS,
            total__isnull=False,
            enrolment__in=enrolments_on_runs_started_in(scope, filters).values("pk"),
        )
        .order_by()
        .values(
            measure=F("instrument_key"),
            who=F("carer_id"),
            place=F("enrolment_id"),
            owner=F("provider_id"),
            default_cutoff=_default_thresholds(),
        )
        .annotate(
            start_total=Min("total", filter=Q(point=TimePoint.BASELINE)),
            end_total=Min("total", filter=Q(point=TimePoint.POST)),
        )
    )


def _pair_sums(scope: ReportScope, filters: ReportFilters) -> list[PairSums]:
    """Sums over the pairs, per instrument (one query, set-based: a grouping of the answers
    inside a grouping by instrument, with no per-row subqueries)."""
    answers = _answers(scope, filters)
    rows = rows_over(answers, PAIR_SUMS_SQL, {"thresholds": ReferralThreshold})
    return [PairSums(str(row[0]), *(int(value or 0) for value in row[1:])) for row in rows]


def _name(key: str) -> str:
    instrument = registry().latest(key)
    return instrument.name if instrument else key


def _change_row(sums: PairSums) -> dict[str, Any]:
    row: dict[str, Any] = {"instrument": _name(sums.key)}
    if sums.pairs < 5:
        return row | dict.fromkeys(FIGURES, SUPPRESSED)
    change = stats.paired_change(sums.pairs, sums.change_sum, sums.change_squares)
    assert change is not None
    threshold_known = sums.with_threshold > 0
    return row | {
        "pairs": sums.pairs,
        "mean_start": round(sums.start_sum / sums.pairs, 2),
        "mean_end": round(sums.end_sum / sums.pairs, 2),
        "mean_change": round(change.mean, 2),
        "ci_low": _rounded(change.ci_low),
        "ci_high": _rounded(change.ci_high),
        "effect_size": _rounded(change.effect_size),
        "at_threshold": suppress(sums.at_threshold) if threshold_known else None,
        "moved_below": share(sums.moved_below, sums.at_threshold) if threshold_known else None,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _direction_notes(keys: list[str]) -> tuple[str, ...]:
    """What a higher total means, for each questionnaire with a referral threshold (a total
    at or above it is a concern, so higher totals mean more difficulty)."""
    notes = []
    for key in keys:
        instrument = registry().latest(key)
        if instrument is not None and instrument.referral_threshold is not None:
            notes.append(
                f"{instrument.name}: higher totals mean more difficulty, so a negative "
                "change means lower totals at the end than at the start."
            )
    return tuple(notes)


def _chart(sums: list[PairSums]) -> SafeString | None:
    """Mean start and end totals per questionnaire (shown ones only), one line each."""
    shown = [each for each in sums if each.pairs >= 5][:4]
    if not shown:
        return None
    categories = ["Start of the course", "End of the course"]
    instruments: list[Instrument | None] = [registry().latest(each.key) for each in shown]
    highest = max((i.total_range[1] for i in instruments if i is not None), default=1)
    series = [
        Series(
            _name(each.key),
            [
                Point(categories[0], round(each.start_sum / each.pairs, 1)),
                Point(categories[1], round(each.end_sum / each.pairs, 1)),
            ],
        )
        for each in shown
    ]
    description = "; ".join(
        f"{each.name}: mean {each.points[0].y:g} at the start and {each.points[1].y:g} at the "
        f"end ({pairs.pairs} pairs)"
        for each, pairs in zip(series, shown, strict=True)
    )
    return line_chart(
        chart_id="outcomes-means",
        title="Mean questionnaire totals at the start and end of the course",
        categories=categories,
        series=series,
        y_range=(0, highest),
        y_label="Mean total",
        description=description + ". Questionnaires with fewer than 5 pairs are not shown.",
    )


def _change_table(scope: ReportScope, filters: ReportFilters) -> Table:
    sums = _pair_sums(scope, filters)
    return Table(
        key="change",
        title="Change from the start to the end of the course",
        definition=CHANGE_DEFINED,
        columns=CHANGE_COLUMNS,
        rows=[_change_row(each) for each in sums],
        chart=_chart(sums),
        notes=_direction_notes([each.key for each in sums]),
    )


# --- Completion ----------------------------------------------------------------------------


def _schedules(provider_ids: list[int]) -> dict[int, set[tuple[str, str]]]:
    """(instrument, point) each provider gives at the start or end of a course: its own
    schedule rows, or the default schedule when it has none at all (one query)."""
    own: dict[int, set[tuple[str, str]]] = {}
    for provider_id, key, point in ScheduledInstrument.objects.filter(
        provider_id__in=provider_ids
    ).values_list("provider_id", "instrument_key", "point"):
        own.setdefault(provider_id, set()).add((key, point))
    default = {(key, point) for key, point, _ in DEFAULT_SCHEDULE}
    return {
        provider_id: {pair for pair in own.get(provider_id, default) if pair[1] in POINTS}
        for provider_id in provider_ids
    }


def _completion_counts(
    scope: ReportScope, filters: ReportFilters
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """Places asked and places answered, by (instrument, point), in three grouped queries:
    places per provider, the providers' schedules, answered places per provider. Only the
    few aggregated rows are combined here."""
    enrolments = (
        enrolments_on_runs_started_in(scope, filters)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .order_by()
    )
    places = {
        row["run__provider_id"]: row
        for row in enrolments.values("run__provider_id").annotate(
            staying=Count("pk"), completed=Count("pk", filter=Q(status=EnrolmentStatus.COMPLETED))
        )
    }
    schedules = _schedules(list(places))
    asked: dict[tuple[str, str], int] = {}
    for provider_id, row in places.items():
        for key, point in schedules[provider_id]:
            due = row["staying"] if point == TimePoint.BASELINE else row["completed"]
            asked[(key, point)] = asked.get((key, point), 0) + due
    answered_rows = (
        Response.objects.filter(
            status=ResponseStatus.SUBMITTED,
            point__in=POINTS,
            enrolment__in=enrolments.values("pk"),
        )
        .filter(Q(point=TimePoint.BASELINE) | Q(enrolment__status=EnrolmentStatus.COMPLETED))
        .order_by()
        .values("enrolment__run__provider_id", "instrument_key", "point")
        .annotate(places=Count("enrolment", distinct=True))
    )
    answered: dict[tuple[str, str], int] = {}
    for row in answered_rows:
        pair = (row["instrument_key"], row["point"])
        if pair in schedules.get(row["enrolment__run__provider_id"], set()):
            answered[pair] = answered.get(pair, 0) + row["places"]
    return asked, answered


def _completion_table(scope: ReportScope, filters: ReportFilters) -> Table:
    asked, answered = _completion_counts(scope, filters)
    order: dict[str, int] = {point: index for index, point in enumerate(POINTS)}
    labels = dict(TimePoint.choices)
    rows = [
        {
            "instrument": _name(key),
            "point": labels[point],
            "asked": suppress(count),
            "answered": suppress(answered.get((key, point), 0)),
            "share": share(answered.get((key, point), 0), count),
        }
        for (key, point), count in sorted(
            asked.items(), key=lambda item: (order[item[0][1]], _name(item[0][0]))
        )
        if count
    ]
    return Table(
        key="completion",
        title="Questionnaires answered",
        definition=(
            "Places on courses that began in the date range, leaving out families who "
            "withdrew. At the start: every such place whose provider gives the "
            "questionnaire at the start. At the end: only places where the family completed "
            "the course. Answered: at least one carer in the family submitted it for that "
            "place. Counts below 5, and shares of or out of fewer than 5, show as <5."
        ),
        columns=(
            Column("instrument", "Questionnaire"),
            Column("point", "When"),
            Column("asked", "Families asked", "count"),
            Column("answered", "Answered", "count"),
            Column("share", "Share answered", "percent"),
        ),
        rows=rows,
    )


def outcomes_section(scope: ReportScope, filters: ReportFilters) -> Section:
    """Change on each questionnaire, then completion (four queries). Scores: never for a
    facilitator's summary (the registry does not offer it them)."""
    return Section(
        key="outcomes",
        title="Outcomes",
        tables=[_change_table(scope, filters), _completion_table(scope, filters)],
    )

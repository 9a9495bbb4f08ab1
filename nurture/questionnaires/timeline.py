"""A family's questionnaire scores for staff, grouped by questionnaire, with a chart of each
(the score timeline page; the reports issue draws its charts with the same ``charts`` module).

The read goes through the audited ``selectors.score_timeline``; this module adds what the
page shows beside it (who went through each questionnaire with the parent, the threshold each
total was checked against) in one more query, however long the history.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import slugify

from nurture.families.models import Family
from nurture.lib import charts
from nurture.outcomes.models import Response, TimePoint
from nurture.questionnaires import scoring, selectors
from nurture.questionnaires.packs import registry

SHORT_POINTS: dict[str, str] = {
    TimePoint.BASELINE: "Baseline",
    TimePoint.POST: "Post",
    TimePoint.FOLLOW_UP: "Follow-up",
    TimePoint.AD_HOC: "Other",
}


@dataclass(frozen=True)
class Row:
    score: selectors.ScorePoint
    point_label: str
    """For example "Baseline (start of the course)"."""
    administered_by: str
    """The member of staff who went through it with the parent; empty: the parent alone."""
    threshold: int | None


@dataclass(frozen=True)
class InstrumentTimeline:
    key: str
    name: str
    rows: list[Row]
    chart: SafeString | None
    threshold: int | None
    """The referral threshold of the latest response (the line on the chart)."""


POINT_LABELS: dict[str, str] = {
    TimePoint.BASELINE: "Baseline (start of the course)",
    TimePoint.POST: "Post (end of the course)",
    TimePoint.FOLLOW_UP: "Follow-up",
    TimePoint.AD_HOC: "Outside the schedule",
}


def point_label(point: str) -> str:
    return POINT_LABELS.get(point, point)


def _staff_name(first: str | None, last: str | None, username: str | None) -> str:
    full = f"{first or ''} {last or ''}".strip()
    return full or username or ""


def family_timeline(user: Any, family: Family) -> list[InstrumentTimeline]:
    """Every submitted questionnaire of the family, by questionnaire (first answered first),
    oldest response first within each. Audited (through ``score_timeline``)."""
    scores = selectors.score_timeline(user, family)
    extras: dict[uuid.UUID, tuple[str, int | None]] = {}
    if scores:
        for pk, first, last, username, result in Response.objects.filter(
            pk__in=[score.response_id for score in scores]
        ).values_list(
            "pk",
            "administered_by__first_name",
            "administered_by__last_name",
            "administered_by__username",
            "result",
        ):
            threshold = (result or {}).get("threshold")
            extras[pk] = (_staff_name(first, last, username), threshold)
    grouped: dict[str, list[Row]] = {}
    for score in scores:
        administered, threshold = extras.get(score.response_id, ("", None))
        grouped.setdefault(score.instrument_key, []).append(
            Row(
                score=score,
                point_label=point_label(score.point),
                administered_by=administered,
                threshold=threshold,
            )
        )
    return [_instrument(key, rows) for key, rows in grouped.items()]


def _instrument(key: str, rows: list[Row]) -> InstrumentTimeline:
    latest = rows[-1]
    name = latest.score.instrument_name
    threshold = latest.threshold
    return InstrumentTimeline(
        key=key,
        name=name,
        rows=rows,
        chart=_chart(key, name, rows, threshold),
        threshold=threshold,
    )


def _category(row: Row) -> str:
    when = timezone.localtime(row.score.submitted_at)
    return f"{SHORT_POINTS.get(row.score.point, row.score.point)}\n{when:%-d %b %y}"


def _categories(rows: list[Row]) -> tuple[list[str], dict[uuid.UUID, str]]:
    """The x-axis positions in time order, and where each response sits. Carers who answer
    at the same point on the same day share a position; a carer's second answer there gets
    its own ("Other 2")."""
    placed: dict[uuid.UUID, str] = {}
    used: set[tuple[uuid.UUID, str]] = set()
    for row in rows:
        base = _category(row)
        name, count = base, 1
        while (row.score.carer_id, name) in used:
            count += 1
            head, _, tail = base.partition("\n")
            name = f"{head} {count}\n{tail}"
        used.add((row.score.carer_id, name))
        placed[row.score.response_id] = name
    return list(dict.fromkeys(placed.values())), placed


def _said(row: Row) -> str:
    """One response in words, for the chart's description: "12 on 3 March 2026, baseline,
    Moderate"."""
    when = timezone.localtime(row.score.submitted_at)
    parts = [f"{row.score.total} on {when:%-d %B %Y}", SHORT_POINTS.get(row.score.point, "")]
    return ", ".join(part for part in [*parts, row.score.band] if part)


def _chart(key: str, name: str, rows: list[Row], threshold: int | None) -> SafeString | None:
    scored = [row for row in rows if row.score.total is not None]
    if not scored:
        return None
    categories, placed = _categories(scored)
    by_carer: dict[uuid.UUID, list[Row]] = {}
    for row in scored:
        by_carer.setdefault(row.score.carer_id, []).append(row)
    series = [
        charts.Series(
            name=carer_rows[0].score.carer_name,
            points=[
                charts.Point(x=placed[row.score.response_id], y=row.score.total or 0)
                for row in carer_rows
            ],
        )
        for carer_rows in by_carer.values()
    ]
    instrument = registry().get(key, scored[-1].score.version)
    low, high = instrument.total_range if instrument else (0, 0)
    limit = (
        charts.Threshold(value=threshold, label=f"Referral threshold: {threshold}")
        if threshold is not None
        else None
    )
    described = " ".join(
        f"{each.name}: " + "; ".join(_said(row) for row in by_carer[carer_id]) + "."
        for carer_id, each in zip(by_carer, series, strict=True)
    )
    if limit is not None:
        described += f" The referral threshold is {threshold}."
    described += f" Possible totals run from {low} to {high}."
    return charts.line_chart(
        chart_id=f"chart-{slugify(key)}",
        title=f"{name}: total score over time",
        categories=categories,
        series=series,
        y_range=(low, high),
        y_label="Total score",
        x_label="When it was answered",
        threshold=limit,
        description=described,
    )


# --- One response in full (the response detail page) ---------------------------------------------


@dataclass(frozen=True)
class Answer:
    number: int
    question: str
    answer: str
    score: int | None
    """The score it counts for (after any reversal); None: an unscored question."""
    safety: bool
    """A safety question answered above 0."""


@dataclass(frozen=True)
class SubscaleScore:
    name: str
    score: int
    threshold: int | None
    at_threshold: bool


@dataclass(frozen=True)
class ResponseSummary:
    name: str
    point_label: str
    answers: list[Answer]
    subscales: list[SubscaleScore]
    result: scoring.Result | None
    flags: list[str]
    """Why it needs a clinician, in words; empty when nothing fired."""


def response_summary(response: Response) -> ResponseSummary:
    """Each question with the answer chosen and its score, the subscales, band and flags of
    a response the caller already fetched through the audited ``selectors.response_detail``.
    Questions come from the pack version it was answered on (a licensed pack that is no
    longer installed shows question numbers and option positions only)."""
    instrument = registry().get(response.instrument_key, response.instrument_version)
    result = scoring.Result.from_dict(response.result) if response.result else None
    scores = result.item_scores if result else {}
    fired = set(result.safety_items) if result else set()
    chosen = {int(key): choice for key, choice in response.answers.items()}
    numbers = [item.number for item in instrument.items] if instrument else sorted(chosen)
    answers = []
    for number in numbers:
        item = instrument.item(number) if instrument else None
        choice = chosen.get(number)
        question = item.text if item else f"Question {number}"
        if choice is None:
            answer = "Not answered"
        elif item is not None and 0 <= choice < len(item.options):
            answer = item.options[choice].label
        else:
            answer = f"Answer {choice + 1}"
        answers.append(Answer(number, question, answer, scores.get(number), number in fired))
    subscales = []
    if instrument is not None and result is not None:
        for subscale in instrument.subscales:
            value = result.subscales.get(subscale.key, 0)
            subscales.append(
                SubscaleScore(
                    name=subscale.name,
                    score=value,
                    threshold=subscale.referral_threshold,
                    at_threshold=subscale.key in result.subscales_at_threshold,
                )
            )
    return ResponseSummary(
        name=instrument.name if instrument else response.instrument_key,
        point_label=point_label(response.point),
        answers=answers,
        subscales=subscales,
        result=result,
        flags=_flags(result) if result else [],
    )


def _flags(result: scoring.Result) -> list[str]:
    flags = [
        f"Question {number} (a safety question) was answered above 0."
        for number in result.safety_items
    ]
    if result.at_threshold:
        flags.append(
            f"The total ({result.total}) is at or above the threshold ({result.threshold})."
        )
    if result.subscales_at_threshold:
        flags.append("A subscale is at or above its threshold.")
    return flags

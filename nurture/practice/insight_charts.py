"""The charts on a parent's insights page and home page, drawn on the server from the figures
in ``parent.py``. Each chart says in its title and description what it shows; the page gives
the same numbers in words and in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString

from nurture.lib.bar_charts import Bar, bar_chart
from nurture.lib.charts import Point, Series, line_chart, number_text
from nurture.practice.insights import BabyInsights, BandSet, CueShare
from nurture.practice.trends import DiaryMeasure, Mean, WeekCount

CUE_PARTS = ("Happy", "Not sure", "Upset")


def enjoyment_chart(
    shares: Sequence[CueShare], *, chart_id: str, title: str, what: str = "stroke"
) -> SafeString:
    """One bar per stroke (or area): its cues split into happy, not sure and upset."""
    bars = [
        Bar(
            label=share.name,
            parts=tuple(100 * count / share.total for count in _cues(share)),
            text=f"{share.happy_percent}%",
        )
        for share in shares
    ]
    described = "; ".join(
        f"{share.name}: happy {share.happy}, not sure {share.not_sure}, upset {share.upset} "
        f"of {share.total} cues ({share.happy_percent}% happy)"
        for share in shares
    )
    return bar_chart(
        chart_id=chart_id,
        title=title,
        bars=bars,
        part_names=CUE_PARTS,
        x_label="Share of the cues you tapped (%)",
        max_value=100,
        description=f"For each {what}, the cues you tapped. {described}.",
    )


def _cues(share: CueShare) -> tuple[int, int, int]:
    return (share.happy, share.not_sure, share.upset)


def bands_chart(bands: BandSet, *, chart_id: str, title: str) -> SafeString:
    """One bar per time band: its sessions, the calm ones first."""
    return bar_chart(
        chart_id=chart_id,
        title=title,
        bars=[
            Bar(
                label=band.name,
                parts=(band.calm, band.sessions - band.calm),
                text=f"{band.calm} of {band.sessions}",
            )
            for band in bands.bands
        ],
        part_names=("Calm", "Other sessions"),
        x_label="Sessions",
        description="; ".join(
            f"{band.label}: {band.sessions} session{'' if band.sessions == 1 else 's'}, "
            f"{band.calm} calm"
            for band in bands.bands
        )
        + ".",
    )


def weeks_chart(weeks: Sequence[WeekCount], *, chart_id: str) -> SafeString:
    """Sessions a week as a line, oldest week on the left."""
    categories = [f"{week.starting.day}\n{week.starting:%b}" for week in weeks]
    return line_chart(
        chart_id=chart_id,
        title=f"Sessions each week, over the last {len(weeks)} weeks",
        categories=categories,
        series=[
            Series(
                "Sessions",
                [Point(x, week.sessions) for x, week in zip(categories, weeks, strict=True)],
            )
        ],
        y_range=(0, max(4, *(week.sessions for week in weeks))),
        y_label="Sessions",
        x_label="Week starting",
        description="; ".join(
            f"week starting {week.starting.day} {week.starting:%B}: {week.sessions}"
            for week in weeks
        ).capitalize()
        + ".",
    )


@dataclass(frozen=True)
class DiarySide:
    label: str
    mean: Mean


def diary_sides(measure: DiaryMeasure) -> list[DiarySide]:
    """The comparisons there is enough for: before and after, days with and without."""
    sides = []
    if measure.before_after_enough:
        sides += [
            DiarySide("4 weeks before massage began", measure.before),
            DiarySide("4 weeks after", measure.after),
        ]
    if measure.days_enough:
        sides += [
            DiarySide("Days with a massage", measure.with_massage),
            DiarySide("Other days", measure.without),
        ]
    return sides


def diary_chart(measure: DiaryMeasure, *, chart_id: str) -> SafeString | None:
    """The measure's means side by side; None when there is not enough on either side."""
    sides = diary_sides(measure)
    if not sides:
        return None
    return bar_chart(
        chart_id=chart_id,
        title=f"{measure.label} ({measure.unit}, average)",
        bars=[
            Bar(
                label=side.label,
                parts=(side.mean.value or 0,),
                text=number_text(side.mean.value or 0),
            )
            for side in sides
        ],
        x_label=f"{measure.label}, {measure.unit}",
        description="; ".join(
            f"{side.label}: {number_text(side.mean.value or 0)} {measure.unit} "
            f"(from {side.mean.count})"
            for side in sides
        )
        + ". A pattern in your diary, not proof of a cause.",
    )


def page_charts(insights: BabyInsights) -> dict[str, SafeString | None]:
    """The insights page's charts other than the diary's, by name (None: not enough to
    draw it yet)."""
    name = insights.baby.given_name
    enjoyment, best = insights.enjoyment, insights.best_times
    charts: dict[str, SafeString | None] = {
        "strokes": (
            enjoyment_chart(
                enjoyment.strokes,
                chart_id="insights-strokes",
                title=f"How {name} seemed during each stroke",
            )
            if enjoyment.strokes
            else None
        ),
        "areas": (
            enjoyment_chart(
                enjoyment.areas,
                chart_id="insights-areas",
                title=f"How {name} seemed during each body area",
                what="body area",
            )
            if enjoyment.areas
            else None
        ),
        "time_of_day": (
            bands_chart(
                best.time_of_day,
                chart_id="insights-time-of-day",
                title="Calm sessions by time of day",
            )
            if best.time_of_day.enough
            else None
        ),
        "after_feed": (
            bands_chart(
                best.after_feed,
                chart_id="insights-after-feed",
                title="Calm sessions by time since a feed",
            )
            if best.after_feed.enough
            else None
        ),
        "weeks": weeks_chart(insights.trends.weeks, chart_id="insights-weeks"),
    }
    return charts


@dataclass(frozen=True)
class DiaryPanel:
    """One diary measure as the page shows it: its words, chart and table rows."""

    measure: DiaryMeasure
    chart: SafeString | None
    sides: list[DiarySide]


def diary_panels(insights: BabyInsights) -> list[DiaryPanel]:
    return [
        DiaryPanel(
            measure=measure,
            chart=diary_chart(measure, chart_id=f"insights-{measure.key}"),
            sides=diary_sides(measure),
        )
        for measure in insights.trends.measures
    ]


def home_chart(name: str, shares: Sequence[CueShare], *, chart_id: str) -> SafeString | None:
    """The home page's small chart: the baby's top strokes."""
    if not shares:
        return None
    return enjoyment_chart(shares, chart_id=chart_id, title=f"What {name} has enjoyed")

"""A parent's insights about their own baby: what the baby enjoys, the best times for a
massage, and how practice and the diary have gone over the weeks.

Every figure is counted by the database (grouped counts, averages, weeks truncated in the
database) over a bounded window of sessions or the baby's own diary rows, so a page costs the
same handful of queries whether a baby has 10 sessions or 10,000. Figures only appear once
there is enough behind them; until then the words say "not enough yet" and how much more is
needed. Nothing here claims a cause: comparisons are of days and weeks, and say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    FloatField,
    Min,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, ExtractHour
from django.utils import timezone

from nurture.families.models import Baby
from nurture.practice import selectors
from nurture.practice.models import CueEvent, CueTap, Outcome
from nurture.practice.models import PracticeSession as Session
from nurture.practice.trends import (
    Trends,
    plural_s,
    rounded_percent,
    trends,
)

BEST_TIMES_SESSIONS = 60
"""How many of the latest sessions "best times" looks back over (about two months of
daily practice): recent enough to follow a baby who is changing fast."""
MIN_CALM = 3
"""Calm sessions needed before we say which times they fell in."""
FEED_KEY = "since_feed_minutes"
"""In a session's stored readiness check: minutes since the last feed when the check was
done (null: more than an hour). Sessions without it are left out of "after a feed"."""
LONG_AGO = 24 * 60.0


# --- What the baby enjoys ---------------------------------------------------------------------


@dataclass(frozen=True)
class CueShare:
    """The cues tapped during one stroke or body area."""

    slug: str
    name: str
    happy: int
    not_sure: int
    upset: int

    @property
    def total(self) -> int:
        return self.happy + self.not_sure + self.upset

    @property
    def happy_percent(self) -> int:
        return rounded_percent(self.happy, self.total) or 0

    @property
    def upset_percent(self) -> int:
        return rounded_percent(self.upset, self.total) or 0


@dataclass(frozen=True)
class Enjoyment:
    sessions: int
    """Sessions looked at (the latest ``selectors.RECENT_SESSIONS`` at most)."""
    enough: bool
    strokes: list[CueShare]
    """Ranked (``selectors.cue_ranking``): only those with at least ``MIN_CUES`` cues."""
    areas: list[CueShare]
    strokes_not_yet: list[str]
    """Names of strokes tried but with too few cues to rank yet."""
    areas_not_yet: list[str]
    summary: str
    definition: str


# --- Best times -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    name: str
    """A short name, for the chart."""
    sessions: int
    calm: int
    share_of_all: int | None
    """Percent of all sessions (with this known) that fell in this band."""
    share_of_calm: int | None
    """Percent of the calm sessions that fell in this band."""


@dataclass(frozen=True)
class BandSet:
    sessions: int
    calm: int
    enough: bool
    bands: list[Band]
    best: str | None
    """The key of the band holding the most calm sessions (when there are enough)."""
    summary: str
    definition: str


@dataclass(frozen=True)
class BestTimes:
    sessions: int
    time_of_day: BandSet
    after_feed: BandSet


_TIME_BANDS = (
    ("morning", "Morning (6am to noon)", "Morning", Q(hour__gte=6, hour__lt=12)),
    ("afternoon", "Afternoon (noon to 5pm)", "Afternoon", Q(hour__gte=12, hour__lt=17)),
    ("evening", "Evening (5pm to 10pm)", "Evening", Q(hour__gte=17, hour__lt=22)),
    ("night", "Night (10pm to 6am)", "Night", Q(hour__gte=22) | Q(hour__lt=6)),
)
_TIME_WORDS = {"morning": "the morning", "afternoon": "the afternoon", "evening": "the evening"}
_FED = Q(readiness__has_key=FEED_KEY)
_FEED_BANDS = (
    ("under_30", "Less than half an hour after a feed", "Under 30 minutes", _FED & Q(fed__lt=30)),
    (
        "30_to_60",
        "Half an hour to an hour after a feed",
        "30 to 60 minutes",
        _FED & Q(fed__gte=30, fed__lt=60),
    ),
    ("over_60", "More than an hour after a feed", "Over an hour", _FED & Q(fed__gte=60)),
)


@dataclass(frozen=True)
class BabyInsights:
    baby: Baby
    total_sessions: int
    enjoyment: Enjoyment
    best_times: BestTimes
    trends: Trends


def baby_insights(baby: Baby) -> BabyInsights:
    """Everything on the insights page for a baby the caller has already checked the user may
    see (``practice.selectors.practice_baby``). About ten queries, whatever the history."""
    # A session stored before the baby's birth (a wrong phone clock, or an edge date from
    # before the ranges were checked) must not become "when practice began".
    born = timezone.make_aware(datetime.combine(baby.date_of_birth, time.min))
    summary = Session.objects.filter(baby=baby).aggregate(
        total=Count("pk"), first=Min("started_at", filter=Q(started_at__gte=born))
    )
    began = timezone.localdate(summary["first"]) if summary["first"] else None
    ids = selectors.recent_session_ids(baby, BEST_TIMES_SESSIONS)
    return BabyInsights(
        baby=baby,
        total_sessions=summary["total"],
        enjoyment=enjoyment(baby, ids[: selectors.RECENT_SESSIONS]),
        best_times=best_times(baby, ids),
        trends=trends(baby, began),
    )


def enjoyment(baby: Baby, session_ids: list[Any]) -> Enjoyment:
    """Strokes and areas ranked by the share of happy cues, over the given (latest) sessions;
    the ranking itself is the one the home page and the guided session use."""
    name = baby.given_name
    by_stroke = selectors.cue_ranking(baby, "stroke", session_ids=session_ids)
    by_area = selectors.cue_ranking(baby, "area", session_ids=session_ids)
    area_names, stroke_names = selectors.curriculum_names(
        areas=[row["area"] for row in by_area], strokes=[row["stroke"] for row in by_stroke]
    )
    strokes = [(_share(row, "stroke", stroke_names), row["enough"]) for row in by_stroke]
    areas = [(_share(row, "area", area_names), row["enough"]) for row in by_area]
    enough = len(session_ids) >= selectors.ENOUGH_SESSIONS
    ranked = [share for share, ranks in strokes if ranks and enough]
    if not enough:
        more = selectors.ENOUGH_SESSIONS - len(session_ids)
        summary = (
            f"Not enough yet. After {more} more session{plural_s(more)} we can start to show what "
            f"{name} enjoys."
        )
    elif ranked:
        summary = (
            f"{ranked[0].name} looks like a favourite: {name} seemed happy for "
            f"{ranked[0].happy} of the {ranked[0].total} moments you tapped "
            f"({ranked[0].happy_percent}%)."
        )
    else:
        summary = (
            f"Not enough yet. A stroke needs at least {selectors.MIN_CUES} cues before we "
            f"rank it; keep tapping how {name} seems as you go."
        )
    return Enjoyment(
        sessions=len(session_ids),
        enough=enough,
        strokes=ranked,
        areas=[share for share, ranks in areas if ranks and enough],
        strokes_not_yet=[share.name for share, ranks in strokes if not ranks],
        areas_not_yet=[share.name for share, ranks in areas if not ranks],
        summary=summary,
        definition=(
            f"Over the latest {selectors.RECENT_SESSIONS} sessions, the cues you tapped "
            "(happy, not sure, upset) during each stroke and body area. The highest share of "
            "happy cues comes first; on a tie, the lower share of upset cues. A stroke or area "
            f"is ranked once it has at least {selectors.MIN_CUES} cues, and only after "
            f"{selectors.ENOUGH_SESSIONS} sessions."
        ),
    )


def top_strokes(baby: Baby, limit: int) -> list[CueShare]:
    """The baby's best-liked strokes over the latest sessions (two queries after the ids):
    the first ``limit`` of the shared ranking that have enough cues to be ranked."""
    ranked = [row for row in selectors.cue_ranking(baby, "stroke") if row["enough"]][:limit]
    _, names = selectors.curriculum_names(strokes=[row["stroke"] for row in ranked])
    return [_share(row, "stroke", names) for row in ranked]


def _share(row: Mapping[str, Any], by: str, names: Mapping[str, str]) -> CueShare:
    slug = row[by]
    return CueShare(
        slug=slug,
        name=names.get(slug) or slug.replace("-", " ").capitalize(),
        happy=row["happy"],
        not_sure=row["not_sure"],
        upset=row["upset"],
    )


def best_times(baby: Baby, session_ids: list[Any]) -> BestTimes:
    """How the calm sessions spread over the day and over the time since a feed, compared
    with all sessions; one aggregate query over the latest sessions."""
    upset = CueEvent.objects.filter(session=OuterRef("pk"), cue=CueTap.UPSET)
    sessions = Session.objects.filter(pk__in=session_ids).annotate(
        hour=ExtractHour("started_at"),
        # JSON null ("more than an hour") reads as 0 on SQLite and NULL on PostgreSQL:
        # make it a long time on both.
        fed=Case(
            When(**{f"readiness__{FEED_KEY}": None}, then=Value(LONG_AGO)),
            default=Cast(KT(f"readiness__{FEED_KEY}"), FloatField()),
            output_field=FloatField(),
        ),
        calm=ExpressionWrapper(
            Q(outcome=Outcome.COMPLETED) & ~Q(Exists(upset)), output_field=BooleanField()
        ),
    )
    counts: dict[str, Any] = {}
    for prefix, bands in (("time", _TIME_BANDS), ("feed", _FEED_BANDS)):
        for key, _label, _name, where in bands:
            counts[f"{prefix}_{key}"] = Count("pk", filter=where)
            counts[f"{prefix}_{key}_calm"] = Count("pk", filter=where & Q(calm=True))
    found = sessions.aggregate(**counts)
    name = baby.given_name
    return BestTimes(
        sessions=len(session_ids),
        time_of_day=_band_set(
            found,
            "time",
            _TIME_BANDS,
            name,
            definition=(
                f"Over the latest {BEST_TIMES_SESSIONS} sessions: a calm session is one you "
                "went all the way through with no upset cue. For each time of day (by when the "
                "session started), how many sessions there were and how many were calm. Shown "
                f"once there are at least {MIN_CALM} calm sessions."
            ),
        ),
        after_feed=_band_set(
            found,
            "feed",
            _FEED_BANDS,
            name,
            definition=(
                f"Over the latest {BEST_TIMES_SESSIONS} sessions whose check before starting "
                "recorded when your baby last fed: how long after a feed each started, and "
                f"how many were calm. Shown once at least {MIN_CALM} of them were calm."
            ),
        ),
    )


def _band_set(
    found: Mapping[str, int],
    prefix: str,
    bands: tuple[tuple[str, str, str, Q], ...],
    name: str,
    definition: str,
) -> BandSet:
    sessions = sum(found[f"{prefix}_{key}"] for key, *_ in bands)
    calm = sum(found[f"{prefix}_{key}_calm"] for key, *_ in bands)
    made = [
        Band(
            key=key,
            label=label,
            name=short,
            sessions=found[f"{prefix}_{key}"],
            calm=found[f"{prefix}_{key}_calm"],
            share_of_all=rounded_percent(found[f"{prefix}_{key}"], sessions),
            share_of_calm=rounded_percent(found[f"{prefix}_{key}_calm"], calm),
        )
        for key, label, short, _ in bands
    ]
    enough = calm >= MIN_CALM
    # Most calm sessions first; on a tie the band where more of its sessions were calm.
    best = max(made, key=lambda band: (band.calm, band.calm / max(band.sessions, 1)))
    if not enough:
        known = "" if prefix == "time" else " with the time since a feed recorded"
        summary = (
            f"Not enough yet. We need at least {MIN_CALM} calm sessions{known} to compare; "
            f"so far there {'is' if calm == 1 else 'are'} {calm}."
        )
    elif prefix == "time":
        when = _TIME_WORDS.get(best.key, "the night")
        summary = (
            f"{name}'s calm sessions were most often in {when}: {best.calm} of {calm}. "
            f"{best.share_of_all}% of all sessions were then."
        )
    else:
        summary = (
            f"{name}'s calm sessions were most often {best.label[0].lower()}{best.label[1:]}: "
            f"{best.calm} of {calm}. {best.share_of_all}% of all sessions were then."
        )
    return BandSet(
        sessions=sessions,
        calm=calm,
        enough=enough,
        bands=made,
        best=best.key if enough else None,
        summary=summary,
        definition=definition,
    )

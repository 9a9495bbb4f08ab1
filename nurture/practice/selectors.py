"""Reading practice sessions and the diary, scoped to the baby's own family."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import Case, Count, FloatField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from nurture import policy
from nurture.curriculum.models import BodyArea, Stroke
from nurture.families.models import Baby
from nurture.policy import Person
from nurture.practice.models import CueEvent, CueTap, DiaryEntry, PracticeSession

RECENT_SESSIONS = 20
"""How many of the latest sessions "what your baby enjoyed" looks back over."""


def practice_baby(user: Person, baby_id: Any) -> Baby:
    """A baby whose practice and diary this user may see and log; anything else is 404."""
    return policy.get_visible_or_404(
        policy.practice_babies_for(user).select_related("family"), pk=baby_id
    )


def _sessions() -> QuerySet[PracticeSession]:
    return PracticeSession.objects.select_related("carer").prefetch_related(
        Prefetch("cue_events", queryset=CueEvent.objects.order_by("sequence"))
    )


def session_list(user: Person, baby: Baby) -> QuerySet[PracticeSession]:
    """The baby's sessions, latest first (callers page through them)."""
    if not policy.practice_babies_for(user).filter(pk=baby.pk).exists():
        return PracticeSession.objects.none()
    return _sessions().filter(baby=baby).order_by("-started_at", "-created_at")


def session_detail(user: Person, session_id: Any) -> PracticeSession:
    return policy.get_visible_or_404(
        _sessions().filter(baby__in=policy.practice_babies_for(user)), pk=session_id
    )


ENOUGH_SESSIONS = 3
"""Fewer sessions than this say too little about what a baby enjoys."""

MIN_CUES = 5
"""An area or stroke needs at least this many cues before its share of happy cues ranks it."""


def recent_session_ids(baby: Baby, sessions: int = RECENT_SESSIONS) -> list[Any]:
    """The ids of the baby's latest ``sessions`` sessions, latest first (one index scan)."""
    return list(
        PracticeSession.objects.filter(baby=baby)
        .order_by("-started_at")
        .values_list("pk", flat=True)[:sessions]
    )


def cue_ranking(
    baby: Baby,
    by: str,
    *,
    only: list[str] | None = None,
    sessions: int = RECENT_SESSIONS,
    session_ids: list[Any] | None = None,
) -> list[dict[str, Any]]:
    """What the baby enjoys: happy, not sure and upset cues per ``by`` ("stroke" or "area")
    over the baby's latest sessions (or ``session_ids``), counted by the database.

    The one ranking everything uses (home page, insights, the guided session's favourite
    area): first those with at least ``MIN_CUES`` cues (``enough``), then the rest; within
    each, the highest share of happy cues first, then the lowest share of upset cues, then
    the most cues, then the slug. ``only`` keeps those values.
    """
    # The ids first: as a subquery with LIMIT, PostgreSQL scans every cue of the baby.
    ids = recent_session_ids(baby, sessions) if session_ids is None else session_ids
    cues = CueEvent.objects.filter(session__in=ids).exclude(**{by: ""})
    if only is not None:
        cues = cues.filter(**{f"{by}__in": only})
    rows = (
        cues.values(by)
        .annotate(
            happy=Count("id", filter=Q(cue=CueTap.HAPPY)),
            not_sure=Count("id", filter=Q(cue=CueTap.NOT_SURE)),
            upset=Count("id", filter=Q(cue=CueTap.UPSET)),
            total=Count("id"),
        )
        .annotate(
            enough=Case(When(total__gte=MIN_CUES, then=Value(1)), default=Value(0)),
            happy_share=Cast("happy", FloatField()) / Cast("total", FloatField()),
            upset_share=Cast("upset", FloatField()) / Cast("total", FloatField()),
        )
        .order_by("-enough", "-happy_share", "upset_share", "-total", by)
    )
    return [
        {
            by: row[by],
            "happy": row["happy"],
            "not_sure": row["not_sure"],
            "upset": row["upset"],
            "total": row["total"],
            "enough": bool(row["enough"]),
        }
        for row in rows
    ]


def happy_counts(
    baby: Baby, by: str, *, only: list[str] | None = None, sessions: int = RECENT_SESSIONS
) -> list[dict[str, Any]]:
    """``cue_ranking`` in its order, keeping only values with a happy cue, with their happy
    cue counts."""
    ranked = cue_ranking(baby, by, only=only, sessions=sessions)
    return [{by: row[by], "happy": row["happy"]} for row in ranked if row["happy"]]


def enjoyed(baby: Baby, sessions: int = RECENT_SESSIONS) -> list[dict[str, Any]]:
    """Strokes with a happy cue over the baby's latest sessions, most enjoyed first."""
    return happy_counts(baby, "stroke", sessions=sessions)


def diary_list(user: Person, baby: Baby) -> QuerySet[DiaryEntry]:
    if not policy.practice_babies_for(user).filter(pk=baby.pk).exists():
        return DiaryEntry.objects.none()
    return (
        DiaryEntry.objects.filter(baby=baby)
        .select_related("carer")
        .order_by("-date", "-created_at")
    )


# --- The practice log and diary pages --------------------------------------------------------

DIARY_DAYS = 14
"""How many days of diary entries the diary page shows (today included)."""


def _with_cue_counts(sessions: QuerySet[PracticeSession]) -> QuerySet[PracticeSession]:
    """Each session's happy / not sure / upset taps, counted by the database."""
    return sessions.annotate(
        happy_cues=Count("cue_events", filter=Q(cue_events__cue=CueTap.HAPPY)),
        not_sure_cues=Count("cue_events", filter=Q(cue_events__cue=CueTap.NOT_SURE)),
        upset_cues=Count("cue_events", filter=Q(cue_events__cue=CueTap.UPSET)),
    )


def session_log(user: Person, baby: Baby) -> QuerySet[PracticeSession]:
    """The baby's sessions for the log page, latest first: who logged each and its cue counts.

    Unlike ``session_list`` the cue events are not loaded, so a page of the log costs the
    same few queries however long each session was.
    """
    sessions = PracticeSession.objects.filter(
        baby=baby, baby__in=policy.practice_babies_for(user)
    ).select_related("carer")
    return _with_cue_counts(sessions).order_by("-started_at", "-created_at")


def baby_session(user: Person, baby: Baby, session_id: Any) -> PracticeSession:
    """One of this baby's sessions with its cue events in order and its cue counts; 404 for
    anyone else's (or another baby's) session."""
    sessions = _sessions().filter(baby=baby, baby__in=policy.practice_babies_for(user))
    return policy.get_visible_or_404(_with_cue_counts(sessions), pk=session_id)


def curriculum_names(
    areas: Iterable[str] = (), strokes: Iterable[str] = ()
) -> tuple[dict[str, str], dict[str, str]]:
    """Display names for body area and stroke slugs, at most one query for each; a slug the
    curriculum does not know is left out (callers fall back to the slug)."""
    area_slugs, stroke_slugs = set(areas) - {""}, set(strokes) - {""}
    area_names = (
        dict(BodyArea.objects.filter(slug__in=area_slugs).values_list("slug", "name"))
        if area_slugs
        else {}
    )
    stroke_names = (
        dict(Stroke.objects.filter(slug__in=stroke_slugs).values_list("slug", "name"))
        if stroke_slugs
        else {}
    )
    return area_names, stroke_names


def diary_recent(user: Person, baby: Baby, days: int = DIARY_DAYS) -> QuerySet[DiaryEntry]:
    """The baby's diary entries of the last ``days`` days (today included), latest first,
    each with the carer who logged it."""
    since = timezone.localdate() - timedelta(days=days - 1)
    return diary_list(user, baby).filter(date__gte=since)

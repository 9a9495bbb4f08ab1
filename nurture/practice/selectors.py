"""Reading practice sessions and the diary, scoped to the baby's own family."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from nurture.accounts import policy
from nurture.curriculum.models import BodyArea, Stroke
from nurture.families.models import Baby
from nurture.practice.models import CueEvent, CueTap, DiaryEntry, PracticeSession

RECENT_SESSIONS = 20
"""How many of the latest sessions "what your baby enjoyed" looks back over."""


def practice_baby(user: Any, baby_id: Any) -> Baby:
    """A baby whose practice and diary this user may see and log; anything else is 404."""
    return policy.get_visible_or_404(
        policy.practice_babies_for(user).select_related("family"), pk=baby_id
    )


def _sessions() -> QuerySet[PracticeSession]:
    return PracticeSession.objects.select_related("carer").prefetch_related(
        Prefetch("cue_events", queryset=CueEvent.objects.order_by("sequence"))
    )


def session_list(user: Any, baby: Baby) -> QuerySet[PracticeSession]:
    """The baby's sessions, latest first (callers page through them)."""
    if not policy.practice_babies_for(user).filter(pk=baby.pk).exists():
        return PracticeSession.objects.none()
    return _sessions().filter(baby=baby).order_by("-started_at", "-created_at")


def session_detail(user: Any, session_id: Any) -> PracticeSession:
    return policy.get_visible_or_404(
        _sessions().filter(baby__in=policy.practice_babies_for(user)), pk=session_id
    )


def happy_counts(
    baby: Baby, by: str, *, only: list[str] | None = None, sessions: int = RECENT_SESSIONS
) -> list[dict[str, Any]]:
    """Happy cues per ``by`` ("stroke" or "area") over the baby's latest sessions, most
    first; ``only`` keeps those values."""
    # The ids first: as a subquery with LIMIT, PostgreSQL scans every happy cue of the baby.
    recent = list(
        PracticeSession.objects.filter(baby=baby)
        .order_by("-started_at")
        .values_list("pk", flat=True)[:sessions]
    )
    cues = CueEvent.objects.filter(session__in=recent, cue=CueTap.HAPPY).exclude(**{by: ""})
    if only is not None:
        cues = cues.filter(**{f"{by}__in": only})
    rows = cues.values(by).annotate(happy=Count("id")).order_by("-happy", by)
    return [{by: row[by], "happy": row["happy"]} for row in rows]


def enjoyed(baby: Baby, sessions: int = RECENT_SESSIONS) -> list[dict[str, Any]]:
    """Happy cues per stroke over the baby's latest sessions, most enjoyed first."""
    return happy_counts(baby, "stroke", sessions=sessions)


def diary_list(user: Any, baby: Baby) -> QuerySet[DiaryEntry]:
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


def session_log(user: Any, baby: Baby) -> QuerySet[PracticeSession]:
    """The baby's sessions for the log page, latest first: who logged each and its cue counts.

    Unlike ``session_list`` the cue events are not loaded, so a page of the log costs the
    same few queries however long each session was.
    """
    sessions = PracticeSession.objects.filter(
        baby=baby, baby__in=policy.practice_babies_for(user)
    ).select_related("carer")
    return _with_cue_counts(sessions).order_by("-started_at", "-created_at")


def baby_session(user: Any, baby: Baby, session_id: Any) -> PracticeSession:
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


def diary_recent(user: Any, baby: Baby, days: int = DIARY_DAYS) -> QuerySet[DiaryEntry]:
    """The baby's diary entries of the last ``days`` days (today included), latest first,
    each with the carer who logged it."""
    since = timezone.localdate() - timedelta(days=days - 1)
    return diary_list(user, baby).filter(date__gte=since)

"""Reading practice sessions and the diary, scoped to the baby's own family."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from nurture.accounts import policy
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


def enjoyed(baby: Baby, sessions: int = RECENT_SESSIONS) -> list[dict[str, Any]]:
    """Happy cues per stroke over the baby's latest sessions, most enjoyed first."""
    recent = PracticeSession.objects.filter(baby=baby).order_by("-started_at")[:sessions]
    rows = (
        CueEvent.objects.filter(session__in=recent.values("pk"), cue=CueTap.HAPPY)
        .exclude(stroke="")
        .values("stroke")
        .annotate(happy=Count("id"))
        .order_by("-happy", "stroke")
    )
    return [{"stroke": row["stroke"], "happy": row["happy"]} for row in rows]


def diary_list(user: Any, baby: Baby) -> QuerySet[DiaryEntry]:
    if not policy.practice_babies_for(user).filter(pk=baby.pk).exists():
        return DiaryEntry.objects.none()
    return (
        DiaryEntry.objects.filter(baby=baby)
        .select_related("carer")
        .order_by("-date", "-created_at")
    )

"""The parent's home page, practice part: for each baby, this week's routine, the last few
sessions, and what the baby has enjoyed. A fixed number of queries per baby, whatever the
length of the history behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nurture.curriculum.models import Stroke
from nurture.families.models import Baby
from nurture.practice import plans, selectors
from nurture.practice.models import PracticeSession

RECENT = 3
ENJOYED = 3
ENOUGH_SESSIONS = 3
"""Fewer sessions than this say too little about what a baby enjoys."""


@dataclass(frozen=True)
class BabyPractice:
    baby: Baby
    routine: plans.RoutineChoice | None
    areas: list[str]
    recent: list[PracticeSession]
    enjoyed: list[dict[str, Any]] = field(default_factory=list)


def practice_for_home(user: Any, babies: list[Baby]) -> list[BabyPractice]:
    found = []
    for baby in babies:
        cards = plans.cards_for_family(user, baby)
        recent = list(
            PracticeSession.objects.filter(baby=baby)
            .select_related("carer")
            .order_by("-started_at")[: max(RECENT, ENOUGH_SESSIONS)]
        )
        enjoyed: list[dict[str, Any]] = []
        if len(recent) >= ENOUGH_SESSIONS:
            top = selectors.enjoyed(baby)[:ENJOYED]
            names = dict(
                Stroke.objects.filter(slug__in=[row["stroke"] for row in top]).values_list(
                    "slug", "name"
                )
            )
            enjoyed = [{**row, "name": names.get(row["stroke"], row["stroke"])} for row in top]
        found.append(
            BabyPractice(
                baby=baby,
                routine=plans.this_week(cards) if cards else None,
                areas=[card.area.name for card in cards.areas] if cards else [],
                recent=recent[:RECENT],
                enjoyed=enjoyed,
            )
        )
    return found
